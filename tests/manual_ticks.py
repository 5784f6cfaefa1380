"""A manual scheduler for the head screen's watch: each tick happens when the test fires it.

Pass an instance as ``WatchSettings(schedule=...)``; :meth:`ManualSchedule.fire` runs the tick
the screen scheduled last, and ``pending.delay`` says how long the screen asked to wait.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Pending:
    delay: float
    call: Callable[[], object]
    stopped: bool = False

    def stop(self) -> None:
        self.stopped = True


@dataclass
class ManualSchedule:
    """Keeps each scheduled call until the test fires it."""

    calls: list[Pending] = field(default_factory=list)

    def __call__(self, delay: float, call: Callable[[], object]) -> Pending:
        self.calls.append(Pending(delay, call))
        return self.calls[-1]

    @property
    def pending(self) -> Pending | None:
        live = [c for c in self.calls if not c.stopped]
        return live[-1] if live else None

    def fire(self) -> None:
        pending = self.pending
        assert pending is not None, "no tick is scheduled"
        pending.stopped = True
        pending.call()
