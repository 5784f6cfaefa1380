"""HTTP dates: writing them, reading them strictly from the wire, and reading them from a user.

Dates have one-second granularity on the wire (HTTP-date), so sub-seconds are dropped on input
and in every comparison. A date-only or naive ISO 8601 value is taken as UTC. Whatever the
reading assumed or changed (no time zone, a wrong weekday, dropped fractional seconds) is said
in words by :func:`read_date_input`, so no date is changed silently.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import format_datetime

from ossbrowse.oss.safetext import shorten
from ossbrowse.oss.validation import InputError

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
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_RE = re.compile(r"([a-z]+)", re.IGNORECASE)
_TIME_RE = re.compile(r"[Tt ]\d{2}")
_FRACTION_RE = re.compile(r"\d{2}:\d{2}:\d{2}([.,]\d+)")


def format_http_date(dt: datetime) -> str:
    """Format ``dt`` as an RFC 1123 (IMF-fixdate) GMT date, e.g. ``Sun, 06 Nov 1994 08:49:37 GMT``.

    A naive datetime is taken as UTC; sub-seconds are dropped. ``email.utils`` writes the day
    and month names itself, so the result does not depend on the process locale (``strftime``'s
    ``%a``/``%b`` would).
    """
    return format_datetime(whole_seconds(dt), usegmt=True)


def whole_seconds(dt: datetime) -> datetime:
    """``dt`` as an aware UTC datetime without sub-seconds (naive is taken as UTC).

    HTTP dates carry whole seconds, so every comparison with one is made at that granularity.
    """
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).replace(microsecond=0)


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
    return read_date_input(text, field)[0]


def read_date_input(text: str, field: str) -> tuple[datetime, tuple[str, ...]]:
    """:func:`parse_date_input`, with a note for each thing the reading assumed or changed.

    The notes, in words a user can check: a value without a time zone read as UTC, a weekday
    that does not match the date (the date is kept, the weekday corrected), fractional seconds
    dropped. A date read exactly as typed has none.
    """
    value = text.strip()
    if not value:
        raise InputError(field, f"is empty; give a date, {_DATE_EXAMPLE}")
    notes: list[str] = []
    parsed = parse_http_date(value)
    if parsed is not None:
        notes += _weekday_notes(value, parsed)
    else:
        parsed = _parse_iso(value)
        if parsed is not None:
            notes += _iso_notes(value)
    if parsed is None:
        shown = shorten(value, 41)
        raise InputError(
            field, f"{shown!r} is not a date; use an HTTP or ISO 8601 date, {_DATE_EXAMPLE}"
        )
    if parsed.year < 1970:
        raise InputError(field, f"{format_http_date(parsed)} is before 1970; OSS has no such dates")
    return parsed.replace(microsecond=0), tuple(notes)


def _weekday_notes(value: str, parsed: datetime) -> list[str]:
    """An HTTP date whose weekday is not that of its date: the date wins (as OSS reads it)."""
    match = _WEEKDAY_RE.match(value)
    typed = match.group(1)[:3].lower() if match else ""
    actual = _DAY_NAMES[parsed.weekday()]
    if typed == actual[:3].lower():
        return []
    named = next((name for name in _DAY_NAMES if name[:3].lower() == typed), typed)
    day = f"{parsed.day:02d} {_MONTHS[parsed.month - 1]} {parsed.year}"
    return [f"wrong weekday corrected: {day} is a {actual}, not a {named}"]


def _iso_notes(value: str) -> list[str]:
    """An ISO 8601 value without a time zone, or with fractional seconds."""
    notes: list[str] = []
    try:
        naive = datetime.fromisoformat(value).tzinfo is None
    except ValueError:  # read by date.fromisoformat: a date alone
        naive = True
    if naive and not _TIME_RE.search(value):
        notes.append("no time and no time zone given, read as 00:00:00 UTC")
    elif naive:
        notes.append("no time zone given, read as UTC")
    if fraction := _FRACTION_RE.search(value):
        notes.append(
            f"fractional seconds ({fraction.group(1)}) dropped: HTTP dates carry whole seconds"
        )
    return notes


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
