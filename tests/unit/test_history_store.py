"""The history file: what an entry holds, the limit, corrupt and unreadable files, two writers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ossbrowse.history_store import KEYS_KEPT, HistoryEntry, HistoryStore, data_dir, entry_for
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.results import ConditionCheck, HeadResult, Outcome, Verdict

T0 = datetime(2026, 3, 14, 10, 0, 0, tzinfo=UTC)
ENDPOINT = "http://127.0.0.1:9"


def result(n: int = 0, **changes: object) -> HeadResult:
    request = build_head_request(bucket="bkt", key=f"k{n}", if_none_match='"abc"')
    fields: dict[str, object] = {
        "request": request,
        "url": f"http://127.0.0.1:9/bkt/k{n}",
        "status": 304,
        "outcome": Outcome.NOT_MODIFIED,
        "headers": (("Content-Length", "12"), ("x-oss-storage-class", "Standard")),
        "etag": '"abc"',
        "last_modified": "Sat, 14 Mar 2026 09:00:00 GMT",
        "request_id": f"RID{n}",
        "elapsed_ms": 3.14159,
        "conditions": (
            ConditionCheck("If-None-Match", '"abc"', '"abc"', "rule", Verdict.FAILED, "matched"),
        ),
        "summary": "If-None-Match matched",
    }
    fields.update(changes)
    return HeadResult(**fields)  # type: ignore[arg-type]


def entry(n: int = 0, profile: str = "default", endpoint: str = ENDPOINT) -> HistoryEntry:
    return entry_for(result(n), profile=profile, endpoint=endpoint, time=T0 + timedelta(seconds=n))


def test_data_dir_comes_from_the_environment_in_tests(tmp_path: Path) -> None:
    # The suite's autouse fixture points it at the test's own directory: never the real home.
    assert data_dir() == tmp_path / "ossbrowse-data"


def test_an_entry_holds_the_probe_and_comes_back_by_profile_and_endpoint(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    assert store.append(entry(1)) is None
    assert store.append(entry(2, profile="ops")) is None
    assert store.append(entry(3, endpoint="https://oss-cn-hangzhou.aliyuncs.com")) is None

    loaded = store.load("default", ENDPOINT)
    assert loaded.warning is None
    [kept] = loaded.entries
    assert kept.time == "2026-03-14T10:00:01Z"
    assert kept.form["key"] == "k1" and kept.form["if_none_match"] == '"abc"'
    assert (kept.status, kept.outcome, kept.etag) == (304, "not_modified", '"abc"')
    assert kept.request_id == "RID1" and kept.elapsed_ms == 3.1
    assert kept.storage_class == "Standard"
    assert kept.size is None  # a 304 does not say the size
    assert kept.verdicts == {"If-None-Match": "failed"}
    assert kept.request() == result(1).request
    assert [e.form["key"] for e in store.load("ops", ENDPOINT).entries] == ["k2"]


def test_nothing_secret_is_written(tmp_path: Path) -> None:
    from ossbrowse.oss.redact import Redactor

    secret = "HistoryCanarySecret-0123456789"
    store = HistoryStore(tmp_path)
    store.append(
        entry_for(
            result(
                1,
                headers=(("Authorization", "OSS4-HMAC-SHA256 Signature=abcdef"),),
                summary=f"403 SignatureDoesNotMatch: echoed {secret}",
                url=f"http://127.0.0.1:9/bkt/k?x-oss-signature=abcdef&t={secret}",
            ),
            profile="default",
            endpoint=ENDPOINT,
            time=T0,
            redactor=Redactor([secret]),
        )
    )
    text = store.path.read_text()
    assert secret not in text and "abcdef" not in text


def test_the_oldest_entries_go_past_the_limit(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path, limit=3)
    for n in range(20):
        store.append(entry(n))
        store.append(entry(100 + n, profile="ops"))
    assert [e.form["key"] for e in store.load("default", ENDPOINT).entries] == [
        "k17",
        "k18",
        "k19",
    ]
    assert len(store.load("ops", ENDPOINT).entries) == 3
    # The file itself stays bounded (each key's entries up to the limit and a little slack).
    assert len(store.path.read_text().splitlines()) <= 2 * (3 + 3 // 10 + 1)


def test_a_corrupt_file_is_set_aside_and_its_valid_entries_kept(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    store.append(entry(1))
    with store.path.open("a") as f:
        f.write("{not json\n")
        f.write(json.dumps({**json.loads(entry(2).to_json()), "status": "two hundred"}) + "\n")
        f.write(json.dumps({**json.loads(entry(3).to_json()), "form": {"bucket": "b"}}) + "\n")
        f.write(json.dumps({**json.loads(entry(4).to_json()), "time": "yesterday"}) + "\n")
    store.append(entry(5))
    original = store.path.read_bytes()

    loaded = store.load("default", ENDPOINT)
    assert [e.form["key"] for e in loaded.entries] == ["k1", "k5"]
    assert loaded.warning is not None and "4 unreadable line(s)" in loaded.warning
    [aside] = tmp_path.glob("history-corrupt-*.jsonl")
    assert aside.read_bytes() == original  # nothing thrown away: the user can look at it
    assert str(aside) in loaded.warning
    # The file now holds the valid entries only: the next load is clean.
    again = store.load("default", ENDPOINT)
    assert again.warning is None and len(again.entries) == 2


def test_an_entry_with_an_invalid_request_is_refused(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    bad = json.loads(entry(1).to_json())
    bad["form"]["bucket"] = "NO_such bucket!"
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text(json.dumps(bad) + "\n" + "\xff\n", encoding="latin-1")
    loaded = store.load("default", ENDPOINT)
    assert loaded.entries == [] and loaded.warning and "2 unreadable" in loaded.warning


def test_an_unreadable_file_is_set_aside_never_a_crash(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    store.path.mkdir(parents=True)  # a directory where the file should be: reading fails
    loaded = store.load("default", ENDPOINT)
    assert loaded.entries == []
    assert loaded.warning is not None and "set aside" in loaded.warning
    assert store.append(entry(1)) is None
    assert len(store.load("default", ENDPOINT).entries) == 1


def test_a_directory_that_cannot_be_created_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    store = HistoryStore(tmp_path / "file" / "below")
    assert store.load("default", ENDPOINT).entries == []
    problem = store.append(entry(1))
    assert problem is not None and "could not be added" in problem


WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from ossbrowse.history_store import HistoryStore, entry_for
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.results import HeadResult, Outcome

directory, profile, count, limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
store = HistoryStore(Path(directory), limit=limit)
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()  # both start writing together
for n in range(count):
    request = build_head_request(bucket="bkt", key=f"{profile}-{n}")
    result = HeadResult(request=request, url="", status=200, outcome=Outcome.OK)
    problem = store.append(
        entry_for(result, profile=profile, endpoint="e",
                  time=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=n))
    )
    assert problem is None, problem
"""


