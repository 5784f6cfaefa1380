"""The first page of a listing, asked for before the screen that shows it exists.

``ossbrowse browse oss://bucket/prefix/`` knows where it lists before Textual has drawn
anything. A :class:`FirstPage` sends that listing's first request at once, on a thread of its
own, so that the network and the parsing overlap the app's start-up; the explorer then takes
the page (or the error) instead of asking again.

It belongs to one location, named by its :attr:`~FirstPage.where` (the client, the place, the
page size): the session hands it over only to a listing of exactly that (see
:meth:`ossbrowse.ui.session.Session.take_first_page`), once, and a listing of anywhere else
drops it, so a page fetched early is never shown against another location. A dropped page is
still fetched (a blocking request cannot be interrupted), then let go with this object.

No Textual here, and nothing touches the UI from the thread: the answer is a
:class:`~concurrent.futures.Future`, which the explorer takes through its request runner
(:meth:`~ossbrowse.ui.runner.RequestRunner.adopt`) or reads at once when it is already in, so
the page, and any error with its decoding and redaction, take the path of a page asked for
later.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterator
from concurrent.futures import Future
from typing import Generic, TypeVar

P = TypeVar("P")


class FirstPage(Generic[P]):
    """The first item of ``pages``, fetched on a thread from the moment this is made."""

    def __init__(self, where: Hashable, pages: Iterator[P]) -> None:
        self.where = where
        """What listing this is the first page of; only a listing of exactly that takes it."""
        self.pages = pages
        """The listing's pages: the first comes in :attr:`future`, the next from here."""
        self.future: Future[P | None] = Future()
        """The first page (None: the listing is empty), or what its request raised."""
        # A daemon thread: a request to an unreachable endpoint must not hold up the exit.
        self._thread = threading.Thread(target=self._fetch, name="first-page", daemon=True)
        self._thread.start()

    def _fetch(self) -> None:
        try:
            page = next(self.pages, None)
        except Exception as error:  # handed to the taker, which shows it as any listing error
            self.future.set_exception(error)
        else:
            self.future.set_result(page)

    def join(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the request to end; True when it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()
