"""Paging through listings: which query each page sends, and when to stop.

Every listing asks for an explicit page size (``max-keys``, 1 to 1,000): OSS's default of 100
must never silently cut a listing short, so the iterators here keep asking while the server
says ``IsTruncated``, and only then. A server that says "truncated" without moving forward is
reported, never looped on.

The functions take a :data:`Fetch`: one signed GET returning the 2xx body, or raising
:class:`ListingFailed`. The client supplies it from its one request path, so paging, signing and
retries stay separate and each is tested on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from .listing import (
    MAX_PAGE_SIZE,
    BucketPage,
    ListingError,
    ObjectPage,
    VersionPage,
    parse_list_buckets,
    parse_list_object_versions,
    parse_list_objects_v2,
)
from .results import ServiceError, TransportFailure
from .validation import InputError, check_bucket

Query = Sequence[tuple[str, str]]
T = TypeVar("T")


class ListingFailed(Exception):
    """A listing request got no usable answer: an OSS error, no answer, or an unreadable one.

    Exactly one of ``error`` (the server answered with an error status, decoded like a HEAD
    error), ``failure`` (no answer: DNS, refused, timeout, TLS...) or ``problem`` (a 2xx answer
    that is not a readable listing) is set. The message never holds a secret.
    """

    def __init__(
        self,
        operation: str,
        message: str,
        *,
        status: int | None = None,
        error: ServiceError | None = None,
        failure: TransportFailure | None = None,
        problem: str | None = None,
    ) -> None:
        super().__init__(f"{operation}: {message}")
        self.operation = operation
        self.message = message
        self.status = status
        self.error = error
        self.failure = failure
        self.problem = problem

    @property
    def no_answer(self) -> bool:
        """True when the server never answered (exit status 3 rather than 2)."""
        return self.failure is not None


class Response:
    """What a fetch returns for a 2xx: the body and the request id."""

    __slots__ = ("body", "request_id")

    def __init__(self, body: bytes, request_id: str | None = None) -> None:
        self.body = body
        self.request_id = request_id


Fetch = Callable[[str, "str | None", Query], Response]
"""``fetch(operation, bucket, query)``: one signed GET of the bucket (None: the service)."""


def check_page_size(page_size: int) -> int:
    """Return ``page_size`` if OSS accepts it as ``max-keys`` (1 to 1,000)."""
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise InputError("page_size", "must be a whole number")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InputError("page_size", f"must be 1 to {MAX_PAGE_SIZE} (got {page_size})")
    return page_size


def _parsed(operation: str, parse: Callable[..., T], response: Response) -> T:
    try:
        return parse(response.body, request_id=response.request_id)
    except ListingError as exc:
        raise ListingFailed(
            operation, f"the answer is not a readable listing: {exc}", problem=str(exc)
        ) from None


def _stuck(operation: str, position: object) -> ListingFailed:
    message = f"the server said the listing goes on but returned the same position ({position!r})"
    return ListingFailed(operation, message, problem=message)


# -- ListBuckets ----------------------------------------------------------------------------------


def bucket_page(fetch: Fetch, *, prefix: str = "", marker: str = "", page_size: int) -> BucketPage:
    """One page of ListBuckets."""
    query: list[tuple[str, str]] = []
    if marker:
        query.append(("marker", marker))
    query.append(("max-keys", str(check_page_size(page_size))))
    if prefix:
        query.append(("prefix", prefix))
    return _parsed("ListBuckets", parse_list_buckets, fetch("ListBuckets", None, query))


def bucket_pages(
    fetch: Fetch, *, prefix: str = "", marker: str = "", page_size: int = MAX_PAGE_SIZE
) -> Iterator[BucketPage]:
    """Every page of ListBuckets, fetched one at a time as the caller asks for it.

    Arguments are checked now, before any request; pages are fetched as they are asked for.
    """
    check_page_size(page_size)
    return _bucket_pages(fetch, prefix, marker, page_size)


def _bucket_pages(fetch: Fetch, prefix: str, marker: str, page_size: int) -> Iterator[BucketPage]:
    while True:
        page = bucket_page(fetch, prefix=prefix, marker=marker, page_size=page_size)
        if page.is_truncated and page.next_marker == marker:
            raise _stuck("ListBuckets", marker)
        yield page
        if not page.is_truncated:
            return
        assert page.next_marker is not None  # the parser guarantees it
        marker = page.next_marker


# -- ListObjectsV2 --------------------------------------------------------------------------------


def object_page(
    fetch: Fetch,
    bucket: str,
    *,
    prefix: str = "",
    delimiter: str = "",
    start_after: str = "",
    continuation_token: str = "",
    page_size: int,
) -> ObjectPage:
    """One page of ListObjectsV2 with ``encoding-type=url``; names come back decoded."""
    check_bucket(bucket)
    query: list[tuple[str, str]] = []
    if continuation_token:
        query.append(("continuation-token", continuation_token))
    if delimiter:
        query.append(("delimiter", delimiter))
    query += [
        ("encoding-type", "url"),
        ("list-type", "2"),
        ("max-keys", str(check_page_size(page_size))),
    ]
    if prefix:
        query.append(("prefix", prefix))
    if start_after:
        query.append(("start-after", start_after))
    return _parsed("ListObjectsV2", parse_list_objects_v2, fetch("ListObjectsV2", bucket, query))


def object_pages(
    fetch: Fetch,
    bucket: str,
    *,
    prefix: str = "",
    delimiter: str = "",
    start_after: str = "",
    continuation_token: str = "",
    page_size: int = MAX_PAGE_SIZE,
) -> Iterator[ObjectPage]:
    """Every page of ListObjectsV2 from the given position, one request per page asked for.

    Arguments are checked now, before any request.
    """
    check_bucket(bucket)
    check_page_size(page_size)
    return _object_pages(
        fetch, bucket, prefix, delimiter, start_after, continuation_token, page_size
    )


def _object_pages(
    fetch: Fetch,
    bucket: str,
    prefix: str,
    delimiter: str,
    start_after: str,
    continuation_token: str,
    page_size: int,
) -> Iterator[ObjectPage]:
    while True:
        page = object_page(
            fetch,
            bucket,
            prefix=prefix,
            delimiter=delimiter,
            start_after=start_after,
            continuation_token=continuation_token,
            page_size=page_size,
        )
        if page.is_truncated and page.next_continuation_token == continuation_token:
            raise _stuck("ListObjectsV2", continuation_token)
        yield page
        if not page.is_truncated:
            return
        assert page.next_continuation_token is not None  # the parser guarantees it
        continuation_token = page.next_continuation_token


# -- ListObjectVersions ---------------------------------------------------------------------------


def version_page(
    fetch: Fetch,
    bucket: str,
    *,
    prefix: str = "",
    delimiter: str = "",
    key_marker: str = "",
    version_id_marker: str = "",
    page_size: int,
) -> VersionPage:
    """One page of ListObjectVersions with ``encoding-type=url``."""
    check_bucket(bucket)
    if version_id_marker and not key_marker:
        raise InputError("version_id_marker", "needs a key_marker")
    query: list[tuple[str, str]] = []
    if delimiter:
        query.append(("delimiter", delimiter))
    query.append(("encoding-type", "url"))
    if key_marker:
        query.append(("key-marker", key_marker))
    query.append(("max-keys", str(check_page_size(page_size))))
    if prefix:
        query.append(("prefix", prefix))
    if version_id_marker:
        query.append(("version-id-marker", version_id_marker))
    query.append(("versions", ""))
    return _parsed(
        "ListObjectVersions", parse_list_object_versions, fetch("ListObjectVersions", bucket, query)
    )


def version_pages(
    fetch: Fetch,
    bucket: str,
    *,
    prefix: str = "",
    delimiter: str = "",
    key_marker: str = "",
    version_id_marker: str = "",
    page_size: int = MAX_PAGE_SIZE,
) -> Iterator[VersionPage]:
    """Every page of ListObjectVersions from the given markers; arguments checked now."""
    check_bucket(bucket)
    check_page_size(page_size)
    if version_id_marker and not key_marker:
        raise InputError("version_id_marker", "needs a key_marker")
    return _version_pages(
        fetch, bucket, prefix, delimiter, key_marker, version_id_marker, page_size
    )


def _version_pages(
    fetch: Fetch,
    bucket: str,
    prefix: str,
    delimiter: str,
    key_marker: str,
    version_id_marker: str,
    page_size: int,
) -> Iterator[VersionPage]:
    while True:
        page = version_page(
            fetch,
            bucket,
            prefix=prefix,
            delimiter=delimiter,
            key_marker=key_marker,
            version_id_marker=version_id_marker,
            page_size=page_size,
        )
        position = (page.next_key_marker or "", page.next_version_id_marker or "")
        if page.is_truncated and position == (key_marker, version_id_marker):
            raise _stuck("ListObjectVersions", position)
        yield page
        if not page.is_truncated:
            return
        key_marker, version_id_marker = position


def key_version_pages(
    fetch: Fetch,
    bucket: str,
    key: str,
    *,
    key_marker: str = "",
    version_id_marker: str = "",
    page_size: int = MAX_PAGE_SIZE,
) -> Iterator[VersionPage]:
    """The versions and delete markers of exactly ``key``, page by page.

    ListObjectVersions can only filter by prefix, and the prefix ``toto`` also matches
    ``toto-1`` and ``toto-10``. Each page keeps only the entries whose key equals ``key``.
    Listings are in key order and ``key`` sorts before every longer key it prefixes, so the
    first entry with another key ends the listing: no page of another key's versions is
    fetched, and a page that ends exactly at the last version of ``key`` costs one more
    request only when the server says more follow.

    ``key_marker`` / ``version_id_marker`` resume from a page's ``next_*`` markers.
    """
    if not key:
        raise InputError("key", "is required")
    return _only_key(
        key,
        version_pages(
            fetch,
            bucket,
            prefix=key,
            key_marker=key_marker,
            version_id_marker=version_id_marker,
            page_size=page_size,
        ),
    )


def _only_key(key: str, pages: Iterator[VersionPage]) -> Iterator[VersionPage]:
    for page in pages:
        mine = tuple(v for v in page.versions if v.key == key)
        done = len(mine) < len(page.versions) or not page.is_truncated
        yield VersionPage(
            bucket=page.bucket,
            prefix=page.prefix,
            delimiter=page.delimiter,
            versions=mine,
            prefixes=(),
            is_truncated=not done,
            next_key_marker=None if done else page.next_key_marker,
            next_version_id_marker=None if done else page.next_version_id_marker,
            key_marker=page.key_marker,
            version_id_marker=page.version_id_marker,
            max_keys=page.max_keys,
            request_id=page.request_id,
        )
        if done:
            return
