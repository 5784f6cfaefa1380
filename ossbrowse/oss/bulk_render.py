"""Bulk HEAD results as text: one JSON record per object (jsonl), aligned rows (raw), a summary.

A bulk record is the short form of a HEAD result: what a script sorting thousands of objects
needs (status, outcome, ETag, size, type, storage class, how each condition fared, why it
failed) plus every response header, on one line. The single-object ``--output-format json``
keeps the long form with the explanations.

Keys and header values are data: JSON lines keep them exact with the characters a terminal
would act on written as JSON escapes; raw rows show them as visible escapes
(:mod:`ossbrowse.oss.safetext`).
"""

from __future__ import annotations

import json
from typing import Any

from .bulk import BulkSummary
from .location import format_oss_uri
from .redact import SECRET_HEADERS, redact_header
from .results import HeadResult, Outcome
from .safetext import escape_unsafe, escape_unsafe_json

__all__ = ["jsonl_line", "raw_header", "raw_row", "record", "summary_lines"]

_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def _size(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def record(result: HeadResult) -> dict[str, Any]:
    """The JSON record of one HEAD in a bulk run (fields documented in the README).

    The client has masked its secrets in the result's header values; headers secret by their
    name are hidden here too.
    """
    headers: dict[str, str] = {}
    for name, value in result.headers:
        lower = name.lower()
        if lower in SECRET_HEADERS:  # the only names redact_header changes a value for
            value = redact_header(name, value)
        joined = headers.get(lower)
        headers[lower] = value if joined is None else f"{joined}, {value}"
    request = result.request
    return {
        "key": request.key,
        "uri": format_oss_uri(request.bucket, request.key),
        "status": result.status,
        "outcome": result.outcome.value,
        "etag": result.etag,
        "last_modified": result.last_modified,
        "size": _size(headers.get("content-length")),
        "content_type": headers.get("content-type"),
        "storage_class": headers.get("x-oss-storage-class"),
        "version_id": result.version_id,
        "conditions": {check.header: check.verdict.value for check in result.conditions},
        "summary": result.summary,
        "error": None if result.error is None else result.error.code,
        "failure": None if result.failure is None else result.failure.kind,
        "request_id": result.request_id,
        "elapsed_ms": round(result.elapsed_ms, 1),
        "reused": result.connection_reused,
        "retries": result.retries,
        "headers": headers,
    }


def jsonl_line(result: HeadResult) -> str:
    """One line: the record, non-ASCII kept as is, unsafe characters escaped."""
    return escape_unsafe_json(_ENCODER.encode(record(result)))


def raw_header() -> str:
    """The column header of the raw table."""
    return f"{'Status':<7}{'Outcome':<20} {'Size(B)':>12}  {'ETAG':<38}{'ms':>8}  Object"


def raw_row(result: HeadResult) -> str:
    """One aligned row: status, outcome, size, ETag, network time, ``oss://bucket/key``."""
    status = str(result.status) if result.status is not None else "-"
    outcome = result.outcome.value
    if result.failure is not None:
        outcome = f"{outcome}:{result.failure.kind}"
    elif result.error is not None and result.outcome is Outcome.ERROR:
        outcome = f"{outcome}:{result.error.code}"
    size = result.header("content-length") or "-"
    etag = (result.etag or "-").strip('"')
    uri = format_oss_uri(result.request.bucket, result.request.key)
    row = f"{status:<7}{outcome:<20} {size:>12}  {etag:<38}{result.elapsed_ms:>8.1f}  {uri}"
    return escape_unsafe(row)


def summary_lines(summary: BulkSummary, location: str) -> list[str]:
    """The closing summary: how many objects, how each ended, and whether the run was whole."""
    counts = summary.counts
    rate = summary.done / summary.elapsed_s if summary.elapsed_s > 0 else 0.0
    lines = [
        f"{summary.done} of {summary.listed} listed objects under {location} HEADed "
        f"in {summary.elapsed_s:.1f} s ({rate:.0f}/s): "
        f"{counts[Outcome.OK]} 200, {counts[Outcome.NOT_MODIFIED]} 304, "
        f"{counts[Outcome.PRECONDITION_FAILED]} 412, {counts[Outcome.NOT_FOUND]} 404, "
        f"{summary.failed} failed"
    ]
    if summary.failed:
        lines.append(
            f"  failed: {counts[Outcome.ERROR]} other error statuses, "
            f"{counts[Outcome.NO_ANSWER]} without an answer"
        )
    if summary.listing_failure is not None:
        lines.append(f"  the listing stopped early: {summary.listing_failure}")
    if summary.interrupted:
        lines.append("  interrupted: objects not yet HEADed were left out")
    return [escape_unsafe(line) for line in lines]
