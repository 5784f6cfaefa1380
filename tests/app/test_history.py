"""The session's probe history: listed newest first, and picking one sends it again."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input, OptionList
from tui_helpers import completed, screen_text, settle

from ossbrowse.ui.screens.history import HistoryScreen


async def test_history_replays_a_probe(demo_app, counting) -> None:
    messages: list[Message] = []
    app = demo_app()
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        etag = completed(messages)[-1].result.request.if_none_match
        await pilot.press("c")  # clear the conditions: the replay must bring them back
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        options = app.screen.query_one(OptionList)
        assert options.option_count == 2
        assert "304 Not Modified" in str(options.get_option_at_index(0).prompt)
        assert "If-None-Match" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, HistoryScreen)
        assert app.screen.query_one("#if-none-match", Input).value == etag
        assert completed(messages)[-1].result.status == 304
        assert len(counting.requests) == 3


async def test_empty_history_says_so(demo_app, counting) -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("#result").focus()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.entries == []
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HistoryScreen)
        assert counting.requests == []


async def test_a_long_status_stays_apart_from_the_object(demo_app, counting) -> None:
    """'412 Precondition Failed' is longer than the status column: the object still follows
    after a space, never glued to it ("Faileddemo-bucket")."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        prompt = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert "412 Precondition Failed demo-bucket/hello.txt" in " ".join(prompt.split())
        assert "Faileddemo" not in screen_text(app).replace("\n", "")
        second = str(app.screen.query_one(OptionList).get_option_at_index(1).prompt)
        assert "200 OK" + " " * 14 + "demo-bucket/hello.txt" in second
