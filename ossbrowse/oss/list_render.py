"""Listings as text: one record per entry (jsonl/json) or ossutil-like columns (raw).

Everything here works one entry at a time, so ``ossbrowse ls`` can print a page as soon as it
arrives and forget it. Records are plain dicts with fixed field names; raw lines have fixed
column widths so that a streamed table stays aligned without knowing what comes next.

Keys are data: in jsonl/json they are exact, with the control and bidi characters a terminal
would act on written as JSON escapes; in raw output they are shown as ``\\xNN`` / ``\\uNNNN``
(the core's policy, :mod:`ossbrowse.oss.safetext`), so a key cannot act on the terminal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any

from .listing import Bucket, CommonPrefix, DeleteMarker, ObjectEntry, VersionEntry
from .location import format_oss_uri
from .safetext import UNSAFE_RE, escape_unsafe, escape_unsafe_json

Entry = Bucket | CommonPrefix | ObjectEntry | VersionEntry | DeleteMarker


def iso(moment: datetime | None) -> str | None:
    """``2026-03-14T09:26:53Z`` (UTC), or None."""
    if moment is None:
        return None
    # isoformat is much quicker than strftime, and listings carry no sub-second part.
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def record(entry: Entry, bucket: str | None = None) -> dict[str, Any]:
    """The JSON record of one entry; every kind has ``type`` and the fields ls documents."""
    if type(entry) is ObjectEntry:
        # The common case, built in one go: listings print hundreds of thousands of these.
        data: dict[str, Any] = {
            "type": "object",
            "key": entry.key,
            "size": entry.size,
            "last_modified": iso(entry.last_modified),
            "etag": entry.etag,
            "storage_class": entry.storage_class,
            "object_type": entry.object_type,
        }
        if entry.restore_info:
            data["restore_info"] = entry.restore_info
        if bucket:
            data["uri"] = format_oss_uri(bucket, entry.key)
        return data
    if isinstance(entry, Bucket):
        return {
            "type": "bucket",
            "name": entry.name,
            "region": entry.region,
            "creation_date": iso(entry.creation_date),
            "storage_class": entry.storage_class,
            "uri": format_oss_uri(entry.name),
        }
    if isinstance(entry, CommonPrefix):
        return {
            "type": "prefix",
            "key": entry.prefix,
            "size": None,
            "last_modified": None,
            "etag": None,
            "storage_class": None,
            **({"uri": format_oss_uri(bucket, entry.prefix)} if bucket else {}),
        }
    kind = "object" if isinstance(entry, ObjectEntry) else "version"
    data = {
        "type": "delete_marker" if entry.is_delete_marker else kind,
        "key": entry.key,
    }
    if isinstance(entry, DeleteMarker):
        data.update(size=None, last_modified=iso(entry.last_modified), etag=None)
        data["storage_class"] = None
    else:
        data.update(
            size=entry.size,
            last_modified=iso(entry.last_modified),
            etag=entry.etag,
            storage_class=entry.storage_class,
            object_type=entry.object_type,
        )
        if entry.restore_info:
            data["restore_info"] = entry.restore_info
    if isinstance(entry, VersionEntry | DeleteMarker):
        data.update(
            version_id=entry.version_id,
            is_latest=entry.is_latest,
            is_delete_marker=entry.is_delete_marker,
        )
    if bucket:
        data["uri"] = format_oss_uri(bucket, entry.key)
    return data


# One encoder for every line: json.dumps with options builds a new encoder on each call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def _string(text: str | None) -> str:
    return "null" if text is None else encode_basestring(text)


def _object_json(entry: ObjectEntry, bucket: str | None) -> str:
    """``_ENCODER.encode(record(entry, bucket))`` for an object, written out in one go.

    Listings print hundreds of thousands of these; building the dict and walking it in the
    encoder took most of the time of a jsonl line. The same text (a test compares the two).
    """
    moment = entry.last_modified
    when = "null" if moment is None else f'"{moment.isoformat(timespec="seconds")}"'
    text = (
        f'{{"type": "object", "key": {encode_basestring(entry.key)}, "size": {entry.size}, '
        f'"last_modified": {when.replace("+00:00", "Z")}, "etag": {_string(entry.etag)}, '
        f'"storage_class": {_string(entry.storage_class)}, '
        f'"object_type": {_string(entry.object_type)}'
    )
    if entry.restore_info:
        text += f', "restore_info": {encode_basestring(entry.restore_info)}'
    if bucket:
        text += f', "uri": {encode_basestring(format_oss_uri(bucket, entry.key))}'
    return text + "}"


def _json(entry: Entry, bucket: str | None) -> str:
    if type(entry) is ObjectEntry:
        return _object_json(entry, bucket)
    return _ENCODER.encode(record(entry, bucket))


def jsonl_line(entry: Entry, bucket: str | None = None) -> str:
    """One line of jsonl: the record, non-ASCII kept as is (unsafe characters escaped)."""
    return escape_unsafe_json(_json(entry, bucket))


def jsonl_lines(entries: Iterable[Entry], bucket: str | None = None) -> str:
    """The jsonl lines of ``entries``, each ending with a line break, as one text."""
    return escape_unsafe_json("".join([f"{_json(entry, bucket)}\n" for entry in entries]))


def json_items(entries: Iterable[Entry], bucket: str | None, *, first: bool) -> str:
    """The records of ``entries`` as items of a JSON array, one a line, after ``first`` or not."""
    text = ",\n  ".join([_json(entry, bucket) for entry in entries])
    return escape_unsafe_json(f"{'' if first else ','}\n  {text}") if text else ""


def shown(text: str) -> str:
    """``text`` safe for a terminal line: control and bidi characters become escapes."""
    return escape_unsafe(text)


def _time(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    if moment.year >= 1000:  # isoformat is 3x quicker than strftime, and pads years to 4 digits
        return f"{moment.isoformat(' ', 'seconds')[:19]} +0000 UTC"
    return moment.strftime("%Y-%m-%d %H:%M:%S +0000 UTC")


_OBJECT_HEAD = f"{'LastModifiedTime':<30} {'Size(B)':>12}  {'StorageClass':<16}{'ETAG':<38}"
_VERSION_HEAD = f"{'VersionId':<34} {'IsLatest':<9}{'DeleteMarker':<13}"


def raw_header(kind: str) -> str:
    """The column header for ``buckets``, ``objects`` or ``versions``."""
    if kind == "buckets":
        return f"{'CreationTime':<30} {'Region':<24} {'StorageClass':<16}BucketName"
    if kind == "versions":
        return f"{_OBJECT_HEAD}{_VERSION_HEAD}ObjectName"
    return f"{_OBJECT_HEAD}ObjectName"


def raw_line(entry: Entry, bucket: str | None, kind: str) -> str:
    """One aligned line in the style of ossutil's ``ls``."""
    if type(entry) is ObjectEntry:
        # The common case in one go, checked once: with no unsafe character in the whole line,
        # escaping each field would change nothing.
        etag = (entry.etag or "-").strip('"')
        line = (
            f"{_time(entry.last_modified):<30} {entry.size:>12}  "
            f"{entry.storage_class or '-':<16}{etag:<38}{format_oss_uri(bucket or '', entry.key)}"
        )
        if not UNSAFE_RE.search(line):
            return line
    if isinstance(entry, Bucket):
        region = shown(entry.region or "-")
        storage = shown(entry.storage_class or "-")
        name = shown(format_oss_uri(entry.name))
        return f"{_time(entry.creation_date):<30} {region:<24} {storage:<16}{name}"
    if isinstance(entry, CommonPrefix):
        uri = shown(format_oss_uri(bucket or "", entry.prefix))
        blank = f"{'':<30} {'DIR':>12}  {'':<16}{'':<38}"
        return f"{blank}{' ' * len(_VERSION_HEAD) if kind == 'versions' else ''}{uri}"
    if isinstance(entry, DeleteMarker):
        head = f"{_time(entry.last_modified):<30} {'-':>12}  {'-':<16}{'-':<38}"
    else:
        etag = shown((entry.etag or "-").strip('"'))
        storage = shown(entry.storage_class or "-")
        head = f"{_time(entry.last_modified):<30} {entry.size:>12}  {storage:<16}{etag:<38}"
    if kind == "versions" and isinstance(entry, VersionEntry | DeleteMarker):
        latest = "true" if entry.is_latest else "false"
        marker = "true" if entry.is_delete_marker else "false"
        head += f"{shown(entry.version_id):<34} {latest:<9}{marker:<13}"
    return head + shown(format_oss_uri(bucket or "", entry.key))


def raw_lines(entries: Iterable[Entry], bucket: str | None, kind: str) -> str:
    """The raw lines of ``entries``, each ending with a line break, as one text."""
    return "".join([f"{raw_line(entry, bucket, kind)}\n" for entry in entries])


def raw_footer(kind: str, count: int, *, folders: bool) -> str:
    """The closing count, worded as ossutil words it."""
    if kind == "buckets":
        return f"Bucket Number is: {count}"
    if folders:
        return f"Object and Directory Number is: {count}"
    return f"Object Number is: {count}"
