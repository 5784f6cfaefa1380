"""The UI session: what every screen shares, and the signal that says the profile changed.

One :class:`Session` lives as long as the app. It holds the active profile and its client (or
why there is none), the clock requests are signed with, the probe history, the demo flag, the
start-up target and the last copied text. Screens get it in their constructor (see
:mod:`ossbrowse.ui.screens.base`) and never reach into the app for it.

A screen that shows anything derived from the profile subscribes in ``on_mount``::

    self.session.profile_changed.subscribe(self, self._show_profile, immediate=True)

``immediate=True`` runs the callback inside :meth:`Session.use_profile`, before the old client
is closed, so a screen can cancel what it has in flight on the old client in time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from textual.dom import DOMNode
from textual.signal import Signal

from ossbrowse.oss.client import OssClient
from ossbrowse.oss.profile import ConfigError, Profile
from ossbrowse.oss.results import HeadResult
from ossbrowse.oss.signing import utc_now

HISTORY_SIZE = 100
"""Probes kept in the session's history."""


class History:
    """This session's answers to the user's own requests, oldest first (memory only)."""

    def __init__(self, size: int = HISTORY_SIZE) -> None:
        self.size = size
        self._results: list[HeadResult] = []

    @property
    def results(self) -> list[HeadResult]:
        """A copy of the answers kept, oldest first."""
        return list(self._results)

    def add(self, result: HeadResult) -> None:
        """Keep ``result``; the oldest goes once ``size`` are kept."""
        self._results = [*self._results[-(self.size - 1) :], result]

    def __len__(self) -> int:
        return len(self._results)


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
    ) -> None:
        """``owner`` (the app) carries the signal; ``connect`` builds a profile's client and
        raises :class:`ConfigError` for a profile that cannot send."""
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
        self.history = History()
        self.copied: Copied | None = None
        self.profile_changed: Signal[Session] = Signal(owner, "profile-changed")
        """Published (with this session) after :meth:`use_profile`."""
        self.profile = profile
        self.client: OssClient | None = None
        """The client of the active profile; None when the profile cannot send."""
        self.client_problem: str | None = None
        """Why there is no client: what the user must set."""
        self._open(profile)

    def _open(self, profile: Profile) -> None:
        self.profile = profile
        try:
            self.client, self.client_problem = self._connect(profile), None
        except ConfigError as exc:
            self.client, self.client_problem = None, str(exc)

    def now(self) -> datetime:
        """The time requests are signed with (an injected clock in tests and screenshots)."""
        return self._clock()

    async def use_profile(self, profile: Profile) -> None:
        """Talk with ``profile`` from now on: a new client, subscribers told, the old closed."""
        old = self.client
        self._open(profile)
        self.profile_changed.publish(self)
        if old is not None:
            old.close()

    async def close(self) -> None:
        """Close the client's connection pool (when the app ends)."""
        if self.client is not None:
            self.client.close()
