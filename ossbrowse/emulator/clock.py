"""A manual clock for the emulator's ``clock=`` argument: tests, screenshots, demos.

The emulator reads time through a callable returning POSIX seconds. :class:`ManualClock`
stands still until moved, so Date headers, Last-Modified, request ids and signature windows
are repeatable. Clients must sign with the same time (OSS refuses more than 15 minutes of
skew).
"""

from __future__ import annotations

import threading


class ManualClock:
    """A clock that returns ``now`` until :meth:`advance` or :meth:`set` moves it."""

    def __init__(self, start: float) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        """The current reading, POSIX seconds."""
        with self._lock:
            return self._now

    @property
    def now(self) -> float:
        """The current reading, POSIX seconds."""
        return self()

    def advance(self, seconds: float) -> None:
        """Move the clock forward (back, with a negative value)."""
        with self._lock:
            self._now += seconds

    def set(self, moment: float) -> None:
        """Set the clock to ``moment`` (POSIX seconds)."""
        with self._lock:
            self._now = float(moment)
