"""The emulator's data model: object versions, buckets, and the store's domain errors."""

from __future__ import annotations

import base64
import hashlib
from bisect import bisect_left, insort
from dataclasses import dataclass, field


class StoreError(Exception):
    """Base of the store's domain errors; the server maps each to an OSS error."""


class NoSuchBucketError(StoreError):
    """No bucket of that name: OSS answers 404 NoSuchBucket."""

    def __init__(self, bucket: str) -> None:
        super().__init__(bucket)
        self.bucket = bucket


class BucketNotEmptyError(StoreError):
    """The bucket still holds versions or delete markers: 409 BucketNotEmpty."""

    def __init__(self, bucket: str) -> None:
        super().__init__(bucket)
        self.bucket = bucket


class NoSuchKeyError(StoreError):
    """No such key; ``marker`` is set when the current version is a delete marker."""

    def __init__(self, key: str, marker: ObjectVersion | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.marker = marker


class NoSuchVersionError(StoreError):
    """The key has no version with that id: OSS answers 404 NoSuchVersion."""

    def __init__(self, key: str, version_id: str) -> None:
        super().__init__(f"{key}?versionId={version_id}")
        self.key = key
        self.version_id = version_id


class DeleteMarkerAddressedError(StoreError):
    """A version id names a delete marker: OSS answers 405 MethodNotAllowed."""

    def __init__(self, marker: ObjectVersion) -> None:
        super().__init__(marker.key)
        self.marker = marker


class DamagedObjectError(StoreError):
    """The version's body on disk no longer matches its digest: 500, never other bytes."""

    def __init__(self, version: ObjectVersion) -> None:
        super().__init__(version.key)
        self.version = version


@dataclass(frozen=True, slots=True)
class ObjectVersion:
    """One version of an object, or a delete marker. Never mutated once stored."""

    key: str
    version_id: str
    last_modified: int
    is_delete_marker: bool = False
    body: bytes = b""
    etag: str = ""
    content_type: str = "application/octet-stream"
    cache_control: str | None = None
    content_disposition: str | None = None
    content_encoding: str | None = None
    expires: str | None = None
    user_meta: tuple[tuple[str, str], ...] = ()
    storage_class: str = "Standard"
    object_type: str = "Normal"
    acl: str = "default"
    restore: str | None = None
    crc64: int = 0
    content_md5: str | None = None
    # The blob file this version's body was read from when it did not match its digest (the
    # body is then empty and reading the version fails with DamagedObjectError).
    damaged_blob: str | None = None

    @property
    def size(self) -> int:
        """Content length in bytes."""
        return len(self.body)


@dataclass
class Bucket:
    """A bucket and its objects (versions oldest first, the current one last)."""

    name: str
    region: str
    created: int
    versioning: str | None = None
    acl: str = "private"
    storage_class: str = "Standard"
    objects: dict[str, list[ObjectVersion]] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)

    def add_version(self, version: ObjectVersion) -> None:
        """Append ``version`` as its key's current version, keeping ``keys`` sorted."""
        versions = self.objects.get(version.key)
        if versions is None:
            self.objects[version.key] = [version]
            insort(self.keys, version.key)
        else:
            versions.append(version)

    def remove_version(self, key: str, version_id: str) -> None:
        """Remove one version of ``key`` (absent ones are ignored); drop the key if none is left."""
        versions = self.objects.get(key)
        if not versions:
            return
        kept = [v for v in versions if v.version_id != version_id]
        if kept:
            self.objects[key] = kept
        else:
            del self.objects[key]
            index = bisect_left(self.keys, key)
            if index < len(self.keys) and self.keys[index] == key:
                del self.keys[index]


@dataclass(frozen=True)
class BucketInfo:
    """A bucket's settings, without its objects."""

    name: str
    region: str
    created: int
    versioning: str | None
    storage_class: str
    acl: str = "private"


@dataclass(frozen=True)
class DeleteResult:
    """What DeleteObject did: the version id it removed or created, and whether a marker."""

    version_id: str | None
    delete_marker: bool


def make_etag(body: bytes) -> str:
    """OSS's PutObject ETag: the quoted upper-case hex MD5 of the body."""
    return '"' + hashlib.md5(body).hexdigest().upper() + '"'  # noqa: S324 (not for security)


def content_md5(body: bytes) -> str:
    """Base64 of the body's MD5 (RFC 1864), as ``Content-MD5``."""
    return base64.b64encode(hashlib.md5(body).digest()).decode("ascii")  # noqa: S324
