"""The TUI's own costs: first frame, key press to result drawn, event-loop stalls, memory.

- **First frame**: a fresh interpreter that builds the app, draws its first frame (headless,
  100x30) and exits, timed from outside; next to the same for a minimal Textual app (Input +
  DataTable + Footer), the floor any Textual app of this shape pays.
- **Sends**: the head screen against an emulator in its own process; F5 pressed 200 times, each
  once the screen has settled after the previous answer (a person's pace, not back to back).
  Key press → result drawn is from the moment the key event is handed to the app, as a
  terminal's input thread hands it, to the end of the first frame that shows the new result,
  written out as a terminal would get it (escape sequences and all; see
  :class:`TerminalStandIn`). Nothing of the test harness runs in between: Textual's ``Pilot``
  forces screen updates and walks every widget while it waits, so it is used only between
  sends. The longest event-loop stall is a 5 ms ticker's worst lateness over the 200 sends;
  memory is this process's resident size and its live widget objects after 1 and after 200
  sends. The reference is the exchange itself: the network time the client reports for the
  same HEADs (measured at the transport).

Usage: python benchmarks/bench_tui.py [--sends 200] [--rounds 5]
(``python benchmarks/bench_tui.py first-frame ossbrowse|minimal`` is the child process.)
This machine is noisy (±20-30 %): compare only numbers from one run.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

from bench_browse import StallMeter
from bench_ls import KEY_ID, SECRET, emulator_process
from scratch_dirs import use_scratch_dirs

from ossbrowse.oss.profile import Profile

REGION = "cn-hangzhou"
BUCKET, KEY_FORMAT = "bench-tui", "tui/object-{number:07d}.txt"
KEY = KEY_FORMAT.format(number=0)


def _profile(endpoint: str = "http://127.0.0.1:9") -> Profile:
    return Profile(
        name="bench",
        access_key_id=KEY_ID,
        access_key_secret=SECRET,
        region=REGION,
        endpoint=endpoint,
    )


# -- first frame: one fresh process per sample -------------------------------------------------


async def _first_frame(which: str) -> None:
    if which == "minimal":
        from textual.app import App, ComposeResult
        from textual.widgets import DataTable, Footer, Input

        class Minimal(App[None]):
            def compose(self) -> ComposeResult:
                yield Input()
                yield DataTable()
                yield Footer()

        app: object = Minimal()
    else:
        from ossbrowse.ui.app import make_app

        app = make_app(_profile(), prefill={"bucket": BUCKET, "key": KEY})
    async with app.run_test(size=(100, 30)) as pilot:  # type: ignore[attr-defined]
        await pilot.pause()  # the first frame is drawn


def first_frame_s(which: str) -> float:
    """Wall time of a fresh process that draws ``which`` app's first frame and exits."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, __file__, "first-frame", which],
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    return time.perf_counter() - started


def first_frames(rounds: int) -> tuple[float, float]:
    """Medians of ``rounds`` alternating samples: (ossbrowse, minimal Textual app)."""
    ours, minimal = [], []
    first_frame_s("minimal")  # warm the file cache
    for _ in range(rounds):
        ours.append(first_frame_s("ossbrowse"))
        minimal.append(first_frame_s("minimal"))
    return statistics.median(ours), statistics.median(minimal)


# -- sends --------------------------------------------------------------------------------------


def _terminal_stand_in() -> type:
    from textual.drivers.headless_driver import HeadlessDriver

    class TerminalStandIn(HeadlessDriver):
        """The test driver, except that frames are written out as to a terminal.

        Under the headless driver Textual lays a frame out and renders its lines but skips
        turning them into escape sequences and writing them, which is part of what a user
        waits for. Here every frame is encoded in full and written to ``/dev/null``.
        """

        _sink = os.open(os.devnull, os.O_WRONLY)
        writes = 0

        @property
        def is_headless(self) -> bool:
            return False

        def write(self, data: str) -> None:
            os.write(self._sink, data.encode())
            type(self).writes += 1

    return TerminalStandIn


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _live_widgets() -> int:
    from textual.widget import Widget

    # The app freezes its start-up heap after the first frame, and gc.get_objects() does not
    # list frozen objects: thaw it to count every widget, then freeze what is alive again (the
    # app's own freeze also takes everything alive at that moment).
    frozen = gc.get_freeze_count() > 0
    gc.unfreeze()
    gc.collect()
    count = sum(1 for o in gc.get_objects() if isinstance(o, Widget))
    if frozen:
        gc.freeze()
    return count


