"""Reading an OSS error document safely, from a response body or the ``x-oss-err`` header.

A HEAD answer has no body, so OSS puts the XML error document base64-encoded in ``x-oss-err``
(docs/oss-protocol.md §3). Everything in it comes from the network and may be hostile: the document
is size-capped, parsed with defusedxml with DTDs and entities forbidden, and every string is
cleaned of control characters and secrets. Nothing here raises for bad input; what could not
be read is returned as a problem in words.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from typing import Any

import httpx
from defusedxml import ElementTree as SafeElementTree

from ossbrowse.oss.redact import NO_SECRETS, REDACTED, Redactor
from ossbrowse.oss.safetext import escape_unsafe, one_line, shorten

MAX_DOCUMENT_BYTES = 64 * 1024
"""Largest error document read, decoded. Real ones are under 2 KiB."""
MAX_FIELD_CHARS = 8 * 1024
"""Longest value kept for one element or header; longer ones are cut with "…"."""
MAX_FIELDS = 200
"""Most elements kept from one document."""
# Characters XML 1.0 cannot carry at all, even as character references. An object key may hold
# them (OSS stores such keys), and an error document echoing that key in <Key> is then not
# well-formed; rather than lose every element, they are read as U+FFFD and the problem said.
_XML_ILLEGAL = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f]"  # raw C0 controls but tab, line feed, carriage return
    rb"|&#0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]);"  # the same as decimal references
    rb"|&#[xX]0*(?:[0-8]|[bBcCeEfF]|1[0-9a-fA-F]);"  # and as hexadecimal ones
)
_SENSITIVE_ELEMENTS = frozenset({"securitytoken", "x-oss-security-token", "accesskeysecret"})


def header_value(headers: Any, name: str) -> str | None:
    """A header value by name, case-insensitively, from httpx.Headers, a mapping or pairs."""
    if headers is None:
        return None
    if isinstance(headers, httpx.Headers):
        value: str | None = headers.get(name)
        return value
    items: Iterable[tuple[Any, Any]] = headers.items() if isinstance(headers, Mapping) else headers
    lower = name.lower()
    for key, value in items:
        key_text = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if key_text.lower() == lower:
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


def clean(
    text: str | None, *, multiline: bool = False, redactor: Redactor = NO_SECRETS
) -> str | None:
    """Make a value from the network safe to show: control characters escaped, bounded, no secrets.

    A ``multiline`` value (a string to sign) keeps its line breaks and tabs; any other value is
    put on one line.
    """
    if text is None:
        return None
    text = escape_unsafe(text, keep="\n\t") if multiline else one_line(text)
    # Redacted before it is cut, so a cut never leaves part of a secret behind.
    return shorten(redactor.text(text), MAX_FIELD_CHARS + 1)


def _b64decode(value: str) -> bytes | None:
    compact = re.sub(r"\s+", "", value)
    if not compact.isascii():
        return None
    compact += "=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        pass
    if re.fullmatch(r"[A-Za-z0-9_-]*=*", compact):  # the URL-safe alphabet
        try:
            return base64.urlsafe_b64decode(compact)
        except (binascii.Error, ValueError):
            return None
    return None


def _body_document(body: bytes | str | None) -> tuple[bytes | None, str | None]:
    """The body as an error document, or why it cannot be one."""
    if not body:
        return None, None
    raw = body.encode("utf-8", "replace") if isinstance(body, str) else bytes(body)
    if len(raw) > MAX_DOCUMENT_BYTES:
        return None, (
            f"the response body is {len(raw)} bytes, larger than the "
            f"{MAX_DOCUMENT_BYTES // 1024} KiB read; it was not decoded (too large)"
        )
    return raw, None


def _header_document(headers: Any) -> tuple[bytes | None, str | None]:
    """The decoded ``x-oss-err`` header, or why it cannot be decoded (None, None if absent)."""
    encoded = header_value(headers, "x-oss-err")
    if encoded is None:
        return None, None
    # base64 grows data by 4/3: check the encoded size before decoding anything.
    if len(encoded) > MAX_DOCUMENT_BYTES * 4 // 3 + 8:
        return None, (
            f"x-oss-err is {len(encoded)} characters, larger than the "
            f"{MAX_DOCUMENT_BYTES // 1024} KiB read; it was not decoded (too large)"
        )
    if not encoded.strip():
        return None, "x-oss-err is empty"
    decoded = _b64decode(encoded)
    if decoded is None:
        return None, "x-oss-err is not valid base64"
    return decoded, None


def read_document(
    headers: Any, body: bytes | str | None, redactor: Redactor = NO_SECRETS
) -> tuple[list[tuple[str, str]], list[str]]:
    """The error document's elements, from the body or else ``x-oss-err``, and any problems.

    A body that is not an error document (a proxy's HTML page, say) does not hide a readable
    ``x-oss-err``.
    """
    problems: list[str] = []
    fallback: list[tuple[str, str]] = []
    for source, (data, problem) in (
        ("the body", _body_document(body)),
        ("x-oss-err", _header_document(headers)),
    ):
        if problem:
            problems.append(problem)
        if data is None:
            continue
        fields, problem = _parse_document(data, source, redactor)
        if problem:
            problems.append(problem)
        elif fields:
            return fields, problems
        fallback = fallback or fields
    return fallback, problems


def _parse_document(
    data: bytes, source: str, redactor: Redactor
) -> tuple[list[tuple[str, str]], str | None]:
    """Every child element of the error document as (tag, text), or a problem."""
    problem = None
    try:
        root = _parse_xml(data)
    except Exception as exc:  # anything from the parser means "not readable"
        name = type(exc).__name__
        if name in ("DTDForbidden", "EntitiesForbidden", "ExternalReferenceForbidden"):
            return [], f"{source} holds XML with a DTD or entities, which are refused for safety"
        if not _XML_ILLEGAL.search(data):
            reason = clean(str(exc), redactor=redactor) or name
            return [], f"{source} is not well-formed XML ({shorten(reason, 120)})"
        try:
            root = _parse_xml(_XML_ILLEGAL.sub("\ufffd".encode(), data))
        except Exception as again:
            reason = clean(str(again), redactor=redactor) or type(again).__name__
            return [], f"{source} is not well-formed XML ({shorten(reason, 120)})"
        problem = f"{source} holds control characters XML cannot carry; they are shown as \ufffd"
    fields: list[tuple[str, str]] = []
    tag = _local_name(root.tag)
    if tag != "Error":
        problem = (
            f"{source} is XML but not an OSS error document (root element <{shorten(tag, 40)}>)"
        )
    for child in list(root)[:MAX_FIELDS]:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        name = clean(_local_name(child.tag), redactor=redactor) or ""
        text = "".join(child.itertext()) if len(child) else (child.text or "")
        value = REDACTED if name.lower() in _SENSITIVE_ELEMENTS else text.strip()
        fields.append((name, clean(value, multiline=True, redactor=redactor) or ""))
    if len(root) > MAX_FIELDS:
        problem = f"{source} has {len(root)} elements; only the first {MAX_FIELDS} were read"
    return fields, problem


def _parse_xml(data: bytes) -> Any:
    return SafeElementTree.fromstring(
        data, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else str(tag)
