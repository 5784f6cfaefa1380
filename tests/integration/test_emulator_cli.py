"""``ossbrowse emulator``: what it prints, what it never prints, and a clean stop on signals."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import oss2
import pytest

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY, cli

RUN = (
    "import argparse, sys\n"
    "from ossbrowse.emulator import cli\n"
    "parser = argparse.ArgumentParser()\n"
    "cli.add_arguments(parser)\n"
    "sys.exit(cli.run(parser.parse_args(sys.argv[1:])))\n"
)


class Running:
    """A foreground emulator process and the lines it printed before serving."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", RUN, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        self.lines: list[str] = []
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("press Ctrl+C"):
                break
        self.info = dict(line.split(": ", 1) for line in self.lines if ": " in line)

    def stop(self, signum: int) -> tuple[int, str, str]:
        self.proc.send_signal(signum)
        out, err = self.proc.communicate(timeout=20)
        return self.proc.returncode, out, err


@pytest.fixture
def running() -> Iterator[list[Running]]:
    started: list[Running] = []
    yield started
    for r in started:
        if r.proc.poll() is None:
            r.proc.kill()
            r.proc.communicate()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_prints_endpoint_and_generated_key_then_stops_cleanly(
    running: list[Running], signum: int
) -> None:
    emu = Running("--demo-data")
    running.append(emu)
    assert emu.lines[0].startswith("endpoint: http://127.0.0.1:")
    assert emu.info["region"] == "cn-hangzhou"
    key_id, secret = emu.info["access key id"], emu.info["access key secret"]
    bucket = oss2.Bucket(
        oss2.AuthV4(key_id, secret),
        emu.info["endpoint"],
        DEMO_BUCKET,
        region="cn-hangzhou",
        is_path_style=True,
    )
    assert bucket.head_object(DEMO_KEY).status == 200
    code, out, err = emu.stop(signum)
    assert code == 0 and out.strip().endswith("stopped")
    assert "Traceback" not in err


def test_never_prints_a_secret_it_was_given(running: list[Running]) -> None:
    secret = "Canary-Secret-Do-Not-Print-0001"
    emu = Running("--access-key-id", "LTAI5tGiven", "--access-key-secret", secret)
    running.append(emu)
    assert emu.info["access key id"] == "LTAI5tGiven"
    assert "access key secret" not in emu.info
    code, out, err = emu.stop(signal.SIGTERM)
    assert code == 0
    assert secret not in "\n".join(emu.lines) + out + err


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return cli.run(parser.parse_args(list(argv)))


def test_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("--access-key-id", "only-the-id") == 1
    assert _run("--region", "oss-cn-hangzhou") == 1
    assert "region" in capsys.readouterr().err


def test_warns_before_binding_a_non_loopback_address(capsys: pytest.CaptureFixture[str]) -> None:
    # 192.0.2.1 (TEST-NET-1) is not on this machine: the bind fails after the warning.
    assert _run("--host", "192.0.2.1") == 1
    err = capsys.readouterr().err
    assert "warning: binding 192.0.2.1" in err and "cannot start" in err


def _corrupt_data_dir(root: Path, damage: str) -> Path:
    """A data dir from a real run, then damaged; returns the file that names the damage."""
    from ossbrowse.emulator import Emulator

    with Emulator(data_dir=root) as emu:
        emu.store.create_bucket("kept", region=emu.region)
        emu.store.put_object("kept", "k", b"body")
    if damage == "state":
        (root / "state.json").write_text("{ this is not json")
        return root / "state.json"
    with open(root / "journal.jsonl", "a") as journal:
        journal.write('{"op":"frobnicate","name":"kept","counter":0}\n')
    return root / "journal.jsonl"


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        ("state", "is not valid JSON (line 1, column 3: "),
        ("journal", "is corrupt at line 1: unknown change 'frobnicate'"),
    ],
)
def test_a_corrupt_data_dir_is_one_clear_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str, problem: str
) -> None:
    culprit = _corrupt_data_dir(tmp_path, damage)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert _run("--data", str(tmp_path)) == 1
    out, err = capsys.readouterr()
    assert out == ""  # never got as far as serving
    [line] = err.splitlines()
    assert line.startswith(f"error: cannot start the emulator: {culprit.resolve()} {problem}")
    # Nothing was compacted or rewritten over the damaged files.
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_ossbrowse_emulator_with_a_corrupt_data_dir_prints_no_traceback(tmp_path: Path) -> None:
    state = _corrupt_data_dir(tmp_path, "state")
    done = subprocess.run(
        [sys.executable, "-m", "ossbrowse", "emulator", "--data", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: cannot start the emulator: ")
    assert str(state.resolve()) in lines[0] and "not valid JSON" in lines[0]


def test_an_empty_key_is_refused_not_replaced(capsys: pytest.CaptureFixture[str]) -> None:
    from ossbrowse.emulator import Emulator

    assert _run("--access-key-id", "LTAI5tGiven", "--access-key-secret", "") == 1
    assert "error: --access-key-secret is empty" in capsys.readouterr().err
    assert _run("--access-key-id", " ", "--access-key-secret", "s") == 1
    assert "error: --access-key-id is empty" in capsys.readouterr().err
    with pytest.raises(ValueError, match="must not be empty"):
        Emulator(access_key_id="LTAI5tGiven", access_key_secret="")


def test_anonymous_access_beyond_loopback_is_warned_about(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _run("--host", "192.0.2.1", "--allow-anonymous") == 1
    err = capsys.readouterr().err
    assert "warning: --allow-anonymous on 192.0.2.1: anyone who can reach" in err


@pytest.mark.parametrize(
    ("flag", "value"),
    [("--max-connections", "0"), ("--idle-timeout", "0"), ("--request-timeout", "nan")],
)
def test_bad_limits_are_refused(capsys: pytest.CaptureFixture[str], flag: str, value: str) -> None:
    assert _run(flag, value) == 1
    assert f"error: {flag} must be" in capsys.readouterr().err
