"""The explorer on a big prefix: first page drawn, the longest event-loop stall, peak memory.

An emulator in its own process on 127.0.0.1 holds one flat prefix of 100,000 objects (by
default). The real app opens the browse screen there (headless, 100x30) and the cursor is sent
to the last row again and again, so that every page is loaded as a user scrolling to the end
would load it. Printed side by side in one run:
- time from making the app to the first frame with rows drawn, next to the reference: the same
  first page fetched and parsed by the client alone (the network and parsing floor). Python's
  start and the imports come before the app is made and are not counted here;
- the longest event-loop stall while pages load (a 5 ms ticker's worst lateness), and the
  longest time one page took to go into the list, in wall and in CPU time of the app's thread
  (CPU time does not grow when other processes take the cores, so it is the steadier figure on
  a loaded machine);
- peak memory (max RSS of this process) after every row is loaded.
Goals (issue 10): first page drawn under 0.3 s, no stall over 50 ms, memory under 150 MB.

Usage: python benchmarks/bench_browse.py [--objects 100000] [--page-size 1000]
This machine is noisy (±20-30 %): compare only numbers from one run.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from typing import NamedTuple

from bench_ls import KEY_ID, SECRET, emulator_process  # the same emulator set-up as ``ls``
from scratch_dirs import use_scratch_dirs
from textual.pilot import Pilot

from ossbrowse.oss.client import OssClient
from ossbrowse.oss.profile import Profile
from ossbrowse.ui.app import make_app
from ossbrowse.ui.screens.browse import BrowseScreen
from ossbrowse.ui.widgets.object_list import Entry, ObjectList

BUCKET, PREFIX = "bench-browse", "flat/"
REGION = "cn-hangzhou"
FLAT_KEYS = PREFIX + "object {number:07d}.txt"
"""Every object directly under PREFIX: one listing of the whole prefix, page after page."""


class PageMeter:
    """The longest ``ObjectList.add_entries`` call, in wall time and in this thread's CPU time."""

    def __init__(self) -> None:
        self.worst_wall_ms = 0.0
        self.worst_cpu_ms = 0.0
        self._original = ObjectList.add_entries

    def __enter__(self) -> PageMeter:
        original = self._original

        def timed(table: ObjectList, entries: Sequence[Entry]) -> None:
            wall, cpu = time.perf_counter(), time.thread_time()
            original(table, entries)
            self.worst_wall_ms = max(self.worst_wall_ms, (time.perf_counter() - wall) * 1000)
            self.worst_cpu_ms = max(self.worst_cpu_ms, (time.thread_time() - cpu) * 1000)

        ObjectList.add_entries = timed  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        ObjectList.add_entries = self._original  # type: ignore[method-assign]


