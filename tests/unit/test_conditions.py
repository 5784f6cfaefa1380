"""Conditional HEAD: date and ETag input, If-* headers, RFC 7232 evaluation, explanations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ossbrowse.oss.conditions import build_head_request, evaluate_preconditions, request_headers
from ossbrowse.oss.etags import MAX_ETAG_LENGTH, normalize_etag
from ossbrowse.oss.explain import RULES, explain
from ossbrowse.oss.httpdates import format_http_date, parse_date_input, parse_http_date
from ossbrowse.oss.results import HeadRequest, Verdict
from ossbrowse.oss.validation import InputError, InputErrors

RFC_EXAMPLE = datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)
ETAG = '"5B3C1A2E053D763E1B002CC607C5A0FE"'
OTHER = '"0123456789ABCDEF0123456789ABCDEF"'
LM = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
LM_TEXT = "Wed, 01 May 2024 12:00:00 GMT"
BEFORE = "Wed, 01 May 2024 11:59:59 GMT"
AFTER = "Wed, 01 May 2024 12:00:01 GMT"


# --- HTTP dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Sun, 06 Nov 1994 08:49:37 GMT",  # IMF-fixdate
        "Sunday, 06-Nov-94 08:49:37 GMT",  # RFC 850
        "Sun Nov  6 08:49:37 1994",  # asctime
        "sun, 06 nov 1994 08:49:37 gmt",  # case-insensitive names
        "  Sun, 06 Nov 1994 08:49:37 GMT  ",
    ],
)
def test_parse_http_date_accepts_the_three_forms(text: str) -> None:
    assert parse_http_date(text) == RFC_EXAMPLE


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "Sun, 06 Nov 1994 08:49:37",  # no zone
        "Sun, 06 Nov 1994 08:49:37 UTC",  # HTTP-date is GMT only
        "Sun, 06 Nov 1994 08:49:37 +0000",
        "Sun, 31 Feb 1994 08:49:37 GMT",  # no such day
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:49:60 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "1994-11-06T08:49:37Z",  # ISO is user input, not an HTTP-date
        "Sun, 06 Nov 1994 08:49:37 GMT" + " " * 100,
    ],
)
def test_parse_http_date_rejects_everything_else(text: str) -> None:
    assert parse_http_date(text) is None


@pytest.mark.parametrize("ahead", [-49, -40, 0, 10, 50, 51, 60, 99])
def test_rfc850_two_digit_year_is_at_most_50_years_ahead(ahead: int) -> None:
    # RFC 7231 §7.1.1.1: a two-digit year more than 50 years in the future is in the past.
    this_year = datetime.now(UTC).year
    yy = (this_year + ahead) % 100
    parsed = parse_http_date(f"Monday, 01-Jan-{yy:02d} 00:00:00 GMT")
    assert parsed is not None
    expected = this_year + ahead if ahead <= 50 else this_year + ahead - 100
    assert parsed.year == expected


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        (RFC_EXAMPLE, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC), "Thu, 29 Feb 2024 23:59:59 GMT"),
        (
            datetime(2024, 3, 1, 7, 0, 0, tzinfo=timezone(timedelta(hours=8))),
            "Thu, 29 Feb 2024 23:00:00 GMT",
        ),
        (datetime(2024, 1, 1), "Mon, 01 Jan 2024 00:00:00 GMT"),  # naive = UTC
    ],
)
def test_format_http_date(dt: datetime, expected: str) -> None:
    assert format_http_date(dt) == expected


@pytest.mark.parametrize("days", [0, 1, 59, 365, 3000, 20000])
def test_format_then_parse_round_trips(days: int) -> None:
    dt = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=days, seconds=days * 37)
    assert parse_http_date(format_http_date(dt)) == dt


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sun, 06 Nov 1994 08:49:37 GMT", RFC_EXAMPLE),
        ("Sunday, 06-Nov-94 08:49:37 GMT", RFC_EXAMPLE),
        ("Sun Nov  6 08:49:37 1994", RFC_EXAMPLE),
        ("1994-11-06T08:49:37Z", RFC_EXAMPLE),
        ("1994-11-06T08:49:37+00:00", RFC_EXAMPLE),
        ("1994-11-06T16:49:37+08:00", RFC_EXAMPLE),
        ("1994-11-06T03:49:37-05:00", RFC_EXAMPLE),
        ("1994-11-06 08:49:37", RFC_EXAMPLE),  # naive: UTC
        ("1994-11-06T08:49:37.999Z", RFC_EXAMPLE),  # sub-seconds dropped
        ("1994-11-06", datetime(1994, 11, 6, tzinfo=UTC)),  # date only: midnight UTC
    ],
)
def test_parse_date_input(text: str, expected: datetime) -> None:
    parsed = parse_date_input(text, "if_modified_since")
    assert parsed == expected
    assert parsed.tzinfo is not None and parsed.utcoffset() == timedelta(0)
    assert parsed.microsecond == 0


@pytest.mark.parametrize(
    "text", ["", "   ", "tomorrow", "2024-13-01", "2024-02-30", "06/11/1994", "1800-01-01"]
)
def test_parse_date_input_names_the_field_and_shows_an_example(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_date_input(text, "if_unmodified_since")
    assert info.value.field == "if_unmodified_since"
    assert str(info.value).startswith("if_unmodified_since:")
    if text.strip() and text != "1800-01-01":
        assert "GMT" in info.value.message and "Z" in info.value.message


# --- ETags ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wire"),
    [
        ("5B3C1A2E053D763E1B002CC607C5A0FE", ETAG),
        (ETAG, ETAG),
        (f"  {ETAG}  ", ETAG),
        ("*", "*"),
        (" * ", "*"),
        ('W/"abc"', 'W/"abc"'),
        ('w/"abc"', 'W/"abc"'),
        ("W/abc", 'W/"abc"'),
        ("abc-3", '"abc-3"'),
        ("a,b", '"a", "b"'),
        ('"a" , b ,W/"c"', '"a", "b", W/"c"'),
        ('"a,b"', '"a,b"'),  # a quoted ETag may hold a comma
        ("5b3c1a2e", '"5b3c1a2e"'),  # case kept exactly
    ],
)
def test_normalize_etag(text: str, wire: str) -> None:
    assert normalize_etag(text, "if_match") == wire


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("a\nb", "control"),
        ("a\x00", "control"),
        ("a\x7f", "control"),
        ("a,,b", "item 2 of the list is empty"),
        ("a,", "item 2 of the list is empty"),
        (",a", "item 1 of the list is empty"),
        ('ab"c', "quote inside"),
        ('"abc"def', "quote inside"),
        ('"abc', "never closed"),
        ('""', "empty"),
        ("W/", "empty"),
        ("*, a", "cannot be combined"),
        ("a b", "spaces"),
        ("é", "ASCII"),
        ("a" * (MAX_ETAG_LENGTH + 1), f"at most {MAX_ETAG_LENGTH}"),
        (",".join(["a" * 200] * 30), "at most 4096"),
    ],
)
def test_normalize_etag_rejects_with_a_clear_message(text: str, words: str) -> None:
    with pytest.raises(InputError) as info:
        normalize_etag(text, "if_none_match")
    assert info.value.field == "if_none_match"
    assert words in info.value.message


# --- build_head_request / request_headers ---------------------------------------------------


def test_build_head_request_normalises_every_field() -> None:
    req = build_head_request(
        bucket="my-bucket",
        key="dir/a b+c.txt",
        version_id="CAEQ****",
        if_match="5B3C1A2E053D763E1B002CC607C5A0FE",
        if_none_match='W/"x"',
        if_modified_since="2024-05-01T20:00:00+08:00",
        if_unmodified_since="Wed, 01 May 2024 12:00:00 GMT",
    )
    assert req == HeadRequest(
        bucket="my-bucket",
        key="dir/a b+c.txt",
        version_id="CAEQ****",
        if_match=ETAG,
        if_none_match='W/"x"',
        if_modified_since=LM,
        if_unmodified_since=LM,
    )
    assert request_headers(req) == {
        "If-Match": ETAG,
        "If-Unmodified-Since": LM_TEXT,
        "If-None-Match": 'W/"x"',
        "If-Modified-Since": LM_TEXT,
    }


def test_empty_optional_fields_are_not_set() -> None:
    req = build_head_request(bucket="my-bucket", key="k", if_match="  ", if_modified_since=" ")
    assert req == HeadRequest(bucket="my-bucket", key="k")
    assert not req.has_conditions
    assert request_headers(req) == {}


def test_build_head_request_collects_every_error_naming_each_field() -> None:
    with pytest.raises(InputErrors) as info:
        build_head_request(
            bucket="Bad_Bucket",
            key="/leading",
            version_id="has space",
            if_match='"open',
            if_none_match="a,,b",
            if_modified_since="not a date",
            if_unmodified_since="2024-02-30",
        )
    fields = [e.field for e in info.value.errors]
    assert fields == [
        "bucket",
        "key",
        "version_id",
        "if_match",
        "if_none_match",
        "if_modified_since",
        "if_unmodified_since",
    ]
    for name in fields:
        assert f"{name}:" in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"bucket": ""}, "bucket"),
        ({"key": ""}, "key"),
        ({"key": "x" * 1024}, "key"),
        ({"version_id": "a\tb"}, "version_id"),
        ({"if_match": "a\x01"}, "if_match"),
        ({"if_none_match": "*,*"}, "if_none_match"),
        ({"if_modified_since": "32 Jan 2024"}, "if_modified_since"),
        ({"if_unmodified_since": "2024-01-01T25:00:00Z"}, "if_unmodified_since"),
    ],
)
def test_one_bad_field_is_named_alone(kwargs: dict[str, str], field: str) -> None:
    args = {"bucket": "good-bucket", "key": "k"} | kwargs
    with pytest.raises(InputErrors) as info:
        build_head_request(**args)
    assert [e.field for e in info.value.errors] == [field]


# --- evaluate_preconditions: RFC 7232 §6 --------------------------------------------------


def _eval(
    im: str | None = None,
    inm: str | None = None,
    ims: str | None = None,
    ius: str | None = None,
    etag: str = ETAG,
) -> int:
    return evaluate_preconditions(
        etag=etag,
        last_modified=LM.replace(microsecond=654321),  # stored with sub-seconds; compared in s
        if_match=im,
        if_none_match=inm,
        if_modified_since=ims,
        if_unmodified_since=ius,
    )


@pytest.mark.parametrize(
    ("im", "inm", "ims", "ius", "expected"),
    [
        # no conditions
        (None, None, None, None, 200),
        # If-Match alone
        (ETAG, None, None, None, 200),
        (OTHER, None, None, None, 412),
        ("*", None, None, None, 200),
        (f"{OTHER}, {ETAG}", None, None, None, 200),
        (ETAG.strip('"'), None, None, None, 200),  # bare value: quotes are not compared
        (f"W/{ETAG}", None, None, None, 412),  # strong comparison: weak never matches
        (ETAG.lower(), None, None, None, 412),  # opaque tags compare exactly
        # If-Unmodified-Since alone
        (None, None, None, LM_TEXT, 200),  # equal: not modified after it
        (None, None, None, AFTER, 200),
        (None, None, None, BEFORE, 412),
        (None, None, None, "garbage", 200),  # unparsable: ignored
        # If-None-Match alone
        (None, ETAG, None, None, 304),
        (None, OTHER, None, None, 200),
        (None, "*", None, None, 304),
        (None, f"W/{ETAG}", None, None, 304),  # weak comparison
        (None, f"{OTHER}, W/{ETAG}", None, None, 304),
        (None, ETAG.lower(), None, None, 200),
        # If-Modified-Since alone
        (None, None, LM_TEXT, None, 304),  # equal → 304
        (None, None, AFTER, None, 304),
        (None, None, "Fri, 01 Jan 2100 00:00:00 GMT", None, 304),  # future → 304, as OSS
        (None, None, BEFORE, None, 200),
        (None, None, "not a date", None, 200),  # unparsable: ignored
        (None, None, "Sunday, 01-May-24 11:00:00 GMT", None, 200),  # RFC 850 is understood
        # If-Match masks If-Unmodified-Since
        (ETAG, None, None, BEFORE, 200),
        (OTHER, None, None, AFTER, 412),
        # If-None-Match masks If-Modified-Since
        (None, OTHER, LM_TEXT, None, 200),
        (None, ETAG, BEFORE, None, 304),
        # If-Match / If-Unmodified-Since are checked before If-None-Match / If-Modified-Since
        (OTHER, ETAG, None, None, 412),
        (None, ETAG, None, BEFORE, 412),
        (OTHER, None, LM_TEXT, None, 412),
        (ETAG, ETAG, None, None, 304),
        (ETAG, OTHER, None, None, 200),
        (None, None, LM_TEXT, LM_TEXT, 304),
        (None, None, BEFORE, AFTER, 200),
        (ETAG, None, LM_TEXT, BEFORE, 304),
        ("*", "*", None, None, 304),
        # all four
        (ETAG, OTHER, LM_TEXT, BEFORE, 200),
        (ETAG, ETAG, BEFORE, BEFORE, 304),
        (OTHER, OTHER, BEFORE, AFTER, 412),
    ],
)
def test_evaluate_preconditions_matrix(
    im: str | None, inm: str | None, ims: str | None, ius: str | None, expected: int
) -> None:
    assert _eval(im, inm, ims, ius) == expected


def test_evaluate_preconditions_accepts_an_unquoted_stored_etag() -> None:
    assert _eval(im=ETAG, etag=ETAG.strip('"')) == 200
    assert _eval(inm=ETAG.strip('"'), etag=ETAG.strip('"')) == 304


def test_weak_stored_etag_never_passes_if_match() -> None:
    assert _eval(im='W/"abc"', etag='W/"abc"') == 412
    assert _eval(im='"abc"', etag='W/"abc"') == 412
    assert _eval(inm='"abc"', etag='W/"abc"') == 304


def test_naive_last_modified_is_taken_as_utc() -> None:
    status = evaluate_preconditions(
        etag=ETAG,
        last_modified=datetime(2024, 5, 1, 12, 0, 0),
        if_match=None,
        if_none_match=None,
        if_modified_since=LM_TEXT,
        if_unmodified_since=None,
    )
    assert status == 304


@pytest.mark.parametrize("junk", ['"unterminated', ",,,", "", " ", '"a" junk'])
def test_malformed_etag_headers_never_raise(junk: str) -> None:
    assert _eval(im=junk) == 412
    assert _eval(inm=junk) == 200


# --- explain ----------------------------------------------------------------------------------


def _req(**kwargs: str) -> HeadRequest:
    return build_head_request(bucket="my-bucket", key="a.txt", **kwargs)


def _verdicts(checks) -> dict[str, Verdict]:  # type: ignore[no-untyped-def]
    return {c.header: c.verdict for c in checks}


def test_explain_without_conditions() -> None:
    req = _req()
    assert explain(req, 200, ETAG, LM_TEXT) == ((), "No conditions sent; the object exists.")
    checks, summary = explain(req, 404, None, None)
    assert checks == () and "No conditions sent" in summary and "404 Not Found" in summary
    checks, summary = explain(req, None, None, None)
    assert checks == () and "no answer" in summary


def test_explain_304_from_if_none_match_names_both_etags() -> None:
    checks, summary = explain(_req(if_none_match=ETAG), 304, ETAG, LM_TEXT)
    assert summary == (
        f"If-None-Match {ETAG} matched the object's ETag {ETAG}, so OSS answered 304 Not Modified."
    )
    (check,) = checks
    assert check.header == "If-None-Match"
    assert check.sent == ETAG
    assert check.object_value == ETAG
    assert check.verdict is Verdict.FAILED
    assert check.rule == RULES["If-None-Match"]


def test_explain_304_without_any_header_infers_from_status() -> None:
    checks, summary = explain(_req(if_none_match=ETAG), 304, None, None)
    (check,) = checks
    assert check.verdict is Verdict.FAILED
    assert check.object_value is None
    assert "did not send" in check.explanation
    assert "304 Not Modified" in summary


def test_explain_304_from_equal_if_modified_since_says_equal_counts() -> None:
    checks, summary = explain(_req(if_modified_since=LM_TEXT), 304, ETAG, LM_TEXT)
    assert _verdicts(checks) == {"If-Modified-Since": Verdict.FAILED}
    assert "equal" in summary and "304 Not Modified" in summary
    assert "whole seconds" in checks[0].explanation


def test_explain_200_every_evaluated_condition_passed() -> None:
    req = _req(if_match=ETAG, if_modified_since=BEFORE)
    checks, summary = explain(req, 200, ETAG, LM_TEXT)
    assert _verdicts(checks) == {"If-Match": Verdict.PASSED, "If-Modified-Since": Verdict.PASSED}
    assert summary.startswith("Every evaluated condition passed")
    assert "200 OK" in summary


def test_explain_200_without_etag_or_last_modified_still_passes_from_status() -> None:
    req = _req(if_match=ETAG, if_unmodified_since=AFTER)
    checks, _ = explain(req, 200, None, None)
    assert _verdicts(checks) == {"If-Match": Verdict.PASSED, "If-Unmodified-Since": Verdict.IGNORED}
    assert "did not send" in checks[0].explanation


def test_explain_masked_conditions_are_ignored_with_the_reason() -> None:
    req = _req(if_match=ETAG, if_unmodified_since=BEFORE)
    checks, summary = explain(req, 200, ETAG, LM_TEXT)
    assert _verdicts(checks) == {"If-Match": Verdict.PASSED, "If-Unmodified-Since": Verdict.IGNORED}
    ius = checks[1]
    assert "If-Match was sent" in ius.explanation
    assert "would have failed" in ius.explanation
    assert "If-Unmodified-Since" in summary


def test_explain_412_from_if_match_and_later_conditions_not_evaluated() -> None:
    req = _req(if_match=OTHER, if_none_match=ETAG)
    checks, summary = explain(req, 412, ETAG, LM_TEXT)
    assert _verdicts(checks) == {"If-Match": Verdict.FAILED, "If-None-Match": Verdict.IGNORED}
    assert summary == (
        f"If-Match {OTHER} did not match the object's ETag {ETAG}, "
        "so OSS answered 412 Precondition Failed."
    )
    assert "Not evaluated" in checks[1].explanation


def test_explain_412_from_if_unmodified_since() -> None:
    checks, summary = explain(_req(if_unmodified_since=BEFORE), 412, None, LM_TEXT)
    assert _verdicts(checks) == {"If-Unmodified-Since": Verdict.FAILED}
    assert LM_TEXT in summary and BEFORE in summary and "412" in summary


def test_explain_412_when_oss_does_not_mask_if_unmodified_since() -> None:
    # If-Match visibly matched and If-Unmodified-Since visibly failed: the 412 came from the
    # latter, whatever RFC 7232 says about masking.
    req = _req(if_match=ETAG, if_unmodified_since=BEFORE)
    checks, summary = explain(req, 412, ETAG, LM_TEXT)
    assert _verdicts(checks) == {"If-Match": Verdict.PASSED, "If-Unmodified-Since": Verdict.FAILED}
    assert summary.startswith("The object's Last-Modified")


@pytest.mark.parametrize("status", [404, 403, 500, None])
def test_explain_error_statuses_evaluate_nothing(status: int | None) -> None:
    req = _req(if_match=ETAG, if_modified_since=BEFORE)
    checks, summary = explain(req, status, None, None)
    assert set(_verdicts(checks).values()) == {Verdict.UNKNOWN}
    assert "not evaluated" in summary
    if status is not None:
        assert str(status) in summary


@pytest.mark.parametrize(
    ("sent", "object_etag", "trap"),
    [
        ('W/"5B3C1A2E053D763E1B002CC607C5A0FE"', ETAG, "weak W/ tag never passes If-Match"),
        (ETAG.lower(), ETAG, "only in letter case"),
        ('"D41D8CD98F00B204E9800998ECF8427E"', '"3C8F2A1B5D6E7F809A1B2C3D4E5F6071-6"', "multipart"),
    ],
)
def test_explain_points_out_etag_traps(sent: str, object_etag: str, trap: str) -> None:
    checks, _ = explain(_req(if_match=sent), 412, object_etag, LM_TEXT)
    assert checks[0].verdict is Verdict.FAILED
    assert trap in checks[0].explanation


def test_explain_star() -> None:
    checks, summary = explain(_req(if_none_match="*"), 304, None, None)
    assert checks[0].verdict is Verdict.FAILED
    assert "* matches any existing object" in summary
    checks, _ = explain(_req(if_match="*"), 200, None, None)
    assert checks[0].verdict is Verdict.PASSED


def test_explain_dates_are_shown_in_http_form() -> None:
    req = _req(if_modified_since="2024-05-01T11:59:59Z")
    checks, _ = explain(req, 200, ETAG, LM_TEXT)
    assert checks[0].sent == BEFORE
    assert checks[0].object_value == LM_TEXT


def test_explain_future_if_modified_since_mentions_future_dates() -> None:
    checks, summary = explain(_req(if_modified_since="2100-01-01"), 304, ETAG, LM_TEXT)
    assert _verdicts(checks) == {"If-Modified-Since": Verdict.FAILED}
    assert "even one in the future" in checks[0].explanation
    assert "not earlier than the object's Last-Modified" in summary
