"""What each OSS header means for the object, with a fixed clock (no textual, no network)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ossbrowse.oss.meaning import (
    HeaderMeaning,
    etag_kind,
    explain_headers,
    is_persistent_header,
    most_important,
    relative,
)

NOW = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)


def meanings(*headers: tuple[str, str]) -> dict[str, HeaderMeaning]:
    return {m.header.lower(): m for m in explain_headers(headers, now=NOW)}


def facts(meaning: HeaderMeaning) -> dict[str, object]:
    return dict(meaning.facts)


# -- storage classes and restore -------------------------------------------------------------


def test_standard_has_no_minimum_duration() -> None:
    m = meanings(("x-oss-storage-class", "Standard"))["x-oss-storage-class"]
    assert "no minimum storage duration" in m.meaning


def test_ia_names_minimum_duration_and_retrieval_fee() -> None:
    m = meanings(("x-oss-storage-class", "IA"))["x-oss-storage-class"]
    assert "30 days" in m.meaning and "retrieval fee" in m.meaning


@pytest.mark.parametrize("storage", ["Archive", "ColdArchive", "DeepColdArchive"])
def test_cold_object_without_restore_is_frozen(storage: str) -> None:
    m = meanings(("x-oss-storage-class", storage))["x-oss-storage-class"]
    assert "frozen" in m.meaning and "InvalidObjectState" in m.meaning
    assert facts(m)["state"] == "frozen"


def test_restore_in_progress() -> None:
    found = meanings(
        ("x-oss-storage-class", "Archive"), ("x-oss-restore", 'ongoing-request="true"')
    )
    assert "frozen" not in found["x-oss-storage-class"].meaning
    assert "in progress" in found["x-oss-restore"].meaning
    assert facts(found["x-oss-restore"])["state"] == "restoring"


def test_restored_until_a_future_date_says_how_long() -> None:
    value = 'ongoing-request="false", expiry-date="Thu, 03 Dec 2026 12:00:00 GMT"'
    m = meanings(("x-oss-storage-class", "Archive"), ("x-oss-restore", value))["x-oss-restore"]
    assert "can be read until Thu, 03 Dec 2026 12:00:00 GMT (in 3 days)" in m.meaning
    assert facts(m) == {"state": "restored", "expiry_date": "2026-12-03T12:00:00Z"}


def test_restored_copy_expired_months_ago_is_frozen_again() -> None:
    value = 'ongoing-request="false", expiry-date="Sat, 21 Mar 2026 09:26:53 GMT"'
    m = meanings(("x-oss-storage-class", "Archive"), ("x-oss-restore", value))["x-oss-restore"]
    assert "expired" in m.meaning and "frozen again" in m.meaning
    assert "8 months ago" in m.meaning
    assert facts(m)["state"] == "expired"


def test_unreadable_restore_value_is_said_not_raised() -> None:
    m = meanings(("x-oss-restore", "garbage[/x]"))["x-oss-restore"]
    assert "cannot read" in m.meaning


# -- object types and ETags --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("object_type", "words"),
    [
        ("Normal", "MD5 of the content"),
        ("Multipart", "not the MD5"),
        ("Appendable", "changes on every append"),
        ("Symlink", "describe the target"),
    ],
)
def test_object_types(object_type: str, words: str) -> None:
    m = meanings(("x-oss-object-type", object_type))["x-oss-object-type"]
    assert words in m.meaning


def test_next_append_position() -> None:
    m = meanings(("x-oss-next-append-position", "1717"))["x-oss-next-append-position"]
    assert "position 1717" in m.meaning and facts(m)["position"] == 1717


def test_appendable_or_symlink_etag_is_never_called_md5() -> None:
    md5_looking = '"5B3C1A2E053D763E1B002CC607C5A0FE"'
    assert etag_kind(md5_looking) == "MD5"
    assert "MD5" not in etag_kind(md5_looking, "Appendable").replace("not an MD5", "")
    assert "target" in etag_kind(md5_looking, "Symlink")
    assert etag_kind('"5B3C1A2E053D763E1B002CC607C5A0FE-3"') == "multipart, 3 parts (not an MD5)"
    assert etag_kind('W/"x"') == "weak"
    assert etag_kind(None) == ""


def test_content_md5_agreeing_with_the_etag() -> None:
    body = b"hello"
    md5 = hashlib.md5(body).digest()
    found = meanings(
        ("ETag", f'"{md5.hex().upper()}"'),
        ("Content-MD5", base64.b64encode(md5).decode()),
    )
    assert facts(found["content-md5"])["agrees_with_etag"] is True
    assert "agrees" in found["content-md5"].meaning


def test_content_md5_disagreeing_with_the_etag_is_flagged() -> None:
    md5 = hashlib.md5(b"hello").digest()
    found = meanings(
        ("ETag", '"00000000000000000000000000000000"'),
        ("Content-MD5", base64.b64encode(md5).decode()),
    )
    assert facts(found["content-md5"])["agrees_with_etag"] is False
    assert "DISAGREES" in found["content-md5"].meaning


def test_content_md5_is_not_compared_with_a_multipart_etag() -> None:
    md5 = hashlib.md5(b"hello").digest()
    found = meanings(
        ("ETag", '"00000000000000000000000000000000-2"'),
        ("Content-MD5", base64.b64encode(md5).decode()),
    )
    assert "agrees_with_etag" not in facts(found["content-md5"])


# -- encryption, tags, lifecycle, WORM, versions ---------------------------------------------------


def test_sse_kms_names_the_key_and_the_permission() -> None:
    found = meanings(
        ("x-oss-server-side-encryption", "KMS"),
        ("x-oss-server-side-encryption-key-id", "9468da86-3509-4f8d-a61e-6eab1eac****"),
    )
    m = found["x-oss-server-side-encryption"]
    assert "SSE-KMS" in m.meaning and "9468da86" in m.meaning and "kms:Decrypt" in m.meaning
    assert facts(m)["mode"] == "SSE-KMS"


def test_sse_oss() -> None:
    m = meanings(("x-oss-server-side-encryption", "AES256"))["x-oss-server-side-encryption"]
    assert "SSE-OSS" in m.meaning and "no extra permission" in m.meaning


def test_tagging_count() -> None:
    assert "2 tags" in meanings(("x-oss-tagging-count", "2"))["x-oss-tagging-count"].meaning
    assert "1 tag " in meanings(("x-oss-tagging-count", "1"))["x-oss-tagging-count"].meaning


def test_expiration_in_the_future_names_rule_and_distance() -> None:
    value = 'expiry-date="Mon, 07 Dec 2026 00:00:00 GMT", rule-id="tmp-7d"'
    m = meanings(("x-oss-expiration", value))["x-oss-expiration"]
    assert "'tmp-7d'" in m.meaning and "deletes this object" in m.meaning
    assert "(in 7 days)" in m.meaning
    assert facts(m) == {"expiry_date": "2026-12-07T00:00:00Z", "rule_id": "tmp-7d"}


def test_expiration_in_the_past_is_due() -> None:
    value = 'expiry-date="Mon, 02 Nov 2026 00:00:00 GMT", rule-id="r"'
    m = meanings(("x-oss-expiration", value))["x-oss-expiration"]
    assert "due for deletion" in m.meaning and "ago" in m.meaning


def test_transition_and_sealed_times() -> None:
    found = meanings(
        ("x-oss-transition-time", "Sun, 01 Nov 2026 00:00:00 GMT"),
        ("x-oss-sealed-time", "2026-11-29T12:00:00Z"),
    )
    assert "cold storage class" in found["x-oss-transition-time"].meaning
    assert "1 day ago" in found["x-oss-sealed-time"].meaning


def test_worm_retention_and_legal_hold() -> None:
    found = meanings(
        ("x-oss-object-worm-mode", "COMPLIANCE"),
        ("x-oss-object-worm-retain-until-date", "2027-11-30T12:00:00Z"),
        ("x-oss-object-worm-legal-hold", "ON"),
    )
    assert "compliance" in found["x-oss-object-worm-mode"].meaning
    assert "in 1 year" in found["x-oss-object-worm-retain-until-date"].meaning
    assert facts(found["x-oss-object-worm-legal-hold"])["on"] is True


def test_null_version_was_written_without_versioning() -> None:
    m = meanings(("x-oss-version-id", "null"))["x-oss-version-id"]
    assert "versioning was off or suspended" in m.meaning


def test_requester_pays_crc_and_process_status() -> None:
    found = meanings(
        ("x-oss-request-charged", "requester"),
        ("x-oss-hash-crc64ecma", "1234"),
        ("x-oss-process-status", "ok"),
    )
    assert "requester" in found["x-oss-request-charged"].meaning
    assert "verify the download" in found["x-oss-hash-crc64ecma"].meaning
    assert "x-oss-process" in found["x-oss-process-status"].meaning


def test_user_metadata_and_persistent_headers_are_user_metadata() -> None:
    found = meanings(
        ("x-oss-meta-owner", "ops"), ("myheader1", "myvalue1"), ("Content-Type", "text/plain")
    )
    assert facts(found["x-oss-meta-owner"])["group"] == "user_metadata"
    assert "persistent" in found["myheader1"].meaning
    assert "content-type" not in found
    assert is_persistent_header("MyHeader") and not is_persistent_header("Cache-Control")


def test_unknown_oss_headers_are_left_raw() -> None:
    assert "x-oss-something-new" not in meanings(("x-oss-something-new", "[/x]"))


def test_to_dict_is_flat_for_json() -> None:
    m = meanings(("x-oss-tagging-count", "3"))["x-oss-tagging-count"]
    assert m.to_dict() == {
        "header": "x-oss-tagging-count",
        "value": "3",
        "meaning": m.meaning,
        "count": 3,
    }


def test_relative_units() -> None:
    assert relative(NOW, NOW) == "now"
    assert relative(datetime(2026, 11, 30, 14, 0, tzinfo=UTC), NOW) == "in 2 hours"
    assert relative(datetime(2026, 11, 30, 11, 59, tzinfo=UTC), NOW) == "1 minute ago"


@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "x-oss-storage-class",
                    "x-oss-restore",
                    "x-oss-object-type",
                    "x-oss-next-append-position",
                    "x-oss-server-side-encryption",
                    "x-oss-tagging-count",
                    "x-oss-expiration",
                    "x-oss-transition-time",
                    "x-oss-sealed-time",
                    "x-oss-object-worm-retain-until-date",
                    "x-oss-version-id",
                    "content-md5",
                    "etag",
                    "x-oss-unknown",
                ]
            ),
            st.text(max_size=80),
        ),
        max_size=8,
    )
)
def test_any_value_gives_sentences_never_an_exception(headers: list[tuple[str, str]]) -> None:
    for meaning in explain_headers(headers, now=NOW):
        assert meaning.meaning.strip()


# -- what matters most at a glance (the explorer's preview) ------------------------------------


def headers_of(*headers: tuple[str, str]) -> list[str]:
    return [m.header for m in most_important(explain_headers(headers, now=NOW))]


@pytest.mark.parametrize(
    ("storage", "label"),
    [("Archive", "Archive"), ("ColdArchive", "Cold Archive"), ("DeepColdArchive", "Deep Cold")],
)
def test_a_frozen_object_has_a_brief_saying_a_get_fails(storage: str, label: str) -> None:
    m = meanings(("x-oss-storage-class", storage))["x-oss-storage-class"]
    assert m.short.startswith(f"{label}") and ", frozen: a GET fails with 403" in m.short
    assert len(m.short) < len(m.meaning)
    assert "brief" not in m.to_dict()  # the JSON form keeps its fields


def test_a_meaning_without_a_brief_is_its_own_short_form() -> None:
    m = meanings(("x-oss-object-type", "Appendable"))["x-oss-object-type"]
    assert m.short == m.meaning


def test_frozen_or_restore_state_comes_before_type_and_encryption() -> None:
    ranked = headers_of(
        ("ETag", '"5B3C1B2D8F5E4A3B2C1D0E9F8A7B6C5D"'),
        ("x-oss-server-side-encryption", "KMS"),
        ("x-oss-object-type", "Appendable"),
        ("x-oss-storage-class", "Archive"),
        ("x-oss-meta-owner", "ops"),
        ("x-oss-version-id", "CAEQ"),
    )
    # The object type and SSE-KMS weigh the same: they keep the order they came in.
    assert ranked == [
        "x-oss-storage-class",
        "x-oss-server-side-encryption",
        "x-oss-object-type",
    ]
    restored = headers_of(
        ("x-oss-storage-class", "Archive"),
        ("x-oss-restore", 'ongoing-request="false", expiry-date="Fri, 04 Dec 2026 09:00:00 GMT"'),
    )
    assert restored == ["x-oss-restore", "x-oss-storage-class"]


def test_an_expiry_comes_before_the_object_type() -> None:
    ranked = headers_of(
        ("x-oss-object-type", "Symlink"),
        ("x-oss-expiration", 'expiry-date="Sat, 05 Dec 2026 00:00:00 GMT", rule-id="tmp"'),
    )
    assert ranked == ["x-oss-expiration", "x-oss-object-type"]


def test_a_plain_standard_object_has_nothing_worth_a_glance() -> None:
    assert headers_of(
        ("ETag", '"5B3C1B2D8F5E4A3B2C1D0E9F8A7B6C5D"'),
        ("Content-MD5", "WzwbLY9eSjssHQ6fins2XQ=="),
        ("x-oss-storage-class", "Standard"),
        ("x-oss-object-type", "Normal"),
        ("x-oss-server-side-encryption", "AES256"),
        ("x-oss-hash-crc64ecma", "1234"),
        ("x-oss-tagging-count", "2"),
        ("x-oss-meta-owner", "ops"),
    ) == ["x-oss-server-side-encryption"]
