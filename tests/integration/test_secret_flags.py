"""Secrets on the command line: ``-k``/``-t`` warn once, ``-k -`` / ``-t -`` read them safely.

A secret in argv is readable by every user in the process list. The flags stay (ossutil has
them) but warn on stderr and in the TUI; ``-`` reads the secret from a no-echo prompt on a
terminal (checked through a real pseudo-terminal) or from one line of standard input.
"""

from __future__ import annotations

import io
import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oss2
import pytest
from textual.notifications import Notify

from ossbrowse import cli
from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY, Emulator
from ossbrowse.ui import app as ui_app

ROOT = Path(__file__).resolve().parents[2]
STS_KEY_ID = "STS.FlagsTempKeyId0001"
STS_SECRET = "FlagsTempSecret-0123456789abc"
STS_TOKEN = "FlagsCanaryToken-CAIS0123456789abcdef"
PROCESS_LIST = "other users of this machine can read the secret in the process list"


def run_cli(
    *argv: str, stdin: bytes = b"", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``python -m ossbrowse ARGV`` with ``stdin`` piped in (never a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "ossbrowse", *argv],
        input=stdin.decode("utf-8", "surrogateescape"),
        capture_output=True,
        text=True,
        errors="surrogateescape",
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )


@pytest.fixture
def sts_emulator(make_emulator: Any) -> Emulator:
    return make_emulator(demo_data=True, sts_tokens={STS_TOKEN: (STS_KEY_ID, STS_SECRET)})


def head_argv(emulator: Emulator, *credentials: str) -> list[str]:
    return [
        "head",
        "-e",
        emulator.endpoint,
        "--region",
        "cn-hangzhou",
        "--bucket",
        DEMO_BUCKET,
        "--key",
        DEMO_KEY,
        "--retry-times",
        "0",
        *credentials,
    ]


def test_a_secret_in_argv_works_but_warns_once(demo_emulator: Emulator) -> None:
    secret = demo_emulator.access_key_secret
    done = run_cli(*head_argv(demo_emulator, "-i", demo_emulator.access_key_id, "-k", secret))
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if PROCESS_LIST in line]
    assert len(warnings) == 1
    [warning] = warnings
    assert warning.startswith("ossbrowse: warning: -k on the command line")
    assert "OSS_ACCESS_KEY_SECRET" in warning and "config file" in warning
    assert "`-k -`" in warning
    assert secret not in done.stdout + done.stderr


def test_secret_and_token_in_argv_are_one_warning(sts_emulator: Emulator) -> None:
    creds = ["-i", STS_KEY_ID, "-k", STS_SECRET, "-t", STS_TOKEN]
    done = run_cli(*head_argv(sts_emulator, *creds))
    assert done.returncode == 0, done.stderr
    assert done.stderr.count(PROCESS_LIST) == 1
    assert "-k and -t on the command line" in done.stderr
    assert STS_SECRET not in done.stdout + done.stderr
    assert STS_TOKEN not in done.stdout + done.stderr


def test_secret_read_from_standard_input(demo_emulator: Emulator) -> None:
    secret = demo_emulator.access_key_secret
    creds = ["-i", demo_emulator.access_key_id, "-k", "-"]
    done = run_cli(*head_argv(demo_emulator, *creds), stdin=f"{secret}\r\n".encode())
    assert done.returncode == 0, done.stderr
    assert "200" in done.stdout
    assert PROCESS_LIST not in done.stderr
    assert secret not in done.stdout + done.stderr


def test_secret_and_token_read_from_two_lines_of_standard_input(sts_emulator: Emulator) -> None:
    creds = ["-i", STS_KEY_ID, "-t", "-", "-k", "-"]  # read in a fixed order: secret first
    done = run_cli(*head_argv(sts_emulator, *creds), stdin=f"{STS_SECRET}\n{STS_TOKEN}\n".encode())
    assert done.returncode == 0, done.stderr
    assert PROCESS_LIST not in done.stderr
    assert STS_SECRET not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"", "-k/--access-key-secret -: no AccessKey secret was on standard input"),
        (b"\n", "-k/--access-key-secret -: no AccessKey secret was on standard input"),
        (
            b"Canary\xffSecret\n",
            "-k/--access-key-secret -: the AccessKey secret read is not valid text: it holds "
            "a byte that is not UTF-8 (character 7 of 13)",
        ),
        (
            b"Canary\x07Secret\n",
            "-k/--access-key-secret -: the AccessKey secret read is not valid text: it holds "
            "a control character (character 7 of 13)",
        ),
        (b"x" * (70 * 1024), "the first line of standard input is longer than 64 KiB"),
    ],
)
def test_a_secret_that_cannot_be_read_is_one_line_and_nothing_is_sent(
    stdin: bytes, message: str
) -> None:
    # 127.0.0.1:9 (discard) is never contacted: the error comes before any request.
    argv = ["head", "-e", "http://127.0.0.1:9", "--region", "cn-hangzhou", "--bucket", "b-1"]
    done = run_cli(*argv, "--key", "k", "-i", "LTAI5tX", "-k", "-", stdin=stdin)
    assert done.returncode == 1
    assert message in done.stderr
    assert done.stderr.endswith("(nothing was sent)\n")
    assert len(done.stderr.splitlines()) == 1
    assert "Canary" not in done.stderr and "Traceback" not in done.stderr


