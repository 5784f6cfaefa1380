"""The listing operations of the client: buckets, objects, versions, versions of one key.

Each returns an iterator over pages that sends one request per page, when the caller asks for
the page, so a listing of any size is never held in memory and the first page can be shown as
soon as it arrives. Arguments are checked when the method is called (InputError naming the
field, nothing sent). A failed page raises :class:`~ossbrowse.oss.paging.ListingFailed`: an
OSS error decoded like a HEAD error (NoSuchBucket, AccessDenied, a wrong region...), no answer,
or an answer that is not a listing.

The iterators are plain synchronous ones: a UI runs ``next(pages)`` in a worker thread; the
one request path (signing, retries, timeouts, redaction) is the client's ``_fetch_listing``.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import paging
from .listing import MAX_PAGE_SIZE, BucketPage, ObjectPage, VersionPage
from .paging import Query, Response


class ListOperations:
    """Mixed into the client, which supplies ``_fetch_listing`` (one signed GET)."""

    def _fetch_listing(self, operation: str, bucket: str | None, query: Query) -> Response:
        """Send one signed GET of ``bucket`` (None: the service) with ``query``.

        Returns the 2xx body (size-capped) and request id; raises ListingFailed otherwise.
        """
        raise NotImplementedError

    def list_buckets(
        self, *, prefix: str = "", marker: str = "", page_size: int = MAX_PAGE_SIZE
    ) -> Iterator[BucketPage]:
        """ListBuckets, page by page (names after ``marker``, starting with ``prefix``)."""
        return paging.bucket_pages(
            self._fetch_listing, prefix=prefix, marker=marker, page_size=page_size
        )

    def list_objects_v2(
        self,
        bucket: str,
        *,
        prefix: str = "",
        delimiter: str = "",
        start_after: str = "",
        continuation_token: str = "",
        page_size: int = MAX_PAGE_SIZE,
    ) -> Iterator[ObjectPage]:
        """ListObjectsV2, page by page; ``delimiter="/"`` for one level with folders.

        ``continuation_token`` resumes from a page's ``next_continuation_token``.
        """
        return paging.object_pages(
            self._fetch_listing,
            bucket,
            prefix=prefix,
            delimiter=delimiter,
            start_after=start_after,
            continuation_token=continuation_token,
            page_size=page_size,
        )

    def list_object_versions(
        self,
        bucket: str,
        *,
        prefix: str = "",
        delimiter: str = "",
        key_marker: str = "",
        version_id_marker: str = "",
        page_size: int = MAX_PAGE_SIZE,
    ) -> Iterator[VersionPage]:
        """ListObjectVersions, page by page: versions and delete markers in listed order."""
        return paging.version_pages(
            self._fetch_listing,
            bucket,
            prefix=prefix,
            delimiter=delimiter,
            key_marker=key_marker,
            version_id_marker=version_id_marker,
            page_size=page_size,
        )

    def list_key_versions(
        self,
        bucket: str,
        key: str,
        *,
        key_marker: str = "",
        version_id_marker: str = "",
        page_size: int = MAX_PAGE_SIZE,
    ) -> Iterator[VersionPage]:
        """The versions and delete markers of exactly ``key`` (not of keys it prefixes)."""
        return paging.key_version_pages(
            self._fetch_listing,
            bucket,
            key,
            key_marker=key_marker,
            version_id_marker=version_id_marker,
            page_size=page_size,
        )
