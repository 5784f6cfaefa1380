"""Listings: buckets, objects and versions as models, read safely from OSS's XML.

The documents come from the network: each is size-capped (:data:`MAX_LISTING_BYTES`), parsed
with DTDs and entities refused (a UTF-8 document without a DOCTYPE by the standard library's C
parser, anything else by defusedxml), and read by local element name, so the same code reads
OSS's un-namespaced XML and an S3-compatible server's namespaced one.

With ``encoding-type=url`` (which ossbrowse always asks for, so that every key round-trips
exactly, control characters included) OSS percent-encodes the names in a listing. The fields
decoded here are the ones the official SDK decodes: for ListObjectsV2 ``Key``, ``Prefix``,
``StartAfter``, ``ContinuationToken``, ``NextContinuationToken``, ``Delimiter`` and
``CommonPrefixes/Prefix``; for ListObjectVersions ``Key``, ``Prefix``, ``KeyMarker``,
``NextKeyMarker``, ``Delimiter`` and ``CommonPrefixes/Prefix``. They are read as form-encoded,
a ``+`` being a space, as the Go SDK (and so ossutil 2.0) reads OSS listings and as S3 servers
write them; OSS itself writes ``%2B`` for ``+`` and ``%20`` for a space, so on OSS both readings
agree.

A document that cannot be read raises :class:`ListingError`; values are never guessed.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal, NamedTuple

from .safetext import shorten

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

MAX_LISTING_BYTES = 16 * 1024 * 1024
"""Largest listing document read. A full page of 1,000 versions of 1,023-byte keys, every
byte percent-encoded, is under 5 MiB."""
MAX_PAGE_SIZE = 1000
"""OSS's largest ``max-keys`` for every listing."""
OSS_DEFAULT_PAGE_SIZE = 100
"""What OSS returns when ``max-keys`` is not sent; ossbrowse always sends it."""


class ListingError(ValueError):
    """The server answered 2xx, but not with a listing that can be read."""


# The entries are named tuples, not dataclasses: a tuple of strings, numbers and datetimes is
# not tracked by Python's cycle collector, so 100,000 loaded entries add nothing to a full
# collection (as slotted dataclasses they made each one pause the explorer for ~0.5 s).


class Bucket(NamedTuple):
    """One bucket of a ListBuckets answer."""

    name: str
    region: str | None
    """The plain region id, e.g. ``cn-hangzhou`` (from ``Region``, else from ``Location``)."""
    creation_date: datetime | None
    storage_class: str | None = None
    location: str | None = None
    """As OSS writes it, e.g. ``oss-cn-hangzhou``."""
    extranet_endpoint: str | None = None
    intranet_endpoint: str | None = None


class ObjectEntry(NamedTuple):
    """One object (its current version) in a ListObjectsV2 page."""

    key: str
    size: int
    last_modified: datetime | None
    etag: str | None
    storage_class: str | None
    object_type: str | None = None
    """``Normal``, ``Multipart``, ``Appendable`` or ``Symlink``."""
    restore_info: str | None = None

    is_delete_marker: Literal[False] = False


class CommonPrefix(NamedTuple):
    """A "folder": the keys under ``prefix`` rolled up at the delimiter."""

    prefix: str


class VersionEntry(NamedTuple):
    """One version of an object in a ListObjectVersions page."""

    key: str
    version_id: str
    is_latest: bool
    last_modified: datetime | None
    size: int
    etag: str | None
    storage_class: str | None
    object_type: str | None = None
    restore_info: str | None = None

    is_delete_marker: Literal[False] = False


class DeleteMarker(NamedTuple):
    """A delete marker in a ListObjectVersions page: a version that says "deleted"."""

    key: str
    version_id: str
    is_latest: bool
    last_modified: datetime | None

    is_delete_marker: Literal[True] = True


VersionItem = VersionEntry | DeleteMarker
"""A version or a delete marker, in the order the server listed them (newest first per key)."""


@dataclass(frozen=True, slots=True)
class BucketPage:
    """One page of ListBuckets."""

    buckets: tuple[Bucket, ...]
    is_truncated: bool
    next_marker: str | None
    prefix: str = ""
    marker: str = ""
    owner_id: str | None = None
    owner_name: str | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class ObjectPage:
    """One page of ListObjectsV2: objects and (with a delimiter) common prefixes."""

    bucket: str
    prefix: str
    delimiter: str
    objects: tuple[ObjectEntry, ...]
    prefixes: tuple[CommonPrefix, ...]
    is_truncated: bool
    next_continuation_token: str | None
    """Where the next page starts; None when this is the last page."""
    start_after: str = ""
    continuation_token: str = ""
    max_keys: int | None = None
    key_count: int | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class VersionPage:
    """One page of ListObjectVersions: versions and delete markers in listed order."""

    bucket: str
    prefix: str
    delimiter: str
    versions: tuple[VersionItem, ...]
    prefixes: tuple[CommonPrefix, ...]
    is_truncated: bool
    next_key_marker: str | None
    next_version_id_marker: str | None
    key_marker: str = ""
    version_id_marker: str = ""
    max_keys: int | None = None
    request_id: str | None = None


