"""``--data DIR``: a corrupt directory is refused with a message naming what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ossbrowse.emulator.listing import ListQuery
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
        ('{"format": 3, "ops": []}', "has an unknown format"),
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


# -- durability: one checksummed record per change, idempotent replay, verified blobs ----------


def _open(root: Path) -> Store:
    return Store(clock=_clock, persistence=Persistence(root))


def _records(root: Path) -> list[bytes]:
    return (root / "journal.jsonl").read_bytes().splitlines(keepends=True)


def _distinct_versions(store: Store, bucket: str) -> tuple[int, int]:
    page = store.list_versions(bucket, ListQuery())
    ids = [(v.key, v.version_id) for v, _ in page.entries]
    return len(ids), len(set(ids))


def test_an_overwrite_is_one_journal_record(tmp_path: Path) -> None:
    store = _open(tmp_path)
    store.create_bucket("b", region="cn-hangzhou")
    store.put_object("b", "k", b"first")
    before = len(_records(tmp_path))
    store.put_object("b", "k", b"second")  # removes the null version and adds one: together
    assert len(_records(tmp_path)) == before + 1
    store.close()
    assert _load(tmp_path).get_object("b", "k").body == b"second"


def test_a_record_cut_anywhere_loses_only_that_record(tmp_path: Path) -> None:
    store = _open(tmp_path)
    store.create_bucket("b", region="cn-hangzhou")
    store.put_object("b", "k", b"kept")
    store.put_object("b", "k", b"x" * 5000)  # the overwrite that a kill tears
    journal = (tmp_path / "journal.jsonl").read_bytes()
    store._persistence.close()  # type: ignore[union-attr]  # the process dies: no compaction
    last = journal.rstrip(b"\n").rfind(b"\n") + 1
    for cut in (last + 1, last + 64, last + 65, len(journal) - 1):
        (tmp_path / "journal.jsonl").write_bytes(journal[:cut])
        assert _load(tmp_path).get_object("b", "k").body == b"kept", cut
        (tmp_path / "state.json").unlink()


def test_an_altered_record_before_the_last_is_refused(tmp_path: Path) -> None:
    store = _open(tmp_path)
    store.create_bucket("b", region="cn-hangzhou")
    store.put_object("b", "k", b"one")
    store.put_object("b", "k", b"two")
    records = _records(tmp_path)
    store._persistence.close()  # type: ignore[union-attr]
    (tmp_path / "state.json").unlink()
    records[1] = records[1].replace(b'"k"', b'"j"')
    (tmp_path / "journal.jsonl").write_bytes(b"".join(records))
    message = _refusal(tmp_path)
    assert message == (
        f"{tmp_path / 'journal.jsonl'} is corrupt at line 2: checksum mismatch (the record was"
        " altered)"
    )


def test_a_crash_between_snapshot_and_emptied_journal_replays_nothing_twice(
    tmp_path: Path,
) -> None:
    store = _open(tmp_path)
    store.create_bucket("v", region="cn-hangzhou")
    store.set_versioning("v", "Enabled")
    store.create_bucket("u", region="cn-hangzhou")
    store.close()  # the buckets are in the snapshot, the writes below only in the journal
    store = _open(tmp_path)
    ids = [store.put_object("v", "k", f"body {n}".encode()).version_id for n in range(4)]
    store.put_object("u", "k", b"only")
    journal = (tmp_path / "journal.jsonl").read_bytes()
    assert journal
    before = store.export_ops()
    store.close()  # snapshot replaced, journal emptied ...
    (tmp_path / "journal.jsonl").write_bytes(journal)  # ... but the crash came in between
    for _ in range(2):  # and again after the recovery's own compaction
        reloaded = _load(tmp_path)
        assert reloaded.export_ops() == before
        assert _distinct_versions(reloaded, "v") == (4, 4)
        assert [v.version_id for v in reloaded.versions_of("v", "k")] == ids[::-1]
        assert _distinct_versions(reloaded, "u") == (1, 1)


def test_version_ids_are_never_reused_after_a_restart(tmp_path: Path) -> None:
    store = _open(tmp_path)
    store.create_bucket("v", region="cn-hangzhou")
    store.set_versioning("v", "Enabled")
    first = store.put_object("v", "k", b"1").version_id
    store.close()
    again = _open(tmp_path)
    second = again.put_object("v", "k", b"2").version_id
    again.close()
    assert first != second
    assert [v.body for v in _load(tmp_path).versions_of("v", "k")] == [b"2", b"1"]


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_damaged_blob_is_never_served_and_does_not_stop_the_start(
    tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from ossbrowse.emulator.model import DamagedObjectError

    body = bytes(range(256)) * 40
    store = _open(tmp_path)
    store.create_bucket("b", region="cn-hangzhou")
    store.put_object("b", "big", body)
    store.put_object("b", "small", b"fine")
    store.close()
    (blob,) = (tmp_path / "blobs").iterdir()
    data = bytearray(blob.read_bytes())
    if damage == "flip":
        data[1234] ^= 0x01
    else:
        del data[-100:]
    blob.write_bytes(bytes(data))
    reloaded = _open(tmp_path)
    assert f"{blob} does not match its digest" in capsys.readouterr().err
    with pytest.raises(DamagedObjectError):
        reloaded.get_object("b", "big")
    assert reloaded.get_object("b", "small").body == b"fine"
    reloaded.close()
    assert blob.read_bytes() == bytes(data)  # kept as found, for the operator to restore
    # Writing the same content again repairs it.
    repaired = _open(tmp_path)
    repaired.put_object("b", "big", body)
    repaired.close()
    assert _load(tmp_path).get_object("b", "big").body == body


def test_data_files_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    root = tmp_path / "data"
    store = _open(root)
    store.create_bucket("b", region="cn-hangzhou")
    store.put_object("b", "big", b"s" * 5000)
    store.put_object("b", "small", b"s")
    store.close()
    modes = {str(p.relative_to(root)): p.stat().st_mode & 0o777 for p in root.rglob("*")}
    modes["."] = root.stat().st_mode & 0o777
    assert {name for name, mode in modes.items() if mode & 0o077} == set()
    assert modes["."] == modes["blobs"] == 0o700
    assert modes["state.json"] == modes["journal.jsonl"] == 0o600


def test_a_format_1_directory_still_loads(tmp_path: Path) -> None:
    _snapshot(tmp_path, _bucket(), _add(key="old", body_b64="b2xk"))
    _journal(tmp_path, json.dumps(_add(key="new", body_b64="bmV3")))
    store = _load(tmp_path)
    assert store.get_object("b", "old").body == b"old"
    assert store.get_object("b", "new").body == b"new"
