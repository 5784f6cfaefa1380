"""Turn a :class:`HeadResult` into what ``ossbrowse head`` prints: raw text, JSON or YAML.

The three formats are built from one dictionary (:func:`result_to_dict`), so they never
disagree, and every string in it has been through the redactor. :func:`group_headers` is
shared with the TUI so both front ends name things the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from ossbrowse.oss.httpdates import format_http_date
from ossbrowse.oss.redact import NO_SECRETS, Redactor
from ossbrowse.oss.results import HeadRequest, HeadResult, PreparedHead, ServiceError
from ossbrowse.oss.safetext import escape_unsafe, escape_unsafe_json

SERVICE_GROUP = "Response / service"
"""The group of response headers about this answer rather than the object: which server
answered, when, under which request id, on which connection. (They are response headers like
all the others; none of them is a header we sent.)"""
HEADER_GROUPS = ("HTTP", "OSS system", "User metadata", SERVICE_GROUP)
# Headers about the exchange rather than the object: who answered, when, on which connection.
_SERVICE_HEADERS = frozenset(
    {
        "x-oss-request-id",
        "x-oss-server-time",
        "date",
        "server",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "via",
    }
)


def header_group(name: str) -> str:
    """The group of one response header: one of :data:`HEADER_GROUPS`."""
    # Header meanings load with the first result rendered, not with a dry run.
    from ossbrowse.oss.meaning import is_persistent_header

    lower = name.lower()
    if lower.startswith("x-oss-meta-") or is_persistent_header(lower):
        # Headers kept with x-oss-persistent-headers come back under their own names.
        return "User metadata"
    if lower in _SERVICE_HEADERS:
        return SERVICE_GROUP
    if lower.startswith("x-oss-"):
        return "OSS system"
    return "HTTP"


def group_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Headers grouped as HTTP, OSS system, User metadata, Response / service.

    Empty groups are left out; order inside a group is the order received.
    """
    groups: dict[str, list[tuple[str, str]]] = {group: [] for group in HEADER_GROUPS}
    for name, value in headers:
        groups[header_group(name)].append((name, value))
    return [(group, items) for group, items in groups.items() if items]


def _request_dict(request: HeadRequest) -> dict[str, Any]:
    def date(value: Any) -> str | None:
        return None if value is None else format_http_date(value)

    return {
        "bucket": request.bucket,
        "key": request.key,
        "version_id": request.version_id,
        "if_match": request.if_match,
        "if_none_match": request.if_none_match,
        "if_modified_since": date(request.if_modified_since),
        "if_unmodified_since": date(request.if_unmodified_since),
    }


def _error_dict(error: ServiceError) -> dict[str, Any]:
    return {
        "status": error.status,
        "code": error.code,
        "message": error.message,
        "ec": error.ec,
        "request_id": error.request_id,
        "host_id": error.host_id,
        "recommend_doc": error.recommend_doc,
        "server_string_to_sign": error.server_string_to_sign,
        "our_string_to_sign": error.our_string_to_sign,
        "server_canonical_request": error.server_canonical_request,
        "our_canonical_request": error.our_canonical_request,
        "skew_seconds": error.skew_seconds,
        "region_hint": error.region_hint,
        "decode_problem": error.decode_problem,
        "fields": [[name, value] for name, value in error.fields],
    }


def _scrub(value: Any, redactor: Redactor) -> Any:
    """Every string through the redactor, tuples as lists (YAML's safe dumper wants lists)."""
    if isinstance(value, str):
        return redactor.text(value)
    if isinstance(value, dict):
        return {key: _scrub(item, redactor) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item, redactor) for item in value]
    return value


