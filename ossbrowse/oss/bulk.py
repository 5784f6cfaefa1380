"""Bulk HEAD: every object under a prefix, listed page by page while a pool of threads HEADs them.

:class:`BulkHead` runs three kinds of work at once:

* one **lister** thread walks ListObjectsV2 page by page and puts each key into a bounded
  queue; when the queue is full it waits, so the listing never runs more than one page plus
  the queue ahead of the HEADs (memory stays bounded for any prefix size);
* ``jobs`` **worker** threads take keys and HEAD them, each with the same conditions, each on
  its own :meth:`~ossbrowse.oss.client.OssClient.fork` of the client (the same profile and
  settings, connections of its own, closed when the worker ends);
* the **calling** thread receives the results in completion order through another bounded
  queue and hands them to ``on_result`` (printing, counting), and calls ``on_tick`` now and
  then for a progress display.

A ``KeyboardInterrupt`` in the calling thread (Ctrl+C, or raised by a callback) stops the lister
and the workers: HEADs already sent are let finish (each has its deadline), their results are
still delivered, and :meth:`BulkHead.run` returns the summary so far with ``interrupted`` set.
The summary counts exactly the results ``on_result`` has returned for: a result is counted
after its callback returns, and a Ctrl+C that comes while a result is being handed over and
counted is held until both are done (when the run is in the main thread and Python's own
SIGINT handler is in place), so a row printed is a row counted and the other way round.
Nothing here prints; the front end decides what to show.
"""

from __future__ import annotations

import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType

from .client import OssClient
from .listing import MAX_PAGE_SIZE
from .paging import ListingFailed
from .results import HeadRequest, HeadResult, Outcome

__all__ = ["DEFAULT_JOBS", "MAX_JOBS", "BulkHead", "BulkSummary"]

DEFAULT_JOBS = 8
"""HEADs in flight unless asked otherwise."""
MAX_JOBS = 64
"""The most HEADs in flight (each on a connection of its own)."""
_POLL_S = 0.1
"""How often a waiting thread looks whether the run was stopped."""


class _End:
    """The lister has put its last key (workers pass this on to each other)."""


_END = _End()


@dataclass(frozen=True)
class _Done:
    """A worker has stopped; ``crash`` is an unexpected exception it met."""

    crash: BaseException | None = None


@dataclass
class BulkSummary:
    """What a bulk HEAD came to so far: how many objects were listed, HEADed, and how each ended."""

    listed: int = 0
    """Keys the listing has produced."""
    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    listing_failure: ListingFailed | None = None
    """Why the listing stopped early, when it did (the keys listed before were still HEADed)."""
    interrupted: bool = False
    """Stopped by Ctrl+C before every object was HEADed."""
    elapsed_s: float = 0.0

    @property
    def done(self) -> int:
        """HEADs that came to a result."""
        return sum(self.counts.values())

    @property
    def failed(self) -> int:
        """Other error statuses (403, 5xx...) and no answer at all."""
        return self.counts[Outcome.ERROR] + self.counts[Outcome.NO_ANSWER]

    @property
    def complete(self) -> bool:
        """Every object under the prefix was listed and HEADed."""
        return not self.interrupted and self.listing_failure is None


class _HeldInterrupt:
    """While installed, Ctrl+C raises KeyboardInterrupt at once unless ``holding`` is set; then
    it is remembered in ``pending`` and raised by whoever clears ``holding``."""

    def __init__(self) -> None:
        self.holding = False
        self.pending = False
        self._previous: Callable[..., object] | int | None = None
        self._installed = False

    def install(self) -> None:
        # Signal handlers can only be set from the main thread; a handler the program set
        # itself is left alone (it decides what Ctrl+C does).
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self._previous = signal.signal(signal.SIGINT, self._on_sigint)
            self._installed = True

    def restore(self) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
            self._installed = False

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        if self.holding:
            self.pending = True
            return
        raise KeyboardInterrupt


