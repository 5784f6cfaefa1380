"""Write SVG screenshots of the TUI's main states into ``screenshots/``.

Drives the real app against the real emulator (in-process, with the demo data) at 100x30:
``.venv/bin/python scripts/make_screenshots.py``. The emulator's clock is fixed, so dates and
request ids repeat; the emulator listens on port 8085 when it is free. Two measured values are
pinned so that re-running only changes the files when the UI changes: the client's elapsed time
(3 ms per HEAD, typical on loopback) and the server's ``x-oss-server-time``.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY, Emulator  # noqa: E402
from ossbrowse.emulator.demo import DEMO_EXPIRED_ARCHIVE_KEY  # noqa: E402
from ossbrowse.emulator.demo_rewrite import DemoRewriter  # noqa: E402
from ossbrowse.emulator.steady import SteadyTransport, ticking_timer  # noqa: E402
from ossbrowse.oss.profile import Profile  # noqa: E402
from ossbrowse.ui.app import make_app  # noqa: E402
from ossbrowse.ui.guide import Guide  # noqa: E402
from ossbrowse.ui.watching import WatchSettings  # noqa: E402

OUT = ROOT / "screenshots"
SIZE = (100, 30)
NOW = datetime(2026, 3, 14, 10, 0, 0, tzinfo=UTC)
PREFERRED_PORT = 8085


def free(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:``port``."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


async def shoot(emulator: Emulator) -> list[Path]:
    """Drive the app through each state and save one SVG per state."""
    written: list[Path] = []
    profile = emulator.profile(name="demo")

    def app_for(profile: Profile, **prefill: str):  # type: ignore[no-untyped-def]
        return make_app(
            profile,
            transport=SteadyTransport(),
            clock=lambda: NOW,
            # 1 ms per timer reading: each HEAD (three readings apart) shows 3 ms.
            timer=TIMER,
            prefill=prefill or {"bucket": DEMO_BUCKET, "key": DEMO_KEY},
            demo=True,
        )

    async def save(app, pilot, name: str, title: str) -> None:  # type: ignore[no-untyped-def]
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        path = OUT / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"ossbrowse — {title}"), encoding="utf-8")
        written.append(path)

    async def steady(pilot) -> None:  # type: ignore[no-untyped-def]
        for field in pilot.app.screen.query("Input"):
            field.cursor_blink = False

    app = app_for(profile)
    async with app.run_test(size=SIZE) as pilot:
        await steady(pilot)
        await save(app, pilot, "01-demo-start", "ossbrowse demo")
        await pilot.press("f5")
        await save(app, pilot, "02-head-200", "200 OK")
        await pilot.press("n")
        await save(app, pilot, "03-head-304", "304 Not Modified")
        await pilot.press("x")
        await save(app, pilot, "04-head-412", "412 Precondition Failed")
        await pilot.press("f1")
        await save(app, pilot, "08-help", "help")
        await pilot.press("escape", "t")
        await save(app, pilot, "09-light-theme", "412 on the light theme")

    wrong = emulator.profile(name="demo", access_key_secret="not-the-right-secret-0000")
    app = app_for(wrong)
    async with app.run_test(size=SIZE) as pilot:
        await steady(pilot)
        await pilot.press("f5")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        # Scroll to the two strings to sign, side by side.
        pane = app.screen.query_one("#result")
        pane.scroll_to_widget(app.screen.query_one("#error-panel"), animate=False, top=True)
        await save(app, pilot, "05-signature-error", "403 SignatureDoesNotMatch")

    down = emulator.profile(name="demo", endpoint="http://127.0.0.1:9")
    app = app_for(down)
    async with app.run_test(size=SIZE) as pilot:
        await steady(pilot)
        await pilot.press("f5")
        await save(app, pilot, "06-no-answer", "no answer")

    app = app_for(profile, bucket="My_Bucket", key=DEMO_KEY, if_modified_since="last tuesday")
    async with app.run_test(size=SIZE) as pilot:
        await steady(pilot)
        await pilot.press("f5")
        await save(app, pilot, "07-invalid-input", "nothing invalid is sent")

    # An Archive object whose restored copy expired: what each OSS header means, right now.
    app = app_for(profile, bucket=DEMO_BUCKET, key=DEMO_EXPIRED_ARCHIVE_KEY)
    async with app.run_test(size=SIZE) as pilot:
        await steady(pilot)
        await pilot.press("f5")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pane = app.screen.query_one("#result")
        pane.scroll_to_widget(app.screen.query_one("#meanings"), animate=False, top=True)
        await save(app, pilot, "15-archive-explained", "an Archive object, explained")

    app = make_app(
        profile,
        transport=SteadyTransport(),
        clock=lambda: NOW,
        timer=TIMER,
        prefill={"bucket": DEMO_BUCKET, "prefix": "drafts/"},
        demo=True,
        mode="browse",
    )
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        # The listing, then the preview of the highlighted object (after its short wait).
        while screen.listing or screen.previewed is None:  # type: ignore[attr-defined]
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.05)
        await save(app, pilot, "10-explorer", "ossbrowse browse oss://demo-bucket/drafts/")

    # Last: its rewrite changes hello.txt, which the pictures above show as it was.
    rewrite = DemoRewriter(emulator, DEMO_BUCKET, DEMO_KEY, clock=lambda: NOW)
    app = make_app(
        profile,
        transport=SteadyTransport(),
        clock=lambda: NOW,
        timer=TIMER,
        prefill={"bucket": DEMO_BUCKET, "key": DEMO_KEY},
        demo=True,
        presenter=True,
        guide=Guide(DEMO_BUCKET, DEMO_KEY, rewrite),
    )
    async with app.run_test(size=SIZE) as pilot:
        await steady(pilot)
        for _ in range(5):
            await pilot.press("space")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        await save(app, pilot, "11-guided-presenter", "ossbrowse demo --guided --presenter")

    # Watching an If-None-Match probe while the object is rewritten, then the history of those
    # probes and two of them compared. The script fires each tick of the watch itself.
    ticks = ManualTicks()
    app = make_app(
        profile,
        transport=SteadyTransport(),
        clock=lambda: NOW,
        timer=TIMER,
        prefill={"bucket": DEMO_BUCKET, "key": DEMO_KEY},
        demo=True,
        watch=WatchSettings(schedule=ticks),
    )
    async with app.run_test(size=SIZE) as pilot:
        await steady(pilot)
        for key in ("f5", "n", "w"):
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
        ticks.fire()
        await pilot.app.workers.wait_for_complete()
        rewrite()
        ticks.fire()
        await save(app, pilot, "16-watch", "watching a probe: the answer changed")
        # The watch's toast would cover the dialogs (the watch goes on, no tick fires).
        app.clear_notifications()
        await pilot.pause()
        await pilot.press("h")
        await save(app, pilot, "13-history", "the history: time, request id, search")
        await pilot.press("space", "down", "d")
        await save(app, pilot, "14-compare", "two probes of one object compared")
    return written


class ManualTicks:
    """Schedules the watch's ticks for the script to fire, so each picture is repeatable."""

    def __init__(self) -> None:
        self.pending: Callable[[], object] | None = None

    def __call__(self, delay: float, call: Callable[[], object]) -> ManualTicks:
        self.pending = call
        return self

    def stop(self) -> None:
        """Call the pending tick off."""
        self.pending = None

    def fire(self) -> None:
        """Run the pending tick."""
        call, self.pending = self.pending, None
        if call is not None:
            call()


