"""Where a request goes: endpoints from regions, virtual-hosted / path / CNAME URLs, key encoding.

The URL is built here, byte for byte, so that what httpx sends is exactly what was signed: the
key is percent-encoded by us (httpx would otherwise drop ``.``/``..`` segments) and the query is
strictly encoded (httpx's ``params=`` would turn a space into ``+``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from .canonical import encode_query, uri_encode
from .validation import InputError

STYLES = ("virtual", "path", "cname")
# An official OSS host anywhere in a text (host, URL, HostId): oss-<region>[-internal].
_OSS_HOST_RE = re.compile(
    r"(?:^|[/.])oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com(?=$|[:/\s])", re.IGNORECASE
)


@dataclass(frozen=True)
class Endpoint:
    """A parsed endpoint: scheme, host and optional port."""

    scheme: str
    host: str
    port: int | None = None

    @property
    def netloc(self) -> str:
        """``host[:port]`` with IPv6 hosts in brackets."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}" if self.port else host

    def __str__(self) -> str:
        return f"{self.scheme}://{self.netloc}"


def endpoint_for_region(region: str, *, internal: bool = False) -> str:
    """The public (or internal) OSS endpoint host of a region, e.g. oss-cn-hangzhou.aliyuncs.com."""
    return f"oss-{region}{'-internal' if internal else ''}.aliyuncs.com"


def parse_endpoint(text: str, *, default_scheme: str = "https") -> Endpoint:
    """Parse ``host``, ``host:port`` or ``scheme://host[:port]`` (a trailing ``/`` is allowed)."""
    raw = text.strip()
    if not raw:
        raise InputError("endpoint", "is empty")
    if "://" not in raw:
        raw = f"{default_scheme}://{raw}"
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise InputError("endpoint", f"is not a valid host or URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise InputError("endpoint", f"scheme must be http or https, not {parts.scheme!r}")
    if not parts.hostname:
        raise InputError("endpoint", "has no host")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InputError("endpoint", "must be a host, without a path or query")
    if parts.username or parts.password:
        raise InputError("endpoint", "must not carry credentials")
    return Endpoint(parts.scheme, parts.hostname.lower(), port)


def is_ip_or_localhost(host: str) -> bool:
    """True for IP literals and localhost, where virtual-hosted addressing cannot work."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def effective_style(endpoint: Endpoint, style: str) -> str:
    """The addressing style to use: path automatically for an IP or localhost endpoint."""
    if style not in STYLES:
        raise InputError("addressing_style", f"must be one of {', '.join(STYLES)}")
    if style == "virtual" and is_ip_or_localhost(endpoint.host):
        return "path"
    return style


def encode_key(key: str) -> str:
    """The key as it goes in the URL path: strict percent-encoding, ``/`` kept.

    Segments that are exactly ``.`` or ``..`` have their dots encoded, because HTTP clients
    (httpx included) remove dot segments; the server decodes them back to the same key.
    """
    segments = []
    for segment in key.split("/"):
        if segment in (".", ".."):
            segments.append(segment.replace(".", "%2E"))
        else:
            segments.append(uri_encode(segment))
    return "/".join(segments)


def object_url(
    endpoint: Endpoint,
    bucket: str,
    key: str,
    *,
    style: str = "virtual",
    query: Sequence[tuple[str, str]] = (),
) -> str:
    """The complete URL of an object for the given addressing style.

    An empty ``bucket`` addresses the service itself (``GET /`` is ListBuckets), whatever the
    style: there is no bucket to put in the host or the path.
    """
    style = effective_style(endpoint, style)
    path = "/" + encode_key(key)
    if not bucket:
        netloc = endpoint.netloc
        path = "/"
    elif style == "virtual":
        netloc = f"{bucket}.{endpoint.netloc}"
    elif style == "path":
        netloc = endpoint.netloc
        path = f"/{bucket}{path}"
    else:  # cname: the custom domain already names the bucket
        netloc = endpoint.netloc
    url = f"{endpoint.scheme}://{netloc}{path}"
    if query:
        url += "?" + encode_query(query)
    return url


def region_in_text(text: str) -> str | None:
    """The region of the first official OSS host in ``text`` (host, URL or HostId), if any."""
    match = _OSS_HOST_RE.search(text)
    if not match or match.group(1).lower().startswith("accelerate"):
        return None
    return match.group(1).lower()


def region_of_endpoint(host: str) -> str | None:
    """The region an official OSS endpoint host belongs to, e.g. cn-beijing; None otherwise."""
    return region_in_text(host)


def region_mismatch(endpoint: Endpoint, region: str) -> str | None:
    """A message when an official endpoint names another region than the one V4 signs with."""
    endpoint_region = region_of_endpoint(endpoint.host)
    if endpoint_region and endpoint_region != region:
        return (
            f"the endpoint {endpoint.host} is in region {endpoint_region}, but requests are "
            f"signed for region {region}; use --region {endpoint_region}"
        )
    return None
