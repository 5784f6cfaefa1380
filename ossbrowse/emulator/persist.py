"""Optional persistence of the emulator's store under ``--data DIR``; survives ``kill -9``.

Layout (file names never come from bucket names or keys, so no key can escape ``DIR``; every
file is created readable by its owner only, directories ``0700``):

* ``DIR/blobs/<sha256>`` — bodies over 4 KiB, content-addressed, written to a temporary file,
  fsynced and moved into place before any record names them; smaller bodies are inline;
* ``DIR/journal.jsonl`` — one line per committed change, ``<sha256 of JSON> <JSON>``, the JSON
  holding a sequence number and every primitive change of the commit (an overwrite's remove
  and add together). A line is written with one ``write`` and fsynced before the request is
  answered (concurrent commits share one fsync). A torn last line (no newline: the process
  died mid-write) is ignored; any other bad line is corruption;
* ``DIR/state.json`` — a snapshot: the changes that rebuild the store and the sequence number
  of the last journal record it holds, replaced atomically (temporary file, fsync, rename).

On start the snapshot is replayed, then the journal records with a higher sequence number (so
a crash after the snapshot was replaced but before the journal was emptied replays nothing
twice), then a fresh snapshot is written, the journal emptied and unreferenced blobs removed.
A blob is checked against its name (its SHA-256) when it is read; a mismatch (a flipped byte,
a truncated file) is logged and leaves that version *damaged*: reading it answers 500, never
other bytes. A lock file keeps a second emulator off ``DIR``. Anything else in ``DIR`` that
does not decode to a well-formed change (bad JSON, a bad checksum, an unknown change, a missing
or mistyped field, a missing blob, a change to an unknown bucket) stops the start with a
:class:`DataDirError` naming the file, the line or change, and the problem; nothing in ``DIR``
is rewritten then. Format 1 directories (unnumbered, unchecksummed lines) still load.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, asdict, fields, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ossbrowse.emulator.model import NoSuchBucketError, ObjectVersion, StoreError
from ossbrowse.emulator.versioning import VERSIONING_STATES

if TYPE_CHECKING:
    from ossbrowse.emulator.store import Store

try:  # POSIX only; elsewhere the directory is simply not locked.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

INLINE_LIMIT = 4096
_BLOB_NAME = re.compile(r"^[0-9a-f]{64}$")
_SUM = re.compile(r"^[0-9a-f]{64}$")
FORMAT = 2
_LEGACY_FORMAT = 1
_FILE_MODE = 0o600
_DIR_MODE = 0o700

# The fields of each change and their JSON types ("counter" is optional on every change).
_CHANGE_FIELDS: dict[str, dict[str, type]] = {
    "bucket": {"name": str, "region": str, "created": int, "acl": str},
    "delete_bucket": {"name": str},
    "versioning": {"name": str, "status": str},
    "add": {"bucket": str, "version": dict},
    "remove": {"bucket": str, "key": str, "version_id": str},
    "replace": {"bucket": str, "version": dict},
    "lifecycle": {"name": str, "rules": list},
}
# ObjectVersion's JSON-typed fields by their annotation; body and user_meta are decoded apart,
# damaged_blob is never written (a damaged version is written back as its original blob name).
_VERSION_TYPES = {
    "str": (str,),
    "int": (int,),
    "bool": (bool,),
    "str | None": (str, type(None)),
    "int | None": (int, type(None)),
}
_VERSION_FIELDS = {f.name: f for f in fields(ObjectVersion) if f.name != "damaged_blob"}
_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    bool: "true or false",
    dict: "an object",
    list: "a list",
}


class DataDirError(RuntimeError):
    """The data directory cannot be used (locked by another emulator, or corrupt)."""


def _short(value: object) -> str:
    """``repr(value)`` cut to a readable length (it comes from a possibly corrupt file)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is(value: object, kinds: tuple[type, ...]) -> bool:
    # JSON true/false decode to bool, a subclass of int: never accept one for the other.
    if isinstance(value, bool):
        return bool in kinds
    return isinstance(value, kinds)


def _describe(exc: Exception) -> str:
    """What is wrong, in words, for an error raised while decoding or replaying a change."""
    if isinstance(exc, NoSuchBucketError):
        return f"it names bucket {_short(exc.bucket)}, which does not exist"
    if isinstance(exc, KeyError):
        return f"missing field {_short(exc.args[0] if exc.args else '')}"
    if isinstance(exc, StoreError) or not str(exc):
        return type(exc).__name__
    return str(exc)