class BulkHead:
    """HEAD every object under ``prefix`` of ``template.bucket`` with ``template``'s conditions.

    ``template`` is a validated request whose key is ignored (each listed key replaces it) and
    whose version id must be empty (each object's current version is asked for). ``jobs`` is
    the number of HEADs in flight (1 to :data:`MAX_JOBS`); ``page_size`` the keys asked for per
    listing request. Arguments are checked when the object is made (ValueError).
    """

    def __init__(
        self,
        client: OssClient,
        template: HeadRequest,
        prefix: str = "",
        *,
        jobs: int = DEFAULT_JOBS,
        page_size: int = MAX_PAGE_SIZE,
        timer: Callable[[], float] = time.perf_counter,
    ) -> None:
        if not 1 <= jobs <= MAX_JOBS:
            raise ValueError(f"jobs must be 1 to {MAX_JOBS} (got {jobs})")
        if template.version_id:
            raise ValueError("a bulk HEAD asks for current versions: no version id")
        self.client = client
        self.template = template
        self.prefix = prefix
        self.jobs = jobs
        self.page_size = page_size
        self._timer = timer
        # Keys listed and not yet taken by a worker: a couple per worker keeps them all busy
        # while the lister waits for its next page; more would only hold memory.
        self.queue_size = 2 * jobs
        self._keys: queue.Queue[str | _End] = queue.Queue(self.queue_size)
        self._results: queue.Queue[HeadResult | _Done] = queue.Queue(2 * jobs)
        self._stop = threading.Event()
        self.summary = BulkSummary()
        self._list_crash: BaseException | None = None
        self._interrupt = _HeldInterrupt()

    # -- the threads ------------------------------------------------------------------------------

    def _put_key(self, item: str | _End) -> bool:
        """Queue ``item`` unless the run was stopped (returns False then)."""
        while not self._stop.is_set():
            try:
                self._keys.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def _list(self) -> None:
        summary = self.summary
        try:
            pages = self.client.list_objects_v2(
                self.template.bucket, prefix=self.prefix, page_size=self.page_size
            )
            for page in pages:
                for entry in page.objects:
                    # Counted before it is queued, so "listed" is never behind "done".
                    summary.listed += 1  # only this thread writes it
                    if not self._put_key(entry.key):
                        summary.listed -= 1
                        return
                if self._stop.is_set():
                    return
        except ListingFailed as exc:
            summary.listing_failure = exc
        except BaseException as exc:  # a programming error: run() re-raises it
            self._list_crash = exc
        finally:
            self._put_key(_END)

    def _work(self) -> None:
        template = self.template
        crash: BaseException | None = None
        client: OssClient | None = None
        try:
            client = self.client.fork()
            while not self._stop.is_set():
                try:
                    key = self._keys.get(timeout=_POLL_S)
                except queue.Empty:
                    continue
                if isinstance(key, _End):
                    self._keys.put(key)  # a slot is free: this worker just took one
                    break
                request = HeadRequest(
                    template.bucket,
                    key,
                    None,
                    template.if_match,
                    template.if_none_match,
                    template.if_modified_since,
                    template.if_unmodified_since,
                )
                self._results.put(client.head_object(request))
        except BaseException as exc:  # a programming error: the caller re-raises it
            crash = exc
        finally:
            if client is not None and client is not self.client:
                client.close()
            self._results.put(_Done(crash))

    # -- the calling thread -----------------------------------------------------------------------

    def run(
        self,
        on_result: Callable[[HeadResult], None],
        *,
        on_tick: Callable[[BulkSummary], None] | None = None,
        tick_s: float = 0.2,
    ) -> BulkSummary:
        """HEAD every object; ``on_result`` gets each result as it comes (in this thread).

        ``on_tick`` is called about every ``tick_s`` seconds with the summary so far. Returns the
        final summary; Ctrl+C (KeyboardInterrupt) ends the run early with ``interrupted`` set.
        """
        started = self._timer()
        threads = [threading.Thread(target=self._list, name="bulk-list", daemon=True)]
        threads += [
            threading.Thread(target=self._work, name=f"bulk-head-{n}", daemon=True)
            for n in range(self.jobs)
        ]
        for thread in threads:
            thread.start()
        running = self.jobs
        crash: BaseException | None = None
        summary = self.summary
        next_tick = started + tick_s
        self._interrupt.install()
        try:
            while running:
                item = self._next(on_tick is not None, next_tick)
                if on_tick is not None and self._timer() >= next_tick:
                    summary.elapsed_s = self._timer() - started
                    on_tick(summary)
                    next_tick = self._timer() + tick_s
                if item is None:
                    continue
                if isinstance(item, _Done):
                    running -= 1
                    if item.crash is not None:
                        crash = crash or item.crash
                        self._stop.set()  # a bug: stop rather than HEAD on without one worker
                    continue
                self._deliver(item, on_result)
        except KeyboardInterrupt:
            summary.interrupted = True
            self._stop.set()
            # What was already sent still finishes: deliver those results, then stop.
            crash = self._drain(running, on_result) or crash
        except BaseException:
            # The caller failed (e.g. its output went away): stop, let the threads end, re-raise.
            self._stop.set()
            self._drain(running, None)
            raise
        finally:
            self._stop.set()
            self._interrupt.restore()
        for thread in threads:
            thread.join()
        summary.elapsed_s = self._timer() - started
        crash = crash or self._list_crash
        if crash is not None:
            raise crash
        return summary

    def _drain(
        self, running: int, on_result: Callable[[HeadResult], None] | None
    ) -> BaseException | None:
        """After a stop: take results until ``running`` workers have ended; the first crash."""
        crash: BaseException | None = None
        while running:
            item = self._results.get()
            if isinstance(item, _Done):
                running -= 1
                crash = crash or item.crash
            elif on_result is not None:
                self._deliver(item, on_result)
        return crash

    def _deliver(self, item: HeadResult, on_result: Callable[[HeadResult], None]) -> None:
        """Hand ``item`` to ``on_result`` and count it once that returned, as one step: a
        Ctrl+C in between is held until both are done, then raised."""
        interrupt = self._interrupt
        interrupt.holding = True
        try:
            on_result(item)
            self.summary.counts[item.outcome] += 1
        finally:
            interrupt.holding = False
            # When on_result raised, its exception ends the run anyway: drop a held Ctrl+C.
            pending, interrupt.pending = interrupt.pending, False
        if pending:
            raise KeyboardInterrupt

    def _next(self, ticking: bool, next_tick: float) -> HeadResult | _Done | None:
        """The next result, or None when it is time for a tick first."""
        if not ticking:
            return self._results.get()
        try:
            return self._results.get(timeout=max(0.0, next_tick - self._timer()))
        except queue.Empty:
            return None
