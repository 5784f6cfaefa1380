"""Optional persistence of the emulator's store under ``--data DIR``.

Layout (file names never come from bucket names or keys, so no key can escape ``DIR``):

* ``DIR/state.json`` — a snapshot: the list of changes that rebuilds the store, written to a
  temporary file and moved into place with ``os.replace`` (atomic);
* ``DIR/journal.jsonl`` — one JSON line per change since the snapshot, appended and flushed;
  a torn last line (a crash mid-write) is ignored;
* ``DIR/blobs/<sha256>`` — bodies over 4 KiB, content-addressed, written atomically; smaller
  bodies are stored inline in the JSON.

On start the snapshot and journal are replayed, a fresh snapshot is written, the journal is
emptied and unreferenced blobs are removed. A lock file keeps a second emulator off ``DIR``.
Anything in ``DIR`` that does not decode to a well-formed change (bad JSON, an unknown change,
a missing or mistyped field, a missing blob, a change to an unknown bucket) stops the start
with a :class:`DataDirError` naming the file, the line or change, and the problem; nothing in
``DIR`` is rewritten then.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
from dataclasses import MISSING, asdict, fields
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
FORMAT = 1

# The fields of each change and their JSON types ("counter" is optional on every change).
_CHANGE_FIELDS: dict[str, dict[str, type]] = {
    "bucket": {"name": str, "region": str, "created": int, "acl": str},
    "delete_bucket": {"name": str},
    "versioning": {"name": str, "status": str},
    "add": {"bucket": str, "version": dict},
    "remove": {"bucket": str, "key": str, "version_id": str},
}
# ObjectVersion's JSON-typed fields by their annotation; body and user_meta are decoded apart.
_VERSION_TYPES = {"str": (str,), "int": (int,), "bool": (bool,), "str | None": (str, type(None))}
_VERSION_FIELDS = {f.name: f for f in fields(ObjectVersion)}
_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", dict: "an object"}


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
    """Journal + snapshot persistence for one :class:`~ossbrowse.emulator.store.Store`."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.blobs = self.root / "blobs"
        self.blobs.mkdir(parents=True, exist_ok=True)
        self._lock_file: IO[str] | None = open(self.root / ".lock", "a")
        if fcntl is not None:
            try:
                fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                self._lock_file.close()
                self._lock_file = None
                raise DataDirError(f"{self.root} is in use by another emulator") from None
        self._journal: IO[str] | None = None

    # -- serialisation --------------------------------------------------------------------------

    def _write_atomic(self, path: Path, data: bytes) -> None:
        tmp = path.with_name(f".tmp-{secrets.token_hex(8)}")
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    def _encode_version(self, version: ObjectVersion) -> dict[str, Any]:
        data = asdict(version)
        body = data.pop("body")
        data["user_meta"] = [list(pair) for pair in version.user_meta]
        if len(body) <= INLINE_LIMIT:
            data["body_b64"] = base64.b64encode(body).decode("ascii")
        else:
            name = hashlib.sha256(body).hexdigest()
            path = self.blobs / name
            if not path.exists():
                self._write_atomic(path, body)
            data["blob"] = name
        return data

    def _read_blob(self, name: object) -> bytes:
        if not isinstance(name, str) or not _BLOB_NAME.match(name):
            # Never a path: a tampered name must not read outside ``blobs/``.
            raise ValueError(f"bad blob name {_short(name)}")
        try:
            return (self.blobs / name).read_bytes()
        except FileNotFoundError:
            raise ValueError(f"blob {name} is missing from {self.blobs}") from None
        except OSError as exc:
            raise ValueError(f"cannot read blob {name}: {exc.strerror}") from None

    def _decode_version(self, data: dict[str, Any]) -> ObjectVersion:
        """An ObjectVersion from its JSON form; ValueError saying what is wrong."""
        data = dict(data)
        if "blob" in data:
            body = self._read_blob(data.pop("blob"))
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
        return ObjectVersion(**data)

    def _encode_op(self, op: dict[str, Any], counter: int) -> dict[str, Any]:
        out = dict(op)
        if "version" in out:
            out["version"] = self._encode_version(out["version"])
        out["counter"] = counter
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
        if "version" in op:
            op["version"] = self._decode_version(op["version"])
        return op

    # -- lifecycle ------------------------------------------------------------------------------

    def _replay(self, store: Store, raw: object, where: str) -> None:
        """Decode and apply one change; DataDirError saying ``where`` and what is wrong."""
        try:
            store.replay(self._decode_op(raw))
        except (ValueError, KeyError, TypeError, StoreError) as exc:
            raise DataDirError(f"{where}: {_describe(exc)}") from None

    @staticmethod
    def _read_text(path: Path) -> str:
        try:
            return path.read_text("utf-8")
        except UnicodeDecodeError:
            raise DataDirError(f"{path} is not UTF-8 text") from None

    def load_into(self, store: Store) -> None:
        """Replay the snapshot and journal into ``store``, then compact.

        Raises DataDirError, naming the file and the problem, when either is corrupt.
        """
        state = self.root / "state.json"
        if state.exists():
            try:
                snapshot = json.loads(self._read_text(state))
            except json.JSONDecodeError as exc:
                where = f"line {exc.lineno}, column {exc.colno}"
                raise DataDirError(f"{state} is not valid JSON ({where}: {exc.msg})") from None
            if not isinstance(snapshot, dict) or snapshot.get("format") != FORMAT:
                raise DataDirError(
                    f"{state} has an unknown format (not a format {FORMAT} snapshot)"
                )
            ops = snapshot.get("ops")
            if not isinstance(ops, list):
                raise DataDirError(f"{state} is corrupt: 'ops' is not a list of changes")
            for number, raw in enumerate(ops, 1):
                self._replay(store, raw, f"{state} is corrupt at change {number}")
        journal = self.root / "journal.jsonl"
        if journal.exists():
            lines = self._read_text(journal).splitlines()
            for number, line in enumerate(lines, 1):
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError as exc:
                    if number == len(lines):
                        break  # torn final line: the write never completed
                    raise DataDirError(
                        f"{journal} is corrupt at line {number}: not valid JSON ({exc.msg})"
                    ) from None
                self._replay(store, raw, f"{journal} is corrupt at line {number}")
        self.compact(store)

    def compact(self, store: Store) -> None:
        """Write a snapshot of ``store``, empty the journal and drop unreferenced blobs."""
        counter, ops = store.export_ops()
        encoded = [self._encode_op(op, counter) for op in ops]
        payload = json.dumps({"format": FORMAT, "counter": counter, "ops": encoded}, indent=0)
        self._write_atomic(self.root / "state.json", payload.encode("utf-8"))
        if self._journal is not None:
            self._journal.close()
        self._write_atomic(self.root / "journal.jsonl", b"")
        self._journal = open(self.root / "journal.jsonl", "a", encoding="utf-8")
        referenced = {op["version"].get("blob") for op in encoded if "version" in op}
        for path in self.blobs.iterdir():
            if path.name not in referenced:
                path.unlink(missing_ok=True)

    def record(self, op: dict[str, Any], counter: int) -> None:
        """Append one change to the journal (called under the store lock)."""
        if self._journal is None:
            return
        line = json.dumps(self._encode_op(op, counter), separators=(",", ":"))
        self._journal.write(line + "\n")
        self._journal.flush()

    def close(self) -> None:
        """Close the journal and release the directory lock."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        if self._lock_file is not None:
            if fcntl is not None:
                fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None
