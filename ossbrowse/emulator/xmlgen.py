"""XML documents the emulator sends: bucket and object listings, versioning, errors.

Documents are built as strings (faster than an element tree for 1,000-entry pages) with every
value escaped. With ``encoding-type=url`` the names in listings are percent-encoded, as OSS
does and as both SDKs expect (they decode them).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import quote
from xml.sax.saxutils import escape

from ossbrowse.emulator.listing import ListPage, ListQuery, VersionPage
from ossbrowse.emulator.model import ObjectVersion

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'

OWNER_ID = "1234567890123456"
OWNER_NAME = "ossbrowse-emulator"


def element(name: str, value: str | int | None) -> str:
    """``<name>value</name>`` with the value escaped; ``<name/>`` for None or ""."""
    if value is None or value == "":
        return f"<{name}/>"
    return f"<{name}>{escape(str(value))}</{name}>"


def iso8601(posix: float) -> str:
    """OSS listing time format: ``2026-01-02T03:04:05.000Z``."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(int(posix)))


def _name(value: str, url_encoded: bool) -> str:
    return quote(value, safe="/") if url_encoded else value


def _owner() -> str:
    return f"<Owner><ID>{OWNER_ID}</ID><DisplayName>{OWNER_NAME}</DisplayName></Owner>"


def list_buckets(
    buckets: Iterable[tuple[str, str, float, str]],
    *,
    prefix: str = "",
    marker: str = "",
    max_keys: int = 100,
    truncated: bool = False,
    next_marker: str = "",
) -> bytes:
    """ListBuckets: (name, region, created, storage class) tuples, and the page's arguments."""
    parts = [
        XML_DECLARATION,
        "<ListAllMyBucketsResult>",
        element("Prefix", prefix),
        element("Marker", marker),
        element("MaxKeys", max_keys),
        element("IsTruncated", "true" if truncated else "false"),
    ]
    if truncated:
        parts.append(element("NextMarker", next_marker))
    parts += [_owner(), "<Buckets>"]
    for name, region, created, storage_class in buckets:
        parts.append(
            "<Bucket>"
            + element("CreationDate", iso8601(created))
            + element("ExtranetEndpoint", f"oss-{region}.aliyuncs.com")
            + element("IntranetEndpoint", f"oss-{region}-internal.aliyuncs.com")
            + element("Location", f"oss-{region}")
            + element("Name", name)
            + element("Region", region)
            + element("StorageClass", storage_class)
            + "</Bucket>"
        )
    parts += ["</Buckets>", "</ListAllMyBucketsResult>"]
    return "".join(parts).encode("utf-8")


# The one resource group every emulated bucket is in (OSS puts a bucket in the account's
# default resource group unless told otherwise).
RESOURCE_GROUP_ID = "rg-default"


def bucket_info(
    *,
    name: str,
    region: str,
    created: float,
    storage_class: str,
    acl: str,
    versioning: str | None,
    block_public_access: bool,
) -> bytes:
    """GetBucketInfo: the bucket's settings the emulator keeps (no encryption, no logging)."""
    parts = [
        XML_DECLARATION,
        "<BucketInfo><Bucket>",
        element("AccessMonitor", "Disabled"),
        element("BlockPublicAccess", "true" if block_public_access else "false"),
        element("Comment", ""),
        element("CreationDate", iso8601(created)),
        element("CrossRegionReplication", "Disabled"),
        element("DataRedundancyType", "LRS"),
        element("ExtranetEndpoint", f"oss-{region}.aliyuncs.com"),
        element("IntranetEndpoint", f"oss-{region}-internal.aliyuncs.com"),
        element("Location", f"oss-{region}"),
        element("Name", name),
        element("Region", region),
        element("ResourceGroupId", RESOURCE_GROUP_ID),
        element("StorageClass", storage_class),
        element("TransferAcceleration", "Disabled"),
    ]
    if versioning:
        parts.append(element("Versioning", versioning))
    parts += [
        _owner(),
        f"<AccessControlList>{element('Grant', acl)}</AccessControlList>",
        "<ServerSideEncryptionRule><SSEAlgorithm>None</SSEAlgorithm></ServerSideEncryptionRule>",
        "</Bucket></BucketInfo>",
    ]
    return "".join(parts).encode("utf-8")


def versioning(status: str | None) -> bytes:
    """GetBucketVersioning: no Status element when versioning was never enabled."""
    body = element("Status", status) if status else ""
    return f"{XML_DECLARATION}<VersioningConfiguration>{body}</VersioningConfiguration>".encode()


RestoreOf = Callable[[ObjectVersion], "str | None"]
"""The ``RestoreInfo`` of a listed object (the ``x-oss-restore`` value at the request's time)."""


def _fixed_restore(entry: ObjectVersion) -> str | None:
    return entry.restore


def _contents(entry: ObjectVersion, url_encoded: bool, owner: bool, restore_of: RestoreOf) -> str:
    restore = restore_of(entry)
    return (
        "<Contents>"
        + element("Key", _name(entry.key, url_encoded))
        + element("LastModified", iso8601(entry.last_modified))
        + element("ETag", entry.etag)
        + element("Type", entry.object_type)
        + element("Size", entry.size)
        + element("StorageClass", entry.storage_class)
        + (_owner() if owner else "")
        + (element("RestoreInfo", restore) if restore else "")
        + "</Contents>"
    )


