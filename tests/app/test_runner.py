"""The request runner, through a small owner widget: groups, replacing, cancelling, threads.

Blocking work waits on a ``threading.Event`` the test sets, so "late" means late for real: the
thread finishes after the request was replaced or cancelled, and its answer must not be shown.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass

from textual import on
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.worker import WorkerCancelled
from tui_helpers import wait_for

from ossbrowse.ui.runner import RequestRunner, Ticket

UI_THREAD = threading.get_ident()


class Owner(Widget):
    """Shows (records) the answers its runner delivers, as a screen or widget would."""

    @dataclass
    class Answered(Message):
        ticket: Ticket
        value: str

    def __init__(self) -> None:
        super().__init__()
        self.runner = RequestRunner(self)
        self.shown: list[tuple[str, str]] = []
        self.failures: list[str] = []
        self.ended: list[str] = []
        self.handler_threads: set[int] = set()

    @on(Answered)
    def _answered(self, event: Answered) -> None:
        self.handler_threads.add(threading.get_ident())
        if self.accept(event.ticket):
            self.shown.append((event.ticket.group, event.value))

    def accept(self, ticket: Ticket) -> bool:
        """One answer per request: the first current one ends it."""
        return self.runner.finish(ticket)

    @on(RequestRunner.Failed)
    def _failed(self, event: RequestRunner.Failed) -> None:
        if self.runner.finish(event.ticket):
            self.failures.append(str(event.error))


class StreamOwner(Owner):
    """Shows every item of the current stream."""

    def accept(self, ticket: Ticket) -> bool:
        """Many answers per request, until Ended."""
        return self.runner.is_current(ticket)

    @on(RequestRunner.Ended)
    def _ended(self, event: RequestRunner.Ended) -> None:
        if self.runner.finish(event.ticket):
            self.ended.append(event.ticket.group)


class RunnerApp(App[None]):
    def __init__(self, owner: Owner) -> None:
        super().__init__()
        self.owner = owner

    def compose(self) -> ComposeResult:
        yield self.owner


def blocking(gate: threading.Event, value: str, threads: list[int]) -> Callable[[], str]:
    """Work that blocks until ``gate`` is set, noting the thread it ran on."""

    def work() -> str:
        threads.append(threading.get_ident())
        assert gate.wait(30)
        return value

    return work


async def drain(app: App[None]) -> None:
    """Wait for every worker, including replaced and cancelled ones, to end."""
    with suppress(WorkerCancelled):
        await app.workers.wait_for_complete()


async def test_a_blocking_call_runs_in_a_thread_and_its_answer_is_handled_on_the_ui() -> None:
    owner = Owner()
    app = RunnerApp(owner)
    threads: list[int] = []
    gate = threading.Event()
    gate.set()
    async with app.run_test() as pilot:
        ticket = owner.runner.run_blocking("head", blocking(gate, "200", threads), Owner.Answered)
        assert owner.runner.busy("head") and owner.runner.current("head") == ticket
        await wait_for(pilot, lambda: owner.shown)
        assert owner.shown == [("head", "200")]
        assert threads and threads[0] != UI_THREAD
        assert owner.handler_threads == {UI_THREAD}
        assert not owner.runner.busy("head")


async def test_a_replaced_blocking_request_never_shows_its_late_answer() -> None:
    owner = Owner()
    app = RunnerApp(owner)
    threads: list[int] = []
    slow, fast = threading.Event(), threading.Event()
    fast.set()
    async with app.run_test() as pilot:
        first = owner.runner.run_blocking("head", blocking(slow, "LATE", threads), Owner.Answered)
        await wait_for(pilot, lambda: len(threads) == 1)  # the first is running in its thread
        owner.runner.run_blocking("head", blocking(fast, "FRESH", threads), Owner.Answered)
        await wait_for(pilot, lambda: owner.shown)
        assert not owner.runner.is_current(first)
        slow.set()  # the first thread now finishes, after it was replaced
        await drain(app)
        await pilot.pause()
        assert owner.shown == [("head", "FRESH")]


async def test_cancel_drops_the_answer_and_frees_the_group() -> None:
    owner = Owner()
    app = RunnerApp(owner)
    threads: list[int] = []
    gate = threading.Event()
    async with app.run_test() as pilot:
        ticket = owner.runner.run_blocking("head", blocking(gate, "LATE", threads), Owner.Answered)
        await wait_for(pilot, lambda: threads)
        assert owner.runner.cancel("head") == ticket
        assert not owner.runner.busy("head")
        assert owner.runner.cancel("head") is None  # nothing left to cancel
        gate.set()
        await drain(app)
        await pilot.pause()
        assert owner.shown == []


async def test_a_watch_tick_never_cancels_a_manual_send() -> None:
    owner = Owner()
    app = RunnerApp(owner)
    threads: list[int] = []
    manual, tick = threading.Event(), threading.Event()
    tick.set()
    async with app.run_test() as pilot:
        owner.runner.run_blocking("head", blocking(manual, "manual", threads), Owner.Answered)
        await wait_for(pilot, lambda: threads)
        owner.runner.run_blocking("watch", blocking(tick, "tick", threads), Owner.Answered)
        await wait_for(pilot, lambda: owner.shown)
        assert owner.shown == [("watch", "tick")]
        assert owner.runner.busy("head")  # the send is still wanted
        manual.set()
        await wait_for(pilot, lambda: len(owner.shown) == 2)
        assert owner.shown[1] == ("head", "manual")


async def test_coroutines_run_as_async_workers_and_replace_each_other() -> None:
    owner = Owner()
    app = RunnerApp(owner)
    started = asyncio.Event()
    release = asyncio.Event()

    async def slow() -> str:
        started.set()
        await release.wait()
        return "LATE"

    async def fast() -> str:
        return "FRESH"

    async with app.run_test() as pilot:
        owner.runner.run("list", slow, Owner.Answered)
        await wait_for(pilot, started.is_set)
        owner.runner.run("list", fast, Owner.Answered)
        release.set()
        await drain(app)
        await pilot.pause()
        assert owner.shown == [("list", "FRESH")]
        assert owner.handler_threads == {UI_THREAD}


async def test_a_failing_request_is_reported_and_the_group_freed() -> None:
    owner = Owner()
    app = RunnerApp(owner)

    def broken() -> str:
        raise RuntimeError("boom")

    async with app.run_test() as pilot:
        owner.runner.run_blocking("preview", broken, Owner.Answered)
        await wait_for(pilot, lambda: owner.failures)
        assert owner.failures == ["boom"]
        assert not owner.runner.busy("preview")
        assert app.is_running


async def test_streams_post_each_item_then_ended() -> None:
    owner = StreamOwner()
    app = RunnerApp(owner)

    async def pages() -> AsyncIterator[str]:
        for page in ("p1", "p2", "p3"):
            yield page

    async with app.run_test() as pilot:
        owner.runner.stream("list", pages, Owner.Answered)
        owner.runner.stream_blocking("bulk", lambda: iter(["a", "b"]), Owner.Answered)
        await wait_for(pilot, lambda: len(owner.ended) == 2)
        assert [v for g, v in owner.shown if g == "list"] == ["p1", "p2", "p3"]
        assert [v for g, v in owner.shown if g == "bulk"] == ["a", "b"]
        assert sorted(owner.ended) == ["bulk", "list"]


async def test_a_cancelled_blocking_stream_stops_at_the_next_item() -> None:
    owner = StreamOwner()
    app = RunnerApp(owner)
    first_shown = threading.Event()
    produced: list[str] = []

    def outcomes() -> Iterator[str]:
        for n in range(1000):
            produced.append(str(n))
            yield str(n)
            if n == 0:
                assert first_shown.wait(30)

    async with app.run_test() as pilot:
        owner.runner.stream_blocking("bulk", outcomes, Owner.Answered)
        await wait_for(pilot, lambda: owner.shown)
        owner.runner.cancel("bulk")
        first_shown.set()
        await drain(app)
        await pilot.pause()
        assert owner.shown == [("bulk", "0")]
        assert len(produced) <= 2  # stopped instead of running through all 1000
        assert owner.ended == []
