"""``ossbrowse serve`` in a real browser: headless Chromium types a probe and reads the answer.

The served TUI talks to an emulator run by this test. Playwright drives the system's Chromium
(Debian's ``chromium``, which ``.ci/run`` installs; Playwright never downloads a browser here),
with a fresh profile and every request outside the server refused (the page would otherwise ask
a web font service). textual-serve's page draws the terminal with xterm.js on a canvas, so the
test reads the terminal's text from xterm.js's own buffer: an init script keeps a reference to
the page's terminal object when the page creates it.

Set ``OSSBROWSE_BROWSER_SCREENSHOT=PATH`` to keep a PNG of the page (the README's picture).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.console import Console
from textual.renderables.digits import Digits

from ossbrowse.emulator import Emulator

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BUCKET = "served-bucket"
KEY = "reports/from the browser.txt"
PLACEHOLDER = "my-bucket"
"""What the empty Bucket field shows."""

# Keeps the page's xterm.js Terminal when the page assigns it (``this.terminal = new Terminal``).
KEEP_TERMINAL = """
Object.defineProperty(Object.prototype, 'terminal', {
  configurable: true,
  set(value) {
    window.__ossbrowseTerminal = value;
    Object.defineProperty(this, 'terminal', {
      value, writable: true, configurable: true, enumerable: true,
    });
  },
});
"""
READ_TERMINAL = """() => {
  const term = window.__ossbrowseTerminal;
  if (!term) return '';
  const buffer = term.buffer.active, rows = [];
  for (let i = 0; i < buffer.length; i++) rows.push(buffer.getLine(i).translateToString(true));
  return rows.join('\\n');
}"""


CURSOR_COLUMN = "() => window.__ossbrowseTerminal.buffer.active.cursorX"


def _requirements() -> None:
    """Skip without the browser or the Python packages, except under CI, where it must run."""
    in_ci = os.environ.get("CI") == "true"
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (Debian's chromium: apt-get install chromium)")
    for module in ("playwright", "textual_serve"):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"the {module} package (pip install -e '.[test]')")
    if missing and in_ci:
        pytest.fail("the browser test must run under CI; missing: " + "; ".join(missing))
    if missing:
        pytest.skip("missing " + "; ".join(missing))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait(
    condition: Callable[[], object],
    what: str,
    timeout: float = 60.0,
    shown: Callable[[], str] = lambda: "",
) -> None:
    """Poll ``condition`` until true; the timeout only bounds a broken run."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}\n{shown()}"
        time.sleep(0.1)


