"""The emulator's object store: buckets, object versions and delete markers.

Semantics follow OSS versioning (oss-protocol.md §3, "Delete marker"):

* a bucket's versioning is ``None`` (never enabled), ``"Enabled"`` or ``"Suspended"``;
* unversioned and suspended writes use the version id ``"null"`` and replace the previous
  ``null`` version; enabled writes add a new version;
* deleting without a version id in a versioned bucket adds a delete marker; deleting a
  version id removes exactly that version.

Versions are immutable and appended under one lock, so a reader never sees a half-written
object. Each bucket keeps its keys sorted for the listings in :mod:`ossbrowse.emulator.listing`
(a 1,000-key page out of 100,000 in milliseconds). Optional persistence is delegated to
:class:`ossbrowse.emulator.persist.Persistence`, fed with the primitive changes below.
"""

from __future__ import annotations

import hashlib
import threading
from bisect import bisect_left, insort
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ossbrowse.emulator.crc64 import crc64
from ossbrowse.emulator.listing import ListPage, VersionPage, list_current, list_versions
from ossbrowse.emulator.model import (
    Bucket,
    BucketInfo,
    BucketNotEmptyError,
    DeleteMarkerAddressedError,
    DeleteResult,
    NoSuchBucketError,
    NoSuchKeyError,
    NoSuchVersionError,
    ObjectVersion,
    StoreError,
    content_md5,
    make_etag,
)

if TYPE_CHECKING:
    from ossbrowse.emulator.persist import Persistence

NULL_VERSION = "null"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_VERSION_DIGITS = 31  # 62**31 > 2**184: a 144-bit hash above a 40-bit counter
_COUNTER_MASK = (1 << 40) - 1
VERSIONING_STATES = ("Enabled", "Suspended")


__all__ = [
    "NULL_VERSION",
    "Bucket",
    "BucketInfo",
    "BucketNotEmptyError",
    "DeleteMarkerAddressedError",
    "DeleteResult",
    "ListPage",
    "NoSuchBucketError",
    "NoSuchKeyError",
    "NoSuchVersionError",
    "ObjectVersion",
    "Store",
    "StoreError",
    "VersionPage",
    "content_md5",
    "make_etag",
]


