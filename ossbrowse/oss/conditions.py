"""Conditional HEAD: reading dates and ETags typed by a user, evaluating and explaining If-*.

Three jobs live here because they share one set of rules:

* the client side turns user input into a validated :class:`HeadRequest` and its If-* headers;
* the server side (:func:`evaluate_preconditions`, used by the emulator) applies RFC 7232 §6;
* :func:`explain` tells the user which condition decided a 200 / 304 / 412 and why.

Dates have one-second granularity on the wire (HTTP-date), so sub-seconds are dropped on input
and in every comparison. A date-only or naive ISO 8601 value is taken as UTC.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from http import HTTPStatus

from ossbrowse.oss.results import ConditionCheck, HeadRequest, Verdict
from ossbrowse.oss.validation import (
    InputError,
    InputErrors,
    check_bucket,
    check_key,
    check_version_id,
)

# ---------------------------------------------------------------------------------------------
# HTTP dates
# ---------------------------------------------------------------------------------------------

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUMBER = {name.lower(): i + 1 for i, name in enumerate(_MONTHS)}
_LONG_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"

# RFC 7231 §7.1.1.1. Names are matched case-insensitively: senders are told to use the exact
# case, but a recipient loses nothing by being tolerant, and OSS itself is.
_IMF_RE = re.compile(
    r"(?:mon|tue|wed|thu|fri|sat|sun), (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) gmt",
    re.IGNORECASE,
)
_RFC850_RE = re.compile(
    rf"(?:{_LONG_DAYS}), (\d{{2}})-([a-z]{{3}})-(\d{{2}}) (\d{{2}}):(\d{{2}}):(\d{{2}}) gmt",
    re.IGNORECASE,
)
_ASCTIME_RE = re.compile(
    r"(?:mon|tue|wed|thu|fri|sat|sun) ([a-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})",
    re.IGNORECASE,
)
_DATE_EXAMPLE = "e.g. 'Sun, 06 Nov 1994 08:49:37 GMT' or '1994-11-06T08:49:37Z'"


def format_http_date(dt: datetime) -> str:
    """Format ``dt`` as an RFC 1123 (IMF-fixdate) GMT date, e.g. ``Sun, 06 Nov 1994 08:49:37 GMT``.

    A naive datetime is taken as UTC; sub-seconds are dropped. Names are written by hand, not
    with ``strftime``, because ``%a``/``%b`` follow the process locale.
    """
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    dt = dt.astimezone(UTC)
    return (
        f"{_DAYS[dt.weekday()]}, {dt.day:02d} {_MONTHS[dt.month - 1]} {dt.year:04d} "
        f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d} GMT"
    )


def _build(year: int, month_name: str, day: int, hh: int, mm: int, ss: int) -> datetime | None:
    month = _MONTH_NUMBER.get(month_name.lower())
    if month is None:
        return None
    try:
        return datetime(year, month, day, hh, mm, ss, tzinfo=UTC)
    except ValueError:  # 31 Feb, 25:00, second 60...
        return None


def parse_http_date(text: str) -> datetime | None:
    """Parse an HTTP-date (IMF-fixdate, RFC 850 or asctime) into an aware UTC datetime.

    Returns None when ``text`` is not a valid HTTP-date; a server must then ignore the
    condition that carried it (RFC 7232 §3.3, §3.4).
    """
    if not isinstance(text, str) or len(text) > 64:
        return None
    text = text.strip()
    if m := _IMF_RE.fullmatch(text):
        day, mon, year, hh, mm, ss = m.groups()
        return _build(int(year), mon, int(day), int(hh), int(mm), int(ss))
    if m := _RFC850_RE.fullmatch(text):
        day, mon, yy, hh, mm, ss = m.groups()
        # RFC 7231: a two-digit year that looks more than 50 years in the future is in the past.
        this_year = datetime.now(UTC).year
        year = this_year - this_year % 100 + int(yy)
        if year > this_year + 50:
            year -= 100
        return _build(year, mon, int(day), int(hh), int(mm), int(ss))
    if m := _ASCTIME_RE.fullmatch(text):
        mon, day, hh, mm, ss, year = m.groups()
        return _build(int(year), mon, int(day.strip()), int(hh), int(mm), int(ss))
    return None


def parse_date_input(text: str, field: str) -> datetime:
    """Read a date typed by a user: any HTTP-date form, or ISO 8601.

    ISO 8601 may carry ``Z`` or an offset (``+08:00``); a naive value or a date alone
    (``2024-05-01``) is taken as UTC. Sub-seconds are dropped: HTTP dates carry whole seconds.
    Raises :class:`InputError` naming ``field`` when the text is neither.
    """
    value = text.strip()
    if not value:
        raise InputError(field, f"is empty; give a date, {_DATE_EXAMPLE}")
    parsed = parse_http_date(value)
    if parsed is None:
        parsed = _parse_iso(value)
    if parsed is None:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise InputError(
            field, f"{shown!r} is not a date; use an HTTP or ISO 8601 date, {_DATE_EXAMPLE}"
        )
    if parsed.year < 1970:
        raise InputError(field, f"{format_http_date(parsed)} is before 1970; OSS has no such dates")
    return parsed.replace(microsecond=0)


def _parse_iso(value: str) -> datetime | None:
    if len(value) > 64 or not value[:1].isdigit():
        return None
    # Python 3.11 understands "Z", offsets, "T" or " " as separator, and date-only forms.
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value), datetime.min.time())
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:59:59-01:00
        return None


# ---------------------------------------------------------------------------------------------
# ETags
# ---------------------------------------------------------------------------------------------

MAX_ETAG_LENGTH = 256
"""Longest single ETag accepted. OSS ETags are 34 characters; this leaves room for others."""
MAX_ETAG_HEADER_LENGTH = 4096
"""Longest If-Match / If-None-Match value accepted (a list of ETags)."""


@dataclass(frozen=True)
class _Tag:
    weak: bool
    opaque: str
    """The value between the quotes."""
    quoted: bool = True

    @property
    def wire(self) -> str:
        return f'{"W/" if self.weak else ""}"{self.opaque}"'


def _tokenize_etags(value: str) -> list[_Tag | None] | None:
    """Split an ETag list into tags, honouring quotes (a quoted ETag may hold a comma).

    An empty list item becomes None. Returns None when a quote is left open.
    """
    items: list[_Tag | None] = []
    i, n = 0, len(value)
    while True:
        while i < n and value[i] in " \t":
            i += 1
        weak = value[i : i + 2] in ("W/", "w/")
        if weak:
            i += 2
        start = i
        if i < n and value[i] == '"':
            close = value.find('"', i + 1)
            if close < 0:
                return None
            after = close + 1
            while after < n and value[after] in " \t":
                after += 1
            if after < n and value[after] != ",":
                # Text after the closing quote: keep the whole item so validation can show it.
                end = value.find(",", after)
                end = n if end < 0 else end
                items.append(_Tag(weak, value[start:end].strip(" \t"), quoted=False))
                i = end
            else:
                items.append(_Tag(weak, value[start + 1 : close], quoted=True))
                i = after
        else:
            end = value.find(",", i)
            end = n if end < 0 else end
            bare = value[i:end].strip(" \t")
            items.append(_Tag(weak, bare, quoted=False) if bare or weak else None)
            i = end
        if i >= n:
            return items
        i += 1  # the comma


def normalize_etag(text: str, field: str) -> str:
    """Turn a user's If-Match / If-None-Match value into the header value to send.

    Accepts a quoted or bare ETag, ``*``, a weak ``W/"..."`` tag, or a comma-separated list of
    those. Bare values are quoted, as HTTP requires; letter case is kept exactly (OSS ETags are
    upper-case hex and compare exactly). Raises :class:`InputError` naming ``field``.
    """
    value = text.strip()
    if not value:
        raise InputError(field, 'is empty; give an ETag, e.g. "5B3C1A2E053D763E1B002CC607C5A0FE"')
    for ch in value:
        if ord(ch) < 0x20 or ord(ch) == 0x7F:
            raise InputError(field, f"must not contain control characters (found U+{ord(ch):04X})")
    if len(value) > MAX_ETAG_HEADER_LENGTH:
        raise InputError(
            field, f"is {len(value)} characters long; at most {MAX_ETAG_HEADER_LENGTH} are accepted"
        )
    if not value.isascii():
        raise InputError(
            field, "must contain only ASCII characters (an ETag is never anything else)"
        )
    if value == "*":
        return "*"
    items = _tokenize_etags(value)
    if items is None:
        raise InputError(field, "has a quote that is never closed")
    tags: list[str] = []
    for position, tag in enumerate(items, start=1):
        where = f"item {position} of the list" if len(items) > 1 else "the ETag"
        if tag is None:
            raise InputError(field, f"{where} is empty (check for doubled or trailing commas)")
        if tag.opaque == "*" and not tag.quoted:
            raise InputError(field, "'*' means any object and cannot be combined with ETags")
        if not tag.opaque:
            raise InputError(field, f'{where} is empty ("" is not a useful ETag)')
        if '"' in tag.opaque:
            raise InputError(
                field,
                f'{where} {tag.opaque!r} has a quote inside it; write it as "VALUE" or VALUE',
            )
        if any(c in " \t" for c in tag.opaque):
            raise InputError(field, f"{where} {tag.opaque!r} must not contain spaces")
        if len(tag.opaque) > MAX_ETAG_LENGTH:
            raise InputError(
                field, f"{where} is {len(tag.opaque)} characters; at most {MAX_ETAG_LENGTH}"
            )
        tags.append(tag.wire)
    return ", ".join(tags)


def _parse_tag(value: str) -> _Tag:
    """Read one ETag as a server or response sends it, tolerating missing quotes."""
    value = value.strip()
    weak = value[:2] in ("W/", "w/")
    if weak:
        value = value[2:]
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return _Tag(weak, value[1:-1])
    return _Tag(weak, value.strip('"'), quoted=False)


def _parse_header_tags(value: str) -> list[_Tag]:
    """Read an If-Match / If-None-Match header leniently (server side): never raises."""
    items = _tokenize_etags(value)
    if items is None:  # an unclosed quote: fall back to a plain comma split
        return [_parse_tag(part) for part in value.split(",") if part.strip()]
    return [
        _Tag(t.weak, t.opaque.strip('"'), t.quoted) for t in items if t is not None and t.opaque
    ]


def _strong_match(a: _Tag, b: _Tag) -> bool:
    return not a.weak and not b.weak and a.opaque == b.opaque


def _weak_match(a: _Tag, b: _Tag) -> bool:
    return a.opaque == b.opaque


# ---------------------------------------------------------------------------------------------
# Building the request
# ---------------------------------------------------------------------------------------------


def build_head_request(
    *,
    bucket: str,
    key: str,
    version_id: str = "",
    if_match: str = "",
    if_none_match: str = "",
    if_modified_since: str = "",
    if_unmodified_since: str = "",
) -> HeadRequest:
    """Validate every field and build a :class:`HeadRequest`.

    An empty (or all-blank) optional field means "not set". Raises :class:`InputErrors` listing
    every bad field at once, so a form can mark them all.
    """
    errors: list[InputError] = []

    def attempt(fn, *args):  # type: ignore[no-untyped-def]
        try:
            return fn(*args)
        except InputError as exc:
            errors.append(exc)
            return None

    attempt(check_bucket, bucket)
    attempt(check_key, key)
    vid = attempt(check_version_id, version_id) if version_id else None
    im = attempt(normalize_etag, if_match, "if_match") if if_match.strip() else None
    inm = attempt(normalize_etag, if_none_match, "if_none_match") if if_none_match.strip() else None
    ims = (
        attempt(parse_date_input, if_modified_since, "if_modified_since")
        if if_modified_since.strip()
        else None
    )
    ius = (
        attempt(parse_date_input, if_unmodified_since, "if_unmodified_since")
        if if_unmodified_since.strip()
        else None
    )
    if errors:
        raise InputErrors(errors)
    return HeadRequest(
        bucket=bucket,
        key=key,
        version_id=vid or None,
        if_match=im,
        if_none_match=inm,
        if_modified_since=ims,
        if_unmodified_since=ius,
    )


def request_headers(request: HeadRequest) -> dict[str, str]:
    """The conditional headers to send for ``request``, in RFC 7232 evaluation order."""
    headers: dict[str, str] = {}
    if request.if_match is not None:
        headers["If-Match"] = request.if_match
    if request.if_unmodified_since is not None:
        headers["If-Unmodified-Since"] = format_http_date(request.if_unmodified_since)
    if request.if_none_match is not None:
        headers["If-None-Match"] = request.if_none_match
    if request.if_modified_since is not None:
        headers["If-Modified-Since"] = format_http_date(request.if_modified_since)
    return headers


# ---------------------------------------------------------------------------------------------
# Server side: RFC 7232 §6
# ---------------------------------------------------------------------------------------------


def _whole_seconds(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).replace(microsecond=0)


def _if_match_passes(header: str, etag: _Tag) -> bool:
    if header.strip() == "*":
        return True  # the object exists: the caller only evaluates conditions for one
    return any(_strong_match(tag, etag) for tag in _parse_header_tags(header))


def _if_none_match_passes(header: str, etag: _Tag) -> bool:
    if header.strip() == "*":
        return False
    return not any(_weak_match(tag, etag) for tag in _parse_header_tags(header))


def evaluate_preconditions(
    *,
    etag: str,
    last_modified: datetime,
    if_match: str | None,
    if_none_match: str | None,
    if_modified_since: str | None,
    if_unmodified_since: str | None,
) -> int:
    """Evaluate the If-* headers of a GET/HEAD against an existing object: 200, 304 or 412.

    RFC 7232 §6 order: If-Match (strong comparison) → 412, and its presence masks
    If-Unmodified-Since; else If-Unmodified-Since → 412; then If-None-Match (weak comparison)
    → 304, and its presence masks If-Modified-Since; else If-Modified-Since → 304. A date that
    is not a valid HTTP-date is ignored. An If-Modified-Since equal to or later than
    Last-Modified gives 304, future dates included, as OSS does. Times compare in whole seconds.
    """
    object_tag = _parse_tag(etag)
    modified = _whole_seconds(last_modified)
    if if_match is not None:
        if not _if_match_passes(if_match, object_tag):
            return 412
    elif if_unmodified_since is not None:
        limit = parse_http_date(if_unmodified_since)
        if limit is not None and modified > limit:
            return 412
    if if_none_match is not None:
        if not _if_none_match_passes(if_none_match, object_tag):
            return 304
    elif if_modified_since is not None:
        since = parse_http_date(if_modified_since)
        if since is not None and modified <= since:
            return 304
    return 200


# ---------------------------------------------------------------------------------------------
# Client side: explaining an outcome
# ---------------------------------------------------------------------------------------------

IF_MATCH = "If-Match"
IF_NONE_MATCH = "If-None-Match"
IF_MODIFIED_SINCE = "If-Modified-Since"
IF_UNMODIFIED_SINCE = "If-Unmodified-Since"

RULES = {
    IF_MATCH: (
        "passes when the object's ETag equals one of the values, compared strongly (a weak W/ "
        "tag never matches; quotes are not part of the value; * matches any object); "
        "otherwise 412 Precondition Failed"
    ),
    IF_UNMODIFIED_SINCE: (
        "passes when the object's Last-Modified is equal to or earlier than this time "
        "(whole seconds); otherwise 412 Precondition Failed; skipped when If-Match is sent"
    ),
    IF_NONE_MATCH: (
        "passes when the object's ETag equals none of the values, compared weakly (W/ is "
        "ignored; quotes are not part of the value; * matches any object); otherwise "
        "304 Not Modified"
    ),
    IF_MODIFIED_SINCE: (
        "passes when the object's Last-Modified is later than this time (whole seconds); an "
        "equal or later time, even one in the future, gives 304 Not Modified; skipped when "
        "If-None-Match is sent"
    ),
}
"""Each conditional header's rule in words (RFC 7232 §3 and §6, as OSS applies them)."""

