"""OSS signing canonicalisation: the pure functions behind V4 and V1 signatures.

Every step is a function of its inputs, so each is a unit test, and the emulator verifies
requests with exactly the same rules the client signs with. Rules: docs/oss-protocol.md §4.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote

import httpx

UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
V4_ALGORITHM = "OSS4-HMAC-SHA256"
V4_TERMINATOR = "aliyun_v4_request"

# The query parameters V1 signs; all others are unsigned. This is the union of what the official
# SDKs sign with: oss2's ``Auth._subresource_key_set`` (2.19.1), alibabacloud-oss-v2's
# ``SignerV1._subresource_key_set`` and the per-operation ``sub-resource`` names its operations
# add (1.4.1). The client signs with it and the emulator verifies with it: one list for both.
_OSS2_SUBRESOURCES = """
    response-content-type response-content-language response-cache-control logging
    response-content-encoding acl uploadId uploads partNumber group link delete website location
    objectInfo objectMeta response-expires response-content-disposition cors lifecycle restore
    qos referer stat bucketInfo append position security-token live comp status vod startTime
    endTime x-oss-process symlink callback callback-var tagging encryption versions versioning
    versionId policy requestPayment x-oss-traffic-limit qosInfo asyncFetch x-oss-request-payer
    sequential inventory inventoryId continuation-token worm wormId wormExtend replication
    replicationLocation replicationProgress transferAcceleration cname metaQuery
    x-oss-ac-source-ip x-oss-ac-subnet-mask x-oss-ac-vpc-id x-oss-ac-forward-allow resourceGroup
    style styleName x-oss-async-process regionList x-oss-write-get-object-response
    bucketArchiveDirectRead httpsConfig redundancyTransition x-oss-target-redundancy-type
    x-oss-redundancy-transition-taskid accessPoint accessPointPolicy publicAccessBlock
    x-oss-access-point-name requesterQosInfo qosRequester resourcePoolInfo resourcePool
    resourcePoolBuckets
"""
_OSS_V2_SUBRESOURCES = """
    acl bucketInfo location stat delete append tagging objectMeta uploads uploadId partNumber
    security-token position response-content-type response-content-language response-expires
    response-cache-control response-content-disposition response-content-encoding restore
    callback callback-var versions versioning versionId sequential continuation-token regionList
    cloudboxes symlink resourceGroup
"""
_OSS_V2_OPERATION_SUBRESOURCES = """
    MetaQuery accessPoint accessPointPolicy action bucketArchiveDirectRead cleanRestoredObject
    cloudboxes cname comp cors dataPipeline encryption httpsConfig inventory inventoryId legalHold
    lifecycle logging metaQuery metadataConfiguration metadataInventoryTable metadataJournalTable
    objectWorm overwriteConfig policy policyStatus publicAccessBlock quota redundancyTransition
    referer replication replicationLocation replicationProgress requestPayment resourceGroup
    retention rtc seal style styleName tagging transferAcceleration userDefinedLogFieldsConfig
    website worm wormExtend wormId x-oss-access-point-name x-oss-redundancy-transition-taskid
    x-oss-target-redundancy-type
"""
V1_SUBRESOURCES = frozenset(
    (_OSS2_SUBRESOURCES + _OSS_V2_SUBRESOURCES + _OSS_V2_OPERATION_SUBRESOURCES).split()
)


def uri_encode(text: str, *, safe: str = "") -> str:
    """Percent-encode UTF-8 bytes, keeping only RFC 3986 unreserved characters (and ``safe``)."""
    return quote(text, safe=safe, encoding="utf-8", errors="strict")


def encode_query(pairs: Sequence[tuple[str, str]]) -> str:
    """A strictly encoded query string; a pair with an empty value is written as the name."""
    return "&".join(
        uri_encode(k) if v == "" else f"{uri_encode(k)}={uri_encode(v)}" for k, v in pairs
    )


def canonical_uri(bucket: str | None, key: str | None) -> str:
    """The resource path as V4 signs it: ``/bucket/key`` encoded, ``/bucket/`` or ``/``."""
    if not bucket:
        return "/"
    return uri_encode(f"/{bucket}/{key or ''}", safe="/")


def parse_query(raw: str | bytes) -> list[tuple[str, str]]:
    """Split a raw query string into decoded (name, value) pairs, in order, blanks kept.

    A ``+`` is read as a space, as OSS reads a query: oss2 lets ``requests`` form-encode its
    parameters (a space becomes ``+``) while it signs the decoded value, and the Go SDK
    canonicalises a raw ``+`` as ``%20``, so a server has to decode ``+`` as a space to verify
    either. The SDKs send a literal ``+`` as ``%2B``; ossbrowse always sends ``%20``. A name
    without ``=`` (``?acl``) is kept with an empty value; empty parts (``a=1&&b=2``) are skipped.
    """
    text = raw.decode("ascii", "replace") if isinstance(raw, bytes) else raw
    return parse_qsl(text, keep_blank_values=True)


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
    names = {w.lower().strip() for w in wanted if w.strip()}
    if not names:
        return []  # the usual case: nothing to look for among the headers
    present = _header_items(headers)
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
    """The V4 canonical request (docs/oss-protocol.md §4.3)."""
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
    """The V1 string to sign (docs/oss-protocol.md §4.1).

    ``date`` is the Date header, x-oss-date, or a presigned URL's Expires.
    """
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
