"""Reading what went wrong when OSS answered with an error.

:func:`decode_service_error` turns an error response into a :class:`ServiceError`: the code,
message and ids, the clock skew for RequestTimeTooSkewed, both sides of a signature mismatch,
and the region to use when the error names it. The error document itself is read safely by
:mod:`ossbrowse.oss.error_document`. It never raises; what could not be read is said in
``decode_problem``. Requests that got no answer at all are described by
:mod:`ossbrowse.oss.transport_errors`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from ossbrowse.oss.addressing import region_in_text
from ossbrowse.oss.error_document import clean, header_value, read_document
from ossbrowse.oss.httpdates import parse_http_date
from ossbrowse.oss.redact import NO_SECRETS, Redactor
from ossbrowse.oss.results import ServiceError
from ossbrowse.oss.safetext import shorten

__all__ = [
    "BAD_ERROR_RESPONSE",
    "ERROR_MEANINGS",
    "decode_service_error",
    "error_headline",
]

BAD_ERROR_RESPONSE = "BadErrorResponse"
"""The code used when no error document could be read (as the official SDKs do)."""

ERROR_MEANINGS = {
    "NoSuchBucket": "the bucket does not exist",
    "NoSuchKey": "there is no such key in this bucket",
    "NoSuchVersion": "there is no such version of this key",
}
"""What the 404 codes of a HEAD mean, in words: they tell apart three different mistakes."""

_WRONG_REGION_EC = "0002-00000226"  # "Invalid signing region in Authorization header."
_SKEW_EC = "0002-00000504"
_REGION_ELEMENTS = ("ExpectedRegion", "Region", "BucketRegion", "CorrectRegion")
_REGION_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_EXPECTED_PHRASE_RE = re.compile(
    r"(?:expect(?:ed|ing|s)?|should be|correct region is|bucket is in)\s*"
    r"(?:the\s+)?(?:region\s*)?(?:is\s*)?[:=]?\s*['\"`]?(?:oss-)?([a-z]{2}[a-z0-9-]*[a-z0-9])",
    re.IGNORECASE,
)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    parsed = parse_http_date(text)
    if parsed is not None:
        return parsed
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _string_to_sign_from_bytes(hex_text: str | None) -> str | None:
    """OSS's StringToSignBytes: the bytes in hex, usually space-separated ("4f 53 53 ...")."""
    if not hex_text:
        return None
    try:
        raw = bytes.fromhex(re.sub(r"\s+", "", hex_text))
    except ValueError:
        return None
    return raw.decode("utf-8", "replace")


def _region_hint(
    message: str, ec: str | None, fields: dict[str, str], region: str | None
) -> str | None:
    """The region the server expects, when the error says ours is wrong and names the right one."""
    candidates: list[str] = []
    for name in _REGION_ELEMENTS:
        value = fields.get(name, "").strip().lower().removeprefix("oss-")
        if value:
            candidates.append(value)
    if m := _EXPECTED_PHRASE_RE.search(message):
        candidates.append(m.group(1).lower())
    wrong_region = (
        ec == _WRONG_REGION_EC
        or bool(candidates)
        or (
            "region" in message.lower()
            and ("invalid" in message.lower() or "wrong" in message.lower())
        )
    )
    # OSS's "must be addressed using the specified endpoint" names the endpoint, not the region.
    endpoint = fields.get("Endpoint", "")
    if endpoint or wrong_region:
        for text in (endpoint, fields.get("HostId", "")):
            if found := region_in_text(text):
                candidates.append(found)
    for candidate in candidates:
        if _REGION_RE.match(candidate) and candidate != region:
            return candidate
    return None


def error_headline(error: ServiceError) -> str:
    """The error named with what it means: ``NoSuchKey: there is no such key in this bucket``.

    A code without a known meaning is named with OSS's own message.
    """
    meaning = ERROR_MEANINGS.get(error.code) or error.message.rstrip(".")
    return f"{error.code}: {meaning}" if meaning else error.code


def decode_service_error(
    status: int,
    headers: Any,
    body: bytes | str | None,
    *,
    sent_at: datetime | None = None,
    our_string_to_sign: str | None = None,
    our_canonical_request: str | None = None,
    region: str | None = None,
    redactor: Redactor = NO_SECRETS,
) -> ServiceError:
    """Decode an OSS error answer; never raises.

    ``headers`` is httpx.Headers, a mapping or ``(name, value)`` pairs. The document comes from
    ``body`` when there is one, else from ``x-oss-err``. ``sent_at`` (when we signed) gives the
    clock skew for RequestTimeTooSkewed; ``our_*`` are shown next to the server's values for
    SignatureDoesNotMatch; ``region`` is the region we signed for, so a hint never repeats it.
    ``redactor`` masks the profile's secrets in every field (a server may echo them).
    """
    problems: list[str] = []
    fields: list[tuple[str, str]] = []
    try:
        fields, problems = read_document(headers, body, redactor)
    except Exception as exc:  # a decoder bug must not hide the answer itself
        problems.append(f"the error document could not be read ({type(exc).__name__})")
    first: dict[str, str] = {}
    for name, value in fields:
        first.setdefault(name, value)

    header_ec = clean(header_value(headers, "x-oss-ec"), redactor=redactor)
    header_request_id = clean(header_value(headers, "x-oss-request-id"), redactor=redactor)
    code = first.get("Code") or ""
    message = first.get("Message") or ""
    if not code:
        code = BAD_ERROR_RESPONSE
        if not message:
            message = f"{_reason(status)} (no error details were sent)"
        if not problems:
            problems.append(
                "the response had no x-oss-err header and no body, so only the status is known"
            )
        elif not fields:
            message = f"{_reason(status)} (the error details could not be read)"
    message = (clean(message, redactor=redactor) or "").strip()
    ec = first.get("EC") or header_ec or None

    server_sts = first.get("StringToSign") or _string_to_sign_from_bytes(
        first.get("StringToSignBytes")
    )
    server_cr = first.get("CanonicalRequest") or None
    signature_problem = code == "SignatureDoesNotMatch" or bool(server_sts or server_cr)

    skew = None
    if code == "RequestTimeTooSkewed" or ec == _SKEW_EC:
        server_time = _parse_time(first.get("ServerTime")) or _parse_time(
            header_value(headers, "date")
        )
        ours = sent_at or _parse_time(first.get("RequestTime"))
        if ours is not None and ours.tzinfo is None:
            ours = ours.replace(tzinfo=UTC)
        if server_time is not None and ours is not None:
            skew = round((server_time - ours).total_seconds(), 3)
        else:
            problems.append("the clock skew could not be computed (no server time was sent)")

    return ServiceError(
        status=status,
        code=shorten(code.replace("\n", " "), 200),
        message=message,
        ec=ec,
        request_id=first.get("RequestId") or header_request_id or None,
        host_id=first.get("HostId") or None,
        recommend_doc=first.get("RecommendDoc") or None,
        fields=tuple(fields),
        server_string_to_sign=clean(server_sts, multiline=True, redactor=redactor),
        our_string_to_sign=(
            clean(our_string_to_sign, multiline=True, redactor=redactor)
            if signature_problem
            else None
        ),
        server_canonical_request=server_cr,
        our_canonical_request=(
            clean(our_canonical_request, multiline=True, redactor=redactor)
            if signature_problem
            else None
        ),
        skew_seconds=skew,
        region_hint=_region_hint(message, ec, first, region),
        decode_problem="; ".join(problems) or None,
    )
