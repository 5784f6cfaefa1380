"""Keys: one-letter actions never fire on the form, quick probes send only what they name,
keys are offered only when they apply (and say why when pressed anyway), F1 and the palette
show every key."""

from __future__ import annotations

import re

from faultserver import closed_port
from textual.command import CommandList, CommandPalette
from textual.message import Message
from textual.widgets import Button, Input
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
from ossbrowse.ui.actions import key_help
from ossbrowse.ui.app import make_app
from ossbrowse.ui.screens.help import HelpScreen
from ossbrowse.ui.widgets.result_pane import ResultPane


def offered(app) -> set[str]:
    """The keys the footer offers now (visible, enabled bindings of the screen)."""
    return {
        key
        for key, active in app.screen.active_bindings.items()
        if active.binding.show and not active.binding.system
    }


async def test_typing_on_the_head_button_fires_no_one_letter_action(demo_app, counting) -> None:
    """With HEAD ▶ focused, 'abc def' and 'o', 't' copy, clear, jump and switch nothing."""
    prefill = {"bucket": DEMO_BUCKET, "key": DEMO_KEY, "if_none_match": '"nope"'}
    messages: list[Message] = []
    app = demo_app(prefill=prefill)
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        sent = len(counting.requests)
        button = app.screen.query_one("#send", Button)
        button.focus()
        await pilot.pause()
        theme = app.theme
        await pilot.press(*"abc def", "m", "n", "x", "g", "k", "p", "j", "y", "o", "t", "h")
        await settle(pilot)
        assert app.screen.focused is button
        assert app.session.copied is None
        assert app.screen.query_one("#if-none-match", Input).value == '"nope"'
        assert app.theme == theme
        assert len(counting.requests) == sent
        assert not any(n.startswith(("Copied", "Conditions")) for n in notifications(messages))
        # Nor in a field: the letters are typed there, as the user expects.
        app.screen.query_one("#version-id", Input).focus()
        await pilot.press(*"mbo")
        await settle(pilot)
        assert app.screen.query_one("#version-id", Input).value == "mbo"
        assert app.session.copied is None and len(counting.requests) == sent


async def test_escape_leaves_a_field_for_the_result_pane(demo_app) -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        key = app.screen.query_one("#key", Input)
        key.focus()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen.focused, ResultPane)
        # Now the one-letter keys work: e goes back to the field used last.
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.focused is key


async def test_a_quick_probe_sends_only_the_condition_it_names(demo_app) -> None:
    """F5, n (304), x (412), then m: a clean If-Match probe (200), not the conditions piled up."""
    messages: list[Message] = []
    app = demo_app()
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        etag = completed(messages)[-1].result.etag
        await pilot.press("n")
        await settle(pilot)
        assert completed(messages)[-1].result.status == 304
        await pilot.press("x")
        await settle(pilot)
        stale = completed(messages)[-1].result
        assert stale.status == 412
        assert stale.request.if_none_match is None and stale.request.if_match != etag
        await pilot.press("m")
        await settle(pilot)
        result = completed(messages)[-1].result
        assert result.status == 200
        assert result.request.if_match == etag and result.request.if_none_match is None
        assert [c.header for c in result.conditions] == ["If-Match"]
        # The probes before are in the history.
        assert [e.status for e in app.session.history.entries] == [200, 304, 412, 200]


async def test_footer_and_help_state_the_quick_probe_rule(demo_app) -> None:
    app = demo_app()
    async with app.run_test(size=(120, 90)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        labels = {a.binding.key: a.binding.description for a in app.screen.active_bindings.values()}
        assert labels["m"] == "If-Match only" and labels["n"] == "If-None-Match only"
        assert labels["x"] == "Stale ETag"
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await wait_for(pilot, lambda: "Command palette" in screen_text(app))
        # The dialog's frame (block characters) stands between the wrapped lines.
        text = " ".join(re.sub("[\u2580-\u259f]", " ", screen_text(app)).split())
        assert "send exactly the one condition they name" in text
        assert "and clear the other" in text and "the probe before stays in the history" in text


async def test_after_a_404_the_etag_keys_are_not_offered_and_say_why(demo_app, counting):
    messages: list[Message] = []
    app = demo_app(prefill={"bucket": DEMO_BUCKET, "key": "no/such/key.txt"})
    async with app.run_test(size=(120, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert completed(messages)[-1].result.status == 404
        assert not offered(app) & {"m", "n", "x"}
        sent = len(counting.requests)
        for key in ("m", "n", "x", "l", "u", "y"):
            await pilot.press(key)
            await settle(pilot)
        assert len(counting.requests) == sent
        said = [n for n in notifications(messages) if "answered 404" in n]
        assert len(said) == 6
        assert all("send a HEAD first" not in n for n in notifications(messages))
        # From the palette too.
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"Use ETag as If-Match")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len([n for n in notifications(messages) if "404" in n]) == 7)
        assert len(counting.requests) == sent
        # A 200 brings them back.
        app.screen.query_one("#key", Input).value = DEMO_KEY
        await pilot.press("f5")
        await settle(pilot)
        assert {"m", "n"} <= offered(app)
        # x is not in the footer (it would not fit 80 columns) but works again.
        assert app.screen.active_bindings["x"].enabled


async def test_after_no_answer_the_etag_keys_say_there_was_no_answer(emulator) -> None:
    messages: list[Message] = []
    profile = profile_for(emulator, endpoint=f"http://127.0.0.1:{closed_port()}")
    app = make_app(profile, clock=lambda: NOW, prefill={"bucket": DEMO_BUCKET, "key": DEMO_KEY})
    async with app.run_test(size=(120, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert completed(messages)[-1].result.status is None
        assert not offered(app) & {"m", "n", "x"}
        await pilot.press("m")
        await settle(pilot)
        assert any("got no answer" in n for n in notifications(messages))


async def test_f1_lists_every_key_of_an_action(demo_app) -> None:
    app = demo_app()
    async with app.run_test(size=(120, 30)) as pilot:
        keys = dict(key_help(app.screen))
        assert "f5 / ^r" in keys
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "f5 / ^r" in dict(app.screen.keys)


async def test_palette_entries_show_their_keys(demo_app) -> None:
    app = demo_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))

        def prompts() -> list[str]:
            commands = app.screen.query_one(CommandList)
            return [
                str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)
            ]

        await wait_for(pilot, lambda: any("Send HEAD" in p for p in prompts()))
        await wait_for(pilot, lambda: any("Switch profile" in p for p in prompts()))
        shown = " | ".join(prompts())
        assert "Send HEAD  f5 / ^r" in shown
        assert "Use ETag as If-Match  m" in shown
        assert "Switch profile  (f2)" in shown and "Help  (f1)" in shown