def result_to_dict(
    result: HeadResult, *, now: datetime | None = None, redactor: Redactor = NO_SECRETS
) -> dict[str, Any]:
    """The whole result as plain JSON/YAML-ready data; the basis of every output format.

    The client already masked its secrets in the result; ``redactor`` (the client's) masks them
    once more in everything written, the typed request included.

    ``explained`` says what each OSS header means for the object at ``now`` (default: the
    current time), e.g. how long a restored Archive copy stays readable.
    """
    from ossbrowse.oss.meaning import etag_kind, explain_headers  # not needed by a dry run

    # Response headers carry no credential of ours, but a secret echoed back (or a header the
    # redactor knows is secret) must still not be shown.
    header_pairs = [(name, redactor.header(name, value)) for name, value in result.headers]
    headers: dict[str, str] = {}
    spelled: dict[str, str] = {}  # lower-case name -> first spelling seen
    for name, value in header_pairs:
        key = spelled.setdefault(name.lower(), name)
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    data: dict[str, Any] = {
        "status": result.status,
        "outcome": result.outcome.value,
        "etag": result.etag,
        "etag_kind": etag_kind(result.etag) or None,
        "version_id": result.version_id,
        "request_id": result.request_id,
        "last_modified": result.last_modified,
        "url": redactor.url(result.url),
        "request": _request_dict(result.request),
        "headers": headers,
        "headers_list": [[name, value] for name, value in header_pairs],
        "conditions": [
            {
                "header": check.header,
                "sent": check.sent,
                "object_value": check.object_value,
                "rule": check.rule,
                "verdict": check.verdict.value,
                "explanation": check.explanation,
            }
            for check in result.conditions
        ],
        "summary": result.summary,
        "error": None if result.error is None else _error_dict(result.error),
        "failure": (
            None
            if result.failure is None
            else {"kind": result.failure.kind, "message": result.failure.message}
        ),
        "elapsed_ms": round(result.elapsed_ms, 1),
        "retries": result.retries,
        "attempts": [
            {
                "number": attempt.number,
                "status": attempt.status,
                "failure": attempt.failure,
                "elapsed_ms": round(attempt.elapsed_ms, 1),
                "waited_ms": round(attempt.waited_ms, 1),
            }
            for attempt in result.attempts
        ],
        "warnings": list(result.warnings),
        "sign_version": result.sign_version,
        "explained": [
            meaning.to_dict()
            for meaning in explain_headers(header_pairs, now=now or datetime.now(UTC))
        ],
    }
    scrubbed: dict[str, Any] = _scrub(data, redactor)
    return scrubbed


def render_json(
    result: HeadResult, *, now: datetime | None = None, redactor: Redactor = NO_SECRETS
) -> str:
    """One JSON object (indent 2, UTF-8 text kept as is)."""
    return _json_text(result_to_dict(result, now=now, redactor=redactor))


def render_yaml(
    result: HeadResult, *, now: datetime | None = None, redactor: Redactor = NO_SECRETS
) -> str:
    """The same data as YAML, unsafe characters escaped inside double-quoted strings."""
    return _yaml_text(result_to_dict(result, now=now, redactor=redactor))


def _yaml_text(data: Any) -> str:
    # yaml is imported only when YAML is asked for: every other output starts without it.
    from ossbrowse.oss.yaml_text import dump_yaml

    return dump_yaml(data)


def _json_text(data: Any) -> str:
    return escape_unsafe_json(json.dumps(data, indent=2, ensure_ascii=False))


def _safe(text: object) -> str:
    """One line of raw output under the control-character policy (a newline inside a value
    cannot forge a line of output)."""
    return escape_unsafe(str(text))


def _status_line(data: dict[str, Any]) -> str:
    retries = data["retries"]
    plural = "retry" if retries == 1 else "retries"
    tail = f"({data['outcome']}, {data['elapsed_ms']:.1f} ms, {retries} {plural})"
    status = data["status"]
    if status is None:
        return f"No answer  {tail}"
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"HTTP {status}{' ' + phrase if phrase else ''}  {tail}"


def _block(label: str, text: str) -> list[str]:
    return [f"  {label}:", *(f"    {line}" for line in text.split("\n"))]


def _string_to_sign_lines(error: dict[str, Any]) -> list[str]:
    ours, theirs = error["our_string_to_sign"], error["server_string_to_sign"]
    lines: list[str] = []
    if theirs is not None:
        lines += _block("StringToSign (server)", theirs)
    if ours is not None:
        lines += _block("StringToSign (ours)", ours)
    if ours is not None and theirs is not None:
        if ours == theirs:
            lines.append(
                "  The strings to sign are identical: the access key secret is probably wrong."
            )
        else:
            ours_lines, their_lines = ours.split("\n"), theirs.split("\n")
            differ = next(
                (
                    i
                    for i in range(max(len(ours_lines), len(their_lines)))
                    if i >= len(ours_lines)
                    or i >= len(their_lines)
                    or ours_lines[i] != their_lines[i]
                ),
                0,
            )
            lines.append(f"  The strings to sign first differ at line {differ + 1}.")
            # In V4 they differ only by a hash: the canonical requests show why.
            for label, key in (
                ("CanonicalRequest (server)", "server_canonical_request"),
                ("CanonicalRequest (ours)", "our_canonical_request"),
            ):
                if error.get(key):
                    lines += _block(label, error[key])
    return lines


