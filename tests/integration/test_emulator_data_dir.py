"""``--data DIR``: objects and versions survive a restart, and no key can escape DIR."""

from __future__ import annotations

import gc
import http.client
import os
import warnings
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path
from urllib.parse import quote

import oss2
import pytest

from ossbrowse.emulator import Emulator
from ossbrowse.emulator.persist import DataDirError
from ossbrowse.oss.canonical import v1_signature, v1_string_to_sign

HOSTILE_KEYS = [
    "../../x",
    "../../../../../../tmp/escape",
    "a/../../b",
    "..",
    "./.",
    "..\\..\\win",
    "%2e%2e/%2e%2e/enc",
    "a/./b/../../../c",
    "dir/../../../etc/passwd",
    "~/home",
    "blobs/../state.json",
]
BIG = 5000  # bodies over the inline limit are written as blob files


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _bucket(emu: Emulator, name: str = "data-1") -> oss2.Bucket:
    auth = oss2.AuthV4(emu.access_key_id, emu.access_key_secret)
    return oss2.Bucket(auth, emu.endpoint, name, region=emu.region, is_path_style=True)


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """A data dir inside a parent whose other contents must never change."""
    parent = tmp_path / "parent"
    data = parent / "data"
    data.mkdir(parents=True)
    (parent / "sibling.txt").write_text("keep")
    return parent, data


def _put_raw(emu: Emulator, key: str, body: bytes) -> int:
    """PUT ``key`` with its dot segments sent as-is on the wire (no client normalisation)."""
    date = formatdate(usegmt=True)
    string_to_sign = v1_string_to_sign("PUT", {"Date": date}, "data-1", key, [], date)
    signature = v1_signature(emu.access_key_secret, string_to_sign)
    conn = http.client.HTTPConnection(emu.host, emu.port, timeout=10)
    conn.request(
        "PUT",
        "/data-1/" + quote(key, safe="/"),
        body=body,
        headers={"Date": date, "Authorization": f"OSS {emu.access_key_id}:{signature}"},
    )
    status = conn.getresponse().status
    conn.close()
    return status


def test_hostile_keys_stay_inside_the_data_dir(
    make_emulator: Callable[..., Emulator], layout: tuple[Path, Path]
) -> None:
    parent, data = layout
    emu = make_emulator(data_dir=data)
    emu.store.create_bucket("data-1", region=emu.region)
    for n, key in enumerate(HOSTILE_KEYS):
        assert _put_raw(emu, key, bytes([n]) * BIG) == 200, key
        assert emu.store.get_object("data-1", key).body == bytes([n]) * BIG
    for key in ("/abs/path", "\\server\\share"):
        assert _put_raw(emu, key, b"x") == 400  # InvalidObjectName
    emu.stop()

    assert sorted(p.name for p in parent.iterdir()) == ["data", "sibling.txt"]
    files = _files(data)
    blobs = {f for f in files if f.startswith("blobs/")}
    assert files - blobs == {".lock", "state.json", "journal.jsonl", "blobs"}
    assert len(blobs) == len(HOSTILE_KEYS)
    assert all(len(Path(f).name) == 64 for f in blobs)  # sha256 names, never a key
    # Every key is still there after a restart, with its own body.
    again = make_emulator(data_dir=data)
    for n, key in enumerate(HOSTILE_KEYS):
        assert again.store.get_object("data-1", key).body == bytes([n]) * BIG


def test_objects_versions_and_markers_survive_a_restart(
    make_emulator: Callable[..., Emulator], layout: tuple[Path, Path]
) -> None:
    _, data = layout
    first = make_emulator(data_dir=data)
    bucket = _bucket(first)
    bucket.create_bucket()
    bucket.put_bucket_versioning(oss2.models.BucketVersioningConfig("Enabled"))
    v1 = bucket.put_object("doc 1+ü.txt", b"one", headers={"x-oss-meta-who": "me"}).versionid
    v2 = bucket.put_object("doc 1+ü.txt", b"two" * BIG).versionid
    bucket.put_object("gone.txt", b"bye")
    marker = bucket.delete_object("gone.txt").versionid
    before = first.store.export_ops()
    first.stop()

    second = make_emulator(data_dir=data)
    assert second.store.export_ops() == before
    bucket = _bucket(second)
    head = bucket.head_object("doc 1+ü.txt")
    assert head.versionid == v2 and head.content_length == 3 * BIG
    old = bucket.get_object("doc 1+ü.txt", params={"versionId": v1})
    assert old.read() == b"one" and old.headers["x-oss-meta-who"] == "me"
    with pytest.raises(oss2.exceptions.NotFound) as err:
        bucket.head_object("gone.txt")
    assert err.value.headers["x-oss-version-id"] == marker
    # Version ids keep counting after a restart: no id is ever reused.
    v3 = bucket.put_object("doc 1+ü.txt", b"three").versionid
    assert v3 not in (v1, v2, marker)


