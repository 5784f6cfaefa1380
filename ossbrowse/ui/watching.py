"""The head screen's watch: the state of one watched probe, the line it shows, and its timer.

A :class:`Watch` counts ticks, keeps the answer the next tick is compared with, says what changed
(through :mod:`ossbrowse.watch`, shared with ``ossbrowse head --watch``) and how long to wait
before the next tick (doubling after failures). The screen sends the ticks (runner group
``"watch"``, so a tick never cancels the user's own send) and schedules them with a
:data:`Schedule`: Textual's ``set_timer`` in the app, a manual one in tests, so a test decides
when each tick happens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from textual.content import Content

from ossbrowse.oss.results import HeadRequest, HeadResult
from ossbrowse.ui.literal import plain
from ossbrowse.watch import (
    DEFAULT_INTERVAL,
    backoff,
    change_headline,
    clock_text,
    describe_change,
    is_failure,
    observation,
    status_text,
)


class Stoppable(Protocol):
    """A scheduled call that can be called off (Textual's ``Timer`` is one)."""

    def stop(self) -> None:
        """Call it off."""


Schedule = Callable[[float, Callable[[], object]], Stoppable]
"""Call the function after the delay (seconds) once; returns a handle to call it off."""


@dataclass(frozen=True)
class WatchSettings:
    """How the head screen watches: every ``interval`` seconds, the bell on a change or not."""

    interval: float = DEFAULT_INTERVAL
    bell: bool = False
    """Ring the terminal bell when the answer changes."""
    schedule: Schedule | None = None
    """How ticks are scheduled (None: the screen's own timer)."""


@dataclass
class Watch:
    """One watched probe: ``request`` sent every ``interval`` seconds."""

    request: HeadRequest
    interval: float
    ticks: int = 0
    failures: int = 0
    """Failed ticks in a row (no answer, 5xx): the wait doubles with each."""
    baseline: HeadResult | None = None
    """The answer the next tick is compared with."""
    since: datetime | None = None
    """When :attr:`baseline` was first seen."""
    last_change: str | None = None
    """The last change in one sentence (:func:`~ossbrowse.watch.describe_change`)."""
    last_headline: str | None = None
    """Its first part: what the change means for the probe."""
    last_problem: str | None = None

    @property
    def target(self) -> str:
        """``bucket/key``."""
        return f"{self.request.bucket}/{self.request.key}"

    def next_delay(self) -> float:
        """Seconds until the next tick."""
        return backoff(self.interval, self.failures)

    def take(self, result: HeadResult, at: datetime) -> str | None:
        """Count the tick answered with ``result`` at ``at``; the change in words, if any."""
        self.ticks += 1
        if is_failure(result):
            self.failures += 1
            self.last_problem = (
                f"Tick {self.ticks} failed ({result.summary or status_text(result)}); "
                f"next try in {self.next_delay():g} s."
            )
            return None
        self.failures, self.last_problem = 0, None
        before = self.baseline
        if before is not None and observation(result) == observation(before):
            return None
        self.baseline, self.since = result, at
        if before is None:
            return None
        self.last_change = describe_change(before, result, at)
        self.last_headline = f"{change_headline(before, result)} at {clock_text(at)}."
        return self.last_change

    def text(self) -> Content:
        """What the watch pane shows: the state line, then the last change or problem."""
        state = f"Watching {self.target} every {self.interval:g} s · tick {self.ticks}"
        if self.baseline is not None and self.since is not None:
            state += f" · {status_text(self.baseline)} since {clock_text(self.since)}"
        lines = [plain(state, "bold"), Content(" · w stops")]
        if self.last_change:
            lines += [Content("\n"), plain(f"Last change: {self.last_change}", "bold")]
        if self.last_problem:
            lines += [Content("\n"), plain(f"⚠ {self.last_problem}", "$text-warning")]
        return Content.assemble(*lines)
