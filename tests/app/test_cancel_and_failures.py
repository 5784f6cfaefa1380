"""Cancel with Escape, late answers dropped, no answer at all, and the UI still usable after."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest
from textual.message import Message
from tui_helpers import (
    NOW,
    completed,
    notifications,
    profile_for,
    screen_text,
    settle,
    wait_for,
)

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY
from ossbrowse.oss.profile import Profile
from ossbrowse.oss.results import Outcome
from ossbrowse.ui.app import make_app
from ossbrowse.ui.widgets.error_panel import ErrorPanel
from ossbrowse.ui.widgets.outcome_badge import OutcomeBadge
from ossbrowse.ui.widgets.result_pane import ResultPane

PROFILE = Profile(
    access_key_id="id",
    access_key_secret="MockSecretMockSecret",
    region="cn-hangzhou",
    endpoint="http://127.0.0.1:1",
    retry_times=0,
)


_release = threading.Event()


@pytest.fixture(autouse=True)
def release_stalled_requests() -> Iterator[None]:
    """Let a stalled request's thread end when its test is over."""
    _release.clear()
    yield
    _release.set()


def slow_then_fast() -> tuple[httpx.MockTransport, list[str]]:
    """The first request answers only after 60 s or when its test ends (long after the test
    replaced or cancelled it, however loaded the machine); later ones answer at once."""
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) == 1:
            _release.wait(60)
            return httpx.Response(200, headers={"ETag": '"LATE"'})
        return httpx.Response(200, headers={"ETag": '"FRESH"'})

    return httpx.MockTransport(handler), calls


async def test_escape_cancels_and_the_answer_is_never_shown() -> None:
    transport, calls = slow_then_fast()
    app = make_app(
        PROFILE, transport=transport, clock=lambda: NOW, prefill={"bucket": "b-1", "key": "k"}
    )
    messages: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await wait_for(pilot, lambda: calls == ["/b-1/k"])
        screen = app.screen
        assert screen.in_flight
        assert screen.check_action("cancel", ()) is True
        # Said once the request has been out for a moment (a quick answer never shows it).
        await wait_for(pilot, lambda: "Esc cancels" in screen_text(app))
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.in_flight
        assert screen.check_action("cancel", ()) is False
        assert "Cancelled" in screen_text(app)
        assert screen.query_one(ResultPane).shown is None
        assert completed(messages) == []
        # The UI is usable at once: the next request goes and is shown.
        await pilot.press("f5")
        await settle(pilot)
        [done] = completed(messages)
        assert done.result.etag == '"FRESH"'


async def test_a_replaced_request_never_shows_its_answer() -> None:
    transport, calls = slow_then_fast()
    app = make_app(
        PROFILE, transport=transport, clock=lambda: NOW, prefill={"bucket": "b-1", "key": "k"}
    )
    messages: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await wait_for(pilot, lambda: len(calls) == 1)
        screen = app.screen
        await pilot.press("e", "f5")  # back to the form, send again: replaces the first
        await settle(pilot)
        pane = screen.query_one(ResultPane)
        assert len(calls) == 2
        assert pane.shown.result.etag == '"FRESH"'
        assert [done.result.etag for done in completed(messages)] == ['"FRESH"']
        assert not screen.in_flight


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FirstRefused(httpx.BaseTransport):
    """Sends the first request to a closed port (a real refusal), the rest to the emulator."""

    def __init__(self, emulator_port: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.ports = [closed_port(), emulator_port]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        port = self.ports.pop(0) if len(self.ports) > 1 else self.ports[0]
        request.url = request.url.copy_with(port=port)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


async def test_connection_refused_then_a_successful_request(emulator) -> None:
    transport = FirstRefused(int(emulator.endpoint.rsplit(":", 1)[1]))
    app = make_app(
        profile_for(emulator),
        transport=transport,
        clock=lambda: NOW,
        prefill={"bucket": DEMO_BUCKET, "key": DEMO_KEY},
    )
    messages: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        failed = completed(messages)[-1].result
        assert failed.outcome is Outcome.NO_ANSWER and failed.failure.kind == "refused"
        assert app.screen.query_one(OutcomeBadge).has_class("-no-answer")
        panel = app.screen.query_one(ErrorPanel)
        assert panel.display
        assert "refused" in screen_text(app).lower()
        await pilot.press("f5")
        await settle(pilot)
        ok = completed(messages)[-1].result
        assert ok.status == 200
        assert app.screen.query_one(OutcomeBadge).has_class("-ok")
        assert not panel.display


async def test_a_bug_in_the_request_path_is_reported_and_the_ui_survives() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("boom")

    app = make_app(
        PROFILE,
        transport=httpx.MockTransport(handler),
        clock=lambda: NOW,
        prefill={"bucket": "b-1", "key": "k"},
    )
    messages: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await wait_for(pilot, lambda: any("HEAD failed" in n for n in notifications(messages)))
        assert not app.screen.in_flight
        assert app.is_running
        assert any(n.startswith("HEAD failed: ") and "boom" in n for n in notifications(messages))
