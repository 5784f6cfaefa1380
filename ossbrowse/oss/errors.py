"""Reading what went wrong: OSS error answers and requests that got no answer at all.

:func:`decode_service_error` turns an error response into a :class:`ServiceError`. A HEAD
answer has no body, so OSS puts the XML error document base64-encoded in ``x-oss-err`` next to
``x-oss-ec`` (oss-protocol.md §3). Everything in it comes from the network and may be hostile:
the document is size-capped, parsed with defusedxml with DTDs and entities forbidden, and every
string is cleaned of control characters and secrets. It never raises; what could not be read is
said in ``decode_problem``.

:func:`transport_failure` turns an httpx/OS exception into a :class:`TransportFailure` with one
line a person can act on.
"""

from __future__ import annotations

import base64
import binascii
import re
import socket
import ssl
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

import httpx
from defusedxml import ElementTree as SafeElementTree

from ossbrowse.oss.conditions import parse_http_date
from ossbrowse.oss.redact import REDACTED, redact_text, redact_url
from ossbrowse.oss.results import ServiceError, TransportFailure

MAX_DOCUMENT_BYTES = 64 * 1024
"""Largest error document read, decoded. Real ones are under 2 KiB."""
MAX_FIELD_CHARS = 8 * 1024
"""Longest value kept for one element or header; longer ones are cut with "…"."""
MAX_FIELDS = 200
"""Most elements kept from one document."""
BAD_ERROR_RESPONSE = "BadErrorResponse"
"""The code used when no error document could be read (as the official SDKs do)."""

_WRONG_REGION_EC = "0002-00000226"  # "Invalid signing region in Authorization header."
_SKEW_EC = "0002-00000504"
_REGION_ELEMENTS = ("ExpectedRegion", "Region", "BucketRegion", "CorrectRegion")
_REGION_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_EXPECTED_PHRASE_RE = re.compile(
    r"(?:expect(?:ed|ing|s)?|should be|correct region is|bucket is in)\s*"
    r"(?:the\s+)?(?:region\s*)?(?:is\s*)?[:=]?\s*['\"`]?(?:oss-)?([a-z]{2}[a-z0-9-]*[a-z0-9])",
    re.IGNORECASE,
)
_ENDPOINT_REGION_RE = re.compile(
    r"(?:^|[./])oss-([a-z]{2}[a-z0-9-]*?)(?:-internal)?\.aliyuncs\.com", re.IGNORECASE
)
_SENSITIVE_ELEMENTS = frozenset({"securitytoken", "x-oss-security-token", "accesskeysecret"})
# C0 controls except tab and newline, DEL, and C1 controls: a terminal may act on them.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# ---------------------------------------------------------------------------------------------
# Service errors
# ---------------------------------------------------------------------------------------------


def _header(headers: Any, name: str) -> str | None:
    """A header value by name, case-insensitively, from httpx.Headers, a mapping or pairs."""
    if headers is None:
        return None
    if isinstance(headers, httpx.Headers):
        return headers.get(name)
    items: Iterable[tuple[Any, Any]] = headers.items() if isinstance(headers, Mapping) else headers
    lower = name.lower()
    for key, value in items:
        key_text = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if key_text.lower() == lower:
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


def _clean(text: str | None, *, multiline: bool = False) -> str | None:
    """Make a value from the network safe to show: no control characters, bounded, no secrets."""
    if text is None:
        return None
    if not multiline:
        text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    text = _CONTROL_RE.sub("", text)
    if len(text) > MAX_FIELD_CHARS:
        text = text[:MAX_FIELD_CHARS] + "…"
    return redact_text(text)


def _b64decode(value: str) -> bytes | None:
    compact = re.sub(r"\s+", "", value)
    if not compact.isascii():
        return None
    compact += "=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        pass
    if re.fullmatch(r"[A-Za-z0-9_-]*=*", compact):  # the URL-safe alphabet
        try:
            return base64.urlsafe_b64decode(compact)
        except (binascii.Error, ValueError):
            return None
    return None


def _body_document(body: bytes | str | None) -> tuple[bytes | None, str | None]:
    """The body as an error document, or why it cannot be one."""
    if not body:
        return None, None
    raw = body.encode("utf-8", "replace") if isinstance(body, str) else bytes(body)
    if len(raw) > MAX_DOCUMENT_BYTES:
        return None, (
            f"the response body is {len(raw)} bytes, larger than the "
            f"{MAX_DOCUMENT_BYTES // 1024} KiB read; it was not decoded (too large)"
        )
    return raw, None


def _header_document(headers: Any) -> tuple[bytes | None, str | None]:
    """The decoded ``x-oss-err`` header, or why it cannot be decoded (None, None if absent)."""
    encoded = _header(headers, "x-oss-err")
    if encoded is None:
        return None, None
    # base64 grows data by 4/3: check the encoded size before decoding anything.
    if len(encoded) > MAX_DOCUMENT_BYTES * 4 // 3 + 8:
        return None, (
            f"x-oss-err is {len(encoded)} characters, larger than the "
            f"{MAX_DOCUMENT_BYTES // 1024} KiB read; it was not decoded (too large)"
        )
    if not encoded.strip():
        return None, "x-oss-err is empty"
    decoded = _b64decode(encoded)
    if decoded is None:
        return None, "x-oss-err is not valid base64"
    return decoded, None


