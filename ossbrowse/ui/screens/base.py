"""The base of every mode screen: built with the session, owning its actions.

How a new screen (the explorer, say) plugs in:

1. Subclass :class:`SessionScreen`; the constructor takes the :class:`~ossbrowse.ui.session.Session`
   and nothing else (what the command line asked for is in ``session.start``).
2. Declare its actions in an ``ACTIONS`` table of :class:`~ossbrowse.ui.actions.Action` and set
   ``BINDINGS = bindings(ACTIONS)``: the footer, the command palette (through
   :class:`~ossbrowse.ui.actions.ScreenActions`, already in ``COMMANDS``) and F1 pick them up.
3. Read the profile and client from ``self.session``; in ``on_mount`` subscribe to
   ``self.session.profile_changed`` to redraw (and to cancel what runs on the old client).
4. Start requests through a :class:`~ossbrowse.ui.runner.RequestRunner` owned by the screen or
   by the widget that shows the answer; post messages nested in that screen or widget.
5. Add it to ``OssBrowseApp.SCREEN_MODES`` under a mode name; ``app.switch_mode(name)`` shows
   it, each mode keeping its own screen stack.
6. Optionally, :meth:`SessionScreen.prefetch` starts the screen's first request while the app
   starts, when the screen is the first one shown (the explorer's first listing page).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.command import Provider
from textual.screen import Screen

from ossbrowse.ui.actions import Action, ScreenActions
from ossbrowse.ui.session import Session


class SessionScreen(Screen[None]):
    """A screen of one app mode; its actions are listed in ``ACTIONS``."""

    ACTIONS: ClassVar[tuple[Action, ...]] = ()
    """The screen's actions: keys, footer labels, palette entries, help text."""

    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {ScreenActions}

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    @classmethod
    def prefetch(cls, session: Session) -> None:
        """Start what this screen will first ask for, before it is built (it is the first
        screen shown); the screen takes the answer when it asks. Nothing by default."""
