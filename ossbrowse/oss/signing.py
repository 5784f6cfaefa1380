"""OSS request signing: V4 (OSS4-HMAC-SHA256, the default) and V1 (HMAC-SHA1).

The canonicalisation steps are pure functions of their inputs so that every one is a unit test
and the emulator can verify requests with exactly the same rules. ``OssV4Auth`` and
``OssV1Auth`` wrap them as ``httpx.Auth`` classes with an injectable clock; ``presign_v4`` and
``presign_v1`` build presigned URLs.

Rules and vectors: oss-protocol.md §4 (official SDK signers and docs).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import quote, unquote_plus

import httpx

UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
V4_ALGORITHM = "OSS4-HMAC-SHA256"
V4_TERMINATOR = "aliyun_v4_request"
MAX_PRESIGN_SECONDS = 604800  # OSS rejects x-oss-expires over 7 days

# The query parameters V1 signs (the official SDKs' sub-resource list); all others are unsigned.
V1_SUBRESOURCES = frozenset(
    """acl bucketInfo location stat delete append tagging objectMeta uploads uploadId partNumber
    security-token position response-content-type response-content-language response-expires
    response-cache-control response-content-disposition response-content-encoding restore
    callback callback-var versions versioning versionId sequential continuation-token
    regionList cloudboxes symlink resourceGroup x-oss-process x-oss-traffic-limit
    x-oss-request-payer""".split()
)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Credentials:
    """An AccessKey pair, optionally with an STS security token. Secrets never show in repr."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)


def utc_now() -> datetime:
    """The current time as an aware UTC datetime (the default clock)."""
    return datetime.now(UTC)


def uri_encode(text: str, *, safe: str = "") -> str:
    """Percent-encode UTF-8 bytes, keeping only RFC 3986 unreserved characters (and ``safe``)."""
    return quote(text, safe=safe, encoding="utf-8", errors="strict")


def canonical_uri(bucket: str | None, key: str | None) -> str:
    """The resource path as V4 signs it: ``/bucket/key`` encoded, ``/bucket/`` or ``/``."""
    if not bucket:
        return "/"
    return uri_encode(f"/{bucket}/{key or ''}", safe="/")


def parse_query(raw: str | bytes) -> list[tuple[str, str]]:
    """Split a raw query string into decoded (name, value) pairs, in order.

    A ``+`` is read as a space, as servers do (oss2 sends spaces in query values that way and
    signs the decoded value); ossbrowse itself always sends ``%20``, so both readings agree.
    """
    text = raw.decode("ascii", "replace") if isinstance(raw, bytes) else raw
    pairs: list[tuple[str, str]] = []
    for part in text.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((unquote_plus(name), unquote_plus(value)))
    return pairs


def _header_items(headers: Mapping[str, str]) -> dict[str, str]:
    """Lower-cased header names with trimmed values; repeated names joined by a comma."""
    merged: dict[str, str] = {}
    items = headers.multi_items() if isinstance(headers, httpx.Headers) else headers.items()
    for name, value in items:
        lower = name.lower()
        value = value.strip()
        merged[lower] = f"{merged[lower]},{value}" if lower in merged else value
    return merged


def _default_signed(name: str) -> bool:
    return name.startswith("x-oss-") or name in ("content-type", "content-md5")


# ---------------------------------------------------------------------------------------------
# V4
# ---------------------------------------------------------------------------------------------


def v4_additional_headers(headers: Mapping[str, str], wanted: Iterable[str]) -> list[str]:
    """The AdditionalHeaders list: wanted names that are present and not signed by default."""
    present = _header_items(headers)
    names = {w.lower().strip() for w in wanted if w.strip()}
    return sorted(n for n in names if n in present and not _default_signed(n))


def v4_canonical_query(query: Sequence[tuple[str, str]]) -> str:
    """Every query parameter, strictly encoded, sorted; an empty value is written as the name."""
    encoded = sorted((uri_encode(k), uri_encode(v)) for k, v in query)
    return "&".join(k if v == "" else f"{k}={v}" for k, v in encoded)


def v4_canonical_request(
    method: str,
    bucket: str | None,
    key: str | None,
    query: Sequence[tuple[str, str]],
    headers: Mapping[str, str],
    additional_headers: Iterable[str] = (),
    payload_hash: str = UNSIGNED_PAYLOAD,
) -> str:
    """The V4 canonical request (oss-protocol.md §4.3)."""
    present = _header_items(headers)
    extra = set(additional_headers)
    signed = sorted(n for n in present if _default_signed(n) or n in extra)
    canonical_headers = "".join(f"{n}:{present[n]}\n" for n in signed)
    return "\n".join(
        [
            method.upper(),
            canonical_uri(bucket, key),
            v4_canonical_query(query),
            canonical_headers,
            ";".join(sorted(extra & set(present))),
            payload_hash,
        ]
    )


