"""The UI session: what every screen shares, and the signal that says the profile changed.

One :class:`Session` lives as long as the app. It holds the active profile and its client (or
why there is none), the clock requests are signed with, the probe history (of the active
profile and endpoint, see :class:`History`), the demo flag, the start-up target and the last
copied text. Screens get it in their constructor (see
:mod:`ossbrowse.ui.screens.base`) and never reach into the app for it.

A screen that shows anything derived from the profile subscribes in ``on_mount``::

    self.session.profile_changed.subscribe(self, self._show_profile, immediate=True)

``immediate=True`` runs the callback inside :meth:`Session.use_profile`, before the old client
is closed, so a screen can cancel what it has in flight on the old client in time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from textual.dom import DOMNode
from textual.signal import Signal

from ossbrowse.config import CREDENTIAL_SETTINGS, OTHER_SETTINGS
from ossbrowse.history_store import DEFAULT_LIMIT, HistoryEntry, HistoryStore, entry_for
from ossbrowse.oss.client import OssClient
from ossbrowse.oss.profile import ConfigError, Profile
from ossbrowse.oss.redact import NO_SECRETS, Redactor
from ossbrowse.oss.results import HeadResult
from ossbrowse.oss.secret import Secret
from ossbrowse.oss.signing import utc_now
from ossbrowse.ui.first_page import FirstPage
from ossbrowse.ui.watching import WatchSettings

CLOSE_WAIT = 2.0
"""Seconds the app's end waits for a first-page request still under way (closing the
connection pool ends it; an endpoint that never answers must not hold the exit longer)."""
_NOT_SETTINGS = ("profile", "config_file")
"""Flags that choose the profile rather than set one of its values."""


class History:
    """The probes of the active profile and endpoint, oldest first, kept in memory and on disk.

    ``store`` is the history file shared with other ossbrowse processes (None: memory only).
    Problems with the file never raise: they are kept in :attr:`warning` for the UI to show,
    and after a failed write the history stays in memory only. The file is read when the
    history is first used, not when it is shown: a start on the explorer does not wait for it.
    """

    def __init__(self, store: HistoryStore | None, *, limit: int | None = None) -> None:
        self.store = store
        self.limit = limit or (store.limit if store is not None else DEFAULT_LIMIT)
        self._entries: list[HistoryEntry] = []
        self.profile = ""
        self.endpoint = ""
        self.warning: str | None = None
        """The last problem with the history file, until the UI shows it (:meth:`take_warning`)."""
        self._unread = False
        """True while the file's entries of the history shown are still to be read."""

    @property
    def entries(self) -> list[HistoryEntry]:
        """A copy of the entries kept, oldest first."""
        self._read()
        return list(self._entries)

    def show(self, profile: str, endpoint: str) -> None:
        """Keep the history of ``profile`` at ``endpoint`` (read from the file when first used)."""
        self.profile, self.endpoint = profile, endpoint
        self._entries = []
        self._unread = self.store is not None

    def _read(self) -> None:
        """Load the file's entries of the history shown, the first time they are needed."""
        if not self._unread or self.store is None:
            return
        self._unread = False
        loaded = self.store.load(self.profile, self.endpoint)
        self._entries = loaded.entries[-self.limit :]
        if loaded.warning:
            self.warning = loaded.warning

    def add(
        self, result: HeadResult, time: datetime, redactor: Redactor = NO_SECRETS
    ) -> HistoryEntry:
        """Keep ``result`` (answered at ``time``); the oldest goes past the limit."""
        self._read()
        entry = entry_for(
            result, profile=self.profile, endpoint=self.endpoint, time=time, redactor=redactor
        )
        self._entries = [*self._entries[-(self.limit - 1) :], entry]
        if self.store is not None:
            problem = self.store.append(entry)
            if problem:
                self.warning = f"{problem} This session's probes are kept in memory only."
                self.store = None
        return entry

    def take_warning(self) -> str | None:
        """The problem to show, once."""
        self._read()
        warning, self.warning = self.warning, None
        return warning

    def __len__(self) -> int:
        self._read()
        return len(self._entries)


@dataclass(frozen=True)
class Copied:
    """The text copied last, kept for terminals that ignore OSC 52."""

    what: str
    """What it is, e.g. "the ETag"."""
    text: str