class Persistence:
    """Journal + snapshot persistence for one :class:`~ossbrowse.emulator.store.Store`.

    The store calls :meth:`store_body` before taking its lock, :meth:`record` under it (one
    record per commit, written before the change is applied) and :meth:`sync` after releasing
    it, before the request is answered.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.blobs = self.root / "blobs"
        for directory in (self.root, self.blobs):
            # mkdir's mode only applies to a directory it creates; an existing DIR is the user's.
            directory.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
        lock_fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, _FILE_MODE)
        self._lock_file: IO[bytes] | None = os.fdopen(lock_fd, "r+b")
        if fcntl is not None:
            try:
                fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                self._lock_file.close()
                self._lock_file = None
                raise DataDirError(f"{self.root} is in use by another emulator") from None
        self._journal_fd: int | None = None
        self._seq = 0  # the sequence number of the last record written
        self._synced = 0  # the last one known to be on disk
        self._sync_lock = threading.Lock()
        self._damaged: set[str] = set()

    # -- files ----------------------------------------------------------------------------------

    def _fsync_dir(self, path: Path) -> None:
        """Make a rename or a new name in ``path`` durable."""
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:  # pragma: no cover (a platform without directory handles)
            return
        try:
            os.fsync(fd)
        except OSError:  # pragma: no cover
            pass
        finally:
            os.close(fd)

    def _write_atomic(self, path: Path, data: bytes) -> None:
        tmp = path.with_name(f".tmp-{secrets.token_hex(8)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _FILE_MODE)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self._fsync_dir(path.parent)

    def store_body(self, body: bytes) -> str | None:
        """Make ``body`` durable before a record names it; its blob name, or None (inline).

        Called outside the store lock: hashing and writing a large body blocks no one else.
        """
        if len(body) <= INLINE_LIMIT:
            return None
        name = hashlib.sha256(body).hexdigest()
        path = self.blobs / name
        try:
            intact = name not in self._damaged and path.stat().st_size == len(body)
        except OSError:
            intact = False
        if not intact:
            self._write_atomic(path, body)
            self._damaged.discard(name)
        return name

    # -- serialisation --------------------------------------------------------------------------

    def _encode_version(
        self, version: ObjectVersion, blobs: Mapping[int, str] | None = None
    ) -> dict[str, Any]:
        data = asdict(version)
        body = data.pop("body")
        damaged = data.pop("damaged_blob")
        data["user_meta"] = [list(pair) for pair in version.user_meta]
        if damaged is not None:
            data["blob"] = damaged  # keep pointing at the file it was read from, never heal it
        elif len(body) <= INLINE_LIMIT:
            data["body_b64"] = base64.b64encode(body).decode("ascii")
        else:
            # ``blobs`` maps id(body) to the name store_body gave it (the body is alive, so
            # its id is stable); otherwise (a snapshot) the blob was written when first stored.
            name = (blobs or {}).get(id(version.body)) or hashlib.sha256(body).hexdigest()
            if not (self.blobs / name).exists():
                self._write_atomic(self.blobs / name, body)
            data["blob"] = name
        return data

    def _read_blob(self, name: object) -> tuple[bytes, bool]:
        """The blob's bytes and whether they match its name; ValueError when it cannot be read."""
        if not isinstance(name, str) or not _BLOB_NAME.match(name):
            # Never a path: a tampered name must not read outside ``blobs/``.
            raise ValueError(f"bad blob name {_short(name)}")
        try:
            data = (self.blobs / name).read_bytes()
        except FileNotFoundError:
            raise ValueError(f"blob {name} is missing from {self.blobs}") from None
        except OSError as exc:
            raise ValueError(f"cannot read blob {name}: {exc.strerror}") from None
        return data, hashlib.sha256(data).hexdigest() == name

    def _decode_version(self, data: dict[str, Any]) -> ObjectVersion:
        """An ObjectVersion from its JSON form; ValueError saying what is wrong."""
        data = dict(data)
        damaged: str | None = None
        if "blob" in data:
            name = data.pop("blob")
            body, intact = self._read_blob(name)
            if not intact:
                damaged, body = name, b""
        else:
            encoded = data.pop("body_b64", "")
            try:
                body = base64.b64decode(encoded, validate=True)
            except (ValueError, TypeError):
                raise ValueError("field 'body_b64' is not base64 text") from None
        meta = data.get("user_meta", [])
        if not isinstance(meta, list) or not all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(t, str) for t in pair)
            for pair in meta
        ):
            raise ValueError("field 'user_meta' is not a list of [name, value] strings")
        data["user_meta"] = tuple((k, v) for k, v in meta)
        data["body"] = body
        for name, value in data.items():
            spec = _VERSION_FIELDS.get(name)
            if spec is None:
                raise ValueError(f"unknown object field {_short(name)}")
            kinds = _VERSION_TYPES.get(str(spec.type))
            if kinds is not None and not _is(value, kinds):
                raise ValueError(f"object field {name!r} has the wrong type")
        for name, spec in _VERSION_FIELDS.items():
            if spec.default is MISSING and name not in data:
                raise ValueError(f"object field {name!r} is missing")
        version = ObjectVersion(**data)
        if damaged is not None:
            self._damaged.add(damaged)
            version = replace(version, damaged_blob=damaged)
        return version

    def _encode_op(
        self, op: dict[str, Any], blobs: Mapping[int, str] | None = None
    ) -> dict[str, Any]:
        out = dict(op)
        if "version" in out:
            out["version"] = self._encode_version(out["version"], blobs)
        return out

    def _decode_op(self, raw: object) -> dict[str, Any]:
        """A change from its JSON form, checked field by field; ValueError saying what is wrong."""
        if not isinstance(raw, dict):
            raise ValueError("a change must be a JSON object")
        op = dict(raw)
        kind = op.get("op")
        wanted = _CHANGE_FIELDS.get(kind) if isinstance(kind, str) else None
        if wanted is None:
            raise ValueError(f"unknown change {_short(kind)}" if "op" in op else "no 'op' field")
        for name, expected in {**wanted, "counter": int}.items():
            if name not in op and name != "counter":
                raise ValueError(f"change {kind!r} has no {name!r} field")
            if name in op and not _is(op[name], (expected,)):
                raise ValueError(
                    f"field {name!r} of change {kind!r} is not {_TYPE_NAMES[expected]}"
                )
        if kind == "versioning" and op["status"] not in VERSIONING_STATES:
            raise ValueError(f"unknown versioning status {_short(op['status'])}")
        if kind == "lifecycle" and not all(isinstance(rule, dict) for rule in op["rules"]):
            raise ValueError("field 'rules' of change 'lifecycle' is not a list of objects")
        if "version" in op:
            op["version"] = self._decode_version(op["version"])
        return op

    # -- loading --------------------------------------------------------------------------------

    def _replay(self, store: Store, raw: object, where: str, counter: int | None = None) -> None:
        """Decode and apply one change; DataDirError saying ``where`` and what is wrong."""
        try:
            op = self._decode_op(raw)
            if counter is not None:
                op["counter"] = counter
            store.replay(op)
        except (ValueError, KeyError, TypeError, StoreError) as exc:
            raise DataDirError(f"{where}: {_describe(exc)}") from None

    @staticmethod
    def _read_text(path: Path) -> str:
        try:
            return path.read_text("utf-8")
        except UnicodeDecodeError:
            raise DataDirError(f"{path} is not UTF-8 text") from None

    def _load_snapshot(self, store: Store, state: Path) -> int:
        """Replay ``state``; the sequence number of the last record it holds (0: format 1)."""
        try:
            snapshot = json.loads(self._read_text(state))
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}, column {exc.colno}"
            raise DataDirError(f"{state} is not valid JSON ({where}: {exc.msg})") from None
        known = (FORMAT, _LEGACY_FORMAT)
        if not isinstance(snapshot, dict) or snapshot.get("format") not in known:
            raise DataDirError(f"{state} has an unknown format (not a format {FORMAT} snapshot)")
        seq = snapshot.get("seq", 0)
        if not _is(seq, (int,)) or seq < 0:
            raise DataDirError(f"{state} is corrupt: 'seq' is not a record number")
        counter = snapshot.get("counter", 0)
        if not _is(counter, (int,)):
            raise DataDirError(f"{state} is corrupt: 'counter' is not an integer")
        ops = snapshot.get("ops")
        if not isinstance(ops, list):
            raise DataDirError(f"{state} is corrupt: 'ops' is not a list of changes")
        for number, raw in enumerate(ops, 1):
            self._replay(store, raw, f"{state} is corrupt at change {number}")
        store.replay_counter(counter)
        return int(seq)

    def _load_journal(self, store: Store, journal: Path, after: int) -> None:
        """Replay the records of ``journal`` numbered above ``after``; skip a torn last line."""
        lines = journal.read_bytes().split(b"\n")
        torn = lines.pop()  # b"" when the file ends with a newline, as every whole record does
        for number, line in enumerate(lines, 1):
            where = f"{journal} is corrupt at line {number}"
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                raise DataDirError(f"{journal} is not UTF-8 text") from None
            if text.startswith("{"):
                self._load_legacy_line(store, text, where)
                continue
            record = _parse_record(text, where)
            seq = record["seq"]
            if seq <= after:
                continue  # already in the snapshot (a crash before the journal was emptied)
            if seq <= self._seq:
                raise DataDirError(f"{where}: record {seq} is out of order")
            for raw in record["ops"]:
                self._replay(store, raw, where, record["counter"])
            self._seq = seq
        if torn:
            size = len(torn)
            print(
                f"warning: {journal}: ignored an incomplete last record ({size} bytes); "
                "the request that wrote it was never answered",
                file=sys.stderr,
            )

    def _load_legacy_line(self, store: Store, text: str, where: str) -> None:
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataDirError(f"{where}: not valid JSON ({exc.msg})") from None
        self._replay(store, raw, where)

    def load_into(self, store: Store) -> None:
        """Replay the snapshot and journal into ``store``, then compact.

        Raises DataDirError, naming the file and the problem, when either is corrupt.
        """
        state = self.root / "state.json"
        after = self._load_snapshot(store, state) if state.exists() else 0
        self._seq = after
        journal = self.root / "journal.jsonl"
        if journal.exists():
            self._load_journal(store, journal, after)
        self._synced = self._seq
        for name in sorted(self._damaged):
            print(
                f"warning: {self.blobs / name} does not match its digest (flipped or truncated);"
                " reading the objects stored in it answers 500 InternalError",
                file=sys.stderr,
            )
        self.compact(store)

    # -- writing --------------------------------------------------------------------------------

    def compact(self, store: Store) -> None:
        """Write a snapshot of ``store``, empty the journal and drop unreferenced blobs.

        The snapshot carries the last record's sequence number and is durable before the
        journal is emptied, so a crash in between replays no record twice.
        """
        counter, ops = store.export_ops()
        encoded = [self._encode_op(op) for op in ops]
        snapshot = {"format": FORMAT, "seq": self._seq, "counter": counter, "ops": encoded}
        payload = json.dumps(snapshot, indent=0)
        self._write_atomic(self.root / "state.json", payload.encode("utf-8"))
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        journal = self.root / "journal.jsonl"
        self._write_atomic(journal, b"")
        self._journal_fd = os.open(journal, os.O_WRONLY | os.O_APPEND, _FILE_MODE)
        referenced = {op["version"].get("blob") for op in encoded if "version" in op}
        for path in self.blobs.iterdir():
            if path.name not in referenced:
                path.unlink(missing_ok=True)
        for path in self.root.glob(".tmp-*"):  # left by a crash mid-write
            path.unlink(missing_ok=True)

    def record(
        self,
        changes: Iterable[dict[str, Any]],
        counter: int,
        blobs: Mapping[int, str] | None = None,
    ) -> int:
        """Append one commit as one checksummed record (under the store lock); its number.

        Nothing is left behind when the write fails: the journal is cut back to its old end,
        and the caller applies nothing.
        """
        if self._journal_fd is None:
            raise StoreError("the data directory is closed")
        seq = self._seq + 1
        ops = [self._encode_op(op, blobs) for op in changes]
        payload = json.dumps({"seq": seq, "counter": counter, "ops": ops}, separators=(",", ":"))
        line = f"{_checksum(payload)} {payload}\n".encode()
        fd = self._journal_fd
        end = os.lseek(fd, 0, os.SEEK_END)
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view) :]
        except BaseException:
            os.ftruncate(fd, end)
            raise
        self._seq = seq
        return seq

    def sync(self, seq: int) -> None:
        """Return once record ``seq`` is on disk (one fsync covers every record before it)."""
        if self._synced >= seq:
            return
        with self._sync_lock:
            if self._synced >= seq or self._journal_fd is None:
                return
            written = self._seq  # may be past ``seq``: later commits ride on this fsync
            os.fsync(self._journal_fd)
            self._synced = max(self._synced, written)

    def close(self) -> None:
        """Close the journal and release the directory lock."""
        with self._sync_lock:
            if self._journal_fd is not None:
                os.close(self._journal_fd)
                self._journal_fd = None
        if self._lock_file is not None:
            if fcntl is not None:
                fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None


def _checksum(payload: str) -> str:
    return hashlib.sha256(payload.encode()).hexdigest()


def _parse_record(text: str, where: str) -> dict[str, Any]:
    """A journal record (``seq``, ``counter``, ``ops``) from its line; DataDirError if bad."""
    digest, _, payload = text.partition(" ")
    if not _SUM.match(digest):
        raise DataDirError(f"{where}: not a journal record")
    if _checksum(payload) != digest:
        raise DataDirError(f"{where}: checksum mismatch (the record was altered)")
    try:
        record = json.loads(payload)
    except json.JSONDecodeError as exc:  # pragma: no cover (the checksum matched)
        raise DataDirError(f"{where}: not valid JSON ({exc.msg})") from None
    if (
        not isinstance(record, dict)
        or not _is(record.get("seq"), (int,))
        or not _is(record.get("counter"), (int,))
        or not isinstance(record.get("ops"), list)
    ):
        raise DataDirError(f"{where}: a record needs 'seq', 'counter' and a list of 'ops'")
    return record
