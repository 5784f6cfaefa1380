"""Words and classes the UI uses to present a result: badge text, verdict marks, durations.

Pure functions over the core models, so they are unit-testable without running an app.
"""

from __future__ import annotations

from http import HTTPStatus

from ossbrowse.oss.results import HeadResult, Outcome, Verdict
from ossbrowse.oss.safetext import escape_unsafe, shorten

BADGE_CLASSES = (
    "-ok",
    "-not-modified",
    "-precondition-failed",
    "-not-found",
    "-forbidden",
    "-error",
    "-no-answer",
)
"""Every CSS class the outcome badge may carry; exactly one is set at a time."""

_OUTCOME_CLASS = {
    Outcome.OK: "-ok",
    Outcome.NOT_MODIFIED: "-not-modified",
    Outcome.PRECONDITION_FAILED: "-precondition-failed",
    Outcome.NOT_FOUND: "-not-found",
    Outcome.NO_ANSWER: "-no-answer",
}

SHORT_RULES = {
    "If-Match": "ETag equals one (strong) else 412",
    "If-None-Match": "ETag equals none (weak) else 304",
    "If-Modified-Since": "changed after it else 304",
    "If-Unmodified-Since": "not changed after it else 412",
}
"""Each condition's rule in a few words, for the table; the full rule is in the help screen."""

VERDICT_MARKS = {
    Verdict.PASSED: ("✔ passed", "verdict-passed"),
    Verdict.FAILED: ("✘ failed", "verdict-failed"),
    Verdict.IGNORED: ("– skipped", "verdict-ignored"),
    Verdict.UNKNOWN: ("? unknown", "verdict-unknown"),
}


def badge_class(result: HeadResult) -> str:
    """The CSS class giving the outcome badge its colour."""
    if result.outcome is Outcome.ERROR and result.status == 403:
        return "-forbidden"
    return _OUTCOME_CLASS.get(result.outcome, "-error")


def reason_phrase(status: int) -> str:
    """``Not Modified`` for 304; a generic phrase for codes Python does not know."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error" if status >= 400 else "Response"


def badge_text(result: HeadResult) -> tuple[str, str]:
    """The big characters and the words of the badge, e.g. ``("304", "Not Modified")``."""
    if result.status is None:
        return "---", "No answer"
    return str(result.status), reason_phrase(result.status)


def format_ms(ms: float) -> str:
    """A duration for people: ``12 ms``, ``1.25 s``."""
    if ms < 1000:
        return f"{ms:.0f} ms"
    return f"{ms / 1000:.2f} s"


def connection_text(result: HeadResult) -> str | None:
    """Whether the answer came over a kept-alive connection: ``connection reused``, ``new
    connection (connect 41 ms)``, or None when not known (no answer, or no timing trace)."""
    if not result.attempts or result.status is None:
        return None
    attempt = result.attempts[-1]
    if attempt.reused is None:
        return None
    if attempt.reused:
        return "connection reused"
    if attempt.connect_ms is not None:
        return f"new connection (connect {format_ms(attempt.connect_ms)})"
    return "new connection"


def timing_text(result: HeadResult) -> str:
    """Elapsed time, the connection and retries, e.g. ``12 ms · connection reused · no retries``."""
    retries = result.retries
    tries = "no retries" if retries == 0 else f"{retries} retr{'y' if retries == 1 else 'ies'}"
    connection = connection_text(result)
    middle = f" · {connection}" if connection else ""
    return f"{format_ms(result.elapsed_ms)}{middle} · {tries}"


def attempts_text(result: HeadResult) -> str | None:
    """Each attempt when there were retries, as headless output lists them, with its time:
    ``#1 503 12 ms · #2 200 4 ms after 200 ms wait``; None for a single attempt."""
    if len(result.attempts) < 2:
        return None
    return " · ".join(
        f"#{a.number} {a.status or a.failure or '?'} {format_ms(a.elapsed_ms)}"
        + (f" after {format_ms(a.waited_ms)} wait" if a.waited_ms else "")
        for a in result.attempts
    )


def format_skew(seconds: float) -> str:
    """Say which clock is ahead and by how much, e.g. ``your clock is 20 min 5 s behind``."""
    amount = abs(round(seconds))
    if amount == 0:
        return "your clock agrees with the server's to the second"
    hours, rest = divmod(amount, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h"] if hours else []
    if minutes:
        parts.append(f"{minutes} min")
    if secs or not parts:
        parts.append(f"{secs} s")
    side = "behind" if seconds > 0 else "ahead of"
    return f"your clock is {' '.join(parts)} {side} the server's"


def differing_lines(ours: str, theirs: str) -> set[int]:
    """Indexes of the lines that differ between two strings to sign (or canonical requests)."""
    a, b = ours.split("\n"), theirs.split("\n")
    return {i for i in range(max(len(a), len(b))) if i >= len(a) or i >= len(b) or a[i] != b[i]}


MAX_SHOWN = 300
"""Longest value shown in a table cell; copying gives the whole value."""


def safe(text: str, limit: int | None = None, *, middle: bool = False) -> str:
    """``text`` under the core's control-character policy, cut to ``limit`` characters.

    Control and bidi characters are shown escaped (:func:`ossbrowse.oss.safetext.escape_unsafe`);
    a cut value says how long it was. ``middle`` cuts keys and paths in the middle, so the file
    name stays visible.
    """
    text = escape_unsafe(text)
    if limit is not None and len(text) > limit:
        text = f"{shorten(text, limit, middle=middle)} ({len(text):,} characters)"
    return text
