"""`ossbrowse head` and the probe history (`--no-history`), and watching a probe (`--watch`).

The watch runs as a real process against the emulator on 127.0.0.1; the object is rewritten
through the emulator's ordinary PUT path (with oss2, a client we did not write) while it runs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import oss2
import pytest

from ossbrowse import cli
from ossbrowse.emulator import Emulator
from ossbrowse.history_store import HistoryStore

BUCKET = "watched"
KEY = "reports/q2.csv"


@pytest.fixture
def emu(make_emulator: Callable[..., Emulator]) -> Emulator:
    emulator = make_emulator()
    _bucket(emulator).create_bucket()
    _bucket(emulator).put_object(KEY, b"first")
    return emulator


def _bucket(emu: Emulator) -> oss2.Bucket:
    auth = oss2.AuthV4(emu.access_key_id, emu.access_key_secret)
    return oss2.Bucket(auth, emu.endpoint, BUCKET, region=emu.region, is_path_style=True)


def _env(emu: Emulator) -> dict[str, str]:
    """Credentials in the environment (as a script would have them), this worktree importable."""
    return {
        **os.environ,
        "OSS_ACCESS_KEY_ID": emu.access_key_id,
        "OSS_ACCESS_KEY_SECRET": emu.access_key_secret,
        "PYTHONPATH": os.pathsep.join(sys.path),
    }


def _head_argv(emu: Emulator, *args: str) -> list[str]:
    return ["head", f"oss://{BUCKET}/{KEY}", "-e", emu.endpoint, "--region", emu.region, *args]


def _history_lines(tmp_path: Path) -> list[dict[str, object]]:
    path = tmp_path / "ossbrowse-data" / "history.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_head_records_each_probe_unless_no_history(
    emu: Emulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in _env(emu).items():
        monkeypatch.setenv(name, value)
    assert cli.main(_head_argv(emu)) == 0
    etag = _bucket(emu).head_object(KEY).etag
    assert cli.main(_head_argv(emu, "--if-none-match", etag)) == 4
    assert cli.main(_head_argv(emu, "--no-history", "--if-match", "nope")) == 5
    assert cli.main(_head_argv(emu, "--dry-run")) == 0  # nothing sent, nothing kept
    capsys.readouterr()

    lines = _history_lines(tmp_path)
    assert [(e["status"], e["form"]["if_none_match"]) for e in lines] == [  # type: ignore[index]
        (200, ""),
        (304, f'"{etag}"'),
    ]
    first = lines[0]
    assert first["endpoint"] == emu.endpoint and first["profile"] == "default"
    assert first["request_id"] and first["time"] and first["etag"] == f'"{etag}"'
    assert first["size"] == "5"
    assert emu.access_key_secret not in (tmp_path / "ossbrowse-data" / "history.jsonl").read_text()
    # What the TUI reads back for this profile and endpoint.
    loaded = HistoryStore().load("default", emu.endpoint)
    assert [e.status for e in loaded.entries] == [200, 304]


def test_a_history_that_cannot_be_written_does_not_change_the_answer(
    emu: Emulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in _env(emu).items():
        monkeypatch.setenv(name, value)
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("OSSBROWSE_DATA_DIR", str(tmp_path / "a-file" / "data"))
    assert cli.main(_head_argv(emu, "--output-format", "json")) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["status"] == 200
    assert "warning: The probe could not be added to the history file" in err


@pytest.mark.parametrize(
    "args,message",
    [
        (["--until-change"], "--until-change: needs --watch SECONDS"),
        (["--watch", "0"], "--watch: must be a number of seconds above 0"),
        (["--watch", "1", "--dry-run"], "--watch: cannot be used with --dry-run"),
        (["--watch", "1", "--output-format", "yaml"], "--watch: prints one raw or JSON line"),
    ],
)
def test_watch_flags_are_checked_before_anything_is_sent(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["head", "oss://some-bucket/k", "-e", "http://127.0.0.1:9", *args])
    assert code == 1
    assert message in capsys.readouterr().err


@pytest.fixture
def watcher(emu: Emulator) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "ossbrowse", *_head_argv(emu, *args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(emu),
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


def test_watch_until_change_exits_when_the_outcome_flips(
    emu: Emulator, watcher: Callable[..., subprocess.Popen[str]], tmp_path: Path
) -> None:
    old = _bucket(emu).head_object(KEY).etag
    process = watcher("--if-none-match", old, "--watch", "0.2", "--until-change")
    assert process.stdout is not None
    first = process.stdout.readline()  # the starting point, before the object changes
    assert "tick 1  304 Not Modified" in first and "watching every 0.2 s" in first

    new = _bucket(emu).put_object(KEY, b"second version").etag
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err  # the new outcome, 200, exits 0 as `head` does
    [change] = out.splitlines()
    assert "200 OK" in change
    assert re.search(
        rf"If-None-Match would now pass \(200 OK\): the ETag changed at \d\d:\d\d:\d\d UTC "
        rf'from "{old}" to "{new}"',
        change,
    ), change
    # The starting point and the change are in the history; repeats in between are not.
    assert [e["status"] for e in _history_lines(tmp_path)] == [304, 200]


def test_watch_prints_a_json_line_per_change(
    emu: Emulator, watcher: Callable[..., subprocess.Popen[str]]
) -> None:
    old = _bucket(emu).head_object(KEY).etag
    process = watcher("--if-match", old, "--watch", "0.2", "--output-format", "json")
    assert process.stdout is not None
    first = json.loads(process.stdout.readline())
    assert (first["tick"], first["status"], first["change"]) == (1, 200, None)

    _bucket(emu).put_object(KEY, b"second version")
    flipped = json.loads(process.stdout.readline())
    assert flipped["status"] == 412 and flipped["tick"] > 1
    assert flipped["change"].startswith("If-Match would now fail (412 Precondition Failed)")

    _bucket(emu).delete_object(KEY)
    gone = json.loads(process.stdout.readline())
    assert gone["status"] == 404 and "The answer is now 404 Not Found" in gone["change"]
    assert process.poll() is None  # without --until-change it keeps watching


def test_watch_failures_are_said_and_back_off(
    emu: Emulator, watcher: Callable[..., subprocess.Popen[str]]
) -> None:
    # Nothing listens on the endpoint: the first answer is "no answer", later ticks fail and
    # the wait doubles (0.1 s, then 0.2 s, 0.4 s...), each said on stderr.
    process = watcher("-e", "http://127.0.0.1:9", "--retry-times", "0", "--watch", "0.1")
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    assert "tick 1  no answer" in first
    said = [process.stderr.readline() for _ in range(3)]
    assert "tick 2 failed" in said[0] and "next try in 0.2 s" in said[0]
    assert "tick 3 failed" in said[1] and "next try in 0.4 s" in said[1]
    assert "tick 4 failed" in said[2] and "next try in 0.8 s" in said[2]
    assert process.poll() is None  # failures do not end the watch