def _error_lines(error: dict[str, Any]) -> list[str]:
    lines = ["Error"]
    for label, key in (
        ("Code", "code"),
        ("Message", "message"),
        ("EC", "ec"),
        ("RequestId", "request_id"),
        ("HostId", "host_id"),
        ("RecommendDoc", "recommend_doc"),
    ):
        if error[key]:
            lines.append(f"  {label}: {error[key]}")
    lines += _string_to_sign_lines(error)
    skew = error["skew_seconds"]
    if skew is not None:
        direction = "ahead of" if skew >= 0 else "behind"
        lines.append(f"  Clock skew: the server's clock is {abs(skew):.1f} s {direction} ours")
    if error["region_hint"]:
        lines.append(f"  Region: the bucket is in {error['region_hint']}")
    if error["decode_problem"]:
        lines.append(f"  Could not read the error document: {error['decode_problem']}")
    return lines


def _condition_line(check: dict[str, Any]) -> str:
    object_value = check["object_value"] if check["object_value"] is not None else "unknown"
    return (
        f"  {check['header']}: sent {check['sent']}; object {object_value}; "
        f"{check['verdict']} - {check['explanation']}"
    )


def shown_header_value(name: str, value: str, decoded_under: str = "Error") -> str:
    """A header value as shown to a person: the base64 error document (``x-oss-err``, whatever
    the status) is named as such, and where it is shown decoded (``decoded_under``)."""
    if name.lower() == "x-oss-err" and len(value) > 60:
        return f"{value[:24]}... ({len(value)} characters of base64; decoded under {decoded_under})"
    return value


def render_raw(
    result: HeadResult, *, now: datetime | None = None, redactor: Redactor = NO_SECRETS
) -> str:
    """A readable block: status, why, the decoded error, ETag, conditions, grouped headers (each
    OSS header with what it means for the object), warnings."""
    data = result_to_dict(result, now=now, redactor=redactor)
    meanings: dict[tuple[str, str], str] = {
        (item["header"], item["value"]): item["meaning"] for item in data["explained"]
    }
    lines = [_status_line(data)]
    if data["summary"]:
        lines.append(data["summary"])
    if data["error"] is not None:
        # What OSS said comes right after the status, before the details of the exchange.
        lines += [*_error_lines(data["error"]), ""]
    lines.append(f"URL: {data['url']}")
    if data["etag"]:
        lines.append(f"ETag: {data['etag']}  ({data['etag_kind']})")
    if data["version_id"]:
        lines.append(f"Version: {data['version_id']}")
    if len(data["attempts"]) > 1:
        tries = ", ".join(
            f"#{a['number']} {a['status'] or a['failure'] or '?'}"
            + (f" after {a['waited_ms']:.0f} ms wait" if a["waited_ms"] else "")
            for a in data["attempts"]
        )
        lines.append(f"Attempts: {tries}")
    if data["conditions"]:
        lines += ["", "Conditions", *(_condition_line(c) for c in data["conditions"])]
    for group, items in group_headers(tuple(pair) for pair in data["headers_list"]):
        title = group if group == "User metadata" else f"{group} headers"
        lines += ["", title]
        for name, value in items:
            lines.append(f"  {name}: {shown_header_value(name, value)}")
            if (name, value) in meanings:
                lines.append(f"      means: {meanings[name, value]}")
    if data["failure"] is not None:
        failure = data["failure"]
        lines += ["", f"Failure ({failure['kind']}): {failure['message']}"]
    if data["warnings"]:
        lines += ["", *(f"Warning: {warning}" for warning in data["warnings"])]
    return "\n".join(_safe(line) for line in lines)


def render_dry_run(prepared: PreparedHead, output_format: str) -> str:
    """What ``--dry-run`` prints: the request, its canonical request and string to sign."""
    data = {
        "method": prepared.method,
        "url": prepared.url,
        "headers": dict(prepared.headers),
        "canonical_request": prepared.canonical_request,
        "string_to_sign": prepared.string_to_sign,
    }
    if output_format == "json":
        return _json_text(data)
    if output_format == "yaml":
        return _yaml_text(data)
    lines = [f"{prepared.method} {prepared.url}"]
    lines += [f"{name}: {value}" for name, value in prepared.headers]
    if prepared.canonical_request is not None:
        lines += ["", "Canonical request:", *prepared.canonical_request.split("\n")]
    lines += ["", "String to sign:", *(prepared.string_to_sign or "").split("\n")]
    lines += ["", "(dry run: nothing was sent)"]
    return "\n".join(_safe(line) for line in lines)
