"""OSS versioning rules: which versions a write or a delete adds and removes, and lookups.

Semantics follow OSS versioning (docs/oss-protocol.md §3, "Delete marker"):

* a bucket's versioning is ``None`` (never enabled), ``"Enabled"`` or ``"Suspended"``;
* unversioned and suspended writes use the version id ``"null"`` and replace the previous
  ``null`` version; enabled writes add a new version;
* deleting without a version id in a versioned bucket adds a delete marker; deleting a
  version id removes exactly that version.

The functions here only decide: they return the primitive changes (``add`` / ``remove``
dicts, the same ones the journal records) that :class:`ossbrowse.emulator.store.Store`
applies under its lock. Keeping the rules apart from the container lets the store apply a
live write and a replayed journal line through one code path.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from ossbrowse.emulator.model import (
    Bucket,
    DeleteMarkerAddressedError,
    DeleteResult,
    NoSuchKeyError,
    NoSuchVersionError,
    ObjectVersion,
)

NULL_VERSION = "null"
VERSIONING_STATES = ("Enabled", "Suspended")
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_VERSION_DIGITS = 31  # 62**31 > 2**184: a 144-bit hash above a 40-bit counter
_COUNTER_MASK = (1 << 40) - 1

Change = dict[str, Any]


def make_version_id(counter: int, key: str) -> str:
    """The version id of the ``counter``-th versioned write, for ``key``.

    Opaque and "CAEQ..."-shaped like OSS's ids, unique (the counter is the low 40 bits) and
    deterministic for a given sequence of writes, so demo data and tests see the same ids on
    every run. Letters and digits only: a "/" would be signed differently by the SDKs that
    leave it unencoded in the query.
    """
    digest = hashlib.sha256(f"{counter}\0{key}".encode("utf-8", "replace")).digest()
    number = (int.from_bytes(digest[:18], "big") << 40) | (counter & _COUNTER_MASK)
    digits = []
    for _ in range(_VERSION_DIGITS):
        number, rest = divmod(number, 62)
        digits.append(_BASE62[rest])
    return "CAEQ" + "".join(reversed(digits))


def add_change(bucket: str, version: ObjectVersion) -> Change:
    """The change that appends ``version`` to its key in ``bucket``."""
    return {"op": "add", "bucket": bucket, "version": version}


def remove_change(bucket: str, key: str, version_id: str) -> Change:
    """The change that removes one version (or delete marker) of ``key``."""
    return {"op": "remove", "bucket": bucket, "key": key, "version_id": version_id}


def _replace_null(bucket: Bucket, key: str) -> list[Change]:
    versions = bucket.objects.get(key, ())
    if any(v.version_id == NULL_VERSION for v in versions):
        return [remove_change(bucket.name, key, NULL_VERSION)]
    return []


def put_changes(
    bucket: Bucket, prepared: ObjectVersion, new_id: Callable[[str], str]
) -> tuple[list[Change], ObjectVersion]:
    """The changes that store ``prepared`` (its version id is ignored) and the stored version.

    ``new_id(key)`` hands out a fresh version id; it is called only in an enabled bucket.
    """
    key = prepared.key
    if bucket.versioning == "Enabled":
        version = replace(prepared, version_id=new_id(key))
        return [add_change(bucket.name, version)], version
    version = replace(prepared, version_id=NULL_VERSION)
    return [*_replace_null(bucket, key), add_change(bucket.name, version)], version


def delete_changes(
    bucket: Bucket,
    key: str,
    version_id: str | None,
    *,
    last_modified: int,
    new_id: Callable[[str], str],
) -> tuple[list[Change], DeleteResult]:
    """What DeleteObject changes, and what it answers; deleting something absent succeeds.

    ``last_modified`` dates a new delete marker; ``new_id`` is as for :func:`put_changes`.
    """
    versions = bucket.objects.get(key, ())
    if version_id is not None:
        for version in versions:
            if version.version_id == version_id:
                change = remove_change(bucket.name, key, version_id)
                return [change], DeleteResult(version_id, version.is_delete_marker)
        return [], DeleteResult(version_id, False)
    if bucket.versioning is None:
        changes = [remove_change(bucket.name, key, v.version_id) for v in versions]
        return changes, DeleteResult(None, False)
    changes = []
    if bucket.versioning == "Enabled":
        marker_id = new_id(key)
    else:
        marker_id = NULL_VERSION
        changes = _replace_null(bucket, key)
    marker = ObjectVersion(
        key=key, version_id=marker_id, last_modified=last_modified, is_delete_marker=True
    )
    return [*changes, add_change(bucket.name, marker)], DeleteResult(marker_id, True)


def resolve(versions: Sequence[ObjectVersion], key: str, version_id: str | None) -> ObjectVersion:
    """The current version of ``key`` (``versions`` oldest first), or the named one.

    Raises NoSuchKeyError (with the marker when the current version is a delete marker),
    NoSuchVersionError, or DeleteMarkerAddressedError when ``version_id`` names a marker.
    """
    if version_id is None:
        if not versions:
            raise NoSuchKeyError(key)
        current = versions[-1]
        if current.is_delete_marker:
            raise NoSuchKeyError(key, current)
        return current
    for version in versions:
        if version.version_id == version_id:
            if version.is_delete_marker:
                raise DeleteMarkerAddressedError(version)
            return version
    raise NoSuchVersionError(key, version_id)