# The header each one masks (RFC 7232 §6), and the reverse.
_MASKS = {IF_MATCH: IF_UNMODIFIED_SINCE, IF_NONE_MATCH: IF_MODIFIED_SINCE}
_MASKED_BY = {v: k for k, v in _MASKS.items()}
_MULTIPART_RE = re.compile(r"-\d+$")


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


@dataclass
class _Cond:
    header: str
    sent: str
    """The header value as sent."""
    local: bool | None
    """Whether the condition passes, judged from the response's own values; None if unknown."""
    when: datetime | None = None


def _local_verdicts(
    request: HeadRequest, exists: bool, tag: _Tag | None, modified: datetime | None
) -> list[_Cond]:
    conds: list[_Cond] = []
    if request.if_match is not None:
        if request.if_match == "*":
            local = True if exists else None
        else:
            local = _if_match_passes(request.if_match, tag) if tag else None
        conds.append(_Cond(IF_MATCH, request.if_match, local))
    if (ius := request.if_unmodified_since) is not None:
        local = modified <= _whole_seconds(ius) if modified else None
        conds.append(_Cond(IF_UNMODIFIED_SINCE, format_http_date(ius), local, ius))
    if request.if_none_match is not None:
        if request.if_none_match == "*":
            local = False if exists else None
        else:
            local = _if_none_match_passes(request.if_none_match, tag) if tag else None
        conds.append(_Cond(IF_NONE_MATCH, request.if_none_match, local))
    if (ims := request.if_modified_since) is not None:
        local = modified > _whole_seconds(ims) if modified else None
        conds.append(_Cond(IF_MODIFIED_SINCE, format_http_date(ims), local, ims))
    return conds