def test_a_secret_flag_that_is_not_valid_text_is_a_usage_error() -> None:
    done = run_cli("head", "--bucket", "b-1", "--key", "k", "-k", "Canary\x1b[2JSecret")
    assert done.returncode == 1
    assert "argument -k/--access-key-secret: the value is not valid text: it holds a control" in (
        done.stderr
    )
    assert "Canary" not in done.stderr and "Traceback" not in done.stderr


def read_until(fd: int, wanted: bytes, deadline: float) -> bytes:
    """Read the pseudo-terminal until ``wanted`` appears or EOF; fail at ``deadline``."""
    seen = b""
    while wanted not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"timed out waiting for {wanted!r}; got {seen!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    return seen


def test_the_prompt_on_a_terminal_does_not_echo(demo_emulator: Emulator) -> None:
    secret = demo_emulator.access_key_secret
    argv = [sys.executable, "-m", "ossbrowse"]
    argv += head_argv(demo_emulator, "-i", demo_emulator.access_key_id, "-k", "-")
    pid, fd = pty.fork()
    if pid == 0:  # the child: its controlling terminal is the pseudo-terminal
        os.chdir(ROOT)
        os.execve(sys.executable, argv, {**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    status = None
    try:
        before = read_until(fd, b"(not shown): ", deadline)
        assert b"AccessKey secret (not shown): " in before
        os.write(fd, secret.encode() + b"\n")
        after = read_until(fd, b"\x00never\x00", deadline)  # everything, until the child exits
        _, status = os.waitpid(pid, 0)
    finally:
        if status is None:  # the test failed early: stop the child
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, after
    assert b"200" in after
    assert secret.encode() not in before + after  # not echoed, not printed
    assert PROCESS_LIST.encode() not in after


# -- the TUI: the same warning as a start-up notice ------------------------------------------


class Recorder:
    """Stands in for make_app: records the profile and the arguments it was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, dict[str, Any]]] = []

    def __call__(self, profile: Any, **kwargs: Any) -> Recorder:
        self.calls.append((profile, kwargs))
        return self

    def run(self) -> None:
        pass


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    rec = Recorder()
    monkeypatch.setattr(ui_app, "make_app", rec)
    return rec


async def test_the_tui_shows_the_warning_at_start_up(
    recorder: Recorder, demo_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = demo_emulator.access_key_secret
    argv = ["-e", demo_emulator.endpoint, "--region", "cn-hangzhou"]
    argv += ["-i", demo_emulator.access_key_id, "-k", secret]
    assert cli.main(argv) == cli.EXIT_OK
    err = capsys.readouterr().err
    assert err.count(PROCESS_LIST) == 1 and secret not in err
    [(profile, kwargs)] = recorder.calls
    assert profile.access_key_secret.reveal() == secret
    notice = kwargs["notice"]
    assert PROCESS_LIST in notice and "`-k -`" in notice

    # The real app shows the notice once at start and stays usable.
    app = ui_app.OssBrowseApp(profile, notice=notice)
    messages: list[Any] = []
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await pilot.pause()
        shown = {id(m): m.notification for m in messages if isinstance(m, Notify)}
        [note] = shown.values()
        assert note.title == "Configuration" and note.severity == "warning"
        assert PROCESS_LIST in note.message
        assert secret not in note.message
        assert app.is_running and app.session.client is not None


def test_the_tui_reads_a_secret_from_standard_input_without_warning(
    recorder: Recorder,
    demo_emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = demo_emulator.access_key_secret
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(f"{secret}\n".encode())))
    argv = ["-e", demo_emulator.endpoint, "--region", "cn-hangzhou"]
    assert cli.main([*argv, "-i", demo_emulator.access_key_id, "-k", "-"]) == cli.EXIT_OK
    assert PROCESS_LIST not in capsys.readouterr().err
    [(profile, kwargs)] = recorder.calls
    assert profile.access_key_secret.reveal() == secret
    assert not kwargs["notice"]


# -- the emulator's --access-key-secret --------------------------------------------------------

RUN_EMULATOR = (
    "import argparse, sys\n"
    "from ossbrowse.emulator import cli\n"
    "parser = argparse.ArgumentParser()\n"
    "cli.add_arguments(parser)\n"
    "sys.exit(cli.run(parser.parse_args(sys.argv[1:])))\n"
)


@pytest.fixture
def emulator_process() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=20)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def start_emulator(
    started: list[subprocess.Popen[str]], *args: str, stdin: str = ""
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", RUN_EMULATOR, "--demo-data", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    started.append(proc)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(stdin)
    proc.stdin.close()
    info: dict[str, str] = {}
    for line in proc.stdout:
        if line.startswith("press Ctrl+C"):
            break
        name, _, value = line.rstrip("\n").partition(": ")
        info[name] = value
    return proc, info


def finish(proc: subprocess.Popen[str], signum: int | None = signal.SIGTERM) -> tuple[str, str]:
    """Stop the process (unless it stops by itself) and return the rest of its output."""
    if signum is not None:
        proc.send_signal(signum)
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()  # EOF once the process has exited
    proc.wait(timeout=20)
    return out, err


def test_the_emulator_reads_its_secret_from_standard_input(
    emulator_process: list[subprocess.Popen[str]],
) -> None:
    secret = "EmuStdinCanary-0123456789abcdef"
    proc, info = start_emulator(
        emulator_process,
        "--access-key-id",
        "LTAI5tStdin",
        "--access-key-secret",
        "-",
        stdin=secret + "\n",
    )
    bucket = oss2.Bucket(oss2.AuthV4("LTAI5tStdin", secret), info["endpoint"], DEMO_BUCKET,
                         region="cn-hangzhou", is_path_style=True)  # fmt: skip
    assert bucket.head_object(DEMO_KEY).status == 200
    out, err = finish(proc)
    assert proc.returncode == 0
    assert PROCESS_LIST not in err
    assert secret not in "\n".join(info.values()) + out + err


def test_the_emulator_warns_about_a_secret_in_argv(
    emulator_process: list[subprocess.Popen[str]],
) -> None:
    secret = "EmuArgvCanary-0123456789abcdef"
    proc, info = start_emulator(
        emulator_process, "--access-key-id", "LTAI5tArgv", "--access-key-secret", secret
    )
    assert info["access key id"] == "LTAI5tArgv"
    out, err = finish(proc)
    warnings = [line for line in err.splitlines() if PROCESS_LIST in line]
    assert warnings == [
        f"warning: --access-key-secret on the command line: {PROCESS_LIST}; give "
        "`--access-key-secret -` to type it or read it from standard input"
    ]
    assert secret not in out + err


def test_the_emulator_refuses_an_unreadable_secret(
    emulator_process: list[subprocess.Popen[str]],
) -> None:
    proc, _ = start_emulator(
        emulator_process, "--access-key-id", "LTAI5tX", "--access-key-secret", "-", stdin=""
    )
    _, err = finish(proc, None)
    assert proc.returncode == 1
    assert err == "error: --access-key-secret -: no AccessKey secret was on standard input\n"


def test_ls_reads_the_secret_from_standard_input_and_warns_about_argv(
    demo_emulator: Emulator,
) -> None:
    secret = demo_emulator.access_key_secret
    base = ["ls", "-e", demo_emulator.endpoint, "--region", "cn-hangzhou"]
    base += ["-i", demo_emulator.access_key_id, "--retry-times", "0"]
    piped = run_cli(*base, "-k", "-", stdin=f"{secret}\n".encode())
    assert piped.returncode == 0, piped.stderr
    assert DEMO_BUCKET in piped.stdout
    assert PROCESS_LIST not in piped.stderr
    given = run_cli(*base, "-k", secret)
    assert given.returncode == 0, given.stderr
    assert given.stderr.count(PROCESS_LIST) == 1
    assert secret not in piped.stdout + piped.stderr + given.stdout + given.stderr
