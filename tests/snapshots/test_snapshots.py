"""Snapshots of the head screen's main states at 100x30 and 80x24.

Run ``pytest tests/snapshots --snapshot-update`` after an intended change, look at the report
(snapshot_report.html) and commit the new SVGs.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from manual_ticks import ManualSchedule
from textual.pilot import Pilot
from textual.widgets import Input

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY
from ossbrowse.emulator.demo_rewrite import DemoRewriter
from ossbrowse.ui.watching import WatchSettings

NOW = datetime(2026, 3, 14, 10, 0, 0, tzinfo=UTC)
"""The snapshot emulator's fixed time (the rewrite is signed with it)."""
SIZES = pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=["100x30", "80x24"])


def driver(*keys: str):
    """A run_before that stops the cursor blinking, then presses ``keys``, each to completion."""

    async def run_before(pilot: Pilot) -> None:
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        for key in keys:
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

    return run_before


@SIZES
def test_empty_form(snap_compare, snapshot_app, size) -> None:
    assert snap_compare(
        snapshot_app(prefill={}, demo=False), run_before=driver(), terminal_size=size
    )


@SIZES
def test_demo_start(snap_compare, snapshot_app, size) -> None:
    assert snap_compare(snapshot_app(), run_before=driver(), terminal_size=size)


@SIZES
def test_200_ok(snap_compare, snapshot_app, size) -> None:
    assert snap_compare(snapshot_app(), run_before=driver("f5"), terminal_size=size)


@SIZES
def test_304_not_modified(snap_compare, snapshot_app, size) -> None:
    assert snap_compare(snapshot_app(), run_before=driver("f5", "n"), terminal_size=size)


@SIZES
def test_412_precondition_failed(snap_compare, snapshot_app, size) -> None:
    assert snap_compare(snapshot_app(), run_before=driver("f5", "n", "x"), terminal_size=size)


@SIZES
def test_signature_error(snap_compare, snapshot_app, size) -> None:
    app = snapshot_app(secret="WrongSecret-000000000000000000")
    assert snap_compare(app, run_before=driver("f5"), terminal_size=size)


@SIZES
def test_no_answer(snap_compare, snapshot_app, size) -> None:
    assert snap_compare(snapshot_app(refuse=True), run_before=driver("f5"), terminal_size=size)


@SIZES
def test_validation_errors(snap_compare, snapshot_app, size) -> None:
    app = snapshot_app(prefill={"bucket": "Bad_Bucket", "key": "/x", "if_modified_since": "soon"})
    assert snap_compare(app, run_before=driver("f5"), terminal_size=size)


def explorer_driver(*keys: str):
    """Press ``keys``, then wait until no listing is loading and the preview, if one is due,
    is shown."""

    async def run_before(pilot: Pilot) -> None:
        from ossbrowse.oss.listing import ObjectEntry
        from ossbrowse.ui.screens.browse import BrowseScreen

        for key in keys:
            await pilot.press(key)
        screen = pilot.app.screen
        assert isinstance(screen, BrowseScreen)
        while screen.listing or (
            isinstance(screen.table.highlighted, ObjectEntry) and screen.previewed is None
        ):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.05)
        for field in screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


@SIZES
def test_explorer_bucket_top(snap_compare, snapshot_app, size) -> None:
    app = snapshot_app(prefill={"bucket": "demo-bucket"}, mode="browse")
    assert snap_compare(app, run_before=explorer_driver(), terminal_size=size)


@SIZES
def test_explorer_drafts_with_preview(snap_compare, snapshot_app, size) -> None:
    app = snapshot_app(prefill={"bucket": "demo-bucket", "prefix": "drafts/"}, mode="browse")
    assert snap_compare(app, run_before=explorer_driver(), terminal_size=size)


@SIZES
def test_explorer_frozen_archive_preview(snap_compare, snapshot_app, size) -> None:
    # The second row is the frozen Archive object: the preview says a GET fails until restored.
    app = snapshot_app(prefill={"bucket": "demo-bucket", "prefix": "archive/"}, mode="browse")
    settle = explorer_driver()

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)  # the listing is in: the cursor can move
        await pilot.press("down")
        await settle(pilot)  # and the preview of the second row is shown

    assert snap_compare(app, run_before=run_before, terminal_size=size)