def _read_document(
    headers: Any, body: bytes | str | None
) -> tuple[list[tuple[str, str]], list[str]]:
    """The error document's elements, from the body or else ``x-oss-err``, and any problems.

    A body that is not an error document (a proxy's HTML page, say) does not hide a readable
    ``x-oss-err``.
    """
    problems: list[str] = []
    fallback: list[tuple[str, str]] = []
    for source, (data, problem) in (
        ("the body", _body_document(body)),
        ("x-oss-err", _header_document(headers)),
    ):
        if problem:
            problems.append(problem)
        if data is None:
            continue
        fields, problem = _parse_document(data, source)
        if problem:
            problems.append(problem)
        elif fields:
            return fields, problems
        fallback = fallback or fields
    return fallback, problems


def _parse_document(data: bytes, source: str) -> tuple[list[tuple[str, str]], str | None]:
    """Every child element of the error document as (tag, text), or a problem."""
    try:
        root = SafeElementTree.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except Exception as exc:  # anything from the parser means "not readable"
        name = type(exc).__name__
        if name in ("DTDForbidden", "EntitiesForbidden", "ExternalReferenceForbidden"):
            return [], f"{source} holds XML with a DTD or entities, which are refused for safety"
        reason = _clean(str(exc)) or name
        return [], f"{source} is not well-formed XML ({_short(reason, 120)})"
    fields: list[tuple[str, str]] = []
    problem = None
    tag = _local_name(root.tag)
    if tag != "Error":
        problem = (
            f"{source} is XML but not an OSS error document (root element <{_short(tag, 40)}>)"
        )
    for child in list(root)[:MAX_FIELDS]:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        name = _clean(_local_name(child.tag)) or ""
        text = "".join(child.itertext()) if len(child) else (child.text or "")
        value = REDACTED if name.lower() in _SENSITIVE_ELEMENTS else text.strip()
        fields.append((name, _clean(value, multiline=True) or ""))
    if len(root) > MAX_FIELDS:
        problem = f"{source} has {len(root)} elements; only the first {MAX_FIELDS} were read"
    return fields, problem


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else str(tag)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
            if m := _ENDPOINT_REGION_RE.search(text):
                candidates.append(m.group(1).lower())
    for candidate in candidates:
        if _REGION_RE.match(candidate) and candidate != region:
            return candidate
    return None


def decode_service_error(
    status: int,
    headers: Any,
    body: bytes | str | None,
    *,
    sent_at: datetime | None = None,
    our_string_to_sign: str | None = None,
    our_canonical_request: str | None = None,
    region: str | None = None,
) -> ServiceError:
    """Decode an OSS error answer; never raises.

    ``headers`` is httpx.Headers, a mapping or ``(name, value)`` pairs. The document comes from
    ``body`` when there is one, else from ``x-oss-err``. ``sent_at`` (when we signed) gives the
    clock skew for RequestTimeTooSkewed; ``our_*`` are shown next to the server's values for
    SignatureDoesNotMatch; ``region`` is the region we signed for, so a hint never repeats it.
    """
    problems: list[str] = []
    fields: list[tuple[str, str]] = []
    try:
        fields, problems = _read_document(headers, body)
    except Exception as exc:  # a decoder bug must not hide the answer itself
        problems.append(f"the error document could not be read ({type(exc).__name__})")
    first: dict[str, str] = {}
    for name, value in fields:
        first.setdefault(name, value)

    header_ec = _clean(_header(headers, "x-oss-ec"))
    header_request_id = _clean(_header(headers, "x-oss-request-id"))
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
    message = (_clean(message) or "").strip()
    ec = first.get("EC") or header_ec or None

    server_sts = first.get("StringToSign") or _string_to_sign_from_bytes(
        first.get("StringToSignBytes")
    )
    server_cr = first.get("CanonicalRequest") or None
    signature_problem = code == "SignatureDoesNotMatch" or bool(server_sts or server_cr)

    skew = None
    if code == "RequestTimeTooSkewed" or ec == _SKEW_EC:
        server_time = _parse_time(first.get("ServerTime")) or _parse_time(_header(headers, "date"))
        ours = sent_at or _parse_time(first.get("RequestTime"))
        if ours is not None and ours.tzinfo is None:
            ours = ours.replace(tzinfo=UTC)
        if server_time is not None and ours is not None:
            skew = round((server_time - ours).total_seconds(), 3)
        else:
            problems.append("the clock skew could not be computed (no server time was sent)")

    return ServiceError(
        status=status,
        code=_short(code.replace("\n", " "), 200),
        message=message,
        ec=ec,
        request_id=first.get("RequestId") or header_request_id or None,
        host_id=first.get("HostId") or None,
        recommend_doc=first.get("RecommendDoc") or None,
        fields=tuple(fields),
        server_string_to_sign=_clean(server_sts, multiline=True),
        our_string_to_sign=_clean(our_string_to_sign, multiline=True)
        if signature_problem
        else None,
        server_canonical_request=server_cr,
        our_canonical_request=(
            _clean(our_canonical_request, multiline=True) if signature_problem else None
        ),
        skew_seconds=skew,
        region_hint=_region_hint(message, ec, first, region),
        decode_problem="; ".join(problems) or None,
    )