class StallMeter:
    """The worst lateness of a 5 ms ticker on the app's event loop, and what this process did
    during that tick: its CPU time (every thread) and its cycle collector's time.

    A stall whose CPU time is close to its length is this process's own work (the UI thread,
    or a worker holding the GIL); one far longer than its CPU time is the process waiting for
    a core that other processes had.
    """

    def __init__(self) -> None:
        self.worst_ms = 0.0
        self.worst_cpu_ms = 0.0
        """CPU time of the process over the worst tick (its 5 ms and the stall)."""
        self.worst_ui_cpu_ms = 0.0
        """The part of it spent on the app's own thread (the rest: worker threads)."""
        self.worst_gc_ms = 0.0
        """Time the cycle collector ran during the worst tick."""
        self._gc_ms = 0.0
        self._gc_started = 0.0
        self._task: asyncio.Task[None] | None = None

    def _collector(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self._gc_ms += (time.perf_counter() - self._gc_started) * 1000

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + 0.005
            cpu, ui_cpu, collected = time.process_time(), time.thread_time(), self._gc_ms
            await asyncio.sleep(0.005)
            late = (loop.time() - due) * 1000
            if late > self.worst_ms:
                self.worst_ms = late
                self.worst_cpu_ms = (time.process_time() - cpu) * 1000
                self.worst_ui_cpu_ms = (time.thread_time() - ui_cpu) * 1000
                self.worst_gc_ms = self._gc_ms - collected

    def start(self) -> None:
        gc.callbacks.append(self._collector)
        self._task = asyncio.get_running_loop().create_task(self._tick())

    def stop(self) -> None:
        if self._collector in gc.callbacks:
            gc.callbacks.remove(self._collector)
        if self._task is not None:
            self._task.cancel()


class Browsed(NamedTuple):
    """What :func:`browse` measured."""

    first_drawn: float
    """Seconds from making the app to the first frame with rows."""
    stall_ms: float
    """The longest event-loop stall while every page loaded."""
    loaded: int
    """Rows loaded at the end."""
    stall_cpu_ms: float
    """CPU time of this process during the longest stall's tick."""
    stall_gc_ms: float
    """Cycle-collector time during the longest stall's tick."""
    stall_ui_cpu_ms: float
    """The app's own thread's share of :attr:`stall_cpu_ms`."""


def reference_first_page(
    profile: Profile, page_size: int, *, bucket: str = BUCKET, prefix: str = PREFIX
) -> float:
    """The first page fetched and parsed by the client alone (seconds)."""
    with OssClient(profile) as client:
        started = time.perf_counter()
        next(
            iter(client.list_objects_v2(bucket, prefix=prefix, delimiter="/", page_size=page_size))
        )
        return time.perf_counter() - started


class FirstFrame:
    """When the first frame holding rows was drawn: the first rows into the list, then the
    screen's next refresh (Textual runs ``call_after_refresh`` callbacks once it has drawn)."""

    def __init__(self) -> None:
        self.drawn_at: float | None = None
        self._original = ObjectList.add_entries

    def __enter__(self) -> FirstFrame:
        original = self._original

        def noted(table: ObjectList, entries: Sequence[Entry]) -> None:
            original(table, entries)
            if entries and self.drawn_at is None:
                table.call_after_refresh(self._drawn)

        ObjectList.add_entries = noted  # type: ignore[method-assign]
        return self

    def _drawn(self) -> None:
        if self.drawn_at is None:
            self.drawn_at = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        ObjectList.add_entries = self._original  # type: ignore[method-assign]


async def browse(
    profile: Profile, count: int, page_size: int, *, bucket: str = BUCKET, prefix: str = PREFIX
) -> Browsed:
    """The explorer at ``bucket/prefix`` scrolled to the end.

    The first page is timed from the app being made (``make_app``, as ``ossbrowse browse``
    does once its arguments are read) to the first frame with rows drawn. Python's own start
    and the imports of Textual and ossbrowse come before that and are not in it (see the
    fresh-process first frame of ``bench_tui``).
    """
    start = {"bucket": bucket, "prefix": prefix, "page_size": str(page_size)}
    meter = StallMeter()
    with FirstFrame() as frame:
        started = time.perf_counter()
        app = make_app(profile, prefill=start, mode="browse")
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, BrowseScreen)
            table = screen.query_one(ObjectList)
            while frame.drawn_at is None:
                await pilot.pause()
            first_drawn = frame.drawn_at - started
            meter.start()
            stall, loaded = await _scroll_to_end(pilot, screen, table, meter)
    return Browsed(
        first_drawn, stall, loaded, meter.worst_cpu_ms, meter.worst_gc_ms, meter.worst_ui_cpu_ms
    )


async def _scroll_to_end(
    pilot: Pilot[None], screen: BrowseScreen, table: ObjectList, meter: StallMeter
) -> tuple[float, int]:
    """Move the cursor to the last row until every page is in: (longest stall in ms, rows)."""
    table.focus()
    while screen.more or screen.listing:
        rows = table.row_count
        # What End does for a user: the cursor on the last row, which asks for more.
        table.move_cursor(row=rows - 1)
        while table.row_count == rows and (screen.more or screen.listing):
            await pilot.pause()
    meter.stop()
    return meter.worst_ms, table.row_count


