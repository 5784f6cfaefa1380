"""The one place that knows what is secret, and hides it.

Three kinds of secret can reach text a user sees: header values (``Authorization``, the STS
token), URL query parameters (a presigned URL's signature and token), and the access key secret
or token themselves, echoed anywhere. The first two are recognised by name (the module
functions); the third by value, which only a :class:`Redactor` knows. Each client owns one,
built from its profile's secrets (:meth:`Redactor.for_profile`), and every string it shows, logs
or returns goes through it. There is no process-wide registry: two clients never share, leak or
forget each other's secrets, and a test needs no global clean-up.

The access key *id* is not a secret (OSS echoes it in error documents), so it is kept: it tells
the user which credentials were used.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus, unquote_plus, urlsplit, urlunsplit

from .secret import Secret

REDACTED = "REDACTED"
"""What replaces a secret header or query value."""
MASK = "***"
"""What replaces a registered secret found in free text."""
MIN_SECRET_LENGTH = 6
"""Shorter values are not registered: masking them would garble ordinary text."""

SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-oss-security-token", "security-token"}
)
"""Header names (lower case) whose values are secret."""
SECRET_QUERY = frozenset({"signature", "x-oss-signature", "security-token", "x-oss-security-token"})
"""Query parameter names (lower case) whose values are secret."""

# "OSS4-HMAC-SHA256 Credential=AK/date/region/oss/aliyun_v4_request,...,Signature=hex"
_V4_SIGNATURE_RE = re.compile(r"(Signature\s*=\s*)[^,\s]*", re.IGNORECASE)
# "OSS AK:base64signature"
_V1_RE = re.compile(r"^(\s*OSS\s+[^:\s]+:)\S*\s*$")


def _variants(secret: str) -> set[str]:
    """The forms a secret may take in text: as is, URL-encoded, base64, XML-escaped."""
    forms = {secret, quote(secret, safe=""), quote(secret, safe="/"), quote_plus(secret)}
    forms.add(base64.b64encode(secret.encode("utf-8")).decode("ascii"))
    forms.add(secret.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH}


def _form_pattern(form: str) -> str:
    """A regex for ``form`` in which percent-escapes match in either letter case."""
    parts = re.split(r"(%[0-9A-Fa-f]{2})", form)
    return "".join(
        "%" + "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in part[1:])
        if i % 2
        else re.escape(part)
        for i, part in enumerate(parts)
    )


class Redactor:
    """Masks a known set of secret values (and their encoded forms) wherever they appear.

    Immutable once built; :meth:`with_secrets` returns a new one, so a redactor handed to a
    worker thread never changes under it.
    """

    __slots__ = ("_pattern", "_secrets")

    def __init__(self, secrets: Iterable[str | Secret | None] = ()) -> None:
        known: set[str] = set()
        for value in secrets:
            if isinstance(value, Secret):
                value = value.reveal()  # the redactor must know the text it hides
            if value and len(value) >= MIN_SECRET_LENGTH:
                known.add(value)
        self._secrets = frozenset(known)
        forms = set().union(*(_variants(s) for s in known)) if known else set()
        # Longest first, so a secret is never half-replaced by one of its own prefixes.
        ordered = sorted(forms, key=len, reverse=True)
        self._pattern = re.compile("|".join(_form_pattern(f) for f in ordered)) if ordered else None

    @classmethod
    def for_profile(cls, profile: Any) -> Redactor:
        """The secrets of ``profile``: access key secret, STS token and a proxy's password."""
        secrets: list[str | Secret | None] = [profile.access_key_secret, profile.sts_token]
        proxy = getattr(profile, "proxy", None)
        if proxy and proxy != "env":
            secrets.append(_url_password(proxy))
        return cls(secrets)

    def with_secrets(self, other: Redactor) -> Redactor:
        """A redactor that masks both this one's secrets and ``other``'s."""
        if other._secrets <= self._secrets:
            return self
        return Redactor([*self._secrets, *other._secrets])

    def __bool__(self) -> bool:
        return self._pattern is not None

    def text(self, text: str) -> str:
        """``text`` with every known secret (and its encoded forms) replaced by ``***``."""
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(MASK, text)

    def header(self, name: str, value: str) -> str:
        """One header value, safe to show (see :func:`redact_header`)."""
        return self.text(redact_header(name, value))

    def headers(
        self, headers: Mapping[str, str] | Iterable[tuple[str, str]]
    ) -> list[tuple[str, str]]:
        """Every header as ``(name, value)`` in order, safe to show (see :func:`redact_headers`)."""
        return [(name, self.text(value)) for name, value in redact_headers(headers)]

    def url(self, url: str) -> str:
        """``url`` safe to show (see :func:`redact_url`), with known secrets masked too."""
        return self.text(redact_url(url))


