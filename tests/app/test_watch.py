"""Watching a probe from the head screen: ticks, a flip caused by a PUT, back-off, stopping.

Ticks are scheduled by a manual timer (the test fires each one) and the emulator and the app
share a manual clock, so every tick and every time shown is decided by the test. The object
is rewritten with an ordinary (anonymous) PUT to the emulator while the watch runs.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from manual_ticks import ManualSchedule
from textual.widgets import Input
from tui_helpers import NOW, completed, notifications, profile_for, screen_text, settle, wait_for

from ossbrowse.emulator import Emulator
from ossbrowse.emulator.clock import ManualClock
from ossbrowse.ui.app import OssBrowseApp, make_app
from ossbrowse.ui.screens.head import HeadScreen
from ossbrowse.ui.watching import WatchSettings

BUCKET = "watched"
KEY = "doc.txt"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW.timestamp())


@pytest.fixture
def emu(make_emulator, clock: ManualClock) -> Emulator:
    emulator = make_emulator(clock=clock, allow_anonymous=True)
    emulator.store.create_bucket(BUCKET, region=emulator.region, acl="public-read-write")
    emulator.store.put_object(BUCKET, KEY, b"first")
    return emulator


def rewrite(emu: Emulator, body: bytes) -> str:
    """A PUT through the emulator's HTTP front door; the new ETag."""
    response = httpx.put(f"{emu.endpoint}/{BUCKET}/{KEY}", content=body)
    assert response.status_code == 200, response.text
    return response.headers["etag"]


def app_for(emu: Emulator, clock: ManualClock, schedule: ManualSchedule, **watch) -> OssBrowseApp:
    return make_app(
        profile_for(emu),
        prefill={"bucket": BUCKET, "key": KEY},
        clock=lambda: datetime.fromtimestamp(clock.now, UTC),
        watch=WatchSettings(schedule=schedule, **watch),
    )


async def test_a_put_during_the_watch_flips_the_outcome(emu, clock) -> None:
    schedule = ManualSchedule()
    messages: list = []
    app = app_for(emu, clock, schedule)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        screen = app.screen
        assert isinstance(screen, HeadScreen)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("n")  # the ETag as If-None-Match: 304
        await settle(pilot)
        old_etag = screen.query_one("#if-none-match", Input).value

        await pilot.press("w")
        await wait_for(pilot, lambda: screen.watching is not None and screen.watching.ticks == 1)
        assert schedule.pending is not None and schedule.pending.delay == 5.0
        assert screen.query_one("#watch-pane").display
        text = screen_text(app)
        assert f"Watching {BUCKET}/{KEY} every 5 s · tick 1 · 304 Not Modified since 10:00:00" in (
            text
        )

        schedule.fire()  # nothing changed: still 304, no change said
        await wait_for(pilot, lambda: screen.watching.ticks == 2)
        assert screen.watching.last_change is None
        assert not screen.query_one("#watch-pane").has_class("-changed")

        clock.advance(62)
        new_etag = rewrite(emu, b"second version")
        schedule.fire()
        await wait_for(pilot, lambda: screen.watching.ticks == 3)
        change = screen.watching.last_change
        assert change == (
            f"If-None-Match would now pass (200 OK): the ETag changed at 10:01:02 UTC from "
            f"{old_etag} to {new_etag}; Last-Modified changed from Sat, 14 Mar 2026 10:00:00 GMT "
            f"to Sat, 14 Mar 2026 10:01:02 GMT."
        )
        assert screen.query_one("#watch-pane").has_class("-changed")
        assert any(n.startswith("Watch: the answer changed") for n in notifications(messages))
        await pilot.pause()
        assert "Last change: If-None-Match would now pass" in screen_text(app)
        assert screen.pane.shown is not None and screen.pane.shown.result.status == 200
        # The watch's first answer and the change went to the history, repeats did not.
        assert [e.status for e in app.session.history.entries] == [200, 304, 304, 200]

        # A tick and the user's own send at once: neither cancels the other.
        await pilot.press("c", "f5")
        schedule.fire()
        await settle(pilot)
        await wait_for(pilot, lambda: screen.watching.ticks == 4)
        assert completed(messages)[-1].result.status == 200
        assert screen.pane.shown.result.request.if_none_match is None

        await pilot.press("w")  # stops
        await pilot.pause()
        assert screen.watching is None and schedule.pending is None
        assert not screen.query_one("#watch-pane").display


async def test_failed_ticks_back_off_and_say_so(emu, clock) -> None:
    schedule = ManualSchedule()
    app = app_for(emu, clock, schedule, interval=2.0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.query_one("#result").focus()
        await pilot.press("w")
        await wait_for(pilot, lambda: screen.watching is not None and screen.watching.ticks == 1)
        assert schedule.pending.delay == 2.0
        emu.stop()
        schedule.fire()
        await wait_for(pilot, lambda: screen.watching.ticks == 2)
        assert screen.watching.last_problem is not None
        assert screen.watching.last_problem.startswith("Tick 2 failed (")
        assert screen.watching.last_problem.endswith("next try in 4 s.")
        assert schedule.pending.delay == 4.0
        schedule.fire()
        await wait_for(pilot, lambda: screen.watching.ticks == 3)
        assert schedule.pending.delay == 8.0
        await pilot.pause()
        assert "Tick 3 failed" in screen_text(app)
        # A failure is not a change: the outcome seen last is still the one shown.
        assert screen.watching.last_change is None
        assert screen.watching.baseline is not None and screen.watching.baseline.status == 200


async def test_the_bell_rings_on_a_change_when_enabled(emu, clock) -> None:
    schedule = ManualSchedule()
    app = app_for(emu, clock, schedule, bell=True)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.query_one("#result").focus()
        await pilot.press("w")
        await wait_for(pilot, lambda: screen.watching is not None and screen.watching.ticks == 1)
        schedule.fire()
        await wait_for(pilot, lambda: screen.watching.ticks == 2)
        assert rings == []
        clock.advance(5)
        rewrite(emu, b"changed")
        schedule.fire()
        await wait_for(pilot, lambda: screen.watching.ticks == 3)
        assert rings == [1]
        assert screen.watching.last_change.startswith("Still 200 OK, but the object changed")


async def test_an_invalid_form_is_not_watched_and_a_profile_switch_stops_the_watch(
    emu, clock, tmp_path
) -> None:
    from tui_helpers import write_config

    schedule = ManualSchedule()
    messages: list = []
    app = make_app(
        profile_for(emu),
        prefill={"bucket": "No_Such_Bucket!", "key": KEY},
        clock=lambda: datetime.fromtimestamp(clock.now, UTC),
        watch=WatchSettings(schedule=schedule),
        config_file=str(write_config(tmp_path / "ossutilconfig", emu.endpoint)),
    )
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        screen = app.screen
        screen.query_one("#result").focus()
        await pilot.press("w")
        await pilot.pause()
        assert screen.watching is None and schedule.calls == []
        assert notifications(messages)[-1].startswith("Not watched: ")
        assert not screen.query_one("#watch-pane").display

        screen.query_one("#bucket", Input).value = BUCKET
        screen.query_one("#result").focus()
        await pilot.press("w")
        await wait_for(pilot, lambda: screen.watching is not None and screen.watching.ticks == 1)
        await app.switch_profile("ops")
        await pilot.pause()
        assert screen.watching is None and schedule.pending is None
        assert "Watch: The watch stopped: the profile changed." in notifications(messages)
