"""Request authentication for the emulator: V1/V4 headers, V1/V4 presigned URLs, STS.

Signatures are recomputed with the same pure functions the client signs with
(:mod:`ossbrowse.oss.signing`) and compared in constant time. Checks run in the order OSS
documents: a malformed ``Authorization`` is 400 InvalidArgument; an unknown AccessKeyId 403
InvalidAccessKeyId; a missing or bad date 403 AccessDenied; more than 15 minutes of skew 403
RequestTimeTooSkewed; a V4 scope for another region 400 InvalidArgument (EC 0002-00000226, as
real OSS answers); then 403 SignatureDoesNotMatch carrying the server's StringToSign (and for
V4 the canonical request).

STS: a request that carries a security token (``x-oss-security-token`` header, ``security-token``
or ``x-oss-security-token`` query parameter) is accepted only if the token is one of the
emulator's ``sts_tokens`` and the AccessKeyId is the one issued with it; the long-term key never
accepts a token. The Python SDK v2's V1 signer sends the token in a header literally named
``security-token``; it is accepted too. A token is a secret: it is masked in echoed
string-to-sign documents.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ossbrowse.emulator.errors import EC, OssError, access_denied, invalid_argument
from ossbrowse.oss.conditions import parse_http_date
from ossbrowse.oss.signing import (
    MAX_PRESIGN_SECONDS,
    UNSIGNED_PAYLOAD,
    V4_ALGORITHM,
    V4_TERMINATOR,
    v1_signature,
    v1_string_to_sign,
    v4_canonical_request,
    v4_scope,
    v4_signature,
    v4_string_to_sign,
)

MAX_SKEW_SECONDS = 15 * 60
TOKEN_MASK = "****"  # noqa: S105 (a mask, not a password)
_V4_DATE = re.compile(r"^\d{8}T\d{6}Z$")
_SIGNATURE_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)


@dataclass(frozen=True)
class AuthRequest:
    """What authentication needs to know about a request."""

    method: str
    bucket: str | None
    key: str | None
    query: Sequence[tuple[str, str]]  # decoded pairs, in order
    headers: Mapping[str, str]  # lower-case names, repeated headers joined with ","


@dataclass(frozen=True)
class Identity:
    """Who made the request: an AccessKeyId (None when anonymous) and how it was signed."""

    access_key_id: str | None
    scheme: str  # "anonymous", "v1", "v4", "v1-presign", "v4-presign"


def _first(query: Sequence[tuple[str, str]], name: str) -> str | None:
    """The first value of a query parameter (OSS: the first of repeated auth params wins)."""
    for key, value in query:
        if key == name:
            return value
    return None


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _hex_bytes(text: str) -> str:
    return " ".join(f"{b:02x}" for b in text.encode("utf-8"))


def _parse_v4_timestamp(text: str) -> float | None:
    if not _V4_DATE.match(text):
        return None
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None


def _parse_v4_authorization(value: str) -> dict[str, str]:
    """``Credential=..,AdditionalHeaders=..,Signature=..`` in any order, spaces optional."""
    fields: dict[str, str] = {}
    for part in value.split(","):
        name, sep, field_value = part.strip().partition("=")
        if not sep or not name:
            raise invalid_argument(
                "Authorization header is invalid.",
                "Authorization",
                value,
                EC["InvalidAuthorization"],
            )
        fields.setdefault(name.strip(), field_value.strip())
    if "Credential" not in fields or "Signature" not in fields:
        raise invalid_argument(
            "Authorization header is invalid: Credential and Signature are required.",
            "Authorization",
            value,
            EC["InvalidAuthorization"],
        )
    return fields


class Authenticator:
    """Verifies requests against the emulator's key pair, STS tokens and region."""

    def __init__(
        self,
        *,
        region: str,
        access_key_id: str,
        access_key_secret: str,
        sts_tokens: Mapping[str, tuple[str, str]] | None = None,
        allow_anonymous: bool = False,
        clock: Callable[[], float],
    ) -> None:
        self.region = region
        self._keys = {access_key_id: access_key_secret}
        self._sts = dict(sts_tokens or {})
        self.allow_anonymous = allow_anonymous
        self._clock = clock

    # -- credentials ----------------------------------------------------------------------------

    def _secret(self, access_key_id: str, token: str | None) -> str:
        if token is not None:
            issued = self._sts.get(token)
            if issued is None:
                raise OssError(
                    403,
                    "InvalidSecurityToken",
                    "The security token you provided is invalid.",
                    EC["InvalidSecurityToken"],
                )
            if not hmac.compare_digest(issued[0], access_key_id):
                raise OssError(
                    403,
                    "InvalidAccessKeyId",
                    "The OSS Access Key Id you provided does not exist in our records.",
                    EC["InvalidStsAccessKeyId"],
                    (("OSSAccessKeyId", access_key_id),),
                )
            return issued[1]
        secret = self._keys.get(access_key_id)
        if secret is None:
            raise OssError(
                403,
                "InvalidAccessKeyId",
                "The OSS Access Key Id you provided does not exist in our records.",
                EC["InvalidAccessKeyId"],
                (("OSSAccessKeyId", access_key_id),),
            )
        return secret

    def _check_skew(self, request_time: float, now: float) -> None:
        if abs(request_time - now) > MAX_SKEW_SECONDS:
            raise OssError(
                403,
                "RequestTimeTooSkewed",
                "The difference between the request time and the current time is too large.",
                EC["RequestTimeTooSkewed"],
                (
                    ("RequestTime", _iso(request_time)),
                    ("ServerTime", _iso(now)),
                    ("MaxAllowedSkewMilliseconds", str(MAX_SKEW_SECONDS * 1000)),
                ),
            )

    def _check_region(self, region: str, where: str) -> None:
        if region != self.region:
            raise OssError(
                400,
                "InvalidArgument",
                f"Invalid signing region in {where}: got '{region}', expected '{self.region}'.",
                EC["InvalidSigningRegion"],
                (("SigningRegion", region), ("Region", self.region)),
            )

    @staticmethod
    def _mismatch(
        access_key_id: str,
        provided: str,
        string_to_sign: str,
        token: str | None,
        canonical_request: str | None = None,
    ) -> OssError:
        def mask(text: str) -> str:
            return text.replace(token, TOKEN_MASK) if token else text

        extra = [
            ("OSSAccessKeyId", access_key_id),
            ("SignatureProvided", provided),
            ("StringToSign", mask(string_to_sign)),
            ("StringToSignBytes", _hex_bytes(mask(string_to_sign))),
        ]
        if canonical_request is not None:
            # Not also as hex bytes: on HEAD the document travels base64-encoded in a header,
            # and HTTP clients cap the header block (h11, under httpx, at 16 KiB).
            extra.append(("CanonicalRequest", mask(canonical_request)))
        return OssError(
            403,
            "SignatureDoesNotMatch",
            _SIGNATURE_MESSAGE,
            EC["SignatureDoesNotMatch"],
            tuple(extra),
        )

    # -- entry point ----------------------------------------------------------------------------

    def authenticate(self, request: AuthRequest) -> Identity:
        """Verify ``request``; raise OssError when OSS would refuse it."""
        authorization = request.headers.get("authorization")
        query_names = {name for name, _ in request.query}
        v4_query = "x-oss-signature-version" in query_names
        v1_query = "OSSAccessKeyId" in query_names or "Signature" in query_names
        if authorization is not None and (v4_query or v1_query):
            raise invalid_argument(
                "Signing in both the Authorization header and the URL is not supported.",
                ec=EC["InvalidAuthorization"],
            )
        if authorization is not None:
            if authorization.startswith(V4_ALGORITHM + " "):
                return self._v4_header(request, authorization[len(V4_ALGORITHM) + 1 :])
            if authorization.startswith("OSS "):
                return self._v1_header(request, authorization[4:])
            raise invalid_argument(
                "Authorization header is invalid.",
                "Authorization",
                authorization.split(" ")[0],
                EC["InvalidAuthorization"],
            )
        if v4_query:
            return self._v4_query(request)
        if v1_query:
            return self._v1_query(request)
        if self.allow_anonymous:
            return Identity(None, "anonymous")
        raise access_denied(
            "You have no right to access this object because of bucket acl.",
            EC["AccessDeniedAnonymous"],
        )

    # -- V1 -------------------------------------------------------------------------------------

    def _v1_header(self, request: AuthRequest, credential: str) -> Identity:
        access_key_id, sep, provided = credential.strip().rpartition(":")
        if not sep or not access_key_id or not provided:
            raise invalid_argument(
                "Authorization header is invalid.",
                "Authorization",
                "OSS",
                EC["InvalidAuthorization"],
            )
        headers = request.headers
        token = headers.get("x-oss-security-token") or headers.get("security-token")
        secret = self._secret(access_key_id, token)
        date = headers.get("x-oss-date") or headers.get("date")
        if not date:
            raise access_denied("Missing Date header.", EC["AccessDeniedDate"])
        parsed = parse_http_date(date)
        if parsed is None:
            raise access_denied(f"Invalid date format: {date}", EC["AccessDeniedDate"])
        self._check_skew(parsed.timestamp(), self._clock())
        string_to_sign = v1_string_to_sign(
            request.method, headers, request.bucket, request.key, request.query, date
        )
        expected = v1_signature(secret, string_to_sign)
        if not hmac.compare_digest(expected.encode(), provided.encode()):
            raise self._mismatch(access_key_id, provided, string_to_sign, token)
        return Identity(access_key_id, "v1")

    def _v1_query(self, request: AuthRequest) -> Identity:
        query = request.query
        access_key_id = _first(query, "OSSAccessKeyId")
        expires = _first(query, "Expires")
        provided = _first(query, "Signature")
        if not access_key_id or expires is None or not provided:
            raise access_denied(
                "OSSAccessKeyId, Expires and Signature are all required in a signed URL.",
                EC["InvalidAuthorization"],
            )
        if not expires.isdigit():
            raise access_denied(f"Invalid Expires: {expires}", EC["InvalidExpires"])
        token = _first(query, "security-token")
        secret = self._secret(access_key_id, token)
        now = self._clock()
        if now > int(expires):
            raise access_denied(
                "Request has expired.",
                EC["RequestExpired"],
                (("Expires", _iso(int(expires))), ("ServerTime", _iso(now))),
            )
        signed_query = [
            (k, v) for k, v in query if k not in ("OSSAccessKeyId", "Expires", "Signature")
        ]
        string_to_sign = v1_string_to_sign(
            request.method, request.headers, request.bucket, request.key, signed_query, expires
        )
        expected = v1_signature(secret, string_to_sign)
        if not hmac.compare_digest(expected.encode(), provided.encode()):
            raise self._mismatch(access_key_id, provided, string_to_sign, token)
        return Identity(access_key_id, "v1-presign")

    # -- V4 -------------------------------------------------------------------------------------

    def _scope_parts(self, credential: str, where: str) -> tuple[str, str, str]:
        parts = credential.split("/")
        if len(parts) != 5 or parts[4] != V4_TERMINATOR or not parts[0]:
            raise invalid_argument(
                f"Invalid credential in {where}: expected "
                "<AccessKeyId>/<YYYYMMDD>/<region>/oss/aliyun_v4_request.",
                "Credential",
                credential,
                EC["InvalidAuthorization"],
            )
        access_key_id, date8, region, product, _ = parts
        if product != "oss":
            raise invalid_argument(
                f"Invalid signing product in {where}: got '{product}', expected 'oss'.",
                ec=EC["InvalidAuthorization"],
            )
        self._check_region(region, where)
        return access_key_id, date8, region

    def _v4_header(self, request: AuthRequest, value: str) -> Identity:
        fields = _parse_v4_authorization(value)
        access_key_id, date8, region = self._scope_parts(
            fields["Credential"], "Authorization header"
        )
        headers = request.headers
        token = headers.get("x-oss-security-token")
        secret = self._secret(access_key_id, token)
        timestamp = headers.get("x-oss-date", "")
        signed_at = _parse_v4_timestamp(timestamp)
        if signed_at is None:
            raise access_denied(
                "The x-oss-date header is missing or not in the form YYYYMMDDTHHMMSSZ.",
                EC["AccessDeniedDate"],
            )
        self._check_skew(signed_at, self._clock())
        if date8 != timestamp[:8]:
            raise invalid_argument(
                f"Invalid signing date in Authorization header: the credential scope says "
                f"{date8}, x-oss-date says {timestamp[:8]}.",
                ec=EC["InvalidAuthorization"],
            )
        additional = [h.strip().lower() for h in fields.get("AdditionalHeaders", "").split(";")]
        canonical = v4_canonical_request(
            request.method,
            request.bucket,
            request.key,
            request.query,
            headers,
            [h for h in additional if h],
            headers.get("x-oss-content-sha256", UNSIGNED_PAYLOAD),
        )
        string_to_sign = v4_string_to_sign(timestamp, v4_scope(date8, region), canonical)
        expected = v4_signature(secret, date8, region, string_to_sign)
        provided = fields["Signature"]
        if not hmac.compare_digest(expected.encode(), provided.encode()):
            raise self._mismatch(access_key_id, provided, string_to_sign, token, canonical)
        return Identity(access_key_id, "v4")

    def _v4_query(self, request: AuthRequest) -> Identity:
        query = request.query
        version = _first(query, "x-oss-signature-version")
        if version != V4_ALGORITHM:
            raise invalid_argument(
                f"Unsupported x-oss-signature-version: {version}",
                "x-oss-signature-version",
                version or "",
                EC["InvalidAuthorization"],
            )
        credential = _first(query, "x-oss-credential")
        timestamp = _first(query, "x-oss-date")
        expires = _first(query, "x-oss-expires")
        provided = _first(query, "x-oss-signature")
        if not credential or not timestamp or not expires or not provided:
            raise access_denied(
                "x-oss-credential, x-oss-date, x-oss-expires and x-oss-signature are all "
                "required in a V4 signed URL.",
                EC["InvalidAuthorization"],
            )
        access_key_id, date8, region = self._scope_parts(credential, "x-oss-credential")
        if not expires.isdigit() or not 1 <= int(expires) <= MAX_PRESIGN_SECONDS:
            raise invalid_argument(
                f"x-oss-expires must be 1 to {MAX_PRESIGN_SECONDS} seconds.",
                "x-oss-expires",
                expires,
                EC["PresignExpiresRange"],
            )
        token = _first(query, "x-oss-security-token")
        secret = self._secret(access_key_id, token)
        signed_at = _parse_v4_timestamp(timestamp)
        if signed_at is None:
            raise access_denied(
                "x-oss-date is not in the form YYYYMMDDTHHMMSSZ.", EC["AccessDeniedDate"]
            )
        now = self._clock()
        if now < signed_at - MAX_SKEW_SECONDS:
            raise access_denied(
                "Request is not valid yet: x-oss-date is more than 15 minutes in the future.",
                EC["PresignNotYetValid"],
                (("RequestTime", _iso(signed_at)), ("ServerTime", _iso(now))),
            )
        if now > signed_at + int(expires):
            raise access_denied(
                "Request has expired.",
                EC["RequestExpired"],
                (("Expires", _iso(signed_at + int(expires))), ("ServerTime", _iso(now))),
            )
        if date8 != timestamp[:8]:
            raise invalid_argument(
                "Invalid signing date in x-oss-credential: it does not match x-oss-date.",
                ec=EC["InvalidAuthorization"],
            )
        additional = [
            h.strip().lower()
            for h in (_first(query, "x-oss-additional-headers") or "").split(";")
            if h.strip()
        ]
        signed_query = [(k, v) for k, v in query if k != "x-oss-signature"]
        canonical = v4_canonical_request(
            request.method, request.bucket, request.key, signed_query, request.headers, additional
        )
        string_to_sign = v4_string_to_sign(timestamp, v4_scope(date8, region), canonical)
        expected = v4_signature(secret, date8, region, string_to_sign)
        if not hmac.compare_digest(expected.encode(), provided.encode()):
            raise self._mismatch(access_key_id, provided, string_to_sign, token, canonical)
        return Identity(access_key_id, "v4-presign")
