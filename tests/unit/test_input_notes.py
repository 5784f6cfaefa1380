"""What reading the user's input assumed or changed is said, never done silently.

Dates: no time zone (read as UTC), a wrong weekday (corrected), fractional seconds (dropped).
Keys: ``.`` and ``..`` segments, which OSS does not resolve. The request carries the notes.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rich.console import Console

from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.errors import error_headline
from ossbrowse.oss.httpdates import read_date_input
from ossbrowse.oss.results import ServiceError
from ossbrowse.oss.validation import key_notes
from ossbrowse.ui.literal import OneLine

SAT = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "notes"),
    [
        ("Sat, 14 Mar 2026 09:26:53 GMT", ()),
        ("2026-03-14T09:26:53Z", ()),
        ("2026-03-14T17:26:53+08:00", ()),
        ("2026-03-14 09:26:53", ("no time zone given, read as UTC",)),
        ("2026-03-14T09:26:53", ("no time zone given, read as UTC",)),
        (
            "Sun, 14 Mar 2026 09:26:53 GMT",
            ("wrong weekday corrected: 14 Mar 2026 is a Saturday, not a Sunday",),
        ),
        (
            "Monday, 14-Mar-26 09:26:53 GMT",
            ("wrong weekday corrected: 14 Mar 2026 is a Saturday, not a Monday",),
        ),
        (
            "Fri Mar 14 09:26:53 2026",
            ("wrong weekday corrected: 14 Mar 2026 is a Saturday, not a Friday",),
        ),
        (
            "2026-03-14T09:26:53.250Z",
            ("fractional seconds (.250) dropped: HTTP dates carry whole seconds",),
        ),
        (
            "2026-03-14 09:26:53.9",
            (
                "no time zone given, read as UTC",
                "fractional seconds (.9) dropped: HTTP dates carry whole seconds",
            ),
        ),
    ],
)
def test_date_notes(typed: str, notes: tuple[str, ...]) -> None:
    value, said = read_date_input(typed, "if_modified_since")
    assert value == SAT
    assert said == notes


def test_a_date_alone_is_midnight_utc_and_says_so() -> None:
    value, said = read_date_input("2026-03-14", "if_modified_since")
    assert value == datetime(2026, 3, 14, tzinfo=UTC)
    assert said == ("no time and no time zone given, read as 00:00:00 UTC",)


@pytest.mark.parametrize(
    ("key", "noted"),
    [
        ("docs/../hello.txt", True),
        ("./hello.txt", True),
        ("docs/.", True),
        ("..", True),
        ("docs/..hidden/hello.txt", False),
        ("hello.txt", False),
        ("v1.2/notes...txt", False),
    ],
)
def test_key_notes_for_dot_segments(key: str, noted: bool) -> None:
    assert bool(key_notes(key)) is noted


def test_the_request_carries_its_notes_without_changing_equality() -> None:
    noted = build_head_request(
        bucket="demo-bucket", key="a/../b.txt", if_unmodified_since="2026-03-14 09:26:53"
    )
    assert noted.key == "a/../b.txt"  # sent as typed
    assert noted.notes == (
        "Key: a '.' or '..' segment is not resolved: OSS keys are names, not paths, so OSS "
        "looks for this key exactly as typed.",
        "If-Unmodified-Since: no time zone given, read as UTC "
        "(sent as Sat, 14 Mar 2026 09:26:53 GMT).",
    )
    plain = build_head_request(
        bucket="demo-bucket", key="a/../b.txt", if_unmodified_since="2026-03-14T09:26:53Z"
    )
    assert plain.notes == noted.notes[:1]
    assert plain == noted  # the same request goes on the wire


@pytest.mark.parametrize(
    ("code", "message", "headline"),
    [
        (
            "NoSuchBucket",
            "The specified bucket does not exist.",
            "NoSuchBucket: the bucket does not exist",
        ),
        (
            "NoSuchKey",
            "The specified key does not exist.",
            "NoSuchKey: there is no such key in this bucket",
        ),
        ("NoSuchVersion", "x", "NoSuchVersion: there is no such version of this key"),
        (
            "AccessDenied",
            "You have no right to access this object.",
            "AccessDenied: You have no right to access this object",
        ),
        ("Odd", "", "Odd"),
    ],
)
def test_error_headline(code: str, message: str, headline: str) -> None:
    assert error_headline(ServiceError(status=404, code=code, message=message)) == headline


@pytest.mark.parametrize(
    ("text", "width", "shown"),
    [
        ('"AA980B7C7C0AE948D7D3D7477819D80C"', 40, '"AA980B7C7C0AE948D7D3D7477819D80C"'),
        ('"AA980B7C7C0AE948D7D3D7477819D80C"', 15, '"AA980B…19D80C"'),
        ("very/long/path/to/report-final.csv", 24, "very/lo…report-final.csv"),
    ],
)
def test_one_line_cuts_in_the_middle_and_says_so(text: str, width: int, shown: str) -> None:
    cell = OneLine(text)
    console = Console(width=width, color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(cell)
    assert capture.get().rstrip("\n") == shown
    assert cell.cut is (shown != text)
