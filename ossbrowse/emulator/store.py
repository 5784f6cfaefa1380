"""The emulator's object store: a thread-safe container of buckets, versions and delete markers.

What a write or a delete does to a key's versions is decided by :mod:`ossbrowse.emulator.versioning`
(OSS versioning semantics, docs/oss-protocol.md §3); the store applies the resulting primitive
changes under one lock, so a reader never sees a half-written object, and hands each to the
optional :class:`ossbrowse.emulator.persist.Persistence`, which replays them on the next start.
Each bucket keeps its keys sorted for the listings in :mod:`ossbrowse.emulator.listing` (a
1,000-key page out of 100,000 in milliseconds).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ossbrowse.emulator.crc64 import crc64
from ossbrowse.emulator.listing import (
    ListPage,
    ListQuery,
    VersionPage,
    list_current,
    list_versions,
)
from ossbrowse.emulator.model import (
    Bucket,
    BucketInfo,
    BucketNotEmptyError,
    DamagedObjectError,
    DeleteMarkerAddressedError,
    DeleteResult,
    LifecycleRule,
    NoSuchBucketError,
    NoSuchKeyError,
    NoSuchVersionError,
    NotAppendableError,
    ObjectVersion,
    PositionNotEqualToLengthError,
    StoreError,
    content_md5,
    make_etag,
)
from ossbrowse.emulator.versioning import (
    NULL_VERSION,
    VERSIONING_STATES,
    delete_changes,
    make_version_id,
    put_changes,
    resolve,
)

if TYPE_CHECKING:
    from ossbrowse.emulator.persist import Persistence

__all__ = [
    "NULL_VERSION",
    "VERSIONING_STATES",
    "Bucket",
    "BucketInfo",
    "BucketNotEmptyError",
    "DeleteMarkerAddressedError",
    "DeleteResult",
    "LifecycleRule",
    "ListPage",
    "NoSuchBucketError",
    "NoSuchKeyError",
    "NoSuchVersionError",
    "NotAppendableError",
    "ObjectVersion",
    "PositionNotEqualToLengthError",
    "Store",
    "StoreError",
    "VersionPage",
    "content_md5",
    "make_etag",
]


def _bucket_change(
    name: str, region: str, created: int, acl: str, storage_class: str
) -> dict[str, Any]:
    change = {"op": "bucket", "name": name, "region": region, "created": created, "acl": acl}
    if storage_class != "Standard":  # journals written before storage classes stay readable
        change["storage_class"] = storage_class
    return change


def _lifecycle_change(name: str, rules: Iterable[LifecycleRule]) -> dict[str, Any]:
    return {"op": "lifecycle", "name": name, "rules": [rule.to_change() for rule in rules]}


def _append_etag(previous: str, data: bytes) -> str:
    """An Appendable object's ETag: it changes with every append and is not the content's MD5
    (OSS documents only that much; this one chains the previous ETag with the new bytes)."""
    digest = hashlib.md5(previous.encode("ascii") + data)  # noqa: S324 (not for security)
    return '"' + digest.hexdigest().upper() + '"'


class Store:
    """Thread-safe buckets and versions; see :mod:`ossbrowse.emulator.versioning` for the rules."""

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        persistence: Persistence | None = None,
    ) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._buckets: dict[str, Bucket] = {}
        self._counter = 0
        # Replay persisted state first, with recording off, then record every change.
        self._persistence: Persistence | None = None
        self._durable = persistence is not None  # then a write after close() is refused
        if persistence is not None:
            persistence.load_into(self)
            self._persistence = persistence

    # -- primitive changes (also replayed from the journal) -----------------------------------

    def _apply(self, op: dict[str, Any]) -> None:
        kind = op["op"]
        if kind == "bucket":
            bucket = Bucket(
                op["name"],
                op["region"],
                int(op["created"]),
                acl=op["acl"],
                storage_class=str(op.get("storage_class", "Standard")),
            )
            self._buckets[bucket.name] = bucket
        elif kind == "delete_bucket":
            self._buckets.pop(op["name"], None)
        elif kind == "versioning":
            self._bucket(op["name"]).versioning = op["status"]
        elif kind == "add":
            self._bucket(op["bucket"]).add_version(op["version"])
        elif kind == "remove":
            self._bucket(op["bucket"]).remove_version(op["key"], op["version_id"])
        elif kind == "replace":
            self._bucket(op["bucket"]).replace_version(op["version"])
        elif kind == "lifecycle":
            rules = tuple(LifecycleRule.from_change(rule) for rule in op["rules"])
            self._bucket(op["name"]).lifecycle = rules
        else:
            raise ValueError(f"unknown change {kind!r}")

    def _commit(
        self, changes: Iterable[dict[str, Any]], blobs: dict[int, str] | None = None
    ) -> int:
        """Record the changes as one journal record, then apply them (call under the lock).

        Returns the record's number for :meth:`_sync` (0 without persistence). Recording first
        means a change that could not be written is not applied either.
        """
        changes = list(changes)
        seq = 0
        if self._persistence is not None:
            if changes:
                seq = self._persistence.record(changes, self._counter, blobs)
        elif self._durable:
            raise StoreError("the store is closed")
        for op in changes:
            self._apply(op)
        return seq

    def _sync(self, seq: int) -> None:
        """Wait until record ``seq`` is on disk; call after releasing the lock, before answering."""
        persistence = self._persistence
        if seq and persistence is not None:
            persistence.sync(seq)

    def replay(self, op: dict[str, Any]) -> None:
        """Apply one recorded change (persistence replays the journal through this).

        Raises ValueError for an unknown change, KeyError for a missing field and
        NoSuchBucketError for a change to a bucket that does not exist.
        """
        with self._lock:
            self._counter = max(self._counter, int(op.get("counter", 0)))
            self._apply(op)

    def replay_counter(self, counter: int) -> None:
        """Resume version ids after ``counter`` (a snapshot's), never reusing one."""
        with self._lock:
            self._counter = max(self._counter, counter)

    def export_ops(self) -> tuple[int, list[dict[str, Any]]]:
        """The version counter and the changes that rebuild the current state."""
        with self._lock:
            ops: list[dict[str, Any]] = []
            for name in sorted(self._buckets):
                b = self._buckets[name]
                ops.append(_bucket_change(name, b.region, b.created, b.acl, b.storage_class))
                if b.versioning:
                    ops.append({"op": "versioning", "name": name, "status": b.versioning})
                if b.lifecycle:
                    ops.append(_lifecycle_change(name, b.lifecycle))
                for key in b.keys:
                    ops.extend({"op": "add", "bucket": name, "version": v} for v in b.objects[key])
            return self._counter, ops

    def close(self) -> None:
        """Write a final snapshot and release the persistence (journal, lock), if any."""
        with self._lock:
            if self._persistence is not None:
                self._persistence.compact(self)
                self._persistence.close()
                self._persistence = None

    # -- helpers --------------------------------------------------------------------------------

    def _bucket(self, name: str) -> Bucket:
        bucket = self._buckets.get(name)
        if bucket is None:
            raise NoSuchBucketError(name)
        return bucket

    def _new_version_id(self, key: str) -> str:
        self._counter += 1
        return make_version_id(self._counter, key)

    def now(self) -> int:
        """The store clock in whole seconds (OSS's Last-Modified resolution)."""
        return int(self._clock())

    # -- buckets --------------------------------------------------------------------------------

    def create_bucket(
        self,
        name: str,
        *,
        region: str,
        created: int | None = None,
        acl: str = "private",
        storage_class: str = "Standard",
    ) -> BucketInfo:
        """Create a bucket; creating one that exists changes nothing (it is the caller's).

        ``storage_class`` is the class new objects get when a PUT names none.
        """
        seq = 0
        with self._lock:
            if name not in self._buckets:
                when = self.now() if created is None else created
                seq = self._commit([_bucket_change(name, region, when, acl, storage_class)])
            info = self.bucket_info(name)
        self._sync(seq)
        return info

    def bucket_info(self, name: str) -> BucketInfo:
        """The bucket's settings; raises NoSuchBucketError."""
        with self._lock:
            b = self._bucket(name)
            return BucketInfo(
                b.name,
                b.region,
                b.created,
                b.versioning,
                b.storage_class,
                acl=b.acl,
                lifecycle=b.lifecycle,
            )

    def list_buckets(self) -> list[BucketInfo]:
        """All buckets by name."""
        with self._lock:
            return [self.bucket_info(name) for name in sorted(self._buckets)]

    def delete_bucket(self, name: str) -> None:
        """Delete an empty bucket (no versions, no delete markers)."""
        with self._lock:
            if self._bucket(name).objects:
                raise BucketNotEmptyError(name)
            seq = self._commit([{"op": "delete_bucket", "name": name}])
        self._sync(seq)

    def set_versioning(self, name: str, status: str) -> None:
        """Enable or suspend versioning."""
        if status not in VERSIONING_STATES:
            raise ValueError(f"versioning status must be one of {VERSIONING_STATES}")
        with self._lock:
            self._bucket(name)
            seq = self._commit([{"op": "versioning", "name": name, "status": status}])
        self._sync(seq)

    def set_lifecycle(self, name: str, rules: Iterable[LifecycleRule]) -> None:
        """Replace the bucket's lifecycle rules (none: DeleteBucketLifecycle)."""
        rules = tuple(rules)
        with self._lock:
            if self._bucket(name).lifecycle == rules:
                return
            seq = self._commit([_lifecycle_change(name, rules)])
        self._sync(seq)

    # -- objects --------------------------------------------------------------------------------

    def put_object(
        self,
        bucket_name: str,
        key: str,
        body: bytes,
        *,
        last_modified: int | None = None,
        etag: str | None = None,
        **attributes: object,
    ) -> ObjectVersion:
        """Store a new version of ``key``; attributes are ObjectVersion fields.

        The ETag is the body's MD5 unless given (multipart-style ``"<HEX>-N"`` for demo data);
        Content-MD5 is kept for Normal objects only, as OSS returns it only for those.
        """
        object_type = str(attributes.get("object_type", "Normal"))
        # Hash outside the lock: only the insertion needs to be atomic.
        prepared = ObjectVersion(
            key=key,
            version_id="",
            last_modified=0,
            body=bytes(body),
            etag=etag or make_etag(body),
            crc64=crc64(body),
            content_md5=content_md5(body) if object_type == "Normal" else None,
            **attributes,  # type: ignore[arg-type]
        )
        # The body is durable before the record that names it is written.
        persistence = self._persistence
        blob = persistence.store_body(prepared.body) if persistence is not None else None
        blobs = {id(prepared.body): blob} if blob is not None else None
        with self._lock:
            bucket = self._bucket(bucket_name)
            when = self.now() if last_modified is None else last_modified
            changes, version = put_changes(
                bucket, replace(prepared, last_modified=when), self._new_version_id
            )
            seq = self._commit(changes, blobs)
        self._sync(seq)
        return version

    def append_object(
        self,
        bucket_name: str,
        key: str,
        position: int,
        data: bytes,
        *,
        last_modified: int | None = None,
        **attributes: object,
    ) -> ObjectVersion:
        """AppendObject: ``data`` added at ``position``, which must be the object's length.

        The first append (position 0, no object) creates an Appendable object with
        ``attributes``; later ones keep its version and settings and only change the content,
        Last-Modified, the CRC-64 and the ETag. Raises NotAppendableError for an object of
        another type and PositionNotEqualToLengthError (with the length) for a wrong position.
        """
        with self._lock:
            bucket = self._bucket(bucket_name)
            versions = bucket.objects.get(key, ())
            current = versions[-1] if versions else None
            when = self.now() if last_modified is None else last_modified
            if current is None or current.is_delete_marker:
                if position != 0:
                    raise PositionNotEqualToLengthError(key, 0)
                prepared = ObjectVersion(
                    key=key,
                    version_id="",
                    last_modified=when,
                    body=bytes(data),
                    etag=_append_etag("", data),
                    crc64=crc64(data),
                    **{"object_type": "Appendable", **attributes},  # type: ignore[arg-type]
                )
                changes, version = put_changes(bucket, prepared, self._new_version_id)
            else:
                if current.object_type != "Appendable":
                    raise NotAppendableError(key)
                if position != current.size:
                    raise PositionNotEqualToLengthError(key, current.size)
                body = current.body + data
                version = replace(
                    current,
                    body=body,
                    etag=_append_etag(current.etag, data),
                    crc64=crc64(body),
                    last_modified=when,
                )
                changes = [{"op": "replace", "bucket": bucket_name, "version": version}]
            persistence = self._persistence
            blob = persistence.store_body(version.body) if persistence is not None else None
            seq = self._commit(changes, {id(version.body): blob} if blob is not None else None)
        self._sync(seq)
        return version

    def update_version(
        self,
        bucket_name: str,
        key: str,
        version_id: str | None,
        change: Callable[[ObjectVersion], ObjectVersion],
    ) -> ObjectVersion:
        """Replace the addressed version by ``change(version)`` (same key and version id).

        Used for what OSS changes in place: tags, restore state. Addressing and its errors are
        :meth:`get_object`'s; ``change`` may raise to refuse (nothing is recorded then).
        """
        with self._lock:
            versions = self._bucket(bucket_name).objects.get(key, ())
            version = resolve(versions, key, version_id)
            if version.damaged_blob is not None:
                raise DamagedObjectError(version)
            changed = change(version)
            if changed.key != version.key or changed.version_id != version.version_id:
                raise ValueError("update_version cannot change the key or the version id")
            if changed == version:
                return version
            seq = self._commit([{"op": "replace", "bucket": bucket_name, "version": changed}])
        self._sync(seq)
        return changed

    def get_object(
        self, bucket_name: str, key: str, version_id: str | None = None
    ) -> ObjectVersion:
        """The current version, or the named one (see :func:`.versioning.resolve`).

        Raises NoSuchKeyError (with the marker when the current version is a delete marker),
        NoSuchVersionError, DeleteMarkerAddressedError when ``version_id`` names a marker, or
        DamagedObjectError when its body on disk did not match its digest.
        """
        with self._lock:
            versions = self._bucket(bucket_name).objects.get(key, ())
            version = resolve(versions, key, version_id)
        if version.damaged_blob is not None:
            raise DamagedObjectError(version)
        return version

    def delete_object(
        self,
        bucket_name: str,
        key: str,
        version_id: str | None = None,
        *,
        last_modified: int | None = None,
    ) -> DeleteResult:
        """DeleteObject; deleting something absent succeeds, as on OSS.

        ``last_modified`` dates a new delete marker (the clock by default).
        """
        with self._lock:
            changes, result = delete_changes(
                self._bucket(bucket_name),
                key,
                version_id,
                last_modified=self.now() if last_modified is None else last_modified,
                new_id=self._new_version_id,
            )
            seq = self._commit(changes)
        self._sync(seq)
        return result

    def versions_of(self, bucket_name: str, key: str) -> list[ObjectVersion]:
        """Every version of ``key``, newest first (for tests and demo checks)."""
        with self._lock:
            return list(reversed(self._bucket(bucket_name).objects.get(key, ())))

    # -- listings -------------------------------------------------------------------------------

    def list_objects(self, bucket_name: str, query: ListQuery) -> ListPage:
        """Current objects after ``query.after`` (see :func:`.listing.list_current`)."""
        with self._lock:
            return list_current(self._bucket(bucket_name), query)

    def list_versions(self, bucket_name: str, query: ListQuery) -> VersionPage:
        """Versions and delete markers (see :func:`.listing.list_versions`)."""
        with self._lock:
            return list_versions(self._bucket(bucket_name), query)