@dataclass
class Sends:
    """What 200 sends cost."""

    press_to_drawn_ms: float
    """Median key press → result drawn."""
    exchange_ms: float
    """Median network time the client reported for the same HEADs."""
    worst_stall_ms: float
    rss_first_mb: float
    rss_last_mb: float
    widgets_first: int
    widgets_last: int


async def _sends(profile: Profile, count: int, bucket: str, key: str) -> Sends:
    from ossbrowse.ui.app import make_app
    from ossbrowse.ui.screens.head import HeadScreen
    from ossbrowse.ui.widgets.result_pane import ResultPane

    app = make_app(profile, prefill={"bucket": bucket, "key": key})
    latencies: list[float] = []
    exchanges: list[float] = []
    meter = StallMeter()
    async with app.run_test(size=(100, 30)) as pilot:
        from textual import events

        terminal = _terminal_stand_in()
        app._driver.__class__ = terminal  # type: ignore[union-attr]
        screen = app.screen
        assert isinstance(screen, HeadScreen)
        pane = screen.query_one(ResultPane)
        drawn = asyncio.Event()
        seen: list[object] = [pane.shown]
        writes = [terminal.writes]
        display_hook = app.post_display_hook

        def timed_display_hook() -> None:
            # Called after each display (also one Textual skipped): the first frame written out
            # after the new result was put in the pane shows it.
            display_hook()
            if terminal.writes != writes[0] and pane.shown is not seen[0]:
                seen[0] = pane.shown
                drawn.set()
            writes[0] = terminal.writes

        app.post_display_hook = timed_display_hook  # type: ignore[method-assign]

        async def send() -> float:
            # Settle first: the previous answer's frames are out, nothing is pending.
            await pilot.pause(0.05)
            await pilot.pause()
            drawn.clear()
            key = events.Key("f5", None)
            key.set_sender(app)
            started = time.perf_counter()
            app._driver.send_message(key)  # type: ignore[union-attr]
            await drawn.wait()
            finished = time.perf_counter()
            assert pane.shown is not None and pane.shown.result.status == 200
            exchanges.append(pane.shown.result.elapsed_ms)
            return (finished - started) * 1000

        await send()
        await app.workers.wait_for_complete()
        rss_first, widgets_first = _rss_mb(), _live_widgets()
        meter.start()
        for _ in range(count):
            latencies.append(await send())
        meter.stop()
        await app.workers.wait_for_complete()
        rss_last, widgets_last = _rss_mb(), _live_widgets()
    return Sends(
        statistics.median(latencies),
        statistics.median(exchanges),
        meter.worst_ms,
        rss_first,
        rss_last,
        widgets_first,
        widgets_last,
    )


def sends(endpoint: str, count: int, *, bucket: str = BUCKET, key: str = KEY) -> Sends:
    """``count`` sends of a HEAD of ``bucket/key`` against the emulator at ``endpoint``."""
    return asyncio.run(_sends(_profile(endpoint), count, bucket, key))


def main() -> None:
    if sys.argv[1:2] == ["first-frame"]:
        asyncio.run(_first_frame(sys.argv[2]))  # the parent's scratch directories, inherited
        return
    use_scratch_dirs()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ours, minimal = first_frames(args.rounds)
    print(
        f"first frame (fresh process): ossbrowse {ours:.3f} s, minimal Textual app "
        f"{minimal:.3f} s, ratio {ours / minimal:.2f}x (goal <= 1.3x)"
    )
    with emulator_process(1, bucket=BUCKET, key_format=KEY_FORMAT) as endpoint:
        result = sends(endpoint, args.sends)
    print(
        f"{args.sends} sends: key press -> drawn median {result.press_to_drawn_ms:.1f} ms "
        f"(exchange {result.exchange_ms:.1f} ms; goal < 30 ms), longest stall "
        f"{result.worst_stall_ms:.1f} ms"
    )
    print(
        f"memory: RSS {result.rss_first_mb:.1f} -> {result.rss_last_mb:.1f} MB, live widgets "
        f"{result.widgets_first} -> {result.widgets_last}"
    )


if __name__ == "__main__":
    main()