def v4_scope(date8: str, region: str, product: str = "oss") -> str:
    """``YYYYMMDD/region/product/aliyun_v4_request``."""
    return f"{date8}/{region}/{product}/{V4_TERMINATOR}"


def v4_string_to_sign(timestamp: str, scope: str, canonical_request: str) -> str:
    """The V4 string to sign for an ``x-oss-date`` timestamp (YYYYMMDDTHHMMSSZ)."""
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return f"{V4_ALGORITHM}\n{timestamp}\n{scope}\n{digest}"


def _hmac256(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def v4_signing_key(secret: str, date8: str, region: str, product: str = "oss") -> bytes:
    """The derived V4 signing key."""
    k = _hmac256(("aliyun_v4" + secret).encode("utf-8"), date8)
    k = _hmac256(k, region)
    k = _hmac256(k, product)
    return _hmac256(k, V4_TERMINATOR)


def v4_signature(
    secret: str, date8: str, region: str, string_to_sign: str, product: str = "oss"
) -> str:
    """The lower-case hex V4 signature."""
    key = v4_signing_key(secret, date8, region, product)
    return hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def v4_timestamp(moment: datetime) -> str:
    """``YYYYMMDDTHHMMSSZ`` in UTC."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


# ---------------------------------------------------------------------------------------------
# V1
# ---------------------------------------------------------------------------------------------


def v1_canonical_resource(
    bucket: str | None, key: str | None, query: Sequence[tuple[str, str]]
) -> str:
    """``/bucket/key`` (raw UTF-8) plus the sorted sub-resources with decoded values."""
    if not bucket:
        resource = "/"
    else:
        resource = f"/{bucket}/{key or ''}"
    subs = sorted((k, v) for k, v in query if k in V1_SUBRESOURCES)
    if subs:
        resource += "?" + "&".join(k if v == "" else f"{k}={v}" for k, v in subs)
    return resource


def v1_string_to_sign(
    method: str,
    headers: Mapping[str, str],
    bucket: str | None,
    key: str | None,
    query: Sequence[tuple[str, str]],
    date: str,
) -> str:
    """The V1 string to sign (oss-protocol.md §4.1); ``date`` is Date, x-oss-date or Expires."""
    present = _header_items(headers)
    oss_headers = "".join(
        f"{n}:{present[n]}\n" for n in sorted(n for n in present if n.startswith("x-oss-"))
    )
    return (
        f"{method.upper()}\n{present.get('content-md5', '')}\n{present.get('content-type', '')}\n"
        f"{date}\n{oss_headers}{v1_canonical_resource(bucket, key, query)}"
    )


def v1_signature(secret: str, string_to_sign: str) -> str:
    """base64(HMAC-SHA1(secret, string_to_sign))."""
    mac = hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


# ---------------------------------------------------------------------------------------------
# httpx.Auth
# ---------------------------------------------------------------------------------------------


class _OssAuth(httpx.Auth):
    """Shared state of both signers: what was signed, kept for debugging a mismatch."""

    def __init__(
        self,
        credentials: Credentials,
        bucket: str | None,
        key: str | None,
        *,
        clock: Clock | None = None,
    ) -> None:
        self.credentials = credentials
        self.bucket = bucket
        self.key = key
        self._clock = clock or utc_now
        self.string_to_sign: str | None = None
        self.canonical_request: str | None = None
        self.signed_at: datetime | None = None


class OssV4Auth(_OssAuth):
    """Signs a request with OSS4-HMAC-SHA256 in the Authorization header.

    The bucket and key come from the operation, not the URL, as the official SDKs do: the URL
    may be virtual-hosted, path-style or a CNAME, and the signature is the same.
    """

    def __init__(
        self,
        credentials: Credentials,
        region: str,
        bucket: str | None,
        key: str | None,
        *,
        product: str = "oss",
        additional_headers: Iterable[str] = (),
        clock: Clock | None = None,
    ) -> None:
        super().__init__(credentials, bucket, key, clock=clock)
        self.region = region
        self.product = product
        self.additional = tuple(additional_headers)

    def sign(self, request: httpx.Request) -> None:
        """Add x-oss-date, x-oss-content-sha256, the token and Authorization to ``request``."""
        now = self._clock()
        self.signed_at = now
        timestamp = v4_timestamp(now)
        request.headers["x-oss-date"] = timestamp
        request.headers["x-oss-content-sha256"] = UNSIGNED_PAYLOAD
        # Not signed, but the SDKs send it and it helps a server report skew.
        request.headers["Date"] = format_datetime(now.astimezone(UTC), usegmt=True)
        if self.credentials.security_token:
            request.headers["x-oss-security-token"] = self.credentials.security_token
        additional = v4_additional_headers(request.headers, self.additional)
        self.canonical_request = v4_canonical_request(
            request.method,
            self.bucket,
            self.key,
            parse_query(request.url.query),
            request.headers,
            additional,
        )
        scope = v4_scope(timestamp[:8], self.region, self.product)
        self.string_to_sign = v4_string_to_sign(timestamp, scope, self.canonical_request)
        signature = v4_signature(
            self.credentials.access_key_secret,
            timestamp[:8],
            self.region,
            self.string_to_sign,
            self.product,
        )
        value = f"{V4_ALGORITHM} Credential={self.credentials.access_key_id}/{scope}"
        if additional:
            value += f",AdditionalHeaders={';'.join(additional)}"
        request.headers["Authorization"] = value + f",Signature={signature}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign(request)
        yield request


class OssV1Auth(_OssAuth):
    """Signs a request with the V1 ``OSS AccessKeyId:Signature`` Authorization header."""

    def sign(self, request: httpx.Request) -> None:
        """Add Date, the token and Authorization to ``request``."""
        now = self._clock()
        self.signed_at = now
        request.headers["Date"] = format_datetime(now.astimezone(UTC), usegmt=True)
        if self.credentials.security_token:
            request.headers["x-oss-security-token"] = self.credentials.security_token
        date = request.headers.get("x-oss-date") or request.headers["Date"]
        self.string_to_sign = v1_string_to_sign(
            request.method,
            request.headers,
            self.bucket,
            self.key,
            parse_query(request.url.query),
            date,
        )
        signature = v1_signature(self.credentials.access_key_secret, self.string_to_sign)
        request.headers["Authorization"] = f"OSS {self.credentials.access_key_id}:{signature}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign(request)
        yield request


# ---------------------------------------------------------------------------------------------
# Presigned URLs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PresignedUrl:
    """A presigned URL and what was signed to make it."""

    url: str
    string_to_sign: str
    canonical_request: str | None = None


def encode_query(pairs: Sequence[tuple[str, str]]) -> str:
    """A strictly encoded query string; a pair with an empty value is written as the name."""
    return "&".join(
        uri_encode(k) if v == "" else f"{uri_encode(k)}={uri_encode(v)}" for k, v in pairs
    )


def presign_v4(
    credentials: Credentials,
    *,
    method: str,
    base_url: str,
    bucket: str | None,
    key: str | None,
    region: str,
    query: Sequence[tuple[str, str]] = (),
    headers: Mapping[str, str] | None = None,
    expires: int = 900,
    signing_time: datetime | None = None,
    additional_headers: Iterable[str] = (),
    product: str = "oss",
) -> PresignedUrl:
    """A V4 presigned URL. ``base_url`` is scheme, host and encoded path, without a query."""
    if not 1 <= expires <= MAX_PRESIGN_SECONDS:
        raise ValueError(f"expires must be 1 to {MAX_PRESIGN_SECONDS} seconds")
    now = signing_time or utc_now()
    timestamp = v4_timestamp(now)
    scope = v4_scope(timestamp[:8], region, product)
    hdrs = dict(headers or {})
    additional = v4_additional_headers(hdrs, additional_headers)
    params = [
        *query,
        ("x-oss-signature-version", V4_ALGORITHM),
        ("x-oss-date", timestamp),
        ("x-oss-expires", str(expires)),
        ("x-oss-credential", f"{credentials.access_key_id}/{scope}"),
    ]
    if credentials.security_token:
        params.append(("x-oss-security-token", credentials.security_token))
    if additional:
        params.append(("x-oss-additional-headers", ";".join(additional)))
    canonical = v4_canonical_request(method, bucket, key, params, hdrs, additional)
    string_to_sign = v4_string_to_sign(timestamp, scope, canonical)
    signature = v4_signature(
        credentials.access_key_secret, timestamp[:8], region, string_to_sign, product
    )
    params.append(("x-oss-signature", signature))
    return PresignedUrl(f"{base_url}?{encode_query(params)}", string_to_sign, canonical)


def presign_v1(
    credentials: Credentials,
    *,
    method: str,
    base_url: str,
    bucket: str | None,
    key: str | None,
    expires_at: int,
    query: Sequence[tuple[str, str]] = (),
    headers: Mapping[str, str] | None = None,
) -> PresignedUrl:
    """A V1 presigned URL valid until the POSIX time ``expires_at``."""
    params = list(query)
    if credentials.security_token:
        params.append(("security-token", credentials.security_token))
    string_to_sign = v1_string_to_sign(
        method, dict(headers or {}), bucket, key, params, str(expires_at)
    )
    signature = v1_signature(credentials.access_key_secret, string_to_sign)
    params += [
        ("OSSAccessKeyId", credentials.access_key_id),
        ("Expires", str(expires_at)),
        ("Signature", signature),
    ]
    return PresignedUrl(f"{base_url}?{encode_query(params)}", string_to_sign)