def test_two_processes_writing_at_once_lose_no_entry(tmp_path: Path) -> None:
    # One writer goes far past its limit (so it compacts the file again and again) while the
    # other appends: the second's entries must all survive the first's rewrites.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), profile, str(count), str(limit)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        for profile, count, limit in (("busy", 300, 50), ("calm", 150, 1000))
    ]
    try:
        for w in writers:
            assert w.stdout is not None and w.stdout.readline() == "ready\n"
        for w in writers:
            assert w.stdin is not None
            w.stdin.write("go\n")
            w.stdin.flush()
        for w in writers:
            assert w.wait(timeout=120) == 0
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
                w.wait()
    store = HistoryStore(tmp_path, limit=1000)
    calm = store.load("calm", "e")
    assert calm.warning is None
    assert [e.form["key"] for e in calm.entries] == [f"calm-{n}" for n in range(150)]
    busy = [e.form["key"] for e in store.load("busy", "e").entries]
    # The busy writer's newest entries are all there, in order; older ones went by the limit.
    assert busy[-50:] == [f"busy-{n}" for n in range(250, 300)]
    assert len(busy) <= 50 + 50 // 10


@pytest.mark.parametrize("value,limit", [("7", 7), ("0", 500), ("lots", 500), ("", 500)])
def test_the_limit_is_settable_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, limit: int
) -> None:
    monkeypatch.setenv("OSSBROWSE_HISTORY_LIMIT", value)
    assert HistoryStore().limit == limit


def test_another_profiles_entries_are_judged_when_that_profile_loads(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    store.append(entry(1))
    broken = {**json.loads(entry(2, profile="ops").to_json()), "outcome": "exploded"}
    with store.path.open("a") as f:
        f.write(json.dumps(broken) + "\n")
    # Loading "default" reads only its own entries in full: the ops line is kept as it is.
    assert store.load("default", ENDPOINT).warning is None
    assert json.dumps(broken) in store.path.read_text()
    ops = store.load("ops", ENDPOINT)
    assert ops.entries == []
    assert ops.warning is not None and "unknown outcome 'exploded'" in ops.warning
    assert [e.form["key"] for e in store.load("default", ENDPOINT).entries] == ["k1"]


def test_the_whole_file_is_bounded_however_many_endpoints_write(tmp_path: Path) -> None:
    # Each `ossbrowse demo` run talks to an emulator on a port of its own: a new endpoint.
    store = HistoryStore(tmp_path, limit=3)
    for n in range(100):
        assert store.append(entry(n, endpoint=f"http://127.0.0.1:{20000 + n}")) is None
    lines = store.path.read_text().splitlines()
    cap = 3 * KEYS_KEPT
    assert len(lines) <= cap + cap // 10
    assert json.loads(lines[-1])["endpoint"] == "http://127.0.0.1:20099"  # the newest stay
    assert store.load("default", "http://127.0.0.1:20099").entries[0].form["key"] == "k99"
    assert store.load("default", "http://127.0.0.1:20000").entries == []


def test_a_field_from_a_newer_version_is_ignored_not_refused(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    newer = {**json.loads(entry(1).to_json()), "added_later": {"any": "thing"}}
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text(json.dumps(newer, separators=(",", ":")) + "\n")
    loaded = store.load("default", ENDPOINT)
    assert loaded.warning is None and [e.request_id for e in loaded.entries] == ["RID1"]
    # Appending and trimming keep that line as it was written.
    store.append(entry(2))
    assert '"added_later":{"any":"thing"}' in store.path.read_text()
