"""Reading a listing one page ahead: the next page is fetched while the caller uses this one.

A listing is a chain of requests, each needing the previous page's continuation token, and
each page then costs the caller time (``ossbrowse ls`` formats and writes it). Done one after
the other, the client waits for the server and the server for the client. :func:`read_ahead`
overlaps the two: as soon as page N is in hand, page N+1 is requested in a background thread,
and the caller gets page N.

What stays the same as iterating the pages directly:

- the pages, in order, and at most one page more in memory (never more than one request ahead);
- a failure on a later page is raised by the iteration that would have fetched it, so
  everything before it has been used (printed) first, and the exception is the one the pages
  raised, not a wrapper;
- no request is made ahead for a page the caller will not ask for: after a page for which
  ``wanted(page)`` is false, or one that says nothing follows (``is_truncated`` false);
- the first page is fetched in the caller's thread, and waiting for a later one can be
  interrupted (Ctrl+C) as waiting for an answer can.

If the caller stops early while a page is being fetched, that one request finishes in its
thread (a daemon thread: it never holds up the end of the process) and its page is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Generic, Protocol, TypeVar


class Page(Protocol):
    """What read_ahead needs to know of a page: whether the listing goes on after it."""

    @property
    def is_truncated(self) -> bool: ...


P = TypeVar("P", bound=Page)


class _Fetch(Generic[P]):
    """``next(pages)`` in a thread of its own; :meth:`result` waits for it."""

    def __init__(self, pages: Iterator[P]) -> None:
        self._pages = pages
        self._page: P | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="ossbrowse-read-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._page = next(self._pages)
        except StopIteration:
            pass
        except BaseException as exc:  # handed to the caller, raised in its thread
            self._error = exc

    def result(self) -> P | None:
        """The page, None at the end of the listing; raises what fetching it raised."""
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return self._page


def _always(page: Page) -> bool:
    return True


def read_ahead(pages: Iterator[P], wanted: Callable[[P], bool] = _always) -> Iterator[P]:
    """The pages of ``pages``, each next one fetched in a thread while the caller has this one.

    ``wanted(page)`` says, before the caller gets ``page``, whether it may ask for the next one
    (e.g. false once a ``--limited-num`` is reached within ``page``): if not, nothing is
    fetched ahead.
    """
    page = next(pages, None)
    while page is not None:
        ahead = _Fetch(pages) if page.is_truncated and wanted(page) else None
        yield page
        if ahead is None:
            # The caller asked for more than it said it wanted, or the listing said it was
            # complete: carry on as plain iteration would.
            page = next(pages, None)
        else:
            page = ahead.result()
