"""Deriving the next probe from a result: a stale ETag, the form text of a request.

Pure functions, shared by the quick actions and the history.
"""

from __future__ import annotations

from datetime import datetime

from ossbrowse.oss.httpdates import format_http_date
from ossbrowse.oss.results import HeadRequest


def stale_etag(etag: str) -> str:
    """An ETag of the same shape that differs from ``etag`` in its first character."""
    start = etag.find('"') + 1
    for i in range(start, len(etag)):
        if etag[i].isalnum():
            return etag[:i] + ("1" if etag[i] == "0" else "0") + etag[i + 1 :]
    return '"0"' if etag != '"0"' else '"1"'


def form_values(request: HeadRequest) -> dict[str, str]:
    """The form's text for ``request`` (keyed by core name), as the user would type it."""

    def date(value: datetime | None) -> str:
        return format_http_date(value) if value is not None else ""

    return {
        "bucket": request.bucket,
        "key": request.key,
        "version_id": request.version_id or "",
        "if_match": request.if_match or "",
        "if_none_match": request.if_none_match or "",
        "if_modified_since": date(request.if_modified_since),
        "if_unmodified_since": date(request.if_unmodified_since),
    }