def _etag_traps(cond: _Cond, tag: _Tag | None) -> list[str]:
    """Common reasons an ETag comparison goes a way the user did not expect."""
    if tag is None or cond.sent == "*":
        return []
    traps: list[str] = []
    sent = _parse_header_tags(cond.sent)
    if cond.header == IF_MATCH and any(t.weak for t in sent):
        traps.append("A weak W/ tag never passes If-Match, which compares strongly.")
    if tag.weak and cond.header == IF_MATCH:
        traps.append("The object's ETag is weak (W/), so no If-Match value can match it.")
    for t in sent:
        if t.opaque != tag.opaque and t.opaque.lower() == tag.opaque.lower():
            traps.append(
                f'"{_short(t.opaque)}" differs from the object\'s ETag only in letter case; '
                "ETags compare exactly, and OSS writes them in upper case."
            )
            break
    if _MULTIPART_RE.search(tag.opaque) and not any(t.opaque == tag.opaque for t in sent):
        traps.append(
            "The object's ETag ends in -N: it is a multipart ETag, not the MD5 of the content, "
            "so an MD5 computed locally never matches it."
        )
    return traps


def _clause(cond: _Cond, passed: bool, tag: _Tag | None, modified: datetime | None) -> str:
    """What was compared and how it came out, as a clause without a final period."""
    sent = _short(cond.sent)
    obj_etag = f'the object\'s ETag "{_short(tag.opaque)}"' if tag else "the object's ETag"
    if cond.header in (IF_MATCH, IF_NONE_MATCH):
        if cond.sent == "*":
            return f"{cond.header} * matches any existing object"
        matched = passed if cond.header == IF_MATCH else not passed
        verb = "matched" if matched else "did not match"
        return f"{cond.header} {sent} {verb} {obj_etag}"
    assert cond.when is not None
    lm = (
        f"the object's Last-Modified {format_http_date(modified)}"
        if modified
        else ("the object's Last-Modified")
    )
    equal = modified is not None and modified == _whole_seconds(cond.when)
    if cond.header == IF_MODIFIED_SINCE:
        if passed:
            return f"{lm} is later than If-Modified-Since {sent}"
        if equal:
            return (
                f"If-Modified-Since {sent} equals {lm} to the second, and an equal time counts "
                "as not modified (HTTP dates carry whole seconds, so a change within the same "
                "second is invisible)"
            )
        return f"If-Modified-Since {sent} is not earlier than {lm}"
    if passed:
        if equal:
            return f"{lm} equals If-Unmodified-Since {sent} to the second, which passes"
        return f"{lm} is not later than If-Unmodified-Since {sent}"
    return f"{lm} is later than If-Unmodified-Since {sent}: the object changed after that time"


