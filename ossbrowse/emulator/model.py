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


class NotAppendableError(StoreError):
    """AppendObject on an object that is not Appendable: OSS answers 409 ObjectNotAppendable."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class PositionNotEqualToLengthError(StoreError):
    """AppendObject at a position other than the object's length: 409 PositionNotEqualToLength."""

    def __init__(self, key: str, length: int) -> None:
        super().__init__(f"{key} is {length} bytes long")
        self.key = key
        self.length = length


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
    # PutSymlink: the key this symlink points to (object_type "Symlink", no body of its own).
    symlink_target: str | None = None
    # Server-side encryption as PUT asked for it (x-oss-server-side-encryption, -key-id,
    # -data-encryption); the emulator keeps bodies as they are and only reports these.
    sse: str | None = None
    sse_key_id: str | None = None
    sse_data_encryption: str | None = None
    # Object tags as a URL query string ("k1=v1&k2=v2"), the form of x-oss-tagging.
    tagging: str | None = None
    # RestoreObject: when the restored copy becomes readable and when it expires (POSIX
    # seconds). Unset, ``restore`` (a fixed header value, for demo data) is reported instead.
    restore_ready: int | None = None
    restore_until: int | None = None
    # The blob file this version's body was read from when it did not match its digest (the
    # body is then empty and reading the version fails with DamagedObjectError).
    damaged_blob: str | None = None

    @property
    def size(self) -> int:
        """Content length in bytes."""
        return len(self.body)


@dataclass(frozen=True, slots=True)
class LifecycleRule:
    """One bucket lifecycle rule with an Expiration action (days after writing, or a date)."""

    rule_id: str
    prefix: str
    enabled: bool
    days: int | None = None
    # CreatedBeforeDate, midnight UTC as POSIX seconds: objects written before it expire then.
    created_before: int | None = None
    # The element the date came in: "CreatedBeforeDate", or the older "Date" (answered back as
    # it was sent).
    date_element: str = "CreatedBeforeDate"

    def to_change(self) -> dict[str, object]:
        """The JSON form recorded in the journal."""
        return {
            "id": self.rule_id,
            "prefix": self.prefix,
            "enabled": self.enabled,
            "days": self.days,
            "created_before": self.created_before,
            "date_element": self.date_element,
        }

    @classmethod
    def from_change(cls, data: dict[str, object]) -> LifecycleRule:
        """A rule from its journal form; ValueError when a field has the wrong type."""
        rule_id, prefix, enabled = data["id"], data["prefix"], data["enabled"]
        days, before = data.get("days"), data.get("created_before")
        element = data.get("date_element", "CreatedBeforeDate")
        if element not in ("CreatedBeforeDate", "Date"):
            raise ValueError("a lifecycle rule's date_element must be CreatedBeforeDate or Date")
        if not (isinstance(rule_id, str) and isinstance(prefix, str)):
            raise ValueError("a lifecycle rule's id and prefix must be strings")
        if not isinstance(enabled, bool):
            raise ValueError("a lifecycle rule's 'enabled' must be true or false")
        for value in (days, before):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError("a lifecycle rule's days and date must be integers or null")
        return cls(rule_id, prefix, enabled, days, before, str(element))  # type: ignore[arg-type]


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
    lifecycle: tuple[LifecycleRule, ...] = ()

    def add_version(self, version: ObjectVersion) -> None:
        """Append ``version`` as its key's current version, keeping ``keys`` sorted."""
        versions = self.objects.get(version.key)
        if versions is None:
            self.objects[version.key] = [version]
            insort(self.keys, version.key)
        else:
            versions.append(version)

    def replace_version(self, version: ObjectVersion) -> None:
        """Put ``version`` in place of the stored one with its key and version id."""
        versions = self.objects.get(version.key, [])
        for index, stored in enumerate(versions):
            if stored.version_id == version.version_id:
                versions[index] = version
                return
        raise ValueError(f"no version {version.version_id!r} of {version.key!r} to replace")

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
    lifecycle: tuple[LifecycleRule, ...] = ()


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
