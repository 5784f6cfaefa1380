"""DeleteMultipleObjects (``POST /bucket?delete``): up to 1,000 keys or versions in one request.

Each entry is deleted exactly as DeleteObject would (a delete marker in a versioned bucket, the
named version with a VersionId); the answer lists what was deleted unless ``Quiet`` is true.
A ``Content-MD5`` header, which the SDKs send, must match the body.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import quote

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from ossbrowse.emulator import xmlgen
from ossbrowse.emulator.errors import EC, OssError
from ossbrowse.emulator.messages import Context, Response
from ossbrowse.emulator.routing import check_object_name, first
from ossbrowse.emulator.store import Store, content_md5

MAX_OBJECTS = 1000


def _malformed(detail: str) -> OssError:
    return OssError(
        400,
        "MalformedXML",
        f"The XML you provided was not well-formed: {detail}",
        EC["MalformedXML"],
    )


# Object names may hold control characters, which XML 1.0 cannot carry: oss2 sends them raw
# and alibabacloud-oss-v2 as character references (&#01;), and OSS accepts both. They are
# parked in a private-use plane for the parser and restored in the names.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|&#(?:x([0-9a-fA-F]{1,2})|([0-9]{1,2}));")
_PARKED = 0xF0000


def _park(match: re.Match[str]) -> str:
    hex_code, dec_code = match.group(1), match.group(2)
    if hex_code is None and dec_code is None:
        return chr(_PARKED + ord(match.group()))
    code = int(hex_code, 16) if hex_code is not None else int(dec_code)
    if code in (0x09, 0x0A, 0x0D) or code >= 0x20:
        return match.group()  # a character reference XML allows: leave it to the parser
    return chr(_PARKED + code)


def _unpark(text: str) -> str:
    return "".join(chr(ord(c) - _PARKED) if _PARKED <= ord(c) < _PARKED + 0x20 else c for c in text)


def _entries(body: bytes) -> tuple[bool, list[tuple[str, str | None]]]:
    """(quiet, [(key, version id)]) from a ``<Delete>`` document."""
    try:
        text = _CONTROL.sub(_park, body.decode("utf-8"))
        root = ElementTree.fromstring(text)
    except UnicodeDecodeError:
        raise _malformed("the document is not UTF-8") from None
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise _malformed(str(exc)) from None
    if root.tag != "Delete":
        raise _malformed(f"expected <Delete>, got <{root.tag}>")
    quiet = (root.findtext("Quiet") or "false").strip().lower() == "true"
    entries: list[tuple[str, str | None]] = []
    for node in root.findall("Object"):
        key = node.findtext("Key")
        if not key:
            raise _malformed("an Object without a Key")
        version = node.findtext("VersionId")
        entries.append((check_object_name(_unpark(key)), version or None))
    if not entries or len(entries) > MAX_OBJECTS:
        raise _malformed(f"a Delete names 1 to {MAX_OBJECTS} objects")
    return quiet, entries


def _check_md5(ctx: Context) -> None:
    md5 = ctx.headers.get("content-md5")
    if md5 is None:
        return
    try:
        valid = len(base64.b64decode(md5, validate=True)) == 16
    except (binascii.Error, ValueError):
        valid = False
    if not valid or md5 != content_md5(ctx.request.body):
        raise OssError(
            400,
            "InvalidDigest",
            "The Content-MD5 you specified is not valid.",
            EC["InvalidDigest"],
        )


def delete_multiple(store: Store, ctx: Context, bucket: str) -> Response:
    """Delete every listed key (or version); the document says what was deleted."""
    _check_md5(ctx)
    encoding = first(ctx.query, "encoding-type")
    if encoding not in (None, "", "url"):
        raise OssError(
            400, "InvalidArgument", "The encoding-type must be url.", EC["InvalidArgument"]
        )
    quiet, entries = _entries(ctx.request.body)
    store.bucket_info(bucket)
    parts = [xmlgen.XML_DECLARATION, "<DeleteResult>"]
    if encoding == "url":
        parts.append(xmlgen.element("EncodingType", "url"))
    for key, version_id in entries:
        result = store.delete_object(bucket, key, version_id)
        if quiet:
            continue
        name = quote(key, safe="/") if encoding == "url" else key
        item = [xmlgen.element("Key", name)]
        if version_id is not None:
            item.append(xmlgen.element("VersionId", version_id))
        if result.delete_marker:
            item.append(xmlgen.element("DeleteMarker", "true"))
            if result.version_id is not None:
                item.append(xmlgen.element("DeleteMarkerVersionId", result.version_id))
        parts.append("<Deleted>" + "".join(item) + "</Deleted>")
    parts.append("</DeleteResult>")
    return Response(200, [("Content-Type", "application/xml")], "".join(parts).encode("utf-8"))
