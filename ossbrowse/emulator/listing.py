"""Listing pages over a bucket's sorted keys: current objects and all versions.

Keys are kept sorted, so a page costs a binary search plus the page itself. Common prefixes
are rolled up at the delimiter and skipped over with another binary search.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ossbrowse.emulator.model import Bucket, ObjectVersion


@dataclass(frozen=True)
class ListQuery:
    """One listing request's arguments, read once from its query string and carried unchanged
    to the store, the pager here and the XML writer (ListObjects, ListObjectsV2,
    ListObjectVersions)."""

    prefix: str = ""
    delimiter: str = ""
    max_keys: int = 1000
    url_encoded: bool = False
    """``encoding-type=url``: names are written percent-encoded in the answer."""
    after: str = ""
    """Where a listing of current objects starts (exclusive): the V1 marker, the V2
    start-after, or the key a V2 continuation token stands for."""
    marker: str = ""
    """ListObjects (V1) ``marker``, as sent."""
    start_after: str = ""
    """ListObjectsV2 ``start-after``, as sent."""
    continuation_token: str = ""
    """ListObjectsV2 ``continuation-token``, as sent."""
    fetch_owner: bool = False
    """ListObjectsV2 ``fetch-owner=true``."""
    key_marker: str = ""
    """ListObjectVersions ``key-marker``."""
    version_id_marker: str = ""
    """ListObjectVersions ``version-id-marker``."""


@dataclass(frozen=True)
class ListPage:
    """One page of current objects, with rolled-up common prefixes."""

    entries: list[ObjectVersion]
    prefixes: list[str]
    truncated: bool
    last: str  # the last key or prefix returned: where the next page starts


@dataclass(frozen=True)
class VersionPage:
    """One page of versions and delete markers, newest first within a key."""

    entries: list[tuple[ObjectVersion, bool]]  # (version, is_latest)
    prefixes: list[str]
    truncated: bool
    next_key_marker: str
    next_version_id_marker: str


def _after(prefix: str) -> str:
    """The smallest string greater than every string that starts with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def list_current(bucket: Bucket, query: ListQuery) -> ListPage:
    """Current objects of ``bucket`` with keys > ``query.after``, rolled up at the delimiter.

    ``after`` is a start-after key, a V1 marker, or the last key/prefix of the previous
    page; a common prefix equal to it is skipped, so a page that ended on a prefix never
    repeats it.
    """
    prefix, delimiter, after, max_keys = (
        query.prefix,
        query.delimiter,
        query.after,
        query.max_keys,
    )
    if max_keys <= 0:
        return ListPage([], [], False, "")
    keys, objects = bucket.keys, bucket.objects
    if after and after >= prefix:
        index = bisect_right(keys, after)
    else:
        index = bisect_left(keys, prefix)
    entries: list[ObjectVersion] = []
    prefixes: list[str] = []
    last = ""
    while index < len(keys):
        key = keys[index]
        if not key.startswith(prefix):
            break
        if delimiter:
            cut = key.find(delimiter, len(prefix))
            if cut >= 0:
                common = key[: cut + len(delimiter)]
                # A page that ended on this prefix must not repeat it.
                if common == after or not _has_live(bucket, common, index):
                    index = bisect_left(keys, _after(common), index)
                    continue
                if len(entries) + len(prefixes) >= max_keys:
                    return ListPage(entries, prefixes, True, last)
                prefixes.append(common)
                last = common
                index = bisect_left(keys, _after(common), index)
                continue
        current = objects[key][-1]
        if not current.is_delete_marker:
            if len(entries) + len(prefixes) >= max_keys:
                return ListPage(entries, prefixes, True, last)
            entries.append(current)
            last = key
        index += 1
    return ListPage(entries, prefixes, False, last)


def _has_live(bucket: Bucket, common: str, start: int) -> bool:
    """Whether any key under ``common`` has a current version that is not a marker."""
    keys, objects = bucket.keys, bucket.objects
    end = bisect_left(keys, _after(common), start)
    return any(not objects[keys[i]][-1].is_delete_marker for i in range(start, end))


def list_versions(bucket: Bucket, query: ListQuery) -> VersionPage:
    """Versions and delete markers of ``bucket`` after (key_marker, version_id_marker)."""
    prefix, delimiter, max_keys = query.prefix, query.delimiter, query.max_keys
    key_marker, version_id_marker = query.key_marker, query.version_id_marker
    if max_keys <= 0:
        return VersionPage([], [], False, "", "")
    keys, objects = bucket.keys, bucket.objects
    entries: list[tuple[ObjectVersion, bool]] = []
    prefixes: list[str] = []
    last_key, last_version = "", ""
    index = bisect_left(keys, max(key_marker, prefix))
    while index < len(keys):
        key = keys[index]
        if not key.startswith(prefix):
            break
        if delimiter:
            cut = key.find(delimiter, len(prefix))
            if cut >= 0:
                common = key[: cut + len(delimiter)]
                if common == key_marker:
                    index = bisect_left(keys, _after(common), index)
                    continue
                if len(entries) + len(prefixes) >= max_keys:
                    return VersionPage(entries, prefixes, True, last_key, last_version)
                prefixes.append(common)
                last_key, last_version = common, ""
                index = bisect_left(keys, _after(common), index)
                continue
        newest_first = list(reversed(objects[key]))
        start = 0
        if key_marker and key == key_marker:
            if not version_id_marker:
                index += 1
                continue
            ids = [v.version_id for v in newest_first]
            start = ids.index(version_id_marker) + 1 if version_id_marker in ids else 0
        for position in range(start, len(newest_first)):
            if len(entries) + len(prefixes) >= max_keys:
                return VersionPage(entries, prefixes, True, last_key, last_version)
            version = newest_first[position]
            entries.append((version, position == 0))
            last_key, last_version = key, version.version_id
        index += 1
    return VersionPage(entries, prefixes, False, last_key, last_version)