class Session:
    """The state the app's screens share; ``profile_changed`` tells them it changed."""

    def __init__(
        self,
        owner: DOMNode,
        profile: Profile,
        *,
        connect: Callable[[Profile], OssClient],
        clock: Callable[[], datetime] | None = None,
        demo: bool = False,
        presenter: bool = False,
        config_file: str | None = None,
        start: Mapping[str, str] | None = None,
        flags: Mapping[str, object] | None = None,
        history: HistoryStore | None = None,
        watch: WatchSettings | None = None,
    ) -> None:
        """``owner`` (the app) carries the signal; ``connect`` builds a profile's client and
        raises :class:`ConfigError` for a profile that cannot send; ``history`` is the history
        file (None: the history is kept in memory only)."""
        self._connect = connect
        self._clock = clock or utc_now
        self.demo = demo
        """Started by ``ossbrowse demo``: against the local emulator."""
        self.presenter = presenter
        """Shown to an audience: no AccessKeyId or endpoint on screen, larger outcome glyphs."""
        self.config_file = config_file
        """Where the profile switcher looks for profiles (None: ossutil's default)."""
        self.start: dict[str, str] = dict(start or {})
        """What the command line asked for (bucket, key, conditions), for the first screen."""
        self.flags: dict[str, object] = {
            name: value for name, value in (flags or {}).items() if name not in _NOT_SETTINGS
        }
        """The profile settings given on the command line (``--sign-version``...): they keep
        their precedence over every profile picked later, as over the first one."""
        self.demo_profile: Profile | None = profile if demo else None
        """The demo's own profile (the emulator's key pair), to switch back to."""
        self.history = History(history)
        self.watch = watch or WatchSettings()
        """How the head screen watches a probe (interval, bell, timer)."""
        self.copied: Copied | None = None
        self.first_page: FirstPage[Any] | None = None
        """The start location's first listing page, asked for while the app starts (the first
        screen sets it before it is mounted; see :meth:`take_first_page`)."""
        self.profile_changed: Signal[Session] = Signal(owner, "profile-changed")
        """Published (with this session) after :meth:`use_profile`."""
        self.profile = profile
        self.client: OssClient | None = None
        """The client of the active profile; None when the profile cannot send."""
        self.client_problem: str | None = None
        """Why there is no client: what the user must set."""
        self.redactor = NO_SECRETS
        """Masks the secrets of every profile used in this session, so text from an earlier
        profile's requests (a late error, a crash report) is masked too."""
        self._open(profile)

    def _open(self, profile: Profile) -> None:
        self.profile = profile
        self.redactor = self.redactor.with_secrets(Redactor.for_profile(profile))
        try:
            self.client, self.client_problem = self._connect(profile), None
        except ConfigError as exc:
            self.client, self.client_problem = None, str(exc)
        endpoint = self.client.endpoint_label if self.client else (profile.endpoint or "")
        self.history.show(profile.name, endpoint)

    @property
    def on_demo_profile(self) -> bool:
        """True while the demo's own profile is the active one (not one picked with F2)."""
        return self.demo_profile is not None and self.profile is self.demo_profile

    def flag_names(self) -> list[str]:
        """The profile flags the command line gave (``--sign-version``...), in setting order."""
        given = [
            name
            for name, value in self.flags.items()
            if (bool(value) if isinstance(value, Secret) else value not in (None, "", False))
        ]
        order = (*CREDENTIAL_SETTINGS, *OTHER_SETTINGS)
        given.sort(key=lambda name: order.index(name) if name in order else len(order))
        return [f"--{name.replace('_', '-')}" for name in given]

    def now(self) -> datetime:
        """The time requests are signed with (an injected clock in tests and screenshots)."""
        return self._clock()

    def take_first_page(self, where: Hashable) -> FirstPage[Any] | None:
        """The page asked for early, if it is the first page of ``where``; None otherwise.

        Called for every listing a screen starts: the early page goes to the first one, and
        only if it lists exactly ``where`` (see :attr:`FirstPage.where`); any other listing
        drops it, so it is never shown against another location.
        """
        early, self.first_page = self.first_page, None
        return early if early is not None and early.where == where else None

    async def use_profile(self, profile: Profile) -> None:
        """Talk with ``profile`` from now on: a new client, subscribers told, the old closed."""
        self.take_first_page(None)  # asked for with the old client: never wanted now
        old = self.client
        self._open(profile)
        self.profile_changed.publish(self)
        if old is not None:
            old.close()

    async def close(self) -> None:
        """Close the client's connection pool (when the app ends).

        A first page nobody took is dropped; closing the pool ends its request, and its thread
        is given a moment to finish so that nothing outlives the app.
        """
        early, self.first_page = self.first_page, None
        if self.client is not None:
            self.client.close()
        if early is not None:
            early.join(CLOSE_WAIT)
