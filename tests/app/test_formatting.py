"""The UI's pure helpers: badge words and colours, durations, skew, safe text, field previews."""

from __future__ import annotations

import pytest

from ossbrowse.oss.results import Attempt, HeadRequest, HeadResult, Outcome
from ossbrowse.oss.validation import InputError
from ossbrowse.ui.fields import BY_ID, preview_text
from ossbrowse.ui.formatting import (
    badge_class,
    badge_text,
    differing_lines,
    format_skew,
    safe,
    timing_text,
)

REQUEST = HeadRequest(bucket="b-1", key="k")


def result(status: int | None, outcome: Outcome, attempts: int = 1) -> HeadResult:
    return HeadResult(
        request=REQUEST,
        url="",
        status=status,
        outcome=outcome,
        elapsed_ms=1234.5,
        attempts=tuple(Attempt(i + 1, status, None, 1.0) for i in range(attempts)),
    )


@pytest.mark.parametrize(
    ("status", "outcome", "css", "words"),
    [
        (200, Outcome.OK, "-ok", ("200", "OK")),
        (304, Outcome.NOT_MODIFIED, "-not-modified", ("304", "Not Modified")),
        (412, Outcome.PRECONDITION_FAILED, "-precondition-failed", ("412", "Precondition Failed")),
        (404, Outcome.NOT_FOUND, "-not-found", ("404", "Not Found")),
        (403, Outcome.ERROR, "-forbidden", ("403", "Forbidden")),
        (500, Outcome.ERROR, "-error", ("500", "Internal Server Error")),
        (599, Outcome.ERROR, "-error", ("599", "Error")),
        (None, Outcome.NO_ANSWER, "-no-answer", ("---", "No answer")),
    ],
)
def test_each_outcome_has_its_own_badge(status, outcome, css, words) -> None:
    shown = result(status, outcome)
    assert badge_class(shown) == css
    assert badge_text(shown) == words


def test_timing_counts_retries() -> None:
    assert timing_text(result(200, Outcome.OK)) == "1.23 s · no retries"
    assert timing_text(result(200, Outcome.OK, 2)).endswith("1 retry")
    assert timing_text(result(200, Outcome.OK, 4)).endswith("3 retries")


def test_timing_says_whether_the_connection_was_new_or_kept_alive() -> None:
    def over(reused: bool | None, connect_ms: float | None = None) -> HeadResult:
        attempt = Attempt(1, 200, None, 3.0, connect_ms=connect_ms, reused=reused)
        return HeadResult(REQUEST, "", 200, Outcome.OK, elapsed_ms=3.0, attempts=(attempt,))

    assert timing_text(over(True)) == "3 ms · connection reused · no retries"
    assert timing_text(over(False, 1.4)) == "3 ms · new connection (connect 1 ms) · no retries"
    assert timing_text(over(None)) == "3 ms · no retries"  # not known: not claimed


def test_skew_says_which_clock_is_ahead() -> None:
    assert format_skew(1205) == "your clock is 20 min 5 s behind the server's"
    assert format_skew(-3600) == "your clock is 1 h ahead of the server's"
    assert format_skew(0.2) == "your clock agrees with the server's to the second"


def test_differing_lines() -> None:
    assert differing_lines("a\nb\nc", "a\nx\nc") == {1}
    assert differing_lines("a", "a\nb") == {1}
    assert differing_lines("same", "same") == set()


def test_safe_escapes_controls_and_cuts() -> None:
    assert safe("a\x1b[31mb") == "a\\x1b[31mb"
    assert safe("rtl\u202eevil") == "rtl\\u202eevil"
    assert safe("x" * 50, 10) == "x" * 9 + "… (50 characters)"


def test_previews_show_what_is_sent() -> None:
    assert preview_text(BY_ID["if-match"], "abc") == '"abc"'
    assert preview_text(BY_ID["if-match"], '"abc"') is None
    assert preview_text(BY_ID["if-modified-since"], "2026-03-14") == (
        "Sat, 14 Mar 2026 00:00:00 GMT"
    )
    assert preview_text(BY_ID["if-none-match"], "  ") is None
    with pytest.raises(InputError):
        preview_text(BY_ID["bucket"], "A")
