"""Restore state, lifecycle expiry, tags and encryption settings of emulator objects, at a fixed
clock; and that all of them survive a restart through the journal and the snapshot."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ossbrowse.emulator.errors import OssError
from ossbrowse.emulator.lifecycle import parse_lifecycle, render_lifecycle
from ossbrowse.emulator.model import LifecycleRule, ObjectVersion
from ossbrowse.emulator.object_state import (
    DEFAULT_KMS_KEY_ID,
    check_tags,
    expiration,
    expiration_header,
    readable,
    restore_header,
    restore_state,
    sse_settings,
    tags_from_header,
)
from ossbrowse.emulator.persist import DataDirError, Persistence
from ossbrowse.emulator.store import NotAppendableError, PositionNotEqualToLengthError, Store

NOW = int(datetime(2026, 3, 14, 10, 0, tzinfo=UTC).timestamp())
DAY = 86_400
ARCHIVE = ObjectVersion("a.tar", "null", NOW - 400 * DAY, storage_class="Archive")


# -- restore --------------------------------------------------------------------------------------


def test_an_archive_object_goes_frozen_restoring_restored_frozen() -> None:
    restoring = replace(ARCHIVE, restore_ready=NOW + 60, restore_until=NOW + 60 + 2 * DAY)
    assert restore_state(ARCHIVE, NOW) == ("frozen", None)
    assert restore_header(ARCHIVE, NOW) is None
    assert not readable(ARCHIVE, NOW)

    assert restore_state(restoring, NOW) == ("restoring", None)
    assert restore_header(restoring, NOW) == 'ongoing-request="true"'
    assert not readable(restoring, NOW + 59)

    assert restore_state(restoring, NOW + 60) == ("restored", NOW + 60 + 2 * DAY)
    assert restore_header(restoring, NOW + 60) == (
        'ongoing-request="false", expiry-date="Mon, 16 Mar 2026 10:01:00 GMT"'
    )
    assert readable(restoring, NOW + 60)

    later = NOW + 60 + 2 * DAY
    assert restore_state(restoring, later) == ("frozen", None)
    assert restore_header(restoring, later) is None  # the restored copy expired
    assert not readable(restoring, later)


def test_a_fixed_restore_header_is_read_against_the_clock() -> None:
    restored = replace(
        ARCHIVE, restore='ongoing-request="false", expiry-date="Sat, 21 Mar 2026 09:26:53 GMT"'
    )
    assert restore_state(restored, NOW)[0] == "restored"
    assert readable(restored, NOW)
    # After the expiry date the copy is gone: frozen, though the fixed header stays as written.
    after = int(datetime(2026, 3, 22, tzinfo=UTC).timestamp())
    assert restore_state(restored, after) == ("frozen", None)
    assert not readable(restored, after)
    assert restore_header(restored, after) == restored.restore
    ongoing = replace(ARCHIVE, restore='ongoing-request="true"')
    assert restore_state(ongoing, NOW) == ("restoring", None)


def test_standard_and_ia_objects_are_always_readable() -> None:
    assert readable(replace(ARCHIVE, storage_class="Standard"), NOW)
    assert readable(replace(ARCHIVE, storage_class="IA"), NOW)


# -- lifecycle ------------------------------------------------------------------------------------

WRITTEN = int(datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC).timestamp())
OBJECT = ObjectVersion("tmp/scratch.txt", "null", WRITTEN)


def test_days_expire_at_the_first_midnight_after_that_many_days() -> None:
    rules = [LifecycleRule("tmp-30d", "tmp/", True, days=30)]
    when, rule_id = expiration(OBJECT, rules) or (0, "")
    assert datetime.fromtimestamp(when, UTC) == datetime(2026, 4, 14, tzinfo=UTC)
    assert rule_id == "tmp-30d"
    assert expiration_header(OBJECT, rules) == (
        'expiry-date="Tue, 14 Apr 2026 00:00:00 GMT", rule-id="tmp-30d"'
    )


def test_the_earliest_enabled_matching_rule_wins() -> None:
    cutoff = int(datetime(2026, 4, 1, tzinfo=UTC).timestamp())
    rules = [
        LifecycleRule("long", "tmp/", True, days=90),
        LifecycleRule("off", "tmp/", False, days=1),
        LifecycleRule("other", "logs/", True, days=1),
        LifecycleRule("before-april", "", True, created_before=cutoff),
    ]
    assert expiration(OBJECT, rules) == (cutoff, "before-april")
    # An object written after the date is not concerned by a CreatedBeforeDate rule.
    newer = replace(OBJECT, last_modified=cutoff + 1)
    assert expiration(newer, rules[3:]) is None
    assert expiration_header(OBJECT, rules[1:3]) is None


def test_a_lifecycle_document_round_trips_and_bad_ones_are_refused() -> None:
    body = (
        b"<LifecycleConfiguration><Rule><ID>r1</ID><Prefix>tmp/</Prefix><Status>Enabled</Status>"
        b"<Expiration><Days>3</Days></Expiration></Rule><Rule><ID>r2</ID><Prefix>old/</Prefix>"
        b"<Status>Disabled</Status><Expiration><CreatedBeforeDate>2026-01-01T00:00:00.000Z"
        b"</CreatedBeforeDate></Expiration></Rule></LifecycleConfiguration>"
    )
    rules = parse_lifecycle(body)
    assert rules == (
        LifecycleRule("r1", "tmp/", True, days=3),
        LifecycleRule("r2", "old/", False, created_before=1_767_225_600),
    )
    assert parse_lifecycle(render_lifecycle(rules)) == rules
    # The older <Date> element is kept and answered back as sent.
    older = parse_lifecycle(body.replace(b"CreatedBeforeDate", b"Date"))
    assert older[1].date_element == "Date"
    assert b"<Date>2026-01-01T00:00:00.000Z</Date>" in render_lifecycle(older)

    def refused(document: bytes) -> tuple[int, str]:
        with pytest.raises(OssError) as caught:
            parse_lifecycle(document)
        return caught.value.status, caught.value.code

    rule = b"<ID>x</ID><Prefix/><Status>Enabled</Status>"
    wrap = b"<LifecycleConfiguration><Rule>%s</Rule></LifecycleConfiguration>"
    transition = b"<Transition><Days>1</Days><StorageClass>IA</StorageClass></Transition>"
    assert refused(wrap % (rule + transition)) == (501, "NotImplemented")
    noon = b"<Expiration><CreatedBeforeDate>2026-01-01T12:00:00.000Z</CreatedBeforeDate>"
    assert refused(wrap % (rule + noon + b"</Expiration>")) == (400, "InvalidArgument")
    zero = b"<Expiration><Days>0</Days></Expiration>"
    assert refused(wrap % (rule + zero)) == (400, "InvalidArgument")
    assert refused(wrap % rule) == (400, "MalformedXML")
    twice = b"<Rule>" + rule + b"<Expiration><Days>1</Days></Expiration></Rule>"
    doubled = b"<LifecycleConfiguration>" + twice + twice + b"</LifecycleConfiguration>"
    assert refused(doubled) == (400, "InvalidArgument")
    assert refused(b"<LifecycleConfiguration/>") == (400, "MalformedXML")


# -- tags and encryption --------------------------------------------------------------------------


def test_tags_are_checked_as_oss_checks_them() -> None:
    assert tags_from_header("team=data&note=a%20b&empty=") == "team=data&note=a%20b&empty="
    assert check_tags([("路径", "a+b=c.d_e:f/g")]) == (("路径", "a+b=c.d_e:f/g"),)
    with pytest.raises(OssError) as caught:
        check_tags([(f"k{i}", "v") for i in range(11)])
    assert caught.value.code == "InvalidTag"
    for bad in (
        [("", "v")],
        [("k" * 129, "v")],
        [("k", "v" * 257)],
        [("k", "1"), ("k", "2")],
        [("%@abc", "v")],
        [("k", "%abc")],
    ):
        with pytest.raises(OssError):
            check_tags(bad)
    with pytest.raises(OssError) as caught:
        tags_from_header("no-equals-sign")
    assert caught.value.code == "InvalidArgument"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, {}),
        (
            {"x-oss-server-side-encryption": "AES256"},
            {"sse": "AES256", "sse_key_id": None, "sse_data_encryption": None},
        ),
        (
            {
                "x-oss-server-side-encryption": "KMS",
                "x-oss-server-side-encryption-key-id": "key-1",
                "x-oss-server-side-data-encryption": "SM4",
            },
            {"sse": "KMS", "sse_key_id": "key-1", "sse_data_encryption": "SM4"},
        ),
        # KMS without a key id: OSS's default managed key, whose id it reports.
        (
            {"x-oss-server-side-encryption": "KMS"},
            {"sse": "KMS", "sse_key_id": DEFAULT_KMS_KEY_ID, "sse_data_encryption": None},
        ),
        # SM4 data encryption counts with KMS only; otherwise it is ignored, not refused.
        (
            {"x-oss-server-side-encryption": "AES256", "x-oss-server-side-data-encryption": "SM4"},
            {"sse": "AES256", "sse_key_id": None, "sse_data_encryption": None},
        ),
        ({"x-oss-server-side-data-encryption": "SM4"}, {}),
    ],
)
def test_encryption_headers_become_settings(
    headers: dict[str, str], expected: dict[str, str | None]
) -> None:
    assert sse_settings(headers) == expected


@pytest.mark.parametrize(
    "headers",
    [
        {"x-oss-server-side-encryption": "DES"},
        {"x-oss-server-side-encryption": "AES256", "x-oss-server-side-encryption-key-id": "k"},
        {"x-oss-server-side-encryption-key-id": "k"},
        {"x-oss-server-side-encryption": "KMS", "x-oss-server-side-data-encryption": "AES"},
    ],
)
def test_encryption_headers_oss_refuses_are_refused(headers: dict[str, str]) -> None:
    with pytest.raises(OssError) as caught:
        sse_settings(headers)
    assert caught.value.status == 400


# -- the store, and durability ----------------------------------------------------------------


def _store(root: Path) -> tuple[Store, Persistence]:
    persistence = Persistence(root)
    return Store(clock=lambda: float(NOW), persistence=persistence), persistence


def _fill(store: Store) -> None:
    store.create_bucket("b", region="cn-hangzhou")
    store.set_versioning("b", "Enabled")
    store.append_object("b", "app.log", 0, b"one\n", content_type="text/plain")
    store.append_object("b", "app.log", 4, b"two\n" * 2000)  # past the inline limit: a blob
    store.put_object("b", "t.txt", b"x", tagging="a=1")
    store.update_version("b", "t.txt", None, lambda v: replace(v, tagging="a=1&b=2"))
    store.put_object("b", "link", b"", object_type="Symlink", symlink_target="t.txt")
    store.put_object("b", "cold", b"c", storage_class="Archive", sse="KMS", sse_key_id="k1")
    store.update_version(
        "b", "cold", None, lambda v: replace(v, restore_ready=NOW + 60, restore_until=NOW + DAY)
    )
    store.set_lifecycle("b", [LifecycleRule("r", "tmp/", True, days=3)])


def _check(store: Store) -> None:
    log = store.get_object("b", "app.log")
    assert (log.body, log.object_type) == (b"one\n" + b"two\n" * 2000, "Appendable")
    assert len(store.versions_of("b", "app.log")) == 1  # appends change the version in place
    assert store.get_object("b", "t.txt").tagging == "a=1&b=2"
    assert store.get_object("b", "link").symlink_target == "t.txt"
    cold = store.get_object("b", "cold")
    assert (cold.restore_ready, cold.restore_until, cold.sse_key_id) == (NOW + 60, NOW + DAY, "k1")
    assert store.bucket_info("b").lifecycle == (LifecycleRule("r", "tmp/", True, days=3),)


def test_the_new_state_survives_a_crash_through_the_journal(tmp_path: Path) -> None:
    store, persistence = _store(tmp_path)
    _fill(store)
    persistence.close()  # no final snapshot: the journal alone has the changes
    assert (tmp_path / "journal.jsonl").read_text().count("\n") >= 9
    replayed, _ = _store(tmp_path)
    try:
        _check(replayed)
    finally:
        replayed.close()
    reopened, _ = _store(tmp_path)  # and from the snapshot that close() wrote
    try:
        _check(reopened)
    finally:
        reopened.close()


def test_append_errors_change_nothing(tmp_path: Path) -> None:
    store, _ = _store(tmp_path)
    try:
        store.create_bucket("b", region="cn-hangzhou")
        store.append_object("b", "a.log", 0, b"12345")
        with pytest.raises(PositionNotEqualToLengthError) as caught:
            store.append_object("b", "a.log", 3, b"x")
        assert caught.value.length == 5
        store.put_object("b", "n.txt", b"normal")
        with pytest.raises(NotAppendableError):
            store.append_object("b", "n.txt", 6, b"x")
        assert store.get_object("b", "a.log").body == b"12345"
        assert store.get_object("b", "n.txt").body == b"normal"
    finally:
        store.close()


def test_a_corrupt_lifecycle_change_is_named(tmp_path: Path) -> None:
    store, _ = _store(tmp_path)
    store.create_bucket("b", region="cn-hangzhou")
    store.close()
    state = tmp_path / "state.json"
    snapshot = json.loads(state.read_text())
    rule = {"id": "r", "prefix": 7, "enabled": True}
    snapshot["ops"].append({"op": "lifecycle", "name": "b", "rules": [rule]})
    state.write_text(json.dumps(snapshot))
    persistence = Persistence(tmp_path)
    try:
        with pytest.raises(DataDirError) as caught:
            Store(clock=lambda: float(NOW), persistence=persistence)
    finally:
        persistence.close()
    assert "at change 2: a lifecycle rule's id and prefix must be strings" in str(caught.value)