EXPLAINED = {
    "archive-frozen": "archive/2022-logs.tar.gz",
    "archive-restoring": "archive/2023-logs.tar.gz",
    "archive-restored": "archive/2024-logs.tar.gz",
    "archive-expired": "archive/2021-logs.tar.gz",
    "appendable": "logs/app.log",
    "symlink": "media/latest.mp4",
    "sse-kms": "docs/payroll-2026.csv",
    "tagged": "docs/contract.pdf",
    "expiring": "logs/tmp/debug.log",
}


def explained_driver():
    """HEAD the prefilled object, then scroll the result so 'What the headers mean' is on top."""

    async def run_before(pilot: Pilot) -> None:
        await driver("f5")(pilot)
        screen = pilot.app.screen
        screen.query_one("#result").scroll_to_widget(
            screen.query_one("#meanings"), animate=False, top=True
        )
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("kind", list(EXPLAINED))
def test_explained_headers(snap_compare, snapshot_app, kind: str) -> None:
    app = snapshot_app(prefill={"bucket": "demo-bucket", "key": EXPLAINED[kind]})
    assert snap_compare(app, run_before=explained_driver(), terminal_size=(100, 30))


def test_guided_demo_after_the_rewrite(snap_compare, snapshot_app) -> None:
    """Steps 1-4: the same If-None-Match probe now answers 200 with the new ETag."""
    app = snapshot_app(guided=True)
    keys = ("space",) * 4
    assert snap_compare(app, run_before=driver(*keys), terminal_size=(100, 30))


def test_guided_demo_presenter_412(snap_compare, snapshot_app) -> None:
    """The last step in presenter mode: no endpoint, five-row digits."""
    app = snapshot_app(guided=True, presenter=True)
    keys = ("space",) * 5
    assert snap_compare(app, run_before=driver(*keys), terminal_size=(100, 30))


def watch_driver(emulator, ticks: ManualSchedule, *then: str):
    """Send, use the ETag as If-None-Match, watch; a quiet tick, a rewrite, a tick; ``then``."""

    async def run_before(pilot: Pilot) -> None:
        await driver("f5", "n", "w")(pilot)
        ticks.fire()
        await pilot.app.workers.wait_for_complete()
        DemoRewriter(emulator, DEMO_BUCKET, DEMO_KEY, clock=lambda: NOW)()
        ticks.fire()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if then:
            pilot.app.clear_notifications()  # the toasts would cover the dialog
            await pilot.pause()
            await driver(*then)(pilot)

    return run_before


@SIZES
def test_watch_after_the_object_changed(snap_compare, snapshot_app, emulator, size) -> None:
    """The watch pane names the change (If-None-Match would now pass) and is highlighted."""
    ticks = ManualSchedule()
    app = snapshot_app(watch=WatchSettings(schedule=ticks))
    assert snap_compare(app, run_before=watch_driver(emulator, ticks), terminal_size=size)


def test_history_compare(snap_compare, snapshot_app, emulator) -> None:
    """The last answer (200, new ETag) beside the 304 before it: what changed is marked."""
    ticks = ManualSchedule()
    app = snapshot_app(watch=WatchSettings(schedule=ticks))
    run_before = watch_driver(emulator, ticks, "h", "space", "down", "d")
    assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))


@SIZES
def test_stale_result(snap_compare, snapshot_app, size) -> None:
    """After a 200, the key is changed: the answer is dimmed under the line that says whose."""

    async def run_before(pilot: Pilot) -> None:
        await driver("f5")(pilot)
        key = pilot.app.screen.query_one("#key", Input)
        key.focus()
        key.value = "reports/q2.csv"
        await pilot.pause()

    assert snap_compare(snapshot_app(), run_before=run_before, terminal_size=size)


def test_demo_profile_switcher(snap_compare, snapshot_app) -> None:
    """F2 in the demo without ~/.ossutilconfig: what the demo profile is, nothing else to pick."""
    assert snap_compare(snapshot_app(), run_before=driver("f2"), terminal_size=(80, 24))