FRESH_CHILD = """
import asyncio, os, sys, time
from ossbrowse.oss.profile import Profile
from ossbrowse.ui.app import make_app
from ossbrowse.ui.widgets.object_list import ObjectList

endpoint, bucket, prefix, page_size = sys.argv[1:5]
drawn = []
original = ObjectList.add_entries

def noted(table, entries):
    original(table, entries)
    if entries and not drawn:
        table.call_after_refresh(lambda: drawn.append(time.perf_counter()))

ObjectList.add_entries = noted

async def main():
    profile = Profile(name="bench", access_key_id=os.environ["BENCH_KEY_ID"],
                      access_key_secret=os.environ["BENCH_SECRET"],
                      region="cn-hangzhou", endpoint=endpoint)
    app = make_app(profile, prefill={"bucket": bucket, "prefix": prefix, "page_size": page_size},
                   mode="browse")
    async with app.run_test(size=(100, 30)) as pilot:
        while not drawn:
            await pilot.pause()
        print("drawn", flush=True)

asyncio.run(main())
"""
"""A fresh interpreter that imports the app as the command line does, opens the explorer and
says when the first frame with rows is drawn."""


def fresh_first_page(
    endpoint: str, page_size: int, pycache: str, *, bucket: str = BUCKET, prefix: str = PREFIX
) -> float:
    """Seconds from starting a fresh ``python`` to the first frame with rows drawn: what a user
    of ``ossbrowse browse oss://...`` waits, Python's start and the imports included.

    The child keeps compiled bytecode in ``pycache`` (as after ``pip install``; with
    ``PYTHONDONTWRITEBYTECODE`` set, every start would compile every module): make one untimed
    call first to fill it.
    """
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "PYTHONPYCACHEPREFIX": pycache,
        "BENCH_KEY_ID": KEY_ID,
        "BENCH_SECRET": SECRET,
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-c", FRESH_CHILD, endpoint, bucket, prefix, str(page_size)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as child:
        assert child.stdout is not None
        line = child.stdout.readline()
        drawn = time.perf_counter() - started
        child.wait()
    assert line.strip() == "drawn", line
    return drawn


def main() -> None:
    use_scratch_dirs()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()
    with emulator_process(args.objects, bucket=BUCKET, key_format=FLAT_KEYS) as endpoint:
        profile = Profile(
            name="bench",
            access_key_id=KEY_ID,
            access_key_secret=SECRET,
            region=REGION,
            endpoint=endpoint,
        )
        reference = reference_first_page(profile, args.page_size)
        with tempfile.TemporaryDirectory(prefix="ossbrowse-bench-pyc-") as pycache:
            fresh_first_page(endpoint, args.page_size, pycache)  # bytecode and file cache
            fresh = fresh_first_page(endpoint, args.page_size, pycache)
        with PageMeter() as pages:
            run = asyncio.run(browse(profile, args.objects, args.page_size))
    first, stall, loaded = run.first_drawn, run.stall_ms, run.loaded
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"prefix of {args.objects:,} objects, pages of {args.page_size}; rows loaded {loaded:,}")
    print(f"{'measure':<34}{'ossbrowse':>12}{'reference':>12}{'goal':>10}")
    print(f"{'first page drawn (s)':<34}{first:>12.3f}{reference:>12.3f}{'< 0.3':>10}")
    print(f"{'  from a fresh process (s)':<34}{fresh:>12.3f}")
    print(f"{'longest event-loop stall (ms)':<34}{stall:>12.1f}{'':>12}{'< 50':>10}")
    print(f"{'  CPU of this process then (ms)':<34}{run.stall_cpu_ms:>12.1f}")
    print(f"{'    of which the app thread (ms)':<34}{run.stall_ui_cpu_ms:>12.1f}")
    print(f"{'  cycle collector then (ms)':<34}{run.stall_gc_ms:>12.1f}")
    print(f"{'longest page into the list (ms)':<34}{pages.worst_wall_ms:>12.1f}")
    print(f"{'  the same, CPU of the app (ms)':<34}{pages.worst_cpu_ms:>12.1f}")
    print(f"{'peak memory (MB)':<34}{peak_mb:>12.1f}{'':>12}{'< 150':>10}")
    print("reference: the same first page fetched and parsed by OssClient alone")


if __name__ == "__main__":
    main()