def _sentence(clause: str) -> str:
    return clause[:1].upper() + clause[1:]


def _unknown_note(cond: _Cond, status: int) -> str:
    what = "ETag" if cond.header in (IF_MATCH, IF_NONE_MATCH) else "Last-Modified"
    return f" OSS did not send the object's {what} back; the verdict follows from the {status}."


def _contradiction_note(cond: _Cond, status: int) -> str:
    return (
        f" The values shown suggest the opposite, yet OSS answered {status}; the object may have "
        "changed between evaluation and response, or OSS compares differently here."
    )


def _check(
    cond: _Cond, verdict: Verdict, explanation: str, object_value: str | None
) -> ConditionCheck:
    return ConditionCheck(
        header=cond.header,
        sent=cond.sent,
        object_value=object_value,
        rule=RULES[cond.header],
        verdict=verdict,
        explanation=explanation,
    )


def explain(
    request: HeadRequest, status: int | None, etag: str | None, last_modified: str | None
) -> tuple[tuple[ConditionCheck, ...], str]:
    """Explain, condition by condition, why a HEAD came back with ``status``.

    ``etag`` and ``last_modified`` are the response's header values (either may be missing, as
    on a bare 304). Verdicts follow from the status where that is sound (a 200 means every
    evaluated condition passed) and from the object's values otherwise. Returns one
    :class:`ConditionCheck` per condition sent, and one sentence naming what decided the outcome.
    """
    tag = _parse_tag(etag) if etag and etag.strip() else None
    modified = parse_http_date(last_modified) if last_modified else None
    exists = status in (200, 304, 412)
    conds = _local_verdicts(request, exists, tag, modified)

    def object_value(cond: _Cond) -> str | None:
        if cond.header in (IF_MATCH, IF_NONE_MATCH):
            return etag
        return last_modified

    if not conds:
        if status == 200:
            return (), "No conditions sent; the object exists."
        if status is None:
            return (), "No conditions sent; no answer came back."
        return (), f"No conditions sent; OSS answered {_status_text(status)}."

    if not exists:
        reason = (
            "no answer came back"
            if status is None
            else f"OSS answered {_status_text(status)} before looking at conditions"
        )
        checks = tuple(
            _check(c, Verdict.UNKNOWN, f"Not evaluated: {reason}.", object_value(c)) for c in conds
        )
        if status is None:
            return checks, "No answer came back, so the conditions were not evaluated."
        return checks, f"OSS answered {_status_text(status)}, so the conditions were not evaluated."

    assert status is not None
    by_header = {c.header: c for c in conds}
    decider = _decider(status, by_header)
    verdicts: dict[str, tuple[Verdict, str]] = {}
    stopped = False
    for cond in conds:
        masker = _MASKED_BY.get(cond.header)
        if cond is decider:
            verdicts[cond.header] = (Verdict.FAILED, "")
            stopped = True
        elif masker in by_header:
            verdicts[cond.header] = (
                Verdict.IGNORED,
                f"Skipped: {masker} was sent, and RFC 7232 §6 then ignores {cond.header}.",
            )
        elif stopped and decider is not None:
            verdicts[cond.header] = (
                Verdict.IGNORED,
                f"Not evaluated: {decider.header} failed first, and OSS stops at the first "
                "failed condition (RFC 7232 §6).",
            )
        else:
            verdicts[cond.header] = (Verdict.PASSED, "")

    checks: list[ConditionCheck] = []
    for cond in conds:
        verdict, text = verdicts[cond.header]
        if verdict is Verdict.IGNORED:
            if cond.local is not None and not text.startswith("Not evaluated"):
                outcome = "passed" if cond.local else "failed"
                text += (
                    f" On its own it would have {outcome}: "
                    f"{_clause(cond, cond.local, tag, modified)}."
                )
        else:
            passed = verdict is Verdict.PASSED
            text = _sentence(_clause(cond, passed, tag, modified)) + "."
            if cond.local is None and cond.sent != "*":
                text += _unknown_note(cond, status)
            elif cond.local is not None and cond.local != passed:
                text += _contradiction_note(cond, status)
            if cond.header == IF_MODIFIED_SINCE and not passed and cond.local is False:
                if modified is not None and cond.when and _whole_seconds(cond.when) > modified:
                    text += (
                        " A time later than Last-Modified, even one in the future, gives 304, "
                        "as OSS does."
                    )
            if _mismatch(cond, passed):
                traps = _etag_traps(cond, tag)
                if traps:
                    text += " " + " ".join(traps)
        checks.append(_check(cond, verdict, text, object_value(cond)))

    return tuple(checks), _summary(status, conds, decider, verdicts, tag, modified)


