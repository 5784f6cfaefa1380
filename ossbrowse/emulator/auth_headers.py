"""Verifying an ``Authorization`` header: ``OSS AK:sig`` (V1) and ``OSS4-HMAC-SHA256`` (V4).

Checks run in the order OSS documents: a malformed header is 400 InvalidArgument; an unknown
AccessKeyId 403 InvalidAccessKeyId; a missing or bad date 403 AccessDenied; more than 15
minutes of skew 403 RequestTimeTooSkewed; a V4 scope for another region 400 InvalidArgument;
then 403 SignatureDoesNotMatch. The security token travels in ``x-oss-security-token``; the
Python SDK v2's V1 signer names it ``security-token``, which V1 accepts too.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from ossbrowse.emulator.auth_common import AuthRequest, Identity, Verifier, parse_v4_timestamp
from ossbrowse.emulator.errors import EC, access_denied, invalid_argument
from ossbrowse.oss.canonical import (
    UNSIGNED_PAYLOAD,
    v1_signature,
    v1_string_to_sign,
    v4_canonical_request,
    v4_scope,
    v4_signing_key,
    v4_string_to_sign,
)
from ossbrowse.oss.httpdates import parse_http_date


def parse_v4_authorization(value: str) -> dict[str, str]:
    """``Credential=..,AdditionalHeaders=..,Signature=..`` in any order, spaces optional.

    The first of a repeated field wins; raises 400 InvalidArgument when the value is not a
    list of ``name=value`` fields or lacks Credential or Signature.
    """
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


def verify_v1_header(verifier: Verifier, request: AuthRequest, credential: str) -> Identity:
    """Verify ``Authorization: OSS <credential>`` (``credential`` is ``AK:signature``)."""
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
    secret = verifier.secret(access_key_id, token)
    date = headers.get("x-oss-date") or headers.get("date")
    if not date:
        raise access_denied("Missing Date header.", EC["AccessDeniedDate"])
    parsed = parse_http_date(date)
    if parsed is None:
        raise access_denied(f"Invalid date format: {date}", EC["AccessDeniedDate"])
    verifier.check_skew(parsed.timestamp(), verifier.clock())
    string_to_sign = v1_string_to_sign(
        request.method, headers, request.bucket, request.key, request.query, date
    )
    expected = v1_signature(secret, string_to_sign)
    verifier.check_signature(expected, provided, access_key_id, string_to_sign, token)
    return Identity(access_key_id, "v1")


def verify_v4_header(verifier: Verifier, request: AuthRequest, value: str) -> Identity:
    """Verify ``Authorization: OSS4-HMAC-SHA256 <value>``."""
    fields = parse_v4_authorization(value)
    access_key_id, date8, region = verifier.scope_parts(
        fields["Credential"], "Authorization header"
    )
    headers = request.headers
    token = headers.get("x-oss-security-token")
    secret = verifier.secret(access_key_id, token)
    timestamp = headers.get("x-oss-date", "")
    signed_at = parse_v4_timestamp(timestamp)
    if signed_at is None:
        raise access_denied(
            "The x-oss-date header is missing or not in the form YYYYMMDDTHHMMSSZ.",
            EC["AccessDeniedDate"],
        )
    verifier.check_skew(signed_at, verifier.clock())
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
    expected = hmac.new(
        _signing_key(secret, date8, region), string_to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    verifier.check_signature(
        expected, fields["Signature"], access_key_id, string_to_sign, token, canonical
    )
    return Identity(access_key_id, "v4")


@functools.lru_cache(maxsize=64)
def _signing_key(secret: str, date8: str, region: str) -> bytes:
    """The V4 signing key of a secret for a day and region: four HMACs, the same for every
    request of the day, so derived once (as the client's V4KeyCache does)."""
    return v4_signing_key(secret, date8, region, "oss")