NO_SECRETS = Redactor()
"""A redactor that knows no secret values: hides only what is secret by name."""


def _url_password(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def _redact_authorization(value: str) -> str:
    """Keep the scheme and the access key id; hide the signature."""
    if _V1_RE.match(value):
        return _V1_RE.sub(lambda m: m.group(1) + REDACTED, value)
    if _V4_SIGNATURE_RE.search(value):
        return _V4_SIGNATURE_RE.sub(lambda m: m.group(1) + REDACTED, value)
    scheme = value.strip().split(" ", 1)[0]
    # An unknown scheme: show only the scheme name when it looks like one.
    if (
        scheme
        and scheme.replace("-", "").isalnum()
        and len(scheme) < 32
        and scheme != value.strip()
    ):
        return f"{scheme} {REDACTED}"
    return REDACTED


def redact_header(name: str, value: str) -> str:
    """One header value with what is secret by name hidden (a :class:`Redactor` masks values)."""
    lower = name.lower()
    if lower in ("authorization", "proxy-authorization"):
        return _redact_authorization(value)
    if lower in SECRET_HEADERS:
        return REDACTED
    return value


def redact_headers(
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
) -> list[tuple[str, str]]:
    """Every header as ``(name, value)`` in order, with secret values replaced.

    ``Authorization`` keeps its scheme and access key id, e.g.
    ``OSS4-HMAC-SHA256 Credential=AKID/20240501/cn-hangzhou/oss/aliyun_v4_request,
    Signature=REDACTED``; the STS token header becomes ``REDACTED``; other values are kept
    (:meth:`Redactor.headers` also masks known secret values). Accepts a mapping,
    ``httpx.Headers`` (names keep the case they are sent in) or ``(name, value)`` pairs.
    """
    if hasattr(headers, "raw") and hasattr(headers, "encoding"):
        # httpx.Headers: .raw keeps each name as it is sent (multi_items() lower-cases them).
        encoding = headers.encoding
        items: Iterable[tuple[str, str]] = [
            (k.decode(encoding), v.decode(encoding)) for k, v in headers.raw
        ]
    elif hasattr(headers, "multi_items"):
        items = headers.multi_items()
    elif isinstance(headers, Mapping):
        items = headers.items()
    else:
        items = headers
    result: list[tuple[str, str]] = []
    for name, value in items:
        if isinstance(name, bytes):
            name = name.decode("latin-1")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        result.append((name, redact_header(name, value)))
    return result


def redact_url(url: str) -> str:
    """``url`` with secret query values and any password in it replaced by ``REDACTED``.

    Known secret values elsewhere in it are masked by :meth:`Redactor.url`.

    The rest of the URL is kept byte for byte (its encoding is part of what was signed).
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            netloc = f"{userinfo.split(':', 1)[0]}:{REDACTED}@{host}"
    query = parts.query
    if query:
        pieces = []
        for piece in query.split("&"):
            name, eq, _value = piece.partition("=")
            if eq and unquote_plus(name).lower() in SECRET_QUERY:
                piece = f"{name}={REDACTED}"
            pieces.append(piece)
        query = "&".join(pieces)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
