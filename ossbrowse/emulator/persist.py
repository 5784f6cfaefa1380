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
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
from dataclasses import asdict
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ossbrowse.emulator.model import ObjectVersion

if TYPE_CHECKING:
    from ossbrowse.emulator.store import Store

try:  # POSIX only; elsewhere the directory is simply not locked.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

INLINE_LIMIT = 4096
_BLOB_NAME = re.compile(r"^[0-9a-f]{64}$")
FORMAT = 1


class DataDirError(RuntimeError):
    """The data directory cannot be used (locked by another emulator, or corrupt)."""


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

    def _decode_version(self, data: dict[str, Any]) -> ObjectVersion:
        data = dict(data)
        if "blob" in data:
            name = data.pop("blob")
            if not isinstance(name, str) or not _BLOB_NAME.match(name):
                raise DataDirError(f"corrupt entry in {self.root}: bad blob name")
            body = (self.blobs / name).read_bytes()
        else:
            body = base64.b64decode(data.pop("body_b64", ""))
        data["body"] = body
        data["user_meta"] = tuple((str(k), str(v)) for k, v in data.get("user_meta", ()))
        return ObjectVersion(**data)

    def _encode_op(self, op: dict[str, Any], counter: int) -> dict[str, Any]:
        out = dict(op)
        if "version" in out:
            out["version"] = self._encode_version(out["version"])
        out["counter"] = counter
        return out

    def _decode_op(self, raw: dict[str, Any]) -> dict[str, Any]:
        op = dict(raw)
        if "version" in op:
            op["version"] = self._decode_version(op["version"])
        return op

    # -- lifecycle ------------------------------------------------------------------------------

    def load_into(self, store: Store) -> None:
        """Replay the snapshot and journal into ``store``, then compact."""
        state = self.root / "state.json"
        if state.exists():
            snapshot = json.loads(state.read_text("utf-8"))
            if snapshot.get("format") != FORMAT:
                raise DataDirError(f"{state} has an unknown format")
            for raw in snapshot["ops"]:
                store.replay(self._decode_op(raw))
        journal = self.root / "journal.jsonl"
        if journal.exists():
            lines = journal.read_text("utf-8").splitlines()
            for number, line in enumerate(lines):
                try:
                    op = self._decode_op(json.loads(line))
                except (ValueError, KeyError, TypeError):
                    if number == len(lines) - 1:
                        break  # torn final line: the write never completed
                    raise DataDirError(f"{journal} is corrupt at line {number + 1}") from None
                store.replay(op)
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