ListEntry = CommonPrefix | ObjectEntry | VersionEntry | DeleteMarker


def entry_name(entry: ListEntry) -> str:
    """The key of an object or version, the prefix of a folder."""
    return entry.prefix if isinstance(entry, CommonPrefix) else entry.key


def merged_entries(page: ObjectPage | VersionPage) -> Iterator[ListEntry]:
    """A page's folders and objects (or versions) in one sequence, in the server's key order.

    A server sends the two apart; merged by name they read as one listing, and since pages are
    consecutive ranges of names, page after page stays in order.
    """
    items: tuple[ListEntry, ...] = page.objects if isinstance(page, ObjectPage) else page.versions
    if not page.prefixes:
        return iter(items)
    return heapq.merge(items, page.prefixes, key=entry_name)


# -- reading the XML ------------------------------------------------------------------------------


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""  # a comment or processing instruction
    return tag.rsplit("}", 1)[-1] if tag[:1] == "{" else tag


_XML_DECLARATION = re.compile(rb"""(?:\xef\xbb\xbf)?<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)""")


def _plain_utf8(body: bytes) -> bool:
    """True for a UTF-8 document without a DOCTYPE (what OSS and S3 servers send).

    Read as UTF-8, a DTD, entity declarations and external references can only come in a
    ``<!DOCTYPE``, spelled with exactly these bytes; without one, expat expands nothing but
    the five predefined entities and character references. (A UTF-16 document has NUL bytes.)
    """
    if b"<!DOCTYPE" in body or b"\x00" in body:
        return False
    declared = _XML_DECLARATION.match(body, 0, 200)
    return declared is None or declared[1].lower() == b"utf-8"


def _root(body: bytes, expected: str) -> Element:
    if len(body) > MAX_LISTING_BYTES:
        raise ListingError(
            f"the listing is {len(body):,} bytes; at most {MAX_LISTING_BYTES:,} are read"
        )
    # The XML modules load with the first listing read, not with the client (a signed request
    # alone, e.g. `head --dry-run`, never parses XML).
    try:
        if _plain_utf8(body):
            # The standard library's C parser, reading the bytes as UTF-8 whatever the document
            # says: 4-6x quicker on a page of 1,000 entries than defusedxml, which has to run
            # the pure-Python parser to reach expat's handlers, and as safe here (see above).
            from xml.etree.ElementTree import XMLParser

            parser = XMLParser(encoding="utf-8")  # noqa: S314 (no DOCTYPE: nothing to expand)
            parser.feed(body)
            root = parser.close()
        else:
            # Anything else (a DOCTYPE, another encoding) is read by defusedxml, which refuses
            # DTDs and entities as soon as it meets them.
            from defusedxml import ElementTree as SafeElementTree

            root = SafeElementTree.fromstring(
                body, forbid_dtd=True, forbid_entities=True, forbid_external=True
            )
    except Exception as exc:  # anything from the parser means "not readable"
        name = type(exc).__name__
        if name in ("DTDForbidden", "EntitiesForbidden", "ExternalReferenceForbidden"):
            raise ListingError("the listing holds a DTD or entities, refused for safety") from None
        raise ListingError(
            f"the listing is not well-formed XML ({shorten(str(exc), 120)})"
        ) from None
    tag = _local(root.tag)
    if tag != expected:
        raise ListingError(f"expected <{expected}>, got <{shorten(tag, 40)}>")
    return root


def _children(element: Element) -> Iterator[tuple[str, Element]]:
    for child in element:
        name = _local(child.tag)
        if name:
            yield name, child


def _texts(element: Element) -> dict[str, str]:
    """The text of each leaf child, by local name (the first of each name)."""
    values: dict[str, str] = {}
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or len(child):
            continue
        if tag[:1] == "{":
            tag = tag.rsplit("}", 1)[-1]
        if tag not in values:
            values[tag] = child.text or ""
    return values