def _mismatch(cond: _Cond, passed: bool) -> bool:
    """True when an ETag condition found (or the values show) no matching ETag."""
    if cond.header == IF_MATCH:
        return not passed or cond.local is False
    if cond.header == IF_NONE_MATCH:
        return passed or cond.local is True
    return False


def _decider(status: int, by_header: dict[str, _Cond]) -> _Cond | None:
    """The condition that produced a 304 or 412 (RFC 7232 §6 order), or None for a 200."""
    if status == 412:
        first, second = by_header.get(IF_MATCH), by_header.get(IF_UNMODIFIED_SINCE)
    elif status == 304:
        first, second = by_header.get(IF_NONE_MATCH), by_header.get(IF_MODIFIED_SINCE)
    else:
        return None
    # When the first clearly passed but the masked one clearly failed, OSS evaluated both
    # (it does not document the RFC's masking), so the second decided.
    if first is not None and first.local is True and second is not None and second.local is False:
        return second
    return first or second


def _summary(
    status: int,
    conds: Sequence[_Cond],
    decider: _Cond | None,
    verdicts: dict[str, tuple[Verdict, str]],
    tag: _Tag | None,
    modified: datetime | None,
) -> str:
    outcome = f"so OSS answered {_status_text(status)}."
    if status == 200:
        passed = [c.header for c in conds if verdicts[c.header][0] is Verdict.PASSED]
        skipped = [c.header for c in conds if verdicts[c.header][0] is Verdict.IGNORED]
        text = f"Every evaluated condition passed ({', '.join(passed)})"
        if skipped:
            text += f"; {', '.join(skipped)} skipped as RFC 7232 §6 requires"
        return f"{text}, {outcome}"
    if decider is None:
        return f"OSS answered {_status_text(status)}, but no condition that can cause it was sent."
    return f"{_sentence(_clause(decider, False, tag, modified))}, {outcome}"
