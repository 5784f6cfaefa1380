"""Where a request to the emulator points: bucket and key from Host and path, and the query.

Both addressing styles are served: path-style ``/bucket/key`` (what the SDKs use for an IP
host) and virtual-hosted ``Host: bucket.127.0.0.1:PORT`` / ``bucket.localhost:PORT``. The key is
percent-decoded from the raw path (oss2 sends ``/`` inside a key as ``%2F``) and checked against
OSS's object naming rules: 1 to 1023 UTF-8 bytes, not starting with ``/`` or ``\\``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from ossbrowse.emulator.errors import EC, OssError, invalid_argument
from ossbrowse.oss.validation import MAX_KEY_BYTES, InputError, check_bucket

_VERSION_ID = re.compile(r"^[A-Za-z0-9+/=_.-]{1,512}$")


@dataclass(frozen=True)
class Target:
    """The bucket and key a request addresses (None for service- or bucket-level)."""

    bucket: str | None
    key: str | None


def base_hosts(host: str, region: str) -> tuple[str, ...]:
    """Host names under which ``<bucket>.<name>`` means virtual-hosted addressing."""
    names = {host.lower(), "localhost", "127.0.0.1"}
    names.add(f"oss-{region}.aliyuncs.com")
    names.add(f"oss-{region}-internal.aliyuncs.com")
    return tuple(sorted(names, key=len, reverse=True))


def _strip_port(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):  # IPv6 literal
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if ":" in host else host


def _decode(raw: str) -> str:
    try:
        return unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise OssError(
            400, "InvalidObjectName", "The object name is not valid UTF-8.", EC["InvalidObjectName"]
        ) from None


def check_object_name(key: str) -> str:
    """Raise 400 InvalidObjectName unless OSS accepts ``key``."""
    if key.startswith(("/", "\\")):
        raise OssError(
            400,
            "InvalidObjectName",
            "The object name must not start with '/' or '\\'.",
            EC["InvalidObjectNameSlash"],
            (("ObjectName", key),),
        )
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise OssError(
            400,
            "InvalidObjectName",
            f"The object name is longer than {MAX_KEY_BYTES} bytes.",
            EC["InvalidObjectName"],
        )
    return key


def _check_bucket_name(name: str) -> str:
    try:
        return check_bucket(name)
    except InputError:
        raise OssError(
            400,
            "InvalidBucketName",
            "The specified bucket is not valid.",
            EC["InvalidBucketName"],
            (("BucketName", name),),
        ) from None


def resolve(host_header: str, raw_path: str, bases: Iterable[str]) -> Target:
    """Bucket and key from the Host header and the raw (still encoded) path."""
    host = _strip_port(host_header)
    bucket: str | None = None
    path = raw_path
    for base in bases:
        if host.endswith("." + base) and len(host) > len(base) + 1:
            bucket = host[: -len(base) - 1]
            break
    if bucket is None:
        # Path-style: the first raw segment is the bucket; an encoded "/" (%2F) stays in the key.
        rest = path.lstrip("/") if path.startswith("/") else path
        if not rest:
            return Target(None, None)
        segment, slash, path = rest.partition("/")
        bucket = _decode(segment)
        path = "/" + path if slash else ""
    _check_bucket_name(bucket)
    raw_key = path[1:] if path.startswith("/") else path
    if not raw_key:
        return Target(bucket, None)
    key = _decode(raw_key)
    return Target(bucket, check_object_name(key))


def first(query: Sequence[tuple[str, str]], name: str) -> str | None:
    """The first value of a query parameter, or None when absent."""
    for key, value in query:
        if key == name:
            return value
    return None


def version_id_param(query: Sequence[tuple[str, str]]) -> str | None:
    """The ``versionId`` parameter, checked; None when absent."""
    value = first(query, "versionId")
    if value is None:
        return None
    if not _VERSION_ID.match(value):
        raise invalid_argument("Invalid version id specified", "versionId", value)
    return value


def int_param(
    query: Sequence[tuple[str, str]], name: str, *, default: int, low: int, high: int
) -> int:
    """An integer parameter within [low, high], else 400 InvalidArgument naming it."""
    value = first(query, name)
    if value is None or value == "":
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise invalid_argument(
            f"Argument {name} must be an integer from {low} to {high}.", name, value
        )
    return int(value)
