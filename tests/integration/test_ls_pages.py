"""``ossbrowse ls`` reads one page ahead: what the user sees is as if pages came one by one.

The next page is fetched while this one is printed. Counted at the emulator: no request is
sent for a page ``--limited-num`` will not print, nor after the last page; a later page that
fails still leaves the pages before it printed, with the same exit status and message; Ctrl+C
while a page is on its way ends the command at once. While it lists, the start-up heap is
frozen (the cycle collector skips it), and given back at the end.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ossbrowse import cli
from ossbrowse.emulator import Emulator
from ossbrowse.emulator.app import OssApp
from ossbrowse.emulator.errors import access_denied
from ossbrowse.emulator.messages import Request, Response

BUCKET = "read-ahead"
KEYS = sorted(
    [f"dir/{i:02d} a+b %20 目录.txt" for i in range(23)] + ["dir/../up", "dir/z 100%"]
)  # 25 keys: pages of 10, 10 and 5


class Listings:
    """Watches the emulator's listing requests; can answer one with an error or hold it."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()
        self.fail_at: int | None = None
        self.hold_at: int | None = None
        self.held = threading.Event()
        self.release = threading.Event()
        self.frozen: list[int] = []  # the collector's frozen objects at each listing request

    def wrap(self, handle: Callable[..., Response]) -> Callable[..., Response]:
        def watched(app: OssApp, request: Request, *args: Any) -> Response:
            if request.method == "GET" and "list-type=2" in request.raw_query:
                with self.lock:
                    self.count += 1
                    number = self.count
                    self.frozen.append(gc.get_freeze_count())
                if number == self.fail_at:
                    return app.render_error(
                        access_denied("You have no right.", "0003-00000001"), request
                    )
                if number == self.hold_at:
                    self.held.set()
                    self.release.wait(timeout=60)
            return handle(app, request, *args)

        return watched


@pytest.fixture
def listings(monkeypatch: pytest.MonkeyPatch) -> Listings:
    watch = Listings()
    monkeypatch.setattr(OssApp, "handle", watch.wrap(OssApp.handle))
    return watch


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        emu.store.create_bucket(BUCKET, region=emu.region)
        for key in KEYS:
            emu.store.put_object(BUCKET, key, b"x")
        yield emu


def _argv(emu: Emulator, *extra: str) -> list[str]:
    flags = ["--region", emu.region, "-i", emu.access_key_id, "-e", emu.endpoint]
    return [
        "ls",
        f"oss://{BUCKET}/dir/",
        *flags,
        f"--access-key-secret={emu.access_key_secret}",
        "--page-size",
        "10",
        *extra,
    ]


def _ls(emu: Emulator, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = cli.main(_argv(emu, *extra))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_page_once_and_nothing_after_the_last(
    emulator: Emulator, listings: Listings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _ls(emulator, capsys, "--output-format", "jsonl")
    assert code == 0, err
    assert [json.loads(line)["key"] for line in out.splitlines()] == KEYS
    assert listings.count == 3


@pytest.mark.parametrize(("limit", "requests"), [(10, 1), (15, 2), (20, 2), (21, 3)])
def test_limited_num_sends_no_request_for_a_page_it_will_not_print(
    emulator: Emulator,
    listings: Listings,
    capsys: pytest.CaptureFixture[str],
    limit: int,
    requests: int,
) -> None:
    code, out, err = _ls(emulator, capsys, "--limited-num", str(limit), "--output-format", "jsonl")
    assert code == 0, err
    assert [json.loads(line)["key"] for line in out.splitlines()] == KEYS[:limit]
    assert listings.count == requests


def test_a_failing_later_page_leaves_the_pages_before_it_printed(
    emulator: Emulator, listings: Listings, capsys: pytest.CaptureFixture[str]
) -> None:
    listings.fail_at = 2  # the page fetched ahead while the first is printed
    code, out, err = _ls(emulator, capsys, "--output-format", "jsonl")
    assert code == 2
    assert [json.loads(line)["key"] for line in out.splitlines()] == KEYS[:10]
    assert "ListObjectsV2: 403 AccessDenied" in err and "You have no right." in err
    assert listings.count == 2  # nothing after the failure

    listings.count = 0
    code, out, err = _ls(emulator, capsys, "--output-format", "raw")
    lines = out.splitlines()
    assert code == 2 and len(lines) == 11  # the header and the first page; no count line
    assert lines[-1].endswith(f"oss://{BUCKET}/{KEYS[9]}")


def test_ctrl_c_while_a_page_is_on_its_way(
    emulator: Emulator, listings: Listings, tmp_path: Path
) -> None:
    listings.hold_at = 2
    env = {**os.environ, "HOME": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    argv = [sys.executable, "-m", "ossbrowse", *_argv(emulator, "--output-format", "jsonl")]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        assert listings.held.wait(timeout=60)  # page 2 asked for, and held by the server
        assert proc.stdout is not None
        first = [proc.stdout.readline() for _ in range(10)]  # page 1 printed meanwhile
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        listings.release.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert [json.loads(line)["key"] for line in first] == KEYS[:10] and out == b""
    assert proc.returncode == cli.EXIT_INTERRUPTED
    assert b"interrupted" in err and b"Traceback" not in err


def test_the_start_up_heap_is_frozen_while_listing_and_given_back(
    emulator: Emulator, listings: Listings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert gc.get_freeze_count() == 0
    code, _, err = _ls(emulator, capsys, "--output-format", "jsonl")
    assert code == 0, err
    # Modules, classes and functions loaded so far: out of every collection while listing.
    assert len(listings.frozen) == 3 and min(listings.frozen) > 10_000
    assert gc.get_freeze_count() == 0
    listings.count, listings.fail_at = 0, 2
    assert _ls(emulator, capsys, "--output-format", "raw")[0] == 2
    assert gc.get_freeze_count() == 0  # after a failure too
