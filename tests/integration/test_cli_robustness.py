"""The headless command never ends in a traceback: bad settings, unwritable logs, closed pipes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ossbrowse import cli

BASE = ["head", "--bucket", "my-bucket", "--key", "k", "--region", "cn-hangzhou"]
CREDS = ["-i", "LTAI5tRobust", "-k", "RobustSecret-0123456789"]


@pytest.mark.parametrize("proxy", ["ftp://proxy.example", "http://[::1", "not a url", "http://"])
def test_bad_proxy_is_refused_before_sending(
    proxy: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main([*BASE, *CREDS, "-e", "http://127.0.0.1:9", "--proxy", proxy])
    err = capsys.readouterr().err
    assert code == cli.EXIT_BAD_INPUT
    assert "proxy" in err and "nothing was sent" in err and "Traceback" not in err


def test_bad_proxy_in_the_environment_is_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "ftp://nope.example")
    code = cli.main([*BASE, *CREDS, "-e", "https://oss-cn-hangzhou.aliyuncs.com"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_BAD_INPUT and "Traceback" not in err


def test_unwritable_log_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "no" / "such" / "dir" / "x.log"
    code = cli.main([*BASE, *CREDS, "--loglevel", "debug", "--log-file", str(log)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_BAD_INPUT
    assert f"cannot open log file {log}" in err


def test_closed_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    """`ossbrowse head ... | head -1`: the reader leaves early; the command exits quietly."""
    # The reader is gone before anything is written, so the first write meets a closed pipe.
    reader = subprocess.Popen(["true"], stdin=subprocess.PIPE)
    reader.wait(10)
    env = {**os.environ, "HOME": str(tmp_path)}
    argv = [sys.executable, "-m", "ossbrowse", *BASE, *CREDS, "-e", "http://127.0.0.1:9", "-n"]
    writer = subprocess.run(argv, stdout=reader.stdin, stderr=subprocess.PIPE, env=env, timeout=60)
    reader.stdin.close()  # type: ignore[union-attr]
    assert b"Traceback" not in writer.stderr, writer.stderr.decode()
    assert writer.returncode == cli.EXIT_OK