@pytest.fixture
def served(
    make_emulator: Callable[..., Emulator], tmp_path: Path
) -> Iterator[tuple[str, Emulator]]:
    """``ossbrowse serve`` on a free loopback port, its TUI pointed at a fresh emulator.

    The server runs in its own process group, with every app process it starts; all are
    stopped at the end, and the test fails if any outlives the server's own shutdown.
    """
    _requirements()
    emulator = make_emulator()
    emulator.store.create_bucket(BUCKET, region=emulator.region)
    emulator.store.put_object(BUCKET, KEY, b"served through a browser\n")
    port = _free_port()
    env = {
        **os.environ,
        "OSS_ACCESS_KEY_ID": emulator.access_key_id,
        "OSS_ACCESS_KEY_SECRET": emulator.access_key_secret,
        "NO_PROXY": "127.0.0.1",
    }
    app_args = ["--endpoint", emulator.endpoint, "--region", emulator.region]
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "ossbrowse", "serve", "--port", str(port), "--", *app_args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"

    def listening() -> bool:
        assert server.poll() is None, (tmp_path / "serve.log").read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            return False
        return True

    try:
        _wait(listening, "the server to listen")
        yield url, emulator
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        # The app processes are in the server's group: none may be left behind.
        deadline = time.monotonic() + 20
        while _group_alive(server.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        leftover = _group_alive(server.pid)
        if leftover:
            os.killpg(server.pid, signal.SIGKILL)
        assert not leftover, "a served ossbrowse process outlived the server"


def _digit_rows(text: str) -> list[str]:
    """The rows Textual's Digits draws ``text`` with (the badge's big status)."""
    console = Console(width=40, record=True, file=open(os.devnull, "w"))
    console.print(Digits(text))
    return [row.rstrip() for row in console.export_text().splitlines() if row.strip()]


def test_browser_types_a_probe_and_reads_200_and_the_etag(
    served: tuple[str, Emulator], tmp_path: Path
) -> None:
    from playwright.sync_api import Route, sync_playwright

    url, emulator = served
    etag = emulator.store.get_object(BUCKET, KEY).etag
    digit_rows = _digit_rows("200")

    def shows_the_answer(text: str) -> bool:
        """The 200 badge (Textual's big digits) and OK, the object's ETag, the probe's target."""
        rows = text.splitlines()
        return (
            all(any(digit_row in row for row in rows) for digit_row in digit_rows)
            and " OK " in text
            and f"ETag {etag}" in text
            and f"HEAD {BUCKET}/{KEY}" in text
        )

    origin = url.rstrip("/")

    def only_the_server(route: Route) -> None:
        address = route.request.url
        if address.startswith(origin) or address.startswith(origin.replace("http", "ws", 1)):
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 800},
        )
        try:
            page = browser.new_page()
            page.route("**/*", only_the_server)
            page.add_init_script(KEEP_TERMINAL)
            page.goto(url)

            def screen() -> str:
                return str(page.evaluate(READ_TERMINAL))

            _wait(lambda: "Bucket" in screen() and "HEAD" in screen(), "the TUI in the page")
            # The keyboard to the terminal, without a click (which the TUI would receive too).
            page.focus("#terminal textarea")

            def key_column() -> int:
                label_row = next(r for r in screen().splitlines() if "Bucket" in r)
                return label_row.index("Key")

            def cursor_column() -> int:
                return int(page.evaluate(CURSOR_COLUMN))

            def field_row() -> str:
                rows = screen().splitlines()
                return next((rows[i + 1] for i, r in enumerate(rows[:-1]) if "Bucket" in r), "")

            # Keys sent before the app has focused its first field are dropped: the first
            # letter is typed until the Bucket field shows it (one round trip through the page).
            def first_letter_shown() -> bool:
                page.keyboard.type(BUCKET[0])
                try:
                    _wait(lambda: field_row().lstrip().startswith(BUCKET[0]), "", timeout=2)
                except AssertionError:
                    return False
                return True

            _wait(first_letter_shown, "the Bucket field to take keys", shown=screen)

            def emptied() -> bool:  # a slow round trip may have shown the letter twice
                if field_row().lstrip().startswith(PLACEHOLDER):
                    return True
                page.keyboard.press("Backspace")
                return False

            _wait(emptied, "the Bucket field to be empty again", shown=screen)
            # The form is empty with the focus on Bucket: type it, Tab to Key, Enter sends.
            page.keyboard.type(BUCKET, delay=10)
            _wait(lambda: field_row().split()[:1] == [BUCKET], "the bucket typed", shown=screen)
            page.keyboard.press("Tab")
            # Keys typed before the focus has moved would still go to Bucket: wait until the
            # terminal's cursor (which follows the focused field's) is in the Key field.
            _wait(lambda: cursor_column() > key_column(), "the focus on Key", shown=screen)
            page.keyboard.type(KEY, delay=10)
            _wait(lambda: "from the browser" in field_row(), "the key typed", shown=screen)
            page.keyboard.press("Enter")
            # The page draws the answer over several frames: wait until all of it is there.
            _wait(lambda: shows_the_answer(screen()), "the answer on the page", shown=screen)
            text = screen()
            if os.environ.get("OSSBROWSE_BROWSER_SCREENSHOT"):
                page.screenshot(path=os.environ["OSSBROWSE_BROWSER_SCREENSHOT"])
        finally:
            browser.close()

    assert shows_the_answer(text)
    assert emulator.access_key_secret not in text
    # What was sent and answered, as the served process recorded it in its history file.
    history = Path(os.environ["OSSBROWSE_DATA_DIR"]) / "history.jsonl"
    entries = [json.loads(line) for line in history.read_text().splitlines()]
    [entry] = entries
    assert (entry["form"]["bucket"], entry["form"]["key"]) == (BUCKET, KEY)
    assert (entry["status"], entry["etag"]) == (200, etag)
    assert entry["endpoint"].endswith(emulator.endpoint.removeprefix("http://"))
