"""The ossbrowse Textual app and its factory, :func:`make_app`.

The app owns one :class:`OssClient` for the active profile (closed when the app ends, rebuilt
when the user switches profile). A profile that cannot send (no credentials, no region) still
opens: the screen says what to set and offers the demo, and nothing is sent.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import partial
from typing import ClassVar

import httpx
from rich.segment import Segments
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from ossbrowse.config import resolve_profile
from ossbrowse.config_file import list_profiles
from ossbrowse.oss.client import OssClient
from ossbrowse.oss.profile import ConfigError, Profile
from ossbrowse.oss.signing import utc_now
from ossbrowse.ui.commands import HEAD_ACTIONS
from ossbrowse.ui.crash_report import crash_traceback
from ossbrowse.ui.messages import ProfileSwitched
from ossbrowse.ui.screens.copied import CopiedScreen
from ossbrowse.ui.screens.head import HeadScreen
from ossbrowse.ui.screens.help import HelpScreen
from ossbrowse.ui.screens.profiles import ProfileScreen

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"

# Badge colours, overridable by a theme's ``variables``. Each is a mid-tone that keeps its
# meaning on light and dark backgrounds; the badge text picks black or white for contrast.
OUTCOME_COLOURS = {
    "outcome-ok": "#2DA44E",
    "outcome-not-modified": "#218BFF",
    "outcome-precondition-failed": "#E3A008",
    "outcome-not-found": "#8250DF",
    "outcome-forbidden": "#CF222E",
    "outcome-error": "#A0153E",
    "outcome-no-answer": "#6E7781",
    "outcome-text": "auto 90%",
}


class OssBrowseApp(App[None]):
    """HEAD an OSS object, see the outcome and why."""

    CSS_PATH = "app.tcss"
    TITLE = "ossbrowse"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="help", tooltip="Show every key and how to use the app"),
        Binding(
            "f2", "profiles", "Profile", id="profiles", tooltip="Switch to another ossutil profile"
        ),
        Binding(
            "t",
            "toggle_theme",
            "Theme",
            show=False,
            id="toggle-theme",
            tooltip="Switch between the light and the dark theme",
        ),
        Binding(
            "o",
            "show_copied",
            "Show copied",
            show=False,
            id="show-copied",
            tooltip="Show the last copied text, to select it by hand",
        ),
    ]

    def __init__(
        self,
        profile: Profile,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], datetime] | None = None,
        timer: Callable[[], float] | None = None,
        prefill: Mapping[str, str] | None = None,
        config_file: str | None = None,
        demo: bool = False,
        notice: str | None = None,
    ) -> None:
        super().__init__()
        # A fixed theme: what a user (and a snapshot) sees does not depend on TEXTUAL_THEME.
        self.theme = DARK_THEME
        self.profile = profile
        self.demo = demo
        self.notice = notice
        self.config_file = config_file
        self.prefill = dict(prefill or {})
        self.last_copied: tuple[str, str] | None = None
        self._transport = transport
        self._clock = clock
        self._timer = timer
        self.client: OssClient | None = None
        """The client of the active profile; None when the profile cannot send."""
        self.client_problem: str | None = None
        """Why there is no client: what the user must set."""
        self._connect(profile)

    def _connect(self, profile: Profile) -> None:
        self.profile = profile
        try:
            self.client = OssClient(
                profile, transport=self._transport, clock=self._clock, timer=self._timer
            )
        except ConfigError as exc:
            self.client, self.client_problem = None, str(exc)
        else:
            self.client_problem = None

    def now(self) -> datetime:
        """The time requests are signed with (an injected clock in tests and screenshots)."""
        return (self._clock or utc_now)()

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The outcome colours, for any theme that does not set its own."""
        return dict(OUTCOME_COLOURS)

    def on_mount(self) -> None:
        """Open the head screen; show the start-up notice, if any."""
        self.push_screen(HeadScreen(self.prefill))
        if self.notice:
            self.notify(self.notice, title="Configuration", severity="warning", timeout=12)

    def _fatal_error(self) -> None:
        """Exit after an unhandled exception, with a crash report that cannot carry a secret.

        Textual's own report prints every frame's local variables (see
        :mod:`ossbrowse.ui.crash_report`); this is Textual's method with that report swapped.
        """
        # Textual calls this while handling the exception, and has noted the first one.
        error = sys.exc_info()[1] or self._exception
        if error is None:
            super()._fatal_error()  # not an exception: no frames, no locals to hide
            return
        self.bell()
        report = crash_traceback(type(error), error, error.__traceback__)
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()

    async def on_unmount(self) -> None:
        """Close the connection pool."""
        if self.client is not None:
            await self.client.aclose()

    # -- actions -------------------------------------------------------------------------

    def action_help(self) -> None:
        """Show the help screen with the keys as currently bound (remapped keys included)."""
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self._key_help()))

    def _key_help(self) -> list[tuple[str, str]]:
        screen = self.screen
        # With a text field focused, Textual leaves out the one-letter bindings (they type);
        # list the keys as they are with the focus outside the form, then put it back.
        focused = screen.focused
        screen.set_focus(None, scroll_visible=False)
        try:
            active = list(screen.active_bindings.values())
        finally:
            screen.set_focus(focused, scroll_visible=False)
        keys: list[tuple[str, str]] = []
        seen: set[str] = set()
        for item in active:
            binding = item.binding
            if binding.action in seen or binding.system or binding.action.startswith("app.focus"):
                continue
            seen.add(binding.action)
            text = binding.tooltip or binding.description or binding.action
            keys.append((self.get_key_display(binding), text))
        if isinstance(screen, HeadScreen):
            # Actions hidden right now (Cancel with nothing in flight, Fetch with nothing to
            # fetch) are still worth knowing.
            for action in HEAD_ACTIONS:
                if action.action not in seen:
                    binding = Binding(action.key, action.action, action.label)
                    keys.append((self.get_key_display(binding), f"{action.help} (when useful)"))
        keys.append(("tab / shift+tab", "Move between the fields, the result and the headers"))
        return keys

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def action_show_copied(self) -> None:
        """Show the last copied text."""
        if self.last_copied is None:
            self.notify("Nothing copied yet.", severity="warning")
            return
        self.push_screen(CopiedScreen(*self.last_copied))

    def action_profiles(self) -> None:
        """Open the profile switcher."""
        try:
            names = list_profiles(self.config_file)
        except ConfigError as exc:
            self.notify(str(exc), title="Profiles", severity="error", timeout=10)
            return
        where = self.config_file or os.environ.get("OSSUTIL_CONFIG_FILE") or "~/.ossutilconfig"
        self.push_screen(
            ProfileScreen(names, self.profile.name, where), callback=self._picked_profile
        )

    async def _picked_profile(self, name: str | None) -> None:
        if name is not None:
            await self.switch_profile(name)

    async def switch_profile(self, name: str) -> None:
        """Resolve profile ``name`` (environment > config file), rebuild the client."""
        try:
            profile = resolve_profile(config_file=self.config_file, profile=name)
        except ConfigError as exc:
            self.notify(str(exc), title=f"Profile {name}", severity="error", timeout=10)
            return
        head = self._head_screen()
        if head is not None:
            head.action_cancel()
        old = self.client
        self._connect(profile)
        if old is not None:
            await old.aclose()
        if head is not None:
            head.profile_changed()
        usable = self.client is not None
        self.post_message(ProfileSwitched(name, usable))
        if usable:
            self.notify(f"Now using profile {name}.", title="Profile", timeout=4)
        else:
            self.notify(
                self.client_problem or "",
                title=f"Profile {name} cannot send",
                severity="warning",
                timeout=10,
            )

    def _head_screen(self) -> HeadScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, HeadScreen):
                return screen
        return None

    # -- command palette -----------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The built-in commands, plus every head-screen action and the app's own."""
        yield from super().get_system_commands(screen)
        if isinstance(screen, HeadScreen):
            for action in HEAD_ACTIONS:
                if action.palette:
                    method = getattr(screen, f"action_{action.action}")
                    yield SystemCommand(action.title, action.help, method)
        yield SystemCommand("Switch profile", "Pick another ossutil profile", self.action_profiles)
        yield SystemCommand(
            "Toggle light/dark theme",
            "Switch between the light and dark themes",
            self.action_toggle_theme,
        )
        yield SystemCommand(
            "Show the last copied text", "Open it to select it by hand", self.action_show_copied
        )
        yield SystemCommand(
            "Help", "Every key, and how to read a result", partial(self.action_help)
        )


def make_app(
    profile: Profile,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], datetime] | None = None,
    timer: Callable[[], float] | None = None,
    prefill: Mapping[str, str] | None = None,
    config_file: str | None = None,
    demo: bool = False,
    notice: str | None = None,
) -> OssBrowseApp:
    """Build the app for ``profile``.

    ``transport``, ``clock`` and ``timer`` go to the :class:`OssClient` (tests inject them);
    ``prefill`` fills the form (keys as the CLI flags, ``version_id``, or the field ids,
    ``version-id``);
    ``config_file`` is where the profile switcher looks; ``demo`` shows the demo hint line;
    ``notice`` is shown once at start (e.g. why the configuration could not be read).
    """
    return OssBrowseApp(
        profile,
        transport=transport,
        clock=clock,
        timer=timer,
        prefill=prefill,
        config_file=config_file,
        demo=demo,
        notice=notice,
    )