def _plain_texts(element: Element) -> dict[str, str]:
    """:func:`_texts` for a document without namespaces, where every tag is a plain name.

    The same values, built in one comprehension (this runs for every entry of every page);
    walking backwards keeps the first of each name.
    """
    return {child.tag: child.text or "" for child in reversed(element) if not len(child)}


Texts = Callable[["Element"], dict[str, str]]


def _texts_for(body: bytes) -> Texts:
    """The quicker reader when no element can be in a namespace (none is declared)."""
    return _texts if b"xmlns" in body else _plain_texts


_ENCODED_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _decoded_run(match: re.Match[str]) -> str:
    return bytes.fromhex(match[0].replace("%", "")).decode("utf-8")


class _Decoder:
    """Percent-decodes names when the document says ``EncodingType`` is ``url``."""

    def __init__(self, encoded: bool) -> None:
        self.encoded = encoded

    def __call__(self, value: str | None) -> str:
        if value is None:
            return ""
        if not self.encoded:
            return value
        spaced = value.replace("+", " ") if "+" in value else value
        if "%" not in spaced:
            return spaced
        # What urllib's unquote_plus does, in half the time: each run of %XX escapes holds
        # whole UTF-8 characters (the characters around it are whole), so decoding run by run
        # is decoding the whole name; an invalid escape stays as it is, as unquote leaves it.
        try:
            return _ENCODED_RUN.sub(_decoded_run, spaced)
        except UnicodeDecodeError:
            raise ListingError(
                f"a name is not UTF-8 once decoded: {shorten(value, 80)!r}"
            ) from None


def _decoder(values: dict[str, str]) -> _Decoder:
    encoding = values.get("EncodingType", "")
    if encoding not in ("", "url"):
        raise ListingError(f"unknown EncodingType {shorten(encoding, 40)!r}")
    return _Decoder(encoding == "url")


def _bool(values: dict[str, str], name: str, *, default: bool | None = None) -> bool:
    text = values.get(name)
    if text is None or text == "":
        if default is None:
            raise ListingError(f"<{name}> is missing")
        return default
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise ListingError(f"<{name}> is {shorten(text, 40)!r}, not true or false")
    return lowered == "true"


def _int(values: dict[str, str], name: str, *, required: bool) -> int | None:
    text = values.get(name)
    if text is None or text.strip() == "":
        if required:
            raise ListingError(f"<{name}> is missing")
        return None
    try:
        number = int(text.strip())
    except ValueError:
        raise ListingError(f"<{name}> is {shorten(text, 40)!r}, not a number") from None
    if number < 0:
        raise ListingError(f"<{name}> is negative ({number})")
    return number


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 listing time (``2026-01-02T03:04:05.000Z``) as an aware UTC datetime."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)  # reads the trailing Z (Python 3.11)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ListingError(f"{shorten(text, 40)!r} is not an ISO 8601 time") from None
    if moment.tzinfo is UTC:
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _size(values: dict[str, str]) -> int:
    text = values.get("Size")
    try:
        number = int(text)  # type: ignore[arg-type]  # None: TypeError, read below
    except (TypeError, ValueError):
        number = _int(values, "Size", required=True) or 0  # raises, naming the problem
    if number < 0:
        raise ListingError(f"<Size> is negative ({number})")
    return number


def _required(values: dict[str, str], name: str, where: str) -> str:
    text = values.get(name)
    if not text:
        raise ListingError(f"a <{where}> has no <{name}>")
    return text


def _prefixes(root: Element, decode: _Decoder) -> tuple[CommonPrefix, ...]:
    found = []
    for name, child in _children(root):
        if name == "CommonPrefixes":
            for inner_name, inner in _children(child):
                if inner_name == "Prefix":
                    found.append(CommonPrefix(decode(inner.text)))
    return tuple(found)


def _region(values: dict[str, str]) -> str | None:
    region = values.get("Region")
    if region:
        return region
    location = values.get("Location", "")
    return location.removeprefix("oss-") or None


