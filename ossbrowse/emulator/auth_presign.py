"""Verifying presigned URLs: V1 (``OSSAccessKeyId``/``Expires``/``Signature``) and V4
(``x-oss-signature-version=OSS4-HMAC-SHA256`` and its ``x-oss-*`` parameters).

A V1 URL expires at ``Expires`` (POSIX seconds); a V4 URL ``x-oss-expires`` seconds (1 to 7
days) after ``x-oss-date`` and is refused when signed more than 15 minutes in the future.
The security token travels in the ``security-token`` (V1) or ``x-oss-security-token`` (V4)
query parameter. Of a repeated authentication parameter the first wins, as on OSS.
"""

from __future__ import annotations

from ossbrowse.emulator.auth_common import (
    MAX_SKEW_SECONDS,
    AuthRequest,
    Identity,
    Verifier,
    first_param,
    iso_time,
    parse_v4_timestamp,
)
from ossbrowse.emulator.errors import EC, access_denied, invalid_argument
from ossbrowse.oss.canonical import (
    V4_ALGORITHM,
    v1_signature,
    v1_string_to_sign,
    v4_canonical_request,
    v4_scope,
    v4_signature,
    v4_string_to_sign,
)
from ossbrowse.oss.signing import MAX_PRESIGN_SECONDS


def verify_v1_url(verifier: Verifier, request: AuthRequest) -> Identity:
    """Verify a V1 presigned URL (``OSSAccessKeyId``, ``Expires``, ``Signature``)."""
    query = request.query
    access_key_id = first_param(query, "OSSAccessKeyId")
    expires = first_param(query, "Expires")
    provided = first_param(query, "Signature")
    if not access_key_id or expires is None or not provided:
        raise access_denied(
            "OSSAccessKeyId, Expires and Signature are all required in a signed URL.",
            EC["InvalidAuthorization"],
        )
    if not expires.isdigit():
        raise access_denied(f"Invalid Expires: {expires}", EC["InvalidExpires"])
    token = first_param(query, "security-token")
    secret = verifier.secret(access_key_id, token)
    now = verifier.clock()
    if now > int(expires):
        raise access_denied(
            "Request has expired.",
            EC["RequestExpired"],
            (("Expires", iso_time(int(expires))), ("ServerTime", iso_time(now))),
        )
    signed_query = [(k, v) for k, v in query if k not in ("OSSAccessKeyId", "Expires", "Signature")]
    string_to_sign = v1_string_to_sign(
        request.method, request.headers, request.bucket, request.key, signed_query, expires
    )
    expected = v1_signature(secret, string_to_sign)
    verifier.check_signature(expected, provided, access_key_id, string_to_sign, token)
    return Identity(access_key_id, "v1-presign")


def verify_v4_url(verifier: Verifier, request: AuthRequest) -> Identity:
    """Verify a V4 presigned URL (``x-oss-signature-version`` and the ``x-oss-*`` fields)."""
    query = request.query
    version = first_param(query, "x-oss-signature-version")
    if version != V4_ALGORITHM:
        raise invalid_argument(
            f"Unsupported x-oss-signature-version: {version}",
            "x-oss-signature-version",
            version or "",
            EC["InvalidAuthorization"],
        )
    credential = first_param(query, "x-oss-credential")
    timestamp = first_param(query, "x-oss-date")
    expires = first_param(query, "x-oss-expires")
    provided = first_param(query, "x-oss-signature")
    if not credential or not timestamp or not expires or not provided:
        raise access_denied(
            "x-oss-credential, x-oss-date, x-oss-expires and x-oss-signature are all "
            "required in a V4 signed URL.",
            EC["InvalidAuthorization"],
        )
    access_key_id, date8, region = verifier.scope_parts(credential, "x-oss-credential")
    if not expires.isdigit() or not 1 <= int(expires) <= MAX_PRESIGN_SECONDS:
        raise invalid_argument(
            f"x-oss-expires must be 1 to {MAX_PRESIGN_SECONDS} seconds.",
            "x-oss-expires",
            expires,
            EC["PresignExpiresRange"],
        )
    token = first_param(query, "x-oss-security-token")
    secret = verifier.secret(access_key_id, token)
    signed_at = parse_v4_timestamp(timestamp)
    if signed_at is None:
        raise access_denied(
            "x-oss-date is not in the form YYYYMMDDTHHMMSSZ.", EC["AccessDeniedDate"]
        )
    now = verifier.clock()
    if now < signed_at - MAX_SKEW_SECONDS:
        raise access_denied(
            "Request is not valid yet: x-oss-date is more than 15 minutes in the future.",
            EC["PresignNotYetValid"],
            (("RequestTime", iso_time(signed_at)), ("ServerTime", iso_time(now))),
        )
    if now > signed_at + int(expires):
        raise access_denied(
            "Request has expired.",
            EC["RequestExpired"],
            (("Expires", iso_time(signed_at + int(expires))), ("ServerTime", iso_time(now))),
        )
    if date8 != timestamp[:8]:
        raise invalid_argument(
            "Invalid signing date in x-oss-credential: it does not match x-oss-date.",
            ec=EC["InvalidAuthorization"],
        )
    additional = [
        h.strip().lower()
        for h in (first_param(query, "x-oss-additional-headers") or "").split(";")
        if h.strip()
    ]
    signed_query = [(k, v) for k, v in query if k != "x-oss-signature"]
    canonical = v4_canonical_request(
        request.method, request.bucket, request.key, signed_query, request.headers, additional
    )
    string_to_sign = v4_string_to_sign(timestamp, v4_scope(date8, region), canonical)
    expected = v4_signature(secret, date8, region, string_to_sign)
    verifier.check_signature(expected, provided, access_key_id, string_to_sign, token, canonical)
    return Identity(access_key_id, "v4-presign")
