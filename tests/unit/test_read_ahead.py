"""Reading one page ahead: the same pages, one request ahead at most, failures in their place."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from ossbrowse.oss.read_ahead import read_ahead


@dataclass(frozen=True)
class Page:
    number: int
    is_truncated: bool


class Pages:
    """An iterator of ``count`` pages that counts requests and can hold or fail one."""

    def __init__(self, count: int, *, fail_at: int | None = None) -> None:
        self.count = count
        self.fail_at = fail_at
        self.requests = 0
        self.started = [threading.Event() for _ in range(count + 2)]
        self.failure = RuntimeError("403 AccessDenied")

    def __iter__(self) -> Iterator[Page]:
        return self

    def __next__(self) -> Page:
        number = self.requests
        if number >= self.count:
            raise StopIteration
        self.requests += 1
        self.started[number].set()
        if number == self.fail_at:
            raise self.failure
        return Page(number, is_truncated=number < self.count - 1)


def _threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "ossbrowse-read-ahead"]


def test_the_same_pages_in_order_and_no_thread_left() -> None:
    pages = Pages(5)
    assert [page.number for page in read_ahead(pages)] == [0, 1, 2, 3, 4]
    assert pages.requests == 5 and _threads() == []


def test_the_next_page_is_fetched_while_the_caller_holds_this_one() -> None:
    pages = Pages(4)
    for page in read_ahead(pages):
        if page.is_truncated:
            # Fetched without the caller asking: page N+1 is on its way while N is in hand...
            assert pages.started[page.number + 1].wait(timeout=30)
        # ...and never more than that one.
        assert pages.requests <= page.number + 2
        assert not pages.started[page.number + 2].is_set()


def test_a_failing_later_page_raises_after_the_pages_before_it() -> None:
    pages = Pages(5, fail_at=2)
    seen = []
    with pytest.raises(RuntimeError) as info:
        for page in read_ahead(pages):
            seen.append(page.number)
    assert seen == [0, 1]
    assert info.value is pages.failure  # the exception itself, not a wrapper
    assert pages.requests == 3 and _threads() == []


def test_a_failing_first_page_raises_in_the_callers_thread() -> None:
    pages = Pages(3, fail_at=0)
    with pytest.raises(RuntimeError):
        next(read_ahead(pages))
    assert _threads() == []


def test_nothing_is_fetched_ahead_when_the_caller_will_stop() -> None:
    pages = Pages(5)
    reading = read_ahead(pages, wanted=lambda page: page.number < 1)
    assert next(reading).number == 0
    assert pages.started[1].wait(timeout=30)  # wanted: fetched ahead
    assert next(reading).number == 1
    assert pages.requests == 2  # not wanted after page 1: nothing ahead
    # A caller that asks anyway still gets the next page, fetched then.
    assert next(reading).number == 2 and pages.requests == 3


def test_nothing_is_fetched_after_a_page_that_ends_the_listing() -> None:
    pages = Pages(2)
    reading = read_ahead(pages)
    next(reading)
    last = next(reading)
    assert not last.is_truncated and pages.requests == 2 and _threads() == []
    assert next(reading, None) is None
