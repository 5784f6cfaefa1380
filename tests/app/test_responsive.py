"""Sending stays cheap however often it is done: nothing grows, the footer is not rebuilt, and
the screen is laid out at most once per send (for the result), not at all when the new result
takes the room the one before took.

Textual's own footer rebuilt all its key widgets on every binding refresh (twice per send) and
left the old ones alive; the "Sending HEAD" line appeared and vanished around every loopback
exchange, re-laying the screen out each time. These tests send 200 times and count.
"""

from __future__ import annotations

import gc
import threading

import httpx
import pytest
from textual.message import Message
from textual.widget import Widget
from textual.widgets._footer import FooterKey
from tui_helpers import completed, screen_text, settle, wait_for

from ossbrowse.ui.screens import head
from ossbrowse.ui.widgets.steady_footer import SteadyFooter

SENDS = 200


def live_widgets() -> int:
    """Widget objects alive in the process, mounted or not (a leak shows here)."""
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Widget))


async def test_200_sends_grow_nothing_and_rebuild_no_footer(
    demo_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The "Sending HEAD" line is for requests still out after a moment; on a loaded machine a
    # loopback HEAD can take that long, which is not what this test is about.
    monkeypatch.setattr(head, "STATUS_DELAY_S", 600.0)
    messages: list[Message] = []
    app = demo_app()
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        footer = screen.query_one(SteadyFooter)
        keys = list(footer.query(FooterKey))
        rebuilds = footer.rebuilds
        widgets = len(list(screen.walk_children()))
        alive = live_widgets()
        layouts = 0
        # Textual has no public count of layout passes: count the screen's (Textual 8.2.8).
        refresh_layout = screen._refresh_layout

        def counting(*args: object, **kwargs: object) -> None:
            nonlocal layouts
            layouts += 1
            refresh_layout(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(screen, "_refresh_layout", counting)

        for _ in range(SENDS):
            await pilot.press("f5")
            await settle(pilot)

        assert len(completed(messages)) == SENDS + 1
        assert all(done.result.status == 200 for done in completed(messages))
        assert list(footer.query(FooterKey)) == keys  # the very same key widgets
        assert footer.rebuilds == rebuilds
        assert [k.key for k in keys] == ["f5", "m", "n", "f1", "f2", "ctrl+p"]
        assert len(list(screen.walk_children())) == widgets
        assert live_widgets() == alive
        # Two HEADs of one object differ in a timing, a date and a request id, which take the
        # same room: the result is redrawn in place. (A line of another height now and then
        # takes a layout.)
        assert layouts <= SENDS // 10


class Held(httpx.BaseTransport):
    """The emulator's transport, holding the requests numbered in ``held`` until released."""

    def __init__(self, held: tuple[int, ...] = (2,)) -> None:
        self.inner = httpx.HTTPTransport()
        self.release = threading.Event()
        self.held = held
        self.count = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        if self.count in self.held:
            self.release.wait(60)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.release.set()
        self.inner.close()


async def test_a_slow_request_still_says_it_is_on_its_way(demo_app) -> None:
    held = Held()
    app = demo_app(transport=held)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f5")  # the first send also moves the focus to the result
        await settle(pilot)
        screen = app.screen
        rebuilds = screen.query_one(SteadyFooter).rebuilds
        await pilot.press("f5")
        await wait_for(pilot, lambda: "Esc cancels" in screen_text(app))
        assert screen.in_flight
        held.release.set()
        await settle(pilot)
        assert "Esc cancels" not in screen_text(app)  # gone with the answer
        assert screen.query_one(SteadyFooter).rebuilds == rebuilds


async def test_a_new_send_replaces_the_cancelled_line_at_once(demo_app) -> None:
    held = Held(held=(2, 3))
    app = demo_app(transport=held)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        await pilot.press("f5")
        await wait_for(pilot, lambda: "Esc cancels" in screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: "Cancelled" in screen_text(app))
        await pilot.press("f5")  # held too: only the status line can speak for it
        await pilot.pause()
        text = screen_text(app)
        assert "Cancelled" not in text and "Sending HEAD" in text
        held.release.set()
        await settle(pilot)
        assert not screen.in_flight and "Sending HEAD" not in screen_text(app)


async def test_a_slow_answer_does_not_hold_the_screen_back(demo_app) -> None:
    # A send lets the key press and a quick answer go out in one frame; a slow answer must
    # not keep the screen from being drawn meanwhile (nor after it came).
    held = Held()
    app = demo_app(transport=held)
    frames = 0

    def count_frame() -> None:
        nonlocal frames
        frames += 1

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        app.post_display_hook = count_frame  # type: ignore[method-assign]
        screen = app.screen
        await pilot.press("x")  # fills If-Match (a frame to draw) and sends: held
        await wait_for(pilot, lambda: frames > 0)
        assert screen.in_flight
        held.release.set()
        await settle(pilot)
        drawn = frames
        await pilot.press("f5")
        await settle(pilot)
        assert frames > drawn and not screen.in_flight
