"""Where an object or prefix is: ``oss://bucket/key`` and OSS URLs, split into their parts.

Users paste locations from ossutil (``oss://bucket/prefix/``), from the console or a browser
(``https://bucket.oss-cn-hangzhou.aliyuncs.com/dir/a%20b.txt``) and from path-style tools
(``https://oss-cn-hangzhou.aliyuncs.com/bucket/key``). Each becomes a :class:`Location`: bucket,
key (or prefix), and for URLs the endpoint and region they name.

Two rules keep keys exact:

* in ``oss://`` the key is literal, as ossutil reads it: ``oss://b/a%20b`` is the key ``a%20b``;
* in an ``http(s)://`` URL the path is percent-decoded (``%2B`` is ``+``, a bare ``+`` stays
  ``+``), and a ``..`` or ``.`` segment stays part of the key.

Anything that cannot be read raises :class:`InputError` naming the field, and nothing is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .addressing import Endpoint, is_ip_or_localhost, region_of_endpoint
from .validation import InputError, check_bucket, check_key

OSS_SCHEME = "oss://"
_OSS_DOMAIN = ".aliyuncs.com"
# Percent-escapes must be complete: "%" followed by two hex digits.
_BAD_ESCAPE_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class Location:
    """A bucket and a key or prefix; for URLs also the endpoint and region they name.

    ``key`` is ``""`` for a whole bucket; a key ending in ``/`` is usually meant as a prefix
    (``is_prefix``), but what it is used as is up to the caller (``ls`` takes any text as a
    prefix, ``head`` needs a key).
    """

    bucket: str
    key: str = ""
    endpoint: str | None = None
    """``scheme://host[:port]`` of the service, without the bucket, for URL locations."""
    region: str | None = None
    """The region an official OSS host names (``cn-hangzhou``); None when it names none."""
    addressing_style: str | None = None
    """``virtual`` or ``path``: how the URL addressed the bucket."""
    version_id: str | None = None
    """A ``versionId`` the URL's query carried."""

    @property
    def is_prefix(self) -> bool:
        """True for a whole bucket or a key that ends with ``/``."""
        return self.key == "" or self.key.endswith("/")

    @property
    def uri(self) -> str:
        """The location as ossutil writes it: ``oss://bucket/key``."""
        return format_oss_uri(self.bucket, self.key)


def format_oss_uri(bucket: str, key: str = "") -> str:
    """``oss://bucket/key`` (keys are literal in this form: nothing is encoded)."""
    return f"{OSS_SCHEME}{bucket}/{key}" if key else f"{OSS_SCHEME}{bucket}"


def looks_like_location(text: str) -> bool:
    """Whether ``text`` is meant as a location (``oss://``, ``http://``, ``https://``)."""
    lowered = text.strip().lower()
    return lowered.startswith((OSS_SCHEME, "http://", "https://"))


def parse_location(text: str, *, field: str = "location") -> Location:
    """Split an ``oss://`` location or an OSS URL; InputError names ``field`` when unreadable.

    A bad bucket name or key raises InputError for ``bucket`` or ``key``, the field that is
    wrong inside the location.
    """
    # Leading blanks and a trailing line break are paste artefacts; a trailing space can be
    # part of a key, so it stays.
    raw = text.lstrip().rstrip("\r\n")
    if not raw:
        raise InputError(field, "is empty")
    lowered = raw.lower()
    if lowered.startswith(OSS_SCHEME):
        return _parse_oss_uri(raw[len(OSS_SCHEME) :], field)
    if lowered.startswith(("http://", "https://")):
        return _parse_url(raw, field)
    raise InputError(
        field,
        "must start with oss:// (oss://bucket/key) or be an OSS URL "
        "(https://bucket.oss-cn-hangzhou.aliyuncs.com/key)",
    )


def _checked(bucket: str, key: str) -> tuple[str, str]:
    check_bucket(bucket)
    if key:
        check_key(key)
    return bucket, key


def _parse_oss_uri(rest: str, field: str) -> Location:
    bucket, _, key = rest.partition("/")
    if not bucket:
        raise InputError(field, "names no bucket (expected oss://bucket/key)")
    return Location(*_checked(bucket, key))


def _decode(part: str, field: str) -> str:
    """Percent-decode a URL path part strictly: bad escapes and bad UTF-8 are refused."""
    if _BAD_ESCAPE_RE.search(part):
        raise InputError(field, "has a '%' that is not a %XX escape; write '%' as %25")
    try:
        return unquote(part, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise InputError(field, "has percent-escapes that are not UTF-8") from None


def _version_id(query: str, field: str) -> str | None:
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if name == "versionId":
            return _decode(value.replace("+", " "), field) or None
    return None


def _parse_url(raw: str, field: str) -> Location:
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise InputError(field, f"is not a valid URL ({exc})") from None
    if parts.fragment or raw.endswith("#"):
        raise InputError(field, "has a '#' fragment; in a key, write '#' as %23")
    if parts.username or parts.password:
        raise InputError(field, "must not carry credentials")
    host = (parts.hostname or "").lower()
    if not host:
        raise InputError(field, "has no host")
    scheme = parts.scheme.lower()
    version_id = _version_id(parts.query, field)
    path = parts.path
    bucket_label, endpoint_host = _split_host(host, field)
    if bucket_label is None:
        # Path style: the first path segment is the bucket, the rest the key.
        segment, _, rest = path[1:].partition("/")
        if not segment:
            raise InputError(field, "names no bucket (expected https://ENDPOINT/bucket/key)")
        bucket, key = _decode(segment, field), _decode(rest, field)
        style = "path"
    else:
        bucket, key = bucket_label, _decode(path[1:], field)
        style = "virtual"
    bucket, key = _checked(bucket, key)
    endpoint = Endpoint(scheme, endpoint_host, port)
    return Location(
        bucket,
        key,
        endpoint=str(endpoint),
        region=_region(endpoint_host),
        addressing_style=style,
        version_id=version_id,
    )


def _split_host(host: str, field: str) -> tuple[str | None, str]:
    """(bucket or None for path style, the endpoint host) for an OSS or loopback host."""
    if is_ip_or_localhost(host):
        return None, host
    if not host.endswith(_OSS_DOMAIN):
        raise InputError(
            field,
            f"host {host} is not an OSS host (*.aliyuncs.com); for a custom domain or another "
            "service use oss://bucket/key with --endpoint",
        )
    labels = host[: -len(_OSS_DOMAIN)].split(".")
    # How many labels the endpoint itself has: REGION.oss (dual-stack),
    # ID.REGION.oss-cloudbox (CloudBox), oss-REGION[-internal] / oss-accelerate (the rest).
    if labels[-1] == "oss":
        endpoint_labels = 2
    elif labels[-1] == "oss-cloudbox":
        endpoint_labels = 3
    elif labels[-1].startswith("oss-"):
        endpoint_labels = 1
    else:
        endpoint_labels = 0
    if endpoint_labels and len(labels) == endpoint_labels:
        return None, host
    if endpoint_labels and len(labels) == endpoint_labels + 1:
        return labels[0], host.split(".", 1)[1]
    raise InputError(field, f"host {host} is not an OSS endpoint (oss-REGION.aliyuncs.com)")


def _region(endpoint_host: str) -> str | None:
    labels = endpoint_host.split(".")
    if endpoint_host.endswith(".oss.aliyuncs.com") and len(labels) == 4:
        return labels[0]  # dual-stack: the region is the first label
    if "oss-cloudbox" in labels:
        return None  # a CloudBox id, not a region
    return region_of_endpoint(endpoint_host)