class Store:
    """Thread-safe buckets and versions; see the module docstring for the semantics."""

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
        if persistence is not None:
            persistence.load_into(self)
            self._persistence = persistence

    # -- primitive changes (also replayed from the journal) -----------------------------------

    def _record(self, op: dict[str, Any]) -> None:
        if self._persistence is not None:
            self._persistence.record(op, self._counter)

    def _apply_create_bucket(self, bucket: Bucket) -> None:
        self._buckets[bucket.name] = bucket

    def _apply_add_version(self, bucket: Bucket, version: ObjectVersion) -> None:
        versions = bucket.objects.get(version.key)
        if versions is None:
            bucket.objects[version.key] = [version]
            insort(bucket.keys, version.key)
        else:
            versions.append(version)

    def _apply_remove_version(self, bucket: Bucket, key: str, version_id: str) -> None:
        versions = bucket.objects.get(key)
        if not versions:
            return
        kept = [v for v in versions if v.version_id != version_id]
        if kept:
            bucket.objects[key] = kept
        else:
            del bucket.objects[key]
            index = bisect_left(bucket.keys, key)
            if index < len(bucket.keys) and bucket.keys[index] == key:
                del bucket.keys[index]

    def replay(self, op: dict[str, Any]) -> None:
        """Apply one recorded change (persistence replays the journal through this)."""
        with self._lock:
            kind = op["op"]
            self._counter = max(self._counter, int(op.get("counter", 0)))
            if kind == "bucket":
                bucket = Bucket(op["name"], op["region"], int(op["created"]), acl=op["acl"])
                self._apply_create_bucket(bucket)
            elif kind == "delete_bucket":
                self._buckets.pop(op["name"], None)
            elif kind == "versioning":
                self._bucket(op["name"]).versioning = op["status"]
            elif kind == "add":
                self._apply_add_version(self._bucket(op["bucket"]), op["version"])
            elif kind == "remove":
                self._apply_remove_version(self._bucket(op["bucket"]), op["key"], op["version_id"])
            else:
                raise ValueError(f"unknown change {kind!r}")

    def export_ops(self) -> tuple[int, list[dict[str, Any]]]:
        """The version counter and the changes that rebuild the current state."""
        with self._lock:
            ops: list[dict[str, Any]] = []
            for name in sorted(self._buckets):
                b = self._buckets[name]
                ops.append(
                    {
                        "op": "bucket",
                        "name": name,
                        "region": b.region,
                        "created": b.created,
                        "acl": b.acl,
                    }
                )
                if b.versioning:
                    ops.append({"op": "versioning", "name": name, "status": b.versioning})
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
        # Opaque and "CAEQ..."-shaped like OSS's ids, unique (the counter is the low 40 bits)
        # and deterministic for a given sequence of writes, so demo data and tests see the same
        # ids on every run. Letters and digits only: a "/" would be signed differently by the
        # SDKs that leave it unencoded in the query.
        self._counter += 1
        digest = hashlib.sha256(f"{self._counter}\0{key}".encode("utf-8", "replace")).digest()
        number = (int.from_bytes(digest[:18], "big") << 40) | (self._counter & _COUNTER_MASK)
        digits = []
        for _ in range(_VERSION_DIGITS):
            number, rest = divmod(number, 62)
            digits.append(_BASE62[rest])
        return "CAEQ" + "".join(reversed(digits))

    def now(self) -> int:
        """The store clock in whole seconds (OSS's Last-Modified resolution)."""
        return int(self._clock())

    # -- buckets --------------------------------------------------------------------------------

    def create_bucket(
        self, name: str, *, region: str, created: int | None = None, acl: str = "private"
    ) -> BucketInfo:
        """Create a bucket; creating one that exists changes nothing (it is the caller's)."""
        with self._lock:
            if name not in self._buckets:
                bucket = Bucket(name, region, self.now() if created is None else created, acl=acl)
                self._apply_create_bucket(bucket)
                self._record(
                    {
                        "op": "bucket",
                        "name": name,
                        "region": region,
                        "created": bucket.created,
                        "acl": acl,
                    }
                )
            return self.bucket_info(name)

    def bucket_info(self, name: str) -> BucketInfo:
        """The bucket's settings; raises NoSuchBucketError."""
        with self._lock:
            b = self._bucket(name)
            return BucketInfo(b.name, b.region, b.created, b.versioning, b.storage_class)

    def list_buckets(self) -> list[BucketInfo]:
        """All buckets by name."""
        with self._lock:
            return [self.bucket_info(name) for name in sorted(self._buckets)]

    def delete_bucket(self, name: str) -> None:
        """Delete an empty bucket (no versions, no delete markers)."""
        with self._lock:
            bucket = self._bucket(name)
            if bucket.objects:
                raise BucketNotEmptyError(name)
            del self._buckets[name]
            self._record({"op": "delete_bucket", "name": name})

    def set_versioning(self, name: str, status: str) -> None:
        """Enable or suspend versioning."""
        if status not in VERSIONING_STATES:
            raise ValueError(f"versioning status must be one of {VERSIONING_STATES}")
        with self._lock:
            self._bucket(name).versioning = status
            self._record({"op": "versioning", "name": name, "status": status})

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
        with self._lock:
            bucket = self._bucket(bucket_name)
            if bucket.versioning == "Enabled":
                version_id = self._new_version_id(key)
            else:
                version_id = NULL_VERSION
                self._remove_null(bucket, key)
            version = replace(
                prepared,
                version_id=version_id,
                last_modified=self.now() if last_modified is None else last_modified,
            )
            self._apply_add_version(bucket, version)
            self._record({"op": "add", "bucket": bucket_name, "version": version})
            return version

    def _remove_null(self, bucket: Bucket, key: str) -> None:
        versions = bucket.objects.get(key, ())
        if any(v.version_id == NULL_VERSION for v in versions):
            self._apply_remove_version(bucket, key, NULL_VERSION)
            self._record(
                {"op": "remove", "bucket": bucket.name, "key": key, "version_id": NULL_VERSION}
            )

    def get_object(
        self, bucket_name: str, key: str, version_id: str | None = None
    ) -> ObjectVersion:
        """The current version, or the named one.

        Raises NoSuchKeyError (with the marker when the current version is a delete marker),
        NoSuchVersionError, or DeleteMarkerAddressedError when ``version_id`` names a marker.
        """
        with self._lock:
            bucket = self._bucket(bucket_name)
            versions = bucket.objects.get(key)
            if version_id is None:
                if not versions:
                    raise NoSuchKeyError(key)
                current = versions[-1]
                if current.is_delete_marker:
                    raise NoSuchKeyError(key, current)
                return current
            for version in versions or ():
                if version.version_id == version_id:
                    if version.is_delete_marker:
                        raise DeleteMarkerAddressedError(version)
                    return version
            raise NoSuchVersionError(key, version_id)

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
            bucket = self._bucket(bucket_name)
            if version_id is not None:
                for version in bucket.objects.get(key, ()):
                    if version.version_id == version_id:
                        self._apply_remove_version(bucket, key, version_id)
                        self._record(
                            {
                                "op": "remove",
                                "bucket": bucket_name,
                                "key": key,
                                "version_id": version_id,
                            }
                        )
                        return DeleteResult(version_id, version.is_delete_marker)
                return DeleteResult(version_id, False)
            if bucket.versioning is None:
                for version in list(bucket.objects.get(key, ())):
                    self._apply_remove_version(bucket, key, version.version_id)
                    self._record(
                        {
                            "op": "remove",
                            "bucket": bucket_name,
                            "key": key,
                            "version_id": version.version_id,
                        }
                    )
                return DeleteResult(None, False)
            if bucket.versioning == "Enabled":
                marker_id = self._new_version_id(key)
            else:
                marker_id = NULL_VERSION
                self._remove_null(bucket, key)
            marker = ObjectVersion(
                key=key,
                version_id=marker_id,
                last_modified=self.now() if last_modified is None else last_modified,
                is_delete_marker=True,
            )
            self._apply_add_version(bucket, marker)
            self._record({"op": "add", "bucket": bucket_name, "version": marker})
            return DeleteResult(marker_id, True)

    def versions_of(self, bucket_name: str, key: str) -> list[ObjectVersion]:
        """Every version of ``key``, newest first (for tests and demo checks)."""
        with self._lock:
            return list(reversed(self._bucket(bucket_name).objects.get(key, ())))

    # -- listings -------------------------------------------------------------------------------

    # -- listings -------------------------------------------------------------------------------

    def list_objects(
        self,
        bucket_name: str,
        *,
        prefix: str = "",
        delimiter: str = "",
        after: str = "",
        max_keys: int = 1000,
    ) -> ListPage:
        """Current objects after ``after`` (see :func:`.listing.list_current`)."""
        with self._lock:
            return list_current(
                self._bucket(bucket_name),
                prefix=prefix,
                delimiter=delimiter,
                after=after,
                max_keys=max_keys,
            )

    def list_versions(
        self,
        bucket_name: str,
        *,
        prefix: str = "",
        delimiter: str = "",
        key_marker: str = "",
        version_id_marker: str = "",
        max_keys: int = 1000,
    ) -> VersionPage:
        """Versions and delete markers (see :func:`.listing.list_versions`)."""
        with self._lock:
            return list_versions(
                self._bucket(bucket_name),
                prefix=prefix,
                delimiter=delimiter,
                key_marker=key_marker,
                version_id_marker=version_id_marker,
                max_keys=max_keys,
            )