def parse_list_buckets(body: bytes, *, request_id: str | None = None) -> BucketPage:
    """A ListBuckets answer (``ListAllMyBucketsResult``)."""
    root = _root(body, "ListAllMyBucketsResult")
    values = _texts(root)
    buckets: list[Bucket] = []
    owner: dict[str, str] = {}
    for name, child in _children(root):
        if name == "Owner":
            owner = _texts(child)
        elif name == "Buckets":
            for bucket_name, element in _children(child):
                if bucket_name != "Bucket":
                    continue
                b = _texts(element)
                buckets.append(
                    Bucket(
                        name=_required(b, "Name", "Bucket"),
                        region=_region(b),
                        creation_date=parse_time(b.get("CreationDate")),
                        storage_class=b.get("StorageClass") or None,
                        location=b.get("Location") or None,
                        extranet_endpoint=b.get("ExtranetEndpoint") or None,
                        intranet_endpoint=b.get("IntranetEndpoint") or None,
                    )
                )
    truncated = _bool(values, "IsTruncated", default=False)
    next_marker = values.get("NextMarker") or None
    if truncated and next_marker is None:
        next_marker = buckets[-1].name if buckets else None
    if truncated and not next_marker:
        raise ListingError("the bucket list is truncated but says nowhere to continue")
    return BucketPage(
        buckets=tuple(buckets),
        is_truncated=truncated,
        next_marker=next_marker if truncated else None,
        prefix=values.get("Prefix", ""),
        marker=values.get("Marker", ""),
        owner_id=owner.get("ID") or None,
        owner_name=owner.get("DisplayName") or None,
        request_id=request_id,
    )


def parse_list_objects_v2(body: bytes, *, request_id: str | None = None) -> ObjectPage:
    """A ListObjectsV2 answer (``ListBucketResult``), names decoded when URL-encoded."""
    root = _root(body, "ListBucketResult")
    texts = _texts_for(body)
    values = texts(root)
    decode = _decoder(values)
    objects: list[ObjectEntry] = []
    append = objects.append
    for child in root:
        tag = child.tag
        if tag != "Contents" and _local(tag) != "Contents":
            continue
        c = texts(child)
        key = c.get("Key")
        if not key:
            raise ListingError("a <Contents> has no <Key>")
        append(
            ObjectEntry(
                decode(key),
                _size(c),
                parse_time(c.get("LastModified")),
                c.get("ETag") or None,
                c.get("StorageClass") or None,
                c.get("Type") or None,
                c.get("RestoreInfo") or None,
            )
        )
    truncated = _bool(values, "IsTruncated")
    token = values.get("NextContinuationToken") or None
    if truncated and not token:
        raise ListingError("the listing is truncated but has no <NextContinuationToken>")
    return ObjectPage(
        bucket=values.get("Name", ""),
        prefix=decode(values.get("Prefix")),
        delimiter=decode(values.get("Delimiter")),
        objects=tuple(objects),
        prefixes=_prefixes(root, decode),
        is_truncated=truncated,
        next_continuation_token=decode(token) if truncated and token else None,
        start_after=decode(values.get("StartAfter")),
        continuation_token=decode(values.get("ContinuationToken")),
        max_keys=_int(values, "MaxKeys", required=False),
        key_count=_int(values, "KeyCount", required=False),
        request_id=request_id,
    )


def parse_list_object_versions(body: bytes, *, request_id: str | None = None) -> VersionPage:
    """A ListObjectVersions answer (``ListVersionsResult``), in document order."""
    root = _root(body, "ListVersionsResult")
    texts = _texts_for(body)
    values = texts(root)
    decode = _decoder(values)
    versions: list[VersionItem] = []
    for name, child in _children(root):
        if name not in ("Version", "DeleteMarker"):
            continue
        v = texts(child)
        key = decode(_required(v, "Key", name))
        version_id = _required(v, "VersionId", name)
        is_latest = _bool(v, "IsLatest", default=False)
        modified = parse_time(v.get("LastModified"))
        if name == "DeleteMarker":
            versions.append(DeleteMarker(key, version_id, is_latest, modified))
        else:
            versions.append(
                VersionEntry(
                    key=key,
                    version_id=version_id,
                    is_latest=is_latest,
                    last_modified=modified,
                    size=_size(v),
                    etag=v.get("ETag") or None,
                    storage_class=v.get("StorageClass") or None,
                    object_type=v.get("Type") or None,
                    restore_info=v.get("RestoreInfo") or None,
                )
            )
    truncated = _bool(values, "IsTruncated")
    next_key = values.get("NextKeyMarker") or None
    if truncated and not next_key:
        raise ListingError("the version listing is truncated but has no <NextKeyMarker>")
    return VersionPage(
        bucket=values.get("Name", ""),
        prefix=decode(values.get("Prefix")),
        delimiter=decode(values.get("Delimiter")),
        versions=tuple(versions),
        prefixes=_prefixes(root, decode),
        is_truncated=truncated,
        next_key_marker=decode(next_key) if truncated and next_key else None,
        next_version_id_marker=(values.get("NextVersionIdMarker") or None) if truncated else None,
        key_marker=decode(values.get("KeyMarker")),
        version_id_marker=values.get("VersionIdMarker", ""),
        max_keys=_int(values, "MaxKeys", required=False),
        request_id=request_id,
    )