def _prefixes(prefixes: Sequence[str], url_encoded: bool) -> str:
    return "".join(
        f"<CommonPrefixes>{element('Prefix', _name(p, url_encoded))}</CommonPrefixes>"
        for p in prefixes
    )


def list_objects_v2(
    bucket: str,
    query: ListQuery,
    page: ListPage,
    next_token: str,
    restore_of: RestoreOf = _fixed_restore,
) -> bytes:
    """ListObjectsV2 (``list-type=2``); ``next_token`` continues after a truncated page."""
    prefix, delimiter, url_encoded = query.prefix, query.delimiter, query.url_encoded
    start_after, continuation_token = query.start_after, query.continuation_token
    entries, prefixes, truncated = page.entries, page.prefixes, page.truncated
    parts = [
        XML_DECLARATION,
        "<ListBucketResult>",
        element("Name", bucket),
        element("Prefix", _name(prefix, url_encoded)),
    ]
    if start_after:
        parts.append(element("StartAfter", _name(start_after, url_encoded)))
    if continuation_token:
        parts.append(element("ContinuationToken", continuation_token))
    parts += [
        element("MaxKeys", query.max_keys),
        element("Delimiter", _name(delimiter, url_encoded)),
    ]
    if url_encoded:
        parts.append(element("EncodingType", "url"))
    parts.append(element("IsTruncated", "true" if truncated else "false"))
    if truncated:
        parts.append(element("NextContinuationToken", next_token))
    parts.append(element("KeyCount", len(entries) + len(prefixes)))
    parts.extend(_contents(e, url_encoded, query.fetch_owner, restore_of) for e in entries)
    parts.append(_prefixes(prefixes, url_encoded))
    parts.append("</ListBucketResult>")
    return "".join(parts).encode("utf-8")


def list_objects_v1(
    bucket: str, query: ListQuery, page: ListPage, restore_of: RestoreOf = _fixed_restore
) -> bytes:
    """ListObjects (V1, ``marker`` / ``NextMarker``)."""
    prefix, delimiter, url_encoded = query.prefix, query.delimiter, query.url_encoded
    entries, prefixes, truncated = page.entries, page.prefixes, page.truncated
    parts = [
        XML_DECLARATION,
        "<ListBucketResult>",
        element("Name", bucket),
        element("Prefix", _name(prefix, url_encoded)),
        element("Marker", _name(query.marker, url_encoded)),
        element("MaxKeys", query.max_keys),
        element("Delimiter", _name(delimiter, url_encoded)),
    ]
    if url_encoded:
        parts.append(element("EncodingType", "url"))
    parts.append(element("IsTruncated", "true" if truncated else "false"))
    if truncated:
        parts.append(element("NextMarker", _name(page.last, url_encoded)))
    parts.extend(_contents(e, url_encoded, True, restore_of) for e in entries)
    parts.append(_prefixes(prefixes, url_encoded))
    parts.append("</ListBucketResult>")
    return "".join(parts).encode("utf-8")


def list_versions(
    bucket: str, query: ListQuery, page: VersionPage, restore_of: RestoreOf = _fixed_restore
) -> bytes:
    """ListObjectVersions (``versions``): Version and DeleteMarker entries, newest first."""
    prefix, delimiter, url_encoded = query.prefix, query.delimiter, query.url_encoded
    entries, prefixes, truncated = page.entries, page.prefixes, page.truncated
    parts = [
        XML_DECLARATION,
        "<ListVersionsResult>",
        element("Name", bucket),
        element("Prefix", _name(prefix, url_encoded)),
        element("KeyMarker", _name(query.key_marker, url_encoded)),
        element("VersionIdMarker", query.version_id_marker),
        element("MaxKeys", query.max_keys),
        element("Delimiter", _name(delimiter, url_encoded)),
    ]
    if url_encoded:
        parts.append(element("EncodingType", "url"))
    parts.append(element("IsTruncated", "true" if truncated else "false"))
    if truncated:
        parts.append(element("NextKeyMarker", _name(page.next_key_marker, url_encoded)))
        parts.append(element("NextVersionIdMarker", page.next_version_id_marker))
    for v, is_latest in entries:
        common = (
            element("Key", _name(v.key, url_encoded))
            + element("VersionId", v.version_id)
            + element("IsLatest", "true" if is_latest else "false")
            + element("LastModified", iso8601(v.last_modified))
        )
        if v.is_delete_marker:
            parts.append(f"<DeleteMarker>{common}{_owner()}</DeleteMarker>")
        else:
            restore = restore_of(v)
            parts.append(
                "<Version>"
                + common
                + element("ETag", v.etag)
                + element("Type", v.object_type)
                + element("Size", v.size)
                + element("StorageClass", v.storage_class)
                + _owner()
                + (element("RestoreInfo", restore) if restore else "")
                + "</Version>"
            )
    parts.append(_prefixes(prefixes, url_encoded))
    parts.append("</ListVersionsResult>")
    return "".join(parts).encode("utf-8")
