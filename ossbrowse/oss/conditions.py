"""Conditional HEAD: building the request, its If-* headers, and evaluating them server side.

* the client side turns user input into a validated :class:`HeadRequest` and its If-* headers;
* the server side (:func:`evaluate_preconditions`, used by the emulator) applies RFC 7232 §6.

The pieces it is built from live next door, and callers import them from there: HTTP dates in
:mod:`ossbrowse.oss.httpdates`, ETags in :mod:`ossbrowse.oss.etags`, and the per-condition
explanation of an outcome in :mod:`ossbrowse.oss.explain`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from ossbrowse.oss.etags import (
    if_match_passes,
    if_none_match_passes,
    normalize_etag,
    parse_etag,
)
from ossbrowse.oss.httpdates import (
    format_http_date,
    parse_http_date,
    read_date_input,
    whole_seconds,
)
from ossbrowse.oss.results import HeadRequest
from ossbrowse.oss.validation import (
    InputError,
    InputErrors,
    check_bucket,
    check_key,
    check_version_id,
    key_notes,
)

__all__ = [
    "REQUEST_FIELDS",
    "build_head_request",
    "evaluate_preconditions",
    "request_headers",
]

_T = TypeVar("_T")

REQUEST_FIELDS = (
    "bucket",
    "key",
    "version_id",
    "if_match",
    "if_none_match",
    "if_modified_since",
    "if_unmodified_since",
)
"""The fields of a probe as :func:`build_head_request` names them (the form, the flags, the
history all use these names)."""


def build_head_request(
    *,
    bucket: str,
    key: str,
    version_id: str = "",
    if_match: str = "",
    if_none_match: str = "",
    if_modified_since: str = "",
    if_unmodified_since: str = "",
) -> HeadRequest:
    """Validate every field and build a :class:`HeadRequest`.

    An empty (or all-blank) optional field means "not set". Raises :class:`InputErrors` listing
    every bad field at once, so a form can mark them all.
    """
    errors: list[InputError] = []

    def attempt(fn: Callable[..., _T], *args: str) -> _T | None:
        try:
            return fn(*args)
        except InputError as exc:
            errors.append(exc)
            return None

    notes: list[str] = []

    def date(text: str, field: str, label: str) -> datetime | None:
        if not text.strip():
            return None
        read = attempt(read_date_input, text, field)
        if read is None:
            return None
        value, date_notes = read
        notes.extend(f"{label}: {note} (sent as {format_http_date(value)})." for note in date_notes)
        return value

    attempt(check_bucket, bucket)
    if attempt(check_key, key) is not None:
        notes.extend(f"Key: {note}." for note in key_notes(key))
    vid = attempt(check_version_id, version_id) if version_id else None
    im = attempt(normalize_etag, if_match, "if_match") if if_match.strip() else None
    inm = attempt(normalize_etag, if_none_match, "if_none_match") if if_none_match.strip() else None
    ims = date(if_modified_since, "if_modified_since", "If-Modified-Since")
    ius = date(if_unmodified_since, "if_unmodified_since", "If-Unmodified-Since")
    if errors:
        raise InputErrors(errors)
    return HeadRequest(
        bucket=bucket,
        key=key,
        version_id=vid or None,
        if_match=im,
        if_none_match=inm,
        if_modified_since=ims,
        if_unmodified_since=ius,
        notes=tuple(notes),
    )


def request_headers(request: HeadRequest) -> dict[str, str]:
    """The conditional headers to send for ``request``, in RFC 7232 evaluation order."""
    headers: dict[str, str] = {}
    if request.if_match is not None:
        headers["If-Match"] = request.if_match
    if request.if_unmodified_since is not None:
        headers["If-Unmodified-Since"] = format_http_date(request.if_unmodified_since)
    if request.if_none_match is not None:
        headers["If-None-Match"] = request.if_none_match
    if request.if_modified_since is not None:
        headers["If-Modified-Since"] = format_http_date(request.if_modified_since)
    return headers


def evaluate_preconditions(
    *,
    etag: str,
    last_modified: datetime,
    if_match: str | None,
    if_none_match: str | None,
    if_modified_since: str | None,
    if_unmodified_since: str | None,
) -> int:
    """Evaluate the If-* headers of a GET/HEAD against an existing object: 200, 304 or 412.

    RFC 7232 §6 order: If-Match (strong comparison) → 412, and its presence masks
    If-Unmodified-Since; else If-Unmodified-Since → 412; then If-None-Match (weak comparison)
    → 304, and its presence masks If-Modified-Since; else If-Modified-Since → 304. A date that
    is not a valid HTTP-date is ignored. An If-Modified-Since equal to or later than
    Last-Modified gives 304, future dates included, as OSS does. Times compare in whole seconds.
    """
    object_tag = parse_etag(etag)
    modified = whole_seconds(last_modified)
    if if_match is not None:
        if not if_match_passes(if_match, object_tag):
            return 412
    elif if_unmodified_since is not None:
        limit = parse_http_date(if_unmodified_since)
        if limit is not None and modified > limit:
            return 412
    if if_none_match is not None:
        if not if_none_match_passes(if_none_match, object_tag):
            return 304
    elif if_modified_since is not None:
        since = parse_http_date(if_modified_since)
        if since is not None and modified <= since:
            return 304
    return 200