# One timer for every app, as before: readings continue from one app to the next.
TIMER = ticking_timer(0.001)


def main() -> None:
    """Start the emulator, take the screenshots, stop it."""
    OUT.mkdir(parents=True, exist_ok=True)  # save/export do not create directories
    # The probes sent here go to a history of their own, not the user's.
    history = tempfile.TemporaryDirectory()
    os.environ["OSSBROWSE_DATA_DIR"] = history.name
    # Nor the user's kept theme or TEXTUAL_THEME: the screenshots start on the default theme.
    settings = tempfile.TemporaryDirectory()
    os.environ["OSSBROWSE_CONFIG_DIR"] = settings.name
    os.environ.pop("TEXTUAL_THEME", None)
    port = PREFERRED_PORT if free(PREFERRED_PORT) else 0
    with Emulator(
        port=port,
        demo_data=True,
        clock=lambda: NOW.timestamp(),
        # Fixed demo credentials: the key id and the signature appear in the signature error.
        access_key_id="LTAI5tDemoKeyId000000001",
        access_key_secret="demo-secret-for-screenshots-01",
    ) as emulator:
        for path in asyncio.run(shoot(emulator)):
            print(path.relative_to(ROOT))
    history.cleanup()
    settings.cleanup()


if __name__ == "__main__":
    main()
