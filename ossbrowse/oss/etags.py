"""ETags: reading a user's If-Match / If-None-Match value, and comparing ETags as RFC 7232 says.

Users type ETags quoted or bare, one or a comma list, and :func:`normalize_etag` turns that into
the header value to send (strictly, with a message naming what is wrong). Servers and responses
are read leniently (:func:`parse_etag`, :func:`parse_header_etags`): they never raise.
"""

from __future__ import annotations

from dataclasses import dataclass

from ossbrowse.oss.validation import InputError

MAX_ETAG_LENGTH = 256
"""Longest single ETag accepted. OSS ETags are 34 characters; this leaves room for others."""
MAX_ETAG_HEADER_LENGTH = 4096
"""Longest If-Match / If-None-Match value accepted (a list of ETags)."""


@dataclass(frozen=True)
class ETag:
    """One entity tag: whether it is weak (``W/``) and its opaque value."""

    weak: bool
    opaque: str
    """The value between the quotes."""
    quoted: bool = True

    @property
    def wire(self) -> str:
        """The tag as written in a header: ``"VALUE"`` or ``W/"VALUE"``."""
        return f'{"W/" if self.weak else ""}"{self.opaque}"'


def _tokenize_etags(value: str) -> list[ETag | None] | None:
    """Split an ETag list into tags, honouring quotes (a quoted ETag may hold a comma).

    An empty list item becomes None. Returns None when a quote is left open.
    """
    items: list[ETag | None] = []
    i, n = 0, len(value)
    while True:
        while i < n and value[i] in " \t":
            i += 1
        weak = value[i : i + 2] in ("W/", "w/")
        if weak:
            i += 2
        start = i
        if i < n and value[i] == '"':
            close = value.find('"', i + 1)
            if close < 0:
                return None
            after = close + 1
            while after < n and value[after] in " \t":
                after += 1
            if after < n and value[after] != ",":
                # Text after the closing quote: keep the whole item so validation can show it.
                end = value.find(",", after)
                end = n if end < 0 else end
                items.append(ETag(weak, value[start:end].strip(" \t"), quoted=False))
                i = end
            else:
                items.append(ETag(weak, value[start + 1 : close], quoted=True))
                i = after
        else:
            end = value.find(",", i)
            end = n if end < 0 else end
            bare = value[i:end].strip(" \t")
            items.append(ETag(weak, bare, quoted=False) if bare or weak else None)
            i = end
        if i >= n:
            return items
        i += 1  # the comma


def normalize_etag(text: str, field: str) -> str:
    """Turn a user's If-Match / If-None-Match value into the header value to send.

    Accepts a quoted or bare ETag, ``*``, a weak ``W/"..."`` tag, or a comma-separated list of
    those. Bare values are quoted, as HTTP requires; letter case is kept exactly (OSS ETags are
    upper-case hex and compare exactly). Raises :class:`InputError` naming ``field``.
    """
    value = text.strip()
    if not value:
        raise InputError(field, 'is empty; give an ETag, e.g. "5B3C1A2E053D763E1B002CC607C5A0FE"')
    for ch in value:
        if ord(ch) < 0x20 or ord(ch) == 0x7F:
            raise InputError(field, f"must not contain control characters (found U+{ord(ch):04X})")
    if len(value) > MAX_ETAG_HEADER_LENGTH:
        raise InputError(
            field, f"is {len(value)} characters long; at most {MAX_ETAG_HEADER_LENGTH} are accepted"
        )
    if not value.isascii():
        raise InputError(
            field, "must contain only ASCII characters (an ETag is never anything else)"
        )
    if value == "*":
        return "*"
    items = _tokenize_etags(value)
    if items is None:
        raise InputError(field, "has a quote that is never closed")
    tags: list[str] = []
    for position, tag in enumerate(items, start=1):
        where = f"item {position} of the list" if len(items) > 1 else "the ETag"
        if tag is None:
            raise InputError(field, f"{where} is empty (check for doubled or trailing commas)")
        if tag.opaque == "*" and not tag.quoted:
            raise InputError(field, "'*' means any object and cannot be combined with ETags")
        if not tag.opaque:
            raise InputError(field, f'{where} is empty ("" is not a useful ETag)')
        if '"' in tag.opaque:
            raise InputError(
                field,
                f'{where} {tag.opaque!r} has a quote inside it; write it as "VALUE" or VALUE',
            )
        if any(c in " \t" for c in tag.opaque):
            raise InputError(field, f"{where} {tag.opaque!r} must not contain spaces")
        if len(tag.opaque) > MAX_ETAG_LENGTH:
            raise InputError(
                field, f"{where} is {len(tag.opaque)} characters; at most {MAX_ETAG_LENGTH}"
            )
        tags.append(tag.wire)
    return ", ".join(tags)


def parse_etag(value: str) -> ETag:
    """Read one ETag as a server or response sends it, tolerating missing quotes."""
    value = value.strip()
    weak = value[:2] in ("W/", "w/")
    if weak:
        value = value[2:]
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return ETag(weak, value[1:-1])
    return ETag(weak, value.strip('"'), quoted=False)


def parse_header_etags(value: str) -> list[ETag]:
    """Read an If-Match / If-None-Match header leniently (server side): never raises."""
    items = _tokenize_etags(value)
    if items is None:  # an unclosed quote: fall back to a plain comma split
        return [parse_etag(part) for part in value.split(",") if part.strip()]
    return [
        ETag(t.weak, t.opaque.strip('"'), t.quoted) for t in items if t is not None and t.opaque
    ]


def strong_match(a: ETag, b: ETag) -> bool:
    """RFC 7232 §2.3.2 strong comparison: neither is weak and the values are equal."""
    return not a.weak and not b.weak and a.opaque == b.opaque


def weak_match(a: ETag, b: ETag) -> bool:
    """RFC 7232 §2.3.2 weak comparison: the values are equal, ``W/`` or not."""
    return a.opaque == b.opaque


def if_match_passes(header: str, etag: ETag) -> bool:
    """Whether an If-Match header value passes for an existing object with ``etag``."""
    if header.strip() == "*":
        return True  # the object exists: the caller only evaluates conditions for one
    return any(strong_match(tag, etag) for tag in parse_header_etags(header))


def if_none_match_passes(header: str, etag: ETag) -> bool:
    """Whether an If-None-Match header value passes for an existing object with ``etag``."""
    if header.strip() == "*":
        return False
    return not any(weak_match(tag, etag) for tag in parse_header_etags(header))
