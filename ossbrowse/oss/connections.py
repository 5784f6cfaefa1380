"""Kept-alive connections that each request takes for itself, so threads never queue on a pool.

httpcore's connection pool serves every thread through one lock and, per request, a pass over
all its connections and a waiting request with its own events: measured with 16 threads on one
pool, each HEAD cost twice the CPU of a sequential one, and a pool per thread did 1.3-1.6x the
HEADs per second. A pool per thread would lose keep-alive where every request runs in a new
thread (the TUI starts a thread worker per send), so :class:`ConnectionSet` keeps a stack of
one-connection lines (:mod:`ossbrowse.oss.lines`) instead: a request takes the most recently
used idle one (a ``list.pop``, atomic under the GIL), has its connection to itself, and gives it
back. The set grows to the number of requests ever in flight at once; the most recent
connection is always the one reused, so a person probing every few seconds keeps getting the
same warm connection.

Each line is built by the request path (timeouts, proxies, TLS, keep-alive expiry, the
deadline backend, the trace extension all as before). Idle connections past the keep-alive
expiry are replaced by their own line when next taken, and the oldest idle one is closed as
soon as a request finds it expired, so a burst of parallel requests does not leave its
connections open after it.

A process forked (``os.fork``) after connections were opened shares their sockets with its
parent: the child forgets them and opens its own, and never shuts the parent's down.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

__all__ = ["ConnectionSet"]


class _Closable(Protocol):
    def close(self) -> None: ...


L = TypeVar("L", bound=_Closable)

# How many times this process is a fork of the one that opened a set's connections.
_forks = [0]


def _count_fork() -> None:
    _forks[0] += 1


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_count_fork)


class ConnectionSet(Generic[L]):
    """One-connection lines to one origin (directly or through a proxy), one per request.

    ``make`` builds a line holding at most one connection; ``keepalive_s`` is how long an
    idle one is kept, by ``clock`` (seconds). Thread-safe. After :meth:`close` the set is done:
    a line given back then is closed at once.
    """

    def __init__(
        self,
        make: Callable[[], L],
        keepalive_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._make = make
        self._keepalive_s = keepalive_s
        self._clock = clock
        # Idle lines with the monotonic time each was given back, most recent last.
        self._idle: list[tuple[L, float]] = []
        self._every: list[L] = []
        self._lock = threading.Lock()
        self._closed = False
        self._fork = _forks[0]

    def __len__(self) -> int:
        """How many lines (open connections at most) the set has made and not closed."""
        return len(self._every)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (a request that failed then was cancelled by it)."""
        return self._closed

    @property
    def idle(self) -> int:
        """How many lines wait to be taken."""
        return len(self._idle)

    def take(self) -> L:
        """A line for one request, for this caller alone until :meth:`give_back`."""
        if self._fork != _forks[0]:
            self._leave_to_parent()
        idle = self._idle
        try:
            line, _ = idle.pop()
        except IndexError:
            line = self._make()
            with self._lock:
                self._every.append(line)
        # The oldest idle line comes first: close it once it has outlived the keep-alive
        # expiry (its connection would not be reused anyway), one per request at most.
        if idle and idle[0][1] < self._clock() - self._keepalive_s:
            self._close_oldest()
        return line

    def give_back(self, line: L) -> None:
        """Return a line taken with :meth:`take` (its response read and closed)."""
        if self._closed:
            line.close()
            return
        self._idle.append((line, self._clock()))

    def _close_oldest(self) -> None:
        with self._lock:
            # take() pops from the other end without the lock: pop first, then look.
            try:
                line, at = self._idle.pop(0)
            except IndexError:
                return  # another request took it meanwhile
            if at >= self._clock() - self._keepalive_s:
                self._idle.insert(0, (line, at))  # not the expired one any more
                return
            self._every.remove(line)
        line.close()

    def _leave_to_parent(self) -> None:
        """In a forked child: forget the parent's connections (a request on one would mix the
        two processes' bytes on one socket, and closing one shuts it down for the parent too).
        Their descriptors close with the objects, without a shutdown."""
        self._lock = threading.Lock()  # it may have been held by a parent's thread at the fork
        self._idle = []
        self._every = []
        self._fork = _forks[0]

    def close(self) -> None:
        """Close every connection of the set, including those in use (their request fails)."""
        if self._fork != _forks[0]:
            self._leave_to_parent()
        with self._lock:
            self._closed = True
            every, self._every = self._every, []
            self._idle.clear()
        for line in every:
            line.close()
