"""Keep-alive for people: each result says whether it came over a kept-alive connection.

The profile's ``keepalive`` (``--keepalive SECONDS``, ``keepalive`` in the config file, 120 s by
default) is how long an idle connection waits for the next send; the result pane says
"new connection (connect N ms)" or "connection reused" for every answer.
"""

from __future__ import annotations

from textual.message import Message
from tui_helpers import completed, profile_for, screen_text, settle

from ossbrowse.emulator import Emulator


async def test_second_send_reuses_the_connection(demo_app) -> None:
    messages: list[Message] = []
    app = demo_app(transport=None)
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        first = completed(messages)[-1].result
        assert first.status == 200 and first.connection_reused is False
        assert "new connection (connect" in screen_text(app)

        await pilot.press("f5")
        await settle(pilot)
        second = completed(messages)[-1].result
        assert second.status == 200 and second.connection_reused is True
        text = screen_text(app)
        assert "connection reused" in text and "new connection" not in text


async def test_keepalive_zero_opens_a_new_connection_every_time(
    demo_app, emulator: Emulator
) -> None:
    messages: list[Message] = []
    # The client's own connection pool (not a test transport), which the setting configures.
    app = demo_app(profile=profile_for(emulator, keepalive=0.0), transport=None)
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        for _ in range(2):
            await pilot.press("f5")
            await settle(pilot)
        first, second = (done.result for done in completed(messages))
        assert (first.connection_reused, second.connection_reused) == (False, False)
        assert "new connection (connect" in screen_text(app)
        assert "connection reused" not in screen_text(app)
