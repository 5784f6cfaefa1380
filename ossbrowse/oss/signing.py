"""OSS request signing: V4 (OSS4-HMAC-SHA256, the default) and V1 (HMAC-SHA1).

``OssV4Auth`` and ``OssV1Auth`` are ``httpx.Auth`` classes with an injectable clock, built on
the pure canonicalisation in :mod:`ossbrowse.oss.canonical`; ``presign_v4`` and ``presign_v1``
build presigned URLs. The canonical functions themselves are imported from
:mod:`ossbrowse.oss.canonical`.

Rules and vectors: docs/oss-protocol.md §4 (official SDK signers and docs).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from .canonical import (
    UNSIGNED_PAYLOAD,
    V4_ALGORITHM,
    encode_query,
    parse_query,
    v1_signature,
    v1_string_to_sign,
    v4_additional_headers,
    v4_canonical_request,
    v4_scope,
    v4_signature,
    v4_signing_key,
    v4_string_to_sign,
    v4_timestamp,
)
from .httpdates import format_http_date
from .secret import Secret

__all__ = [
    "MAX_PRESIGN_SECONDS",
    "Credentials",
    "OssV1Auth",
    "OssV4Auth",
    "PresignedUrl",
    "V4KeyCache",
    "presign_v1",
    "presign_v4",
    "utc_now",
]

MAX_PRESIGN_SECONDS = 604800  # OSS rejects x-oss-expires over 7 days

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Credentials:
    """An AccessKey pair, optionally with an STS security token, held as :class:`Secret`.

    Plain strings are wrapped on construction. Only the signing code below reveals them.
    """

    access_key_id: str
    access_key_secret: Secret = field(repr=False)
    security_token: Secret | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # Wrap plain text (tests, SDK-style callers); Secret() refuses text that is not valid.
        object.__setattr__(self, "access_key_secret", Secret(self.access_key_secret))
        if self.security_token is not None:
            object.__setattr__(self, "security_token", Secret(self.security_token))


def utc_now() -> datetime:
    """The current time as an aware UTC datetime (the default clock)."""
    return datetime.now(UTC)


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


class V4KeyCache:
    """Derived V4 signing keys of one secret, per (day, region, product).

    Deriving a key costs four HMACs; it changes only when the UTC day or the region does, so a
    client keeps one cache for its credentials and every request of the day reuses the key.
    Safe to share between threads (a race at worst derives the same key twice).
    """

    _LIMIT = 16  # a few days x regions; cleared rather than grown without bound

    def __init__(self, secret: Secret) -> None:
        self._secret = secret
        self._keys: dict[tuple[str, str, str], bytes] = {}

    def key(self, date8: str, region: str, product: str) -> bytes:
        """The signing key for ``date8`` (YYYYMMDD), ``region`` and ``product``."""
        found = self._keys.get((date8, region, product))
        if found is None:
            if len(self._keys) >= self._LIMIT:
                self._keys.clear()
            found = v4_signing_key(self._secret.reveal(), date8, region, product)
            self._keys[(date8, region, product)] = found
        return found


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
        keys: V4KeyCache | None = None,
    ) -> None:
        super().__init__(credentials, bucket, key, clock=clock)
        self.region = region
        self.product = product
        self.additional = tuple(additional_headers)
        self._keys = keys

    def sign(self, request: httpx.Request) -> None:
        """Add x-oss-date, x-oss-content-sha256, the token and Authorization to ``request``."""
        self.sign_headers(request.method, request.headers, request.url.query)

    def sign_headers(self, method: str, headers: httpx.Headers, query: str | bytes) -> None:
        """:meth:`sign` for a request not built as an ``httpx.Request``: ``headers`` (to be
        sent, ``Host`` included) get the signature; ``query`` is the URL's raw query."""
        now = self._clock()
        self.signed_at = now
        timestamp = v4_timestamp(now)
        headers["x-oss-date"] = timestamp
        headers["x-oss-content-sha256"] = UNSIGNED_PAYLOAD
        # Not signed, but the SDKs send it and it helps a server report skew.
        headers["Date"] = format_http_date(now)
        if self.credentials.security_token:
            headers["x-oss-security-token"] = self.credentials.security_token.reveal()
        additional = v4_additional_headers(headers, self.additional)
        self.canonical_request = v4_canonical_request(
            method,
            self.bucket,
            self.key,
            parse_query(query),
            headers,
            additional,
        )
        scope = v4_scope(timestamp[:8], self.region, self.product)
        self.string_to_sign = v4_string_to_sign(timestamp, scope, self.canonical_request)
        if self._keys is not None:
            signing_key = self._keys.key(timestamp[:8], self.region, self.product)
            signature = hmac.new(
                signing_key, self.string_to_sign.encode("utf-8"), hashlib.sha256
            ).hexdigest()
        else:
            signature = v4_signature(
                self.credentials.access_key_secret.reveal(),
                timestamp[:8],
                self.region,
                self.string_to_sign,
                self.product,
            )
        value = f"{V4_ALGORITHM} Credential={self.credentials.access_key_id}/{scope}"
        if additional:
            value += f",AdditionalHeaders={';'.join(additional)}"
        headers["Authorization"] = value + f",Signature={signature}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign(request)
        yield request


class OssV1Auth(_OssAuth):
    """Signs a request with the V1 ``OSS AccessKeyId:Signature`` Authorization header."""

    def sign(self, request: httpx.Request) -> None:
        """Add Date, the token and Authorization to ``request``."""
        self.sign_headers(request.method, request.headers, request.url.query)

    def sign_headers(self, method: str, headers: httpx.Headers, query: str | bytes) -> None:
        """:meth:`sign` for a request not built as an ``httpx.Request`` (see OssV4Auth)."""
        now = self._clock()
        self.signed_at = now
        headers["Date"] = format_http_date(now)
        if self.credentials.security_token:
            headers["x-oss-security-token"] = self.credentials.security_token.reveal()
        date = headers.get("x-oss-date") or headers["Date"]
        self.string_to_sign = v1_string_to_sign(
            method,
            headers,
            self.bucket,
            self.key,
            parse_query(query),
            date,
        )
        signature = v1_signature(self.credentials.access_key_secret.reveal(), self.string_to_sign)
        headers["Authorization"] = f"OSS {self.credentials.access_key_id}:{signature}"

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
        params.append(("x-oss-security-token", credentials.security_token.reveal()))
    if additional:
        params.append(("x-oss-additional-headers", ";".join(additional)))
    canonical = v4_canonical_request(method, bucket, key, params, hdrs, additional)
    string_to_sign = v4_string_to_sign(timestamp, scope, canonical)
    signature = v4_signature(
        credentials.access_key_secret.reveal(), timestamp[:8], region, string_to_sign, product
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
        params.append(("security-token", credentials.security_token.reveal()))
    string_to_sign = v1_string_to_sign(
        method, dict(headers or {}), bucket, key, params, str(expires_at)
    )
    signature = v1_signature(credentials.access_key_secret.reveal(), string_to_sign)
    params += [
        ("OSSAccessKeyId", credentials.access_key_id),
        ("Expires", str(expires_at)),
        ("Signature", signature),
    ]
    return PresignedUrl(f"{base_url}?{encode_query(params)}", string_to_sign)
