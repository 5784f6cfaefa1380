"""The request runner: requests off the UI thread, one at a time per group, late answers dropped.

A screen or widget (the *owner*) keeps one :class:`RequestRunner` and starts every request
through it. Each start gets a :class:`Ticket` (group, sequence number, purpose) and runs in a
Textual worker that is exclusive within its group: a new request in a group replaces the one
in flight there; requests in other groups are left alone. So a listing (group ``"list"``), a
preview on highlight (``"preview"``), a watch tick (``"watch"``) and the user's own send
(``"head"``) never cancel each other, and a watch tick can never cancel a manual send.

The answer comes back as a message to the owner, built by the ``answer`` callable the owner
passes (usually a message class nested in the owner, taking ``(ticket, result)``)::

    class ObjectList(Widget):
        @dataclass
        class PageLoaded(Message):
            ticket: Ticket
            page: Page

        def load(self, token: str | None) -> None:
            self.runner.run("list", partial(client.list_page, token), self.PageLoaded)

        @on(PageLoaded)
        def _page(self, event: PageLoaded) -> None:
            if not self.runner.finish(event.ticket):
                return  # replaced or cancelled since: never show a stale answer
            ...

:meth:`run` awaits a coroutine in an async worker; :meth:`run_blocking` calls a blocking
function (a sync httpx client, say) in a thread worker. Either way the answer is posted as a
message and handled on the UI thread: nothing touches the UI from a thread. :meth:`stream`
and :meth:`stream_blocking` post one message per item (a bulk run, pages as they come) and
:class:`RequestRunner.Ended` after the last. A request that raises posts
:class:`RequestRunner.Failed` instead (a bug: the owner reports it and the UI stays usable).

The owner must call :meth:`finish` (or :meth:`is_current`, for stream items) when it handles
an answer: an answer can be posted just before the user cancels or replaces its request, and
only the handler runs late enough to know.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker, get_current_worker

T = TypeVar("T")


@dataclass(frozen=True)
class Ticket:
    """One request started through a runner."""

    group: str
    """Its worker group: a new request in the group replaces this one."""
    seq: int
    """Increasing within the runner; tells a late answer from the current one."""
    purpose: str = ""
    """Why it was sent, for the owner (e.g. the user's send or a fetch of missing values)."""


class RequestRunner:
    """Starts, tracks and cancels the requests of one owner (a screen or a widget)."""

    @dataclass
    class Failed(Message):
        """The request raised (a bug in the request path, not an HTTP error)."""

        bubble: ClassVar[bool] = False
        ticket: Ticket
        error: Exception

    @dataclass
    class Ended(Message):
        """A stream posted its last item."""

        bubble: ClassVar[bool] = False
        ticket: Ticket

    def __init__(self, owner: DOMNode) -> None:
        self._owner = owner
        self._seq = 0
        self._current: dict[str, Ticket] = {}

    # -- state -----------------------------------------------------------------------------

    def busy(self, group: str) -> bool:
        """True while a request of ``group`` is in flight and its answer still wanted."""
        return group in self._current

    def current(self, group: str) -> Ticket | None:
        """The ticket of the request in flight in ``group``, if any."""
        return self._current.get(group)

    def is_current(self, ticket: Ticket) -> bool:
        """True when ``ticket`` is still its group's request (not replaced, not cancelled)."""
        return self._current.get(ticket.group) == ticket

    def finish(self, ticket: Ticket) -> bool:
        """Accept the answer of ``ticket``: True (and the group idle) when it is current,
        False for a late answer, which the owner must drop."""
        if not self.is_current(ticket):
            return False
        del self._current[ticket.group]
        return True

    def cancel(self, group: str) -> Ticket | None:
        """Cancel ``group``'s request in flight; its answer, if one still comes, is dropped."""
        ticket = self._current.pop(group, None)
        self._owner.workers.cancel_group(self._owner, group)
        return ticket

    def cancel_all(self) -> None:
        """Cancel every group's request."""
        for group in list(self._current):
            self.cancel(group)

    # -- starting --------------------------------------------------------------------------

    def run(
        self,
        group: str,
        work: Callable[[], Awaitable[T]],
        answer: Callable[[Ticket, T], Message],
        *,
        purpose: str = "",
        description: str = "",
    ) -> Ticket:
        """Await ``work()`` in an async worker; post ``answer(ticket, result)``."""
        ticket = self._begin(group, purpose)

        async def job() -> None:
            try:
                result = await work()
            except Exception as error:
                self._post(ticket, self.Failed(ticket, error))
                return
            self._post(ticket, answer(ticket, result))

        self._start(ticket, job, thread=False, description=description)
        return ticket

    def run_blocking(
        self,
        group: str,
        work: Callable[[], T],
        answer: Callable[[Ticket, T], Message],
        *,
        purpose: str = "",
        description: str = "",
    ) -> Ticket:
        """Call the blocking ``work()`` in a thread worker; post ``answer(ticket, result)``.

        ``work`` must not touch the UI (it runs on another thread); ``answer`` only builds the
        message, which the owner handles on the UI thread.
        """
        ticket = self._begin(group, purpose)

        def job() -> None:
            try:
                result = work()
            except Exception as error:
                self._post(ticket, self.Failed(ticket, error))
                return
            self._post(ticket, answer(ticket, result))

        self._start(ticket, job, thread=True, description=description)
        return ticket

    def stream(
        self,
        group: str,
        items: Callable[[], AsyncIterator[T]],
        answer: Callable[[Ticket, T], Message],
        *,
        purpose: str = "",
        description: str = "",
    ) -> Ticket:
        """Post ``answer(ticket, item)`` for each item of ``items()``, then ``Ended``."""
        ticket = self._begin(group, purpose)

        async def job() -> None:
            try:
                async for item in items():
                    if not self._post(ticket, answer(ticket, item)):
                        return
            except Exception as error:
                self._post(ticket, self.Failed(ticket, error))
                return
            self._post(ticket, self.Ended(ticket))

        self._start(ticket, job, thread=False, description=description)
        return ticket

    def stream_blocking(
        self,
        group: str,
        items: Callable[[], Iterable[T]],
        answer: Callable[[Ticket, T], Message],
        *,
        purpose: str = "",
        description: str = "",
    ) -> Ticket:
        """As :meth:`stream`, iterating a blocking iterable in a thread worker; the thread
        stops at the next item once the request is cancelled or replaced."""
        ticket = self._begin(group, purpose)

        def job() -> None:
            try:
                for item in items():
                    if not self._post(ticket, answer(ticket, item)):
                        return
            except Exception as error:
                self._post(ticket, self.Failed(ticket, error))
                return
            self._post(ticket, self.Ended(ticket))

        self._start(ticket, job, thread=True, description=description)
        return ticket

    def adopt(
        self,
        group: str,
        future: Future[T],
        answer: Callable[[Ticket, T], Message],
        *,
        purpose: str = "",
    ) -> Ticket:
        """Take the answer of work already under way elsewhere (``future``, e.g. a request
        sent before the owner existed): posted as ``answer(ticket, result)``, or ``Failed``,
        when it completes, as from :meth:`run_blocking`. Cancelling the group drops it."""
        ticket = self._begin(group, purpose)

        def done(completed: Future[T]) -> None:
            # On the thread that completed the future (or this one, if it already had).
            if completed.cancelled() or not self.is_current(ticket):
                return
            error = completed.exception()
            if error is None:
                self._owner.post_message(answer(ticket, completed.result()))
            elif isinstance(error, Exception):
                self._owner.post_message(self.Failed(ticket, error))

        future.add_done_callback(done)
        return ticket

    # -- inside ----------------------------------------------------------------------------

    def _begin(self, group: str, purpose: str) -> Ticket:
        self._seq += 1
        ticket = Ticket(group, self._seq, purpose)
        self._current[group] = ticket
        return ticket

    def _start(
        self,
        ticket: Ticket,
        job: Callable[[], Coroutine[None, None, None]] | Callable[[], None],
        *,
        thread: bool,
        description: str,
    ) -> Worker[None]:
        # Exclusive within the group: starting cancels the group's previous worker (a thread
        # cannot be interrupted; it finishes, and its answer is dropped as stale).
        return self._owner.run_worker(
            job,
            group=ticket.group,
            description=description or ticket.group,
            exclusive=True,
            exit_on_error=False,
            thread=thread,
        )

    def _post(self, ticket: Ticket, message: Message) -> bool:
        """Post ``message`` unless its request is no longer wanted; False when it is not."""
        # Read from a worker thread too: a stale read only lets through an answer that
        # finish() drops on the UI thread.
        if get_current_worker().is_cancelled or not self.is_current(ticket):
            return False
        return self._owner.post_message(message)