# ---------------------------------------------------------------------------------------------
# Transport failures
# ---------------------------------------------------------------------------------------------

_DNS_WORDS = (
    "name or service not known",
    "nodename nor servname",
    "getaddrinfo failed",
    "temporary failure in name resolution",
    "no address associated",
    "name resolution",
    "no such host",
)
_URL_RE = re.compile(r"https?://[^\s'\"<>]+")


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions that caused it, outermost first (bounded, cycle-safe)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 16:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _target(exc: BaseException) -> tuple[str, str]:
    """("host", "host:port") of the request that failed, when httpx knows it."""
    try:
        url = exc.request.url  # type: ignore[attr-defined]
    except (AttributeError, RuntimeError):
        return "the server", "the server"
    host = url.host or "the server"
    port = url.port or (443 if url.scheme == "https" else 80)
    return host, f"{host}:{port}"


def _one_line(text: str, limit: int = 200) -> str:
    text = _URL_RE.sub(lambda m: redact_url(m.group(0)), text)
    text = " ".join(_CONTROL_RE.sub(" ", text).split())
    return _short(text, limit)


def _detail(chain: list[BaseException]) -> str:
    """The most specific non-empty message in the chain."""
    for item in reversed(chain):
        if isinstance(item, ssl.SSLCertVerificationError) and item.verify_message:
            return item.verify_message
        text = str(item).strip().rstrip(".")
        if text:
            return _one_line(text)
    return type(chain[0]).__name__


def _kind(exc: BaseException, chain: list[BaseException]) -> str:
    text = " ".join(str(item).lower() for item in chain)
    if any(isinstance(item, httpx.ProxyError) for item in chain):
        return "proxy"
    if any(isinstance(item, ssl.SSLError) for item in chain) or "[ssl" in text:
        return "tls"
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return "connect_timeout"
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout):
        return "read_timeout"
    if any(isinstance(item, socket.gaierror) for item in chain) or any(
        word in text for word in _DNS_WORDS
    ):
        return "dns"
    if any(isinstance(item, ConnectionRefusedError) for item in chain) or (
        "connection refused" in text or "errno 111" in text or "errno 61]" in text
    ):
        return "refused"
    if any(isinstance(item, ConnectionResetError | BrokenPipeError) for item in chain) or (
        "reset by peer" in text or "disconnected" in text or "broken pipe" in text
    ):
        return "reset"
    if isinstance(exc, httpx.TimeoutException):
        return "read_timeout"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return "reset"
    if isinstance(exc, httpx.ProtocolError):
        return "protocol"
    if isinstance(exc, TimeoutError):
        return "connect_timeout"
    return "other"


def transport_failure(exc: BaseException) -> TransportFailure:
    """Name a request that got no HTTP answer, in one line a person can act on.

    Kinds: ``dns``, ``refused``, ``connect_timeout``, ``read_timeout``, ``tls``, ``reset``,
    ``proxy``, ``protocol``, ``other``. The message never contains a secret.
    """
    chain = _chain(exc)
    kind = _kind(exc, chain)
    host, where = _target(exc)
    detail = _detail(chain)
    cert_error = next((e for e in chain if isinstance(e, ssl.SSLCertVerificationError)), None)
    if isinstance(exc, httpx.WriteTimeout):
        message = f"Timed out sending the request to {where} — try a larger --read-timeout."
    elif isinstance(exc, httpx.PoolTimeout):
        message = "Timed out waiting for a free connection — too many requests at once."
    else:
        message = {
            "dns": f"Cannot resolve {host} (DNS lookup failed: {detail}) — check the endpoint "
            "or region spelling and the network.",
            "refused": f"Connection refused by {where} — is the endpoint right and the service "
            "running?",
            "connect_timeout": f"Timed out connecting to {where} — the host may be unreachable "
            "or a firewall drops the traffic (try a larger --connect-timeout).",
            "read_timeout": f"Connected to {where}, but no answer came in time — the server is "
            "slow or stuck (try a larger --read-timeout).",
            "tls": (
                f"The TLS certificate of {host} could not be verified ({detail}) — check the "
                "endpoint; use --skip-verify-cert only for a server you trust."
                if cert_error is not None
                else f"TLS handshake with {where} failed ({detail})."
            ),
            "reset": f"The connection to {where} was closed before the answer was complete "
            f"({detail}) — the server or something in between dropped it.",
            "proxy": f"The proxy failed the request to {where} ({detail}) — check --proxy or "
            "the HTTP(S)_PROXY environment variables.",
            "protocol": f"{where} did not answer with valid HTTP ({detail}).",
            "other": f"The request to {where} failed: {detail}.",
        }[kind]
    return TransportFailure(kind=kind, message=redact_text(_one_line(message, 400)))
