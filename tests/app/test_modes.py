"""A second mode screen plugs in as screens/base.py says, without touching the head screen.

The screen here stands in for the explorer: it takes the session, declares its actions, and
subscribes to profile changes. F1, the palette and a profile switch must all work for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.command import CommandList, CommandPalette
from textual.widgets import Footer, Static
from tui_helpers import wait_for, write_config

from ossbrowse.config import resolve_profile
from ossbrowse.oss.client import OssClient
from ossbrowse.ui import app as ui_app
from ossbrowse.ui.actions import Action, bindings
from ossbrowse.ui.app import OssBrowseApp
from ossbrowse.ui.screens.base import SessionScreen
from ossbrowse.ui.screens.head import HeadScreen
from ossbrowse.ui.screens.head_actions import HEAD_ACTIONS
from ossbrowse.ui.screens.help import HelpScreen
from ossbrowse.ui.session import Session

REFRESH = Action("r", "refresh", "refresh", "Refresh", "Refresh the listing", "List the page again")


class ListingScreen(SessionScreen):
    """A stand-in for the explorer."""

    ACTIONS: ClassVar[tuple[Action, ...]] = (REFRESH,)
    BINDINGS = bindings(ACTIONS)

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.profiles_seen: list[str] = []
        self.refreshed = 0

    def compose(self) -> ComposeResult:
        yield Static(id="where")
        yield Footer()

    def on_mount(self) -> None:
        self.session.profile_changed.subscribe(self, self._profile_changed)
        self._profile_changed(self.session)

    def _profile_changed(self, session: Session) -> None:
        self.profiles_seen.append(session.profile.name)

    def action_refresh(self) -> None:
        self.refreshed += 1


class TwoModeApp(OssBrowseApp):
    # Textual reads CSS_PATH relative to the subclass's module: point at the app's own file.
    CSS_PATH = Path(ui_app.__file__).parent / "app.tcss"
    SCREEN_MODES: ClassVar = {**OssBrowseApp.SCREEN_MODES, "listing": ListingScreen}


def palette_titles(app: OssBrowseApp) -> set[str]:
    if not isinstance(app.screen, CommandPalette):
        return set()
    commands = app.screen.query_one(CommandList)
    return {commands.get_option_at_index(i).hit.text for i in range(commands.option_count)}


async def test_a_new_mode_screen_gets_keys_palette_help_and_profile_changes(
    emulator, tmp_path
) -> None:
    config = write_config(tmp_path / "ossutilconfig", emulator.endpoint)
    app = TwoModeApp(
        resolve_profile(config_file=str(config)),
        connect=OssClient,
        config_file=str(config),
    )
    async with app.run_test(size=(100, 40)) as pilot:
        assert isinstance(app.screen, HeadScreen)  # the default mode
        await app.switch_mode("listing")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ListingScreen) and screen.session is app.session

        await pilot.press("r")
        assert screen.refreshed == 1

        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        listed = dict(app.screen.keys)
        assert listed["r"] == "List the page again"
        assert not any(a.help in text for a in HEAD_ACTIONS for text in listed.values())
        await pilot.press("escape")

        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: "Refresh the listing" in palette_titles(app))
        titles = palette_titles(app)
        assert "Switch profile  (f2)" in titles  # the app's own commands stay
        assert not titles & {a.title for a in HEAD_ACTIONS}
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)

        await app.switch_profile("ops")
        await wait_for(pilot, lambda: screen.profiles_seen == ["default", "ops"])
        # The head screen, in its own mode, followed the switch too.
        await app.switch_mode("head")
        await pilot.pause()
        assert "profile ops" in str(app.screen.query_one("ProfileBar").render())
