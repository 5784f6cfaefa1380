"""Help lists the keys as bound (remapped keys included); the theme is fixed and switchable."""

from __future__ import annotations

from tui_helpers import screen_text, wait_for

from ossbrowse.ui.screens.help import HelpScreen


async def test_f1_lists_every_key_even_from_inside_the_form(demo_app) -> None:
    app = demo_app()
    # Tall enough for the whole key list and the notes below it.
    async with app.run_test(size=(100, 90)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = {key.lower() for keys, _ in app.screen.keys for key in keys.split(" / ")}
        for key in ("f5", "^r", "m", "n", "l", "u", "x", "c", "f", "y", "v", "j", "e", "f1", "f2"):
            assert key in listed, key
        # The help screen is drawn on a later frame than the one that pushed it.
        await wait_for(pilot, lambda: "Command palette" in screen_text(app))
        assert "Mouse" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_remapped_keys_show_in_help(demo_app) -> None:
    app = demo_app()
    async with app.run_test(size=(100, 50)) as pilot:
        app.set_keymap({"etag-if-none-match": "ctrl+n"})
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        keys = {text: key for key, text in app.screen.keys}
        # No ETag yet, so listed as a key for later.
        text = "Send with only If-None-Match = the last answer's ETag (other conditions cleared)"
        assert keys[f"{text} (when useful)"] == "^n"


async def test_theme_is_fixed_and_toggles(demo_app) -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "textual-dark"
        app.screen.query_one("#result").focus()
        await pilot.press("t")
        await pilot.pause()
        assert app.theme == "textual-light"
        await pilot.press("t")
        assert app.theme == "textual-dark"


async def test_help_says_the_history_lasts_beyond_the_session(demo_app) -> None:
    """The history is kept in history.jsonl per profile and endpoint: F1 says so, not that it is
    this session's only and kept in memory."""
    app = demo_app()
    async with app.run_test(size=(100, 90)) as pilot:
        await pilot.press("f1")
        await wait_for(pilot, lambda: "Command palette" in screen_text(app))
        shown = " ".join(screen_text(app).split())
        assert "in memory only" not in shown
        assert "this session's probes" not in shown
        keys = {key: text for key, text in app.screen.keys}
        assert "kept across runs" in keys["h"]
        assert "History: h lists the probes of this profile at this endpoint" in shown
