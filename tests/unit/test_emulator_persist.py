"""``--data DIR``: a corrupt directory is refused with a message naming what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ossbrowse.emulator.persist import DataDirError, Persistence
from ossbrowse.emulator.store import Store

BLOB = "ab" * 32  # a well-formed blob name with no blob file behind it


def _clock() -> float:
    return 1_767_225_600.0


def _bucket(name: str = "b") -> dict[str, Any]:
    return {"op": "bucket", "name": name, "region": "cn-hangzhou", "created": 1, "acl": "private"}


def _add(**version: Any) -> dict[str, Any]:
    fields = {"key": "k", "version_id": "null", "last_modified": 1, "body_b64": ""}
    return {"op": "add", "bucket": "b", "version": {**fields, **version}}


def _load(root: Path) -> Store:
    persistence = Persistence(root)
    try:
        return Store(clock=_clock, persistence=persistence)
    finally:
        persistence.close()


def _refusal(root: Path) -> str:
    """The DataDirError message for ``root``; also checks nothing in it was rewritten."""
    before = {p.name: p.read_bytes() for p in root.iterdir() if p.is_file() and p.name != ".lock"}
    with pytest.raises(DataDirError) as err:
        _load(root)
    after = {p.name: p.read_bytes() for p in root.iterdir() if p.is_file() and p.name != ".lock"}
    assert after == before
    message = str(err.value)
    assert "\n" not in message and "\r" not in message
    return message


def _snapshot(root: Path, *ops: object) -> Path:
    path = root / "state.json"
    path.write_text(json.dumps({"format": 1, "counter": 0, "ops": list(ops)}))
    return path


@pytest.mark.parametrize(
    ("ops", "problem"),
    [
        ([{"op": "frobnicate"}], "at change 1: unknown change 'frobnicate'"),
        ([{"name": "b"}], "at change 1: no 'op' field"),
        (["bucket"], "at change 1: a change must be a JSON object"),
        ([{"op": "bucket", "name": "b"}], "at change 1: change 'bucket' has no 'region' field"),
        ([{**_bucket(), "created": "monday"}], "field 'created' of change 'bucket' is not an"),
        ([{**_bucket(), "created": True}], "field 'created' of change 'bucket' is not an"),
        ([{**_bucket(), "counter": "7"}], "field 'counter' of change 'bucket' is not an"),
        ([_bucket(), {"op": "versioning", "name": "b", "status": "On"}], "status 'On'"),
        ([_add()], "at change 1: it names bucket 'b', which does not exist"),
        ([_bucket(), _add(colour="red")], "at change 2: unknown object field 'colour'"),
        ([_bucket(), _add(key=None)], "at change 2: object field 'key' has the wrong type"),
        ([_bucket(), _add(last_modified="x")], "object field 'last_modified' has the wrong type"),
        ([_bucket(), {"op": "add", "bucket": "b", "version": {"key": "k"}}], "'version_id' is"),
        ([_bucket(), _add(body_b64="not base64!")], "at change 2: field 'body_b64' is not base64"),
        ([_bucket(), _add(body_b64=7)], "at change 2: field 'body_b64' is not base64 text"),
        ([_bucket(), _add(user_meta=[["a"]])], "'user_meta' is not a list of [name, value]"),
        ([_bucket(), _add(blob="../../etc/passwd")], "bad blob name '../../etc/passwd'"),
        ([_bucket(), _add(blob=BLOB)], f"blob {BLOB} is missing"),
    ],
)
def test_a_bad_change_in_the_snapshot_is_named(
    tmp_path: Path, ops: list[object], problem: str
) -> None:
    state = _snapshot(tmp_path, *ops)
    message = _refusal(tmp_path)
    assert message.startswith(f"{state} is corrupt at change ")
    assert problem in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "is not valid JSON (line 1, column 1: "),
        ('{"format": 1, "ops": [}', "is not valid JSON (line 1, column 23: "),
        ("[]", "has an unknown format"),
        ('{"format": 2, "ops": []}', "has an unknown format"),
        ('{"format": 1, "ops": {}}', "is corrupt: 'ops' is not a list of changes"),
    ],
)
def test_a_snapshot_that_is_not_one_is_named(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "state.json").write_text(text)
    assert _refusal(tmp_path).startswith(f"{tmp_path / 'state.json'} {problem}")


def test_files_that_are_not_utf8_are_named(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_bytes(b'{"format": 1, "ops": ["\xff"]}')
    assert _refusal(tmp_path) == f"{tmp_path / 'state.json'} is not UTF-8 text"
    (tmp_path / "state.json").unlink()
    (tmp_path / "journal.jsonl").write_bytes(b"\xfe\xff\n")
    assert _refusal(tmp_path) == f"{tmp_path / 'journal.jsonl'} is not UTF-8 text"


def _journal(root: Path, *lines: str) -> Path:
    path = root / "journal.jsonl"
    path.write_text("".join(line + "\n" for line in lines))
    return path


def test_a_bad_journal_line_is_named_by_number(tmp_path: Path) -> None:
    bucket = json.dumps(_bucket())
    journal = _journal(tmp_path, bucket, '{"op": "frobnicate"}', bucket)
    assert _refusal(tmp_path) == f"{journal} is corrupt at line 2: unknown change 'frobnicate'"
    # An unknown change is corruption even on the last line: that line was written whole.
    journal = _journal(tmp_path, bucket, '{"op": "frobnicate"}')
    assert _refusal(tmp_path) == f"{journal} is corrupt at line 2: unknown change 'frobnicate'"
    journal = _journal(tmp_path, "{oops", bucket)
    message = _refusal(tmp_path)
    assert message.startswith(f"{journal} is corrupt at line 1: not valid JSON (")


def test_a_torn_last_journal_line_is_still_ignored(tmp_path: Path) -> None:
    (tmp_path / "journal.jsonl").write_text(json.dumps(_bucket()) + '\n{"op": "buck')
    assert [b.name for b in _load(tmp_path).list_buckets()] == ["b"]


def test_values_from_the_file_are_cut_short_in_the_message(tmp_path: Path) -> None:
    _snapshot(tmp_path, {"op": "x" * 5000 + "\n"})
    message = _refusal(tmp_path)
    assert "x" * 100 not in message and len(message) < len(str(tmp_path)) + 120


def test_a_good_directory_still_loads_after_a_round_trip(tmp_path: Path) -> None:
    persistence = Persistence(tmp_path)
    store = Store(clock=_clock, persistence=persistence)
    store.create_bucket("b", region="cn-hangzhou")
    store.set_versioning("b", "Enabled")
    store.put_object("b", "k", b"x" * 5000, user_meta=(("who", "me"),), cache_control=None)
    store.delete_object("b", "k")
    before = store.export_ops()
    store.close()
    assert _load(tmp_path).export_ops() == before
