"""The ossbrowse Textual app and its factory, :func:`make_app`.

The app holds the :class:`~ossbrowse.ui.session.Session` (the active profile and its client,
closed when the app ends, rebuilt when the user switches profile) and routes between the mode
screens listed in :attr:`OssBrowseApp.SCREEN_MODES`, each built with the session. It knows no
screen's insides: a screen brings its own keys and palette entries, and F1 lists those of the
active screen (see :mod:`ossbrowse.ui.screens.base` for how a new screen plugs in). A profile
that cannot send (no credentials, no region) still opens: the screen says what to set and
offers the demo, and nothing is sent.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

import httpx
from rich.segment import Segments
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme

from ossbrowse.config import resolve_profile
from ossbrowse.config_file import list_profiles
from ossbrowse.history_store import HistoryStore
from ossbrowse.oss.client import OssClient
from ossbrowse.oss.profile import ConfigError, Profile
from ossbrowse.oss.redact import NO_SECRETS
from ossbrowse.ui.actions import action_keys, key_help, typing_focus
from ossbrowse.ui.guide import Guide
from ossbrowse.ui.literal import notify
from ossbrowse.ui.screens.base import SessionScreen
from ossbrowse.ui.screens.browse import BrowseScreen
from ossbrowse.ui.screens.copied import CopiedScreen
from ossbrowse.ui.screens.guided import GuidedHeadScreen
from ossbrowse.ui.screens.head import HeadScreen
from ossbrowse.ui.screens.help import HelpScreen
from ossbrowse.ui.screens.profiles import DEMO_CHOICE, ProfileScreen
from ossbrowse.ui.session import Session
from ossbrowse.ui.settings import config_dir as settings_dir
from ossbrowse.ui.settings import load_settings, save_setting
from ossbrowse.ui.watching import WatchSettings
from ossbrowse.ui.widgets.profile_bar import endpoint_text, flag_settings

DARK_THEME = "textual-dark"
PRESENTER_CLASS = "-presenter"
"""The app's CSS class in presenter mode."""
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
    SCREEN_MODES: ClassVar[dict[str, type[SessionScreen]]] = {
        "head": HeadScreen,
        "browse": BrowseScreen,
    }
    """The app's modes and the screen each starts on; a new screen joins here."""
    DEFAULT_MODE = "head"
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
        connect: Callable[[Profile], OssClient] = OssClient,
        clock: Callable[[], datetime] | None = None,
        prefill: Mapping[str, str] | None = None,
        config_file: str | None = None,
        demo: bool = False,
        presenter: bool = False,
        guide: Guide | None = None,
        notice: str | None = None,
        mode: str | None = None,
        history: HistoryStore | None = None,
        flags: Mapping[str, object] | None = None,
        watch: WatchSettings | None = None,
        config_dir: Path | None = None,
    ) -> None:
        """``connect`` builds a profile's client (tests inject one with a transport); see
        :func:`make_app` for the rest."""
        if mode is not None:
            # Read by App.__init__: the mode whose screen shows first.
            self.DEFAULT_MODE = mode  # type: ignore[misc]
        super().__init__()
        self.config_dir = config_dir or settings_dir()
        """Where the user's choices (the theme) are kept between runs."""
        self.notice = notice
        self._ending = False
        """True once the app is unmounting (the heap must not be frozen after that)."""
        self._kept_theme = load_settings(self.config_dir).get("theme")
        self.theme, theme_problem = self._first_theme()
        self._start_theme = self.theme
        self._theme_picked = False
        """True once the user picked a theme in this run (only then is it kept)."""
        if theme_problem:
            self.notice = f"{self.notice}\n{theme_problem}" if self.notice else theme_problem
        self.session = Session(
            self,
            profile,
            connect=connect,
            clock=clock,
            demo=demo,
            presenter=presenter,
            config_file=config_file,
            start=prefill,
            history=history,
            flags=flags,
            watch=watch,
        )
        # Presenter mode restyles widgets (e.g. larger outcome glyphs) through this class.
        self.set_class(presenter, PRESENTER_CLASS)
        for mode, screen in self.SCREEN_MODES.items():
            if mode == "head" and guide is not None:
                # The guided demo tells its story on the head screen.
                self.add_mode(mode, partial(GuidedHeadScreen, self.session, guide))
            else:
                self.add_mode(mode, partial(screen, self.session))
        first = self.SCREEN_MODES.get(self.DEFAULT_MODE)
        if first is not None:
            # Now, before Textual starts: the first request overlaps the app's start-up.
            first.prefetch(self.session)

    def _first_theme(self) -> tuple[str, str | None]:
        """The theme to start with, and what was wrong with the one asked for (if anything).

        ``TEXTUAL_THEME`` (this run's choice) comes first, then the theme kept from the last
        run, then the dark theme; a name no theme has is said and skipped.
        """
        known = self.available_themes
        asked = os.environ.get("TEXTUAL_THEME", "").strip()
        if asked and asked in known:
            return asked, None
        kept = self._kept_theme if self._kept_theme in known else None
        theme = kept or DARK_THEME
        if asked:
            return theme, (
                f"TEXTUAL_THEME names no theme ossbrowse knows ({asked[:60]!r}): using "
                f"{theme}. Themes: {', '.join(sorted(known))}"
            )
        return theme, None

    def _keep_theme(self, theme: Theme) -> None:
        """Keep the theme the user picked (t, or the palette's Change theme) for next time."""
        if not self._theme_picked and theme.name == self._start_theme:
            return  # the start theme being applied (e.g. TEXTUAL_THEME's): not a pick
        self._theme_picked = True
        if theme.name == self._kept_theme:
            return
        self._kept_theme = theme.name
        problem = save_setting(self.config_dir, "theme", theme.name)
        if problem:
            notify(
                self,
                f"The theme is not kept for the next run: {problem}",
                title="Theme",
                severity="warning",
                timeout=8,
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The app's one-letter keys (t, o) never fire while the focus is on a form."""
        if action in ("toggle_theme", "show_copied") and typing_focus(self.screen):
            return False
        return True

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The outcome colours, for any theme that does not set its own."""
        return dict(OUTCOME_COLOURS)

    def on_mount(self) -> None:
        """Show the start-up notice, if any (the default mode's screen is already up); from now
        on a theme the user picks is kept for the next run."""
        self.theme_changed_signal.subscribe(self, self._keep_theme)
        self.call_after_refresh(self._freeze_startup_heap)
        if self.notice:
            notify(self, self.notice, title="Configuration", severity="warning", timeout=12)
        # After the first frame: reading the history file (thousands of lines) is not what
        # the first screen waits for.
        self.call_after_refresh(self.show_history_warning)

    def show_history_warning(self) -> None:
        """Say what went wrong with the history file, if anything did since last asked."""
        warning = self.session.history.take_warning()
        if warning:
            notify(self, warning, title="History", severity="warning", timeout=12)

    def _fatal_error(self) -> None:
        """Exit after an unhandled exception, with a crash report that cannot carry a secret.

        Textual's own report prints every frame's local variables (see
        :mod:`ossbrowse.ui.crash_report`); this is Textual's method with that report swapped.
        """
        # Imported here, as Textual imports its own report: rich.traceback costs every start
        # of the app about 50 ms, for a report most runs never print.
        from ossbrowse.ui.crash_report import crash_traceback

        # Textual calls this while handling the exception, and has noted the first one.
        error = sys.exc_info()[1] or self._exception
        if error is None:
            super()._fatal_error()  # not an exception: no frames, no locals to hide
            return
        self.bell()
        session = getattr(self, "session", None)  # a crash in __init__ has none yet
        redactor = session.redactor if session is not None else NO_SECRETS
        report = crash_traceback(type(error), error, error.__traceback__, redactor)
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()

    def _freeze_startup_heap(self) -> None:
        """Move what start-up built into the cycle collector's permanent generation.

        Modules, classes, Textual's widgets and stylesheet live as long as the app: scanning
        them again in every full collection only paused the UI (60-80 ms a pause, every second
        or so, while a big listing loaded; 11-21 ms with them frozen). Freezing is instant; a
        collection first would itself pause the first frame's screen, and the little garbage
        start-up leaves is given back, with the rest, when the app unfreezes at its end.
        """
        if self._ending:
            return  # ended before its first frame: nothing to keep frozen
        gc.freeze()

    async def on_unmount(self) -> None:
        """Close the connection pool; give what start-up built back to the collector."""
        self._ending = True
        gc.unfreeze()
        await self.session.close()

    # -- actions -------------------------------------------------------------------------

    def action_help(self) -> None:
        """Show the help screen with the keys as currently bound (remapped keys included)."""
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(key_help(self.screen)))

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def action_show_copied(self) -> None:
        """Show the last copied text."""
        copied = self.session.copied
        if copied is None:
            notify(self, "Nothing copied yet.", severity="warning")
            return
        self.push_screen(CopiedScreen(copied.what, copied.text))

    def action_profiles(self) -> None:
        """Open the profile switcher."""
        session = self.session
        try:
            names = list_profiles(session.config_file)
        except ConfigError as exc:
            notify(self, str(exc), title="Profiles", severity="error", timeout=10)
            return
        where = session.config_file or os.environ.get("OSSUTIL_CONFIG_FILE") or "~/.ossutilconfig"
        demo = session.demo_profile
        current = DEMO_CHOICE if session.on_demo_profile else None
        self.push_screen(
            ProfileScreen(
                names,
                current or session.profile.name,
                where,
                flags=session.flag_names(),
                demo=None
                if demo is None
                else _demo_text(demo, active=current is not None, presenter=session.presenter),
            ),
            callback=self._picked_profile,
        )

    async def _picked_profile(self, name: str | None) -> None:
        if name is not None:
            await self.switch_profile(name)

    async def switch_profile(self, name: str) -> None:
        """Resolve profile ``name`` (flags > environment > config file), rebuild the client.

        The command line's settings keep their precedence, as they had over the first profile;
        :data:`DEMO_CHOICE` goes back to the demo's own profile.
        """
        session = self.session
        if name == DEMO_CHOICE and session.demo_profile is not None:
            profile, name = session.demo_profile, "demo"
        else:
            try:
                profile = resolve_profile(
                    flags=session.flags, config_file=session.config_file, profile=name
                )
            except ConfigError as exc:
                notify(self, str(exc), title=f"Profile {name}", severity="error", timeout=10)
                return
        await session.use_profile(profile)
        self.show_history_warning()
        flags = flag_settings(profile)
        kept = f" Kept from the command line: {' '.join(flags)}." if flags else ""
        if session.client is not None:
            notify(self, f"Now using profile {name}.{kept}", title="Profile", timeout=6)
        else:
            notify(
                self,
                (session.client_problem or "") + kept,
                title=f"Profile {name} cannot send",
                severity="warning",
                timeout=10,
            )

    # -- command palette -----------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The built-in commands and the app's own (a screen's come from its ``COMMANDS``)."""
        yield from super().get_system_commands(screen)

        def titled(title: str, action: str) -> str:
            # The app's keys, as bound now (remapped keys included), after the title.
            keys = action_keys(self, action)
            return f"{title}  ({' / '.join(keys)})" if keys else title

        yield SystemCommand(
            titled("Switch profile", "profiles"),
            "Pick another ossutil profile",
            self.action_profiles,
        )
        yield SystemCommand(
            titled("Toggle light/dark theme", "toggle_theme"),
            "Switch between the light and dark themes",
            self.action_toggle_theme,
        )
        yield SystemCommand(
            titled("Show the last copied text", "show_copied"),
            "Open it to select it by hand",
            self.action_show_copied,
        )
        yield SystemCommand(
            titled("Help", "help"), "Every key, and how to read a result", partial(self.action_help)
        )


def _demo_text(profile: Profile, *, active: bool, presenter: bool) -> str:
    """What the demo's profile is, for the switcher (without its endpoint in presenter mode)."""
    state = "is active" if active else "is not active now"
    where = f" at {endpoint_text(profile, None)}" if not presenter else ""
    return (
        f"The demo profile {state}: the local emulator{where} with its built-in test key pair; "
        "it is in no config file."
    )


def make_app(
    profile: Profile,
    *,
    transport: httpx.BaseTransport | None = None,
    listing_transport: httpx.BaseTransport | None = None,
    clock: Callable[[], datetime] | None = None,
    timer: Callable[[], float] | None = None,
    prefill: Mapping[str, str] | None = None,
    config_file: str | None = None,
    demo: bool = False,
    presenter: bool = False,
    guide: Guide | None = None,
    notice: str | None = None,
    mode: str | None = None,
    data_dir: Path | None = None,
    keep_history: bool = True,
    flags: Mapping[str, object] | None = None,
    watch: WatchSettings | None = None,
    config_dir: Path | None = None,
) -> OssBrowseApp:
    """Build the app for ``profile``.

    ``transport``, ``listing_transport``, ``clock`` and ``timer`` go to the :class:`OssClient`
    (tests inject them);
    ``prefill`` fills the form (keys as the CLI flags, ``version_id``, or the field ids,
    ``version-id``);
    ``config_file`` is where the profile switcher looks; ``demo`` shows the demo hint line;
    ``presenter`` hides the AccessKeyId and endpoint and shows larger outcome glyphs;
    ``guide`` makes the head screen walk through its story (``ossbrowse demo --guided``);
    ``notice`` is shown once at start (e.g. why the configuration could not be read);
    ``mode`` is the first screen: ``"head"`` (the default) or ``"browse"`` (the explorer, at
    ``prefill``'s bucket and prefix, or the bucket list without a bucket);
    ``data_dir`` is where the probe history is kept (default: ``$OSSBROWSE_DATA_DIR`` or the
    user data directory) and ``keep_history=False`` keeps it in memory only;
    ``watch`` says how the head screen watches a probe (every 5 s, no bell, by default).
    ``flags`` are the profile settings given on the command line (``resolve_profile``'s
    ``flags``): they keep their precedence over every profile picked with F2;
    ``config_dir`` is where the user's choices (the theme) are kept between runs (default:
    ``$OSSBROWSE_CONFIG_DIR`` or the user config directory); ``TEXTUAL_THEME`` overrides the
    kept theme for one run.
    """

    def connect(profile: Profile) -> OssClient:
        return OssClient(
            profile,
            transport=transport,
            listing_transport=listing_transport,
            clock=clock,
            timer=timer,
        )

    return OssBrowseApp(
        profile,
        connect=connect,
        clock=clock,
        prefill=prefill,
        config_file=config_file,
        demo=demo,
        presenter=presenter,
        guide=guide,
        notice=notice,
        mode=mode,
        history=HistoryStore(data_dir) if keep_history else None,
        flags=flags,
        watch=watch,
        config_dir=config_dir,
    )