def test_deleted_bodies_are_dropped_on_restart(
    make_emulator: Callable[..., Emulator], layout: tuple[Path, Path]
) -> None:
    _, data = layout
    emu = make_emulator(data_dir=data)
    bucket = _bucket(emu)
    bucket.create_bucket()
    bucket.put_object("big", b"z" * BIG)
    bucket.delete_object("big")
    emu.stop()
    make_emulator(data_dir=data)
    assert not [f for f in _files(data) if f.startswith("blobs/")]


def test_a_torn_journal_line_is_ignored(
    make_emulator: Callable[..., Emulator], layout: tuple[Path, Path]
) -> None:
    _, data = layout
    emu = make_emulator(data_dir=data)
    bucket = _bucket(emu)
    bucket.create_bucket()
    bucket.put_object("kept", b"ok")
    emu.stop()
    with open(data / "journal.jsonl", "a") as journal:
        journal.write('{"op":"add","bucket":"data-1","vers')  # a crash mid-write
    assert make_emulator(data_dir=data).store.get_object("data-1", "kept").body == b"ok"


def test_one_emulator_per_data_dir(make_emulator: Callable[..., Emulator], tmp_path: Path) -> None:
    make_emulator(data_dir=tmp_path)
    with pytest.raises(DataDirError):
        Emulator(data_dir=tmp_path)


def test_a_tampered_blob_reference_cannot_point_outside(
    make_emulator: Callable[..., Emulator], layout: tuple[Path, Path]
) -> None:
    parent, data = layout
    emu = make_emulator(data_dir=data)
    bucket = _bucket(emu)
    bucket.create_bucket()
    bucket.put_object("big", b"q" * BIG)
    emu.stop()
    blob = next(p.name for p in (data / "blobs").iterdir())
    for name in ("state.json", "journal.jsonl"):
        text = (data / name).read_text()
        (data / name).write_text(text.replace(blob, "../../sibling.txt"))
    with pytest.raises(DataDirError):
        Emulator(data_dir=data)
    assert (parent / "sibling.txt").read_text() == "keep"
    assert os.listdir(parent) == ["data", "sibling.txt"] or sorted(os.listdir(parent)) == [
        "data",
        "sibling.txt",
    ]


def test_a_failed_load_releases_the_data_dir(
    make_emulator: Callable[..., Emulator], layout: tuple[Path, Path]
) -> None:
    _, data = layout
    emu = make_emulator(data_dir=data)
    emu.store.create_bucket("data-1", region=emu.region)
    emu.store.put_object("data-1", "kept", b"ok")
    emu.stop()
    good = (data / "state.json").read_bytes()
    (data / "state.json").write_text("not json")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        with pytest.raises(DataDirError) as failed:
            Emulator(data_dir=data)
        # ``failed`` keeps the constructor's frames, and so any handle it leaked, alive here:
        # the directory lock must already be released for the next emulator to get it.
        (data / "state.json").write_bytes(good)
        again = make_emulator(data_dir=data)
        assert again.store.get_object("data-1", "kept").body == b"ok"
        del failed
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_damaged_blob_answers_500_never_other_bytes(
    make_emulator: Callable[..., Emulator],
    layout: tuple[Path, Path],
    damage: str,
    capfd: pytest.CaptureFixture[str],
) -> None:
    _, data = layout
    emu = make_emulator(data_dir=data)
    bucket = _bucket(emu)
    bucket.create_bucket()
    body = b"0123456789abcdef" * 400
    bucket.put_object("big", body)
    emu.stop()
    (blob,) = (data / "blobs").iterdir()
    damaged = bytearray(blob.read_bytes())
    if damage == "flip":
        damaged[100] ^= 0x40
    else:
        del damaged[4000:]
    blob.write_bytes(bytes(damaged))
    bucket = _bucket(make_emulator(data_dir=data))
    for read in (bucket.get_object, bucket.head_object):
        with pytest.raises(oss2.exceptions.ServerError) as failed:
            read("big")
        assert failed.value.status == 500
        assert failed.value.code == "InternalError"
    assert "does not match its digest" in capfd.readouterr().err
