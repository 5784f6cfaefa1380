"""What OSS's own response headers mean for this object, right now: one plain sentence each.

A user HEADing an Archive object sees ``x-oss-restore: ongoing-request="false",
expiry-date="…"`` and should not have to work out alone that the restored copy expired and a
GET will fail. :func:`explain_headers` turns each system header (and the ETag, Content-MD5 and
user metadata) into a :class:`HeaderMeaning`: the header, its value, one sentence, and the
structured facts behind the sentence (dates as ISO 8601, counts as numbers). Time-relative
sentences ("restored until …, in 3 days") take the clock as an argument, so every case is a
unit test.

Sources for the meanings: the HeadObject API reference, and the official SDKs' result models
(``HeadObjectResult`` in alibabacloud-oss-python-sdk-v2 ``models/object_basic.py`` and in
alibabacloud-oss-go-sdk-v2 ``oss/api_op_object.go``); see docs/oss-protocol.md §2.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from ossbrowse.oss.httpdates import format_http_date, parse_http_date

Fact = str | int | bool | None


@dataclass(frozen=True)
class HeaderMeaning:
    """One response header and what it means for this object."""

    header: str
    """The header's name as received."""
    value: str
    meaning: str
    """One plain sentence."""
    facts: tuple[tuple[str, Fact], ...] = ()
    """Structured fields behind the sentence, e.g. ``("expiry_date", "2026-03-21T09:26:53Z")``."""
    brief: str = ""
    """A shorter sentence for a glance (the explorer's preview), when the meaning is long."""

    @property
    def short(self) -> str:
        """The brief sentence when there is one, else the meaning."""
        return self.brief or self.meaning

    def to_dict(self) -> dict[str, object]:
        """The JSON/YAML form: header, value, meaning, and the facts as their own keys."""
        data: dict[str, object] = {"header": self.header, "value": self.value}
        data["meaning"] = self.meaning
        data.update(self.facts)
        return data


# -- storage classes ----------------------------------------------------------------------

_COLD = frozenset({"archive", "coldarchive", "deepcoldarchive"})
_STORAGE = {
    "standard": "Standard: for frequently read data; no minimum storage duration and no "
    "retrieval fee.",
    "ia": "Infrequent Access (IA): billed for at least 30 days of storage and 64 KB per object, "
    "and every read pays a data retrieval fee per GB.",
    "archive": "Archive: billed for at least 60 days; the data must be restored before it can "
    "be read (unless real-time access of Archive objects is on for the bucket), and reading a "
    "restored copy pays a retrieval fee.",
    "coldarchive": "Cold Archive: billed for at least 180 days; a restore takes 1 to 12 hours "
    "depending on its priority before the data can be read.",
    "deepcoldarchive": "Deep Cold Archive: billed for at least 180 days; a restore takes 12 to "
    "48 hours depending on its priority before the data can be read.",
}

# -- object types -------------------------------------------------------------------------

_OBJECT_TYPES = {
    "normal": "Normal: written in one PutObject (or copied); its ETag is the MD5 of the content.",
    "multipart": "Multipart: assembled from uploaded parts; its ETag is not the MD5 of the "
    "content and cannot be compared with a local MD5.",
    "appendable": "Appendable: written with AppendObject; its ETag changes on every append and "
    "is not the MD5 of the content.",
    "symlink": "Symlink: a link to another object; the ETag, Content-Length and Last-Modified "
    "shown describe the target (Last-Modified is the later of link and target).",
}

_MD5_RE = re.compile(r"^[0-9a-fA-F]{32}$")
_MULTIPART_RE = re.compile(r"^[0-9a-fA-F]{32}-(\d+)$")
_PAIR_RE = re.compile(r'([A-Za-z-]+)\s*=\s*"([^"]*)"')

# Headers that are about the HTTP exchange or standard object representation, never user
# metadata. A header outside this set and outside x-oss-* was kept with
# x-oss-persistent-headers when the object was written (OSS returns such headers as given).
_STANDARD_HEADERS = frozenset(
    {
        "accept-ranges",
        "access-control-allow-credentials",
        "access-control-allow-headers",
        "access-control-allow-methods",
        "access-control-allow-origin",
        "access-control-expose-headers",
        "access-control-max-age",
        "age",
        "allow",
        "cache-control",
        "connection",
        "content-disposition",
        "content-encoding",
        "content-language",
        "content-length",
        "content-md5",
        "content-range",
        "content-type",
        "date",
        "etag",
        "expires",
        "keep-alive",
        "last-modified",
        "location",
        "server",
        "strict-transport-security",
        "timing-allow-origin",
        "transfer-encoding",
        "vary",
        "via",
        "x-content-type-options",
        "x-frame-options",
        "x-xss-protection",
    }
)


def is_persistent_header(name: str) -> bool:
    """True for a header that is neither standard HTTP nor ``x-oss-*``: kept user metadata."""
    lower = name.lower()
    return not lower.startswith("x-oss-") and lower not in _STANDARD_HEADERS


def etag_kind(etag: str | None, object_type: str | None = None) -> str:
    """What an ETag is: ``MD5``, ``multipart, N parts (not an MD5)``, ``weak``, ... or ``""``.

    OSS's ETag is the MD5 of the content only for simple uploads; multipart, appendable and
    symlink objects have ETags that cannot be compared with a local MD5, whatever they look like.
    """
    if not etag:
        return ""
    if etag.startswith("W/"):
        return "weak"
    kind = (object_type or "").lower()
    if kind == "appendable":
        return "appendable: changes on every append (not an MD5)"
    if kind == "symlink":
        return "the symlink target's ETag"
    bare = etag[1:-1] if len(etag) >= 2 and etag[0] == etag[-1] == '"' else etag
    match = _MULTIPART_RE.match(bare)
    if match or kind == "multipart":
        parts = int(match.group(1)) if match else None
        if parts is None:
            return "multipart (not an MD5)"
        return f"multipart, {parts} part{'s' if parts != 1 else ''} (not an MD5)"
    if _MD5_RE.match(bare):
        return "MD5"
    return "opaque (not an MD5)"


# -- time -----------------------------------------------------------------------------------


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def relative(when: datetime, now: datetime) -> str:
    """``in 3 days``, ``2 hours ago``, ``now``: the largest whole unit, for a sentence."""
    seconds = (when - now).total_seconds()
    span = abs(seconds)
    if span < 60:
        return "now"
    units = ((86400 * 365, "year"), (86400 * 30, "month"), (86400, "day"), (3600, "hour"))
    size, unit = next(((s, u) for s, u in units if span >= s), (60, "minute"))
    # Rounded half up: 6 days 23 hours reads as "7 days", as a person would say it.
    count = max(1, int(span / size + 0.5))
    words = f"{count} {unit}{'s' if count != 1 else ''}"
    return f"in {words}" if seconds > 0 else f"{words} ago"


def _read_date(text: str) -> datetime | None:
    """An HTTP date, or ISO 8601 (the WORM and transition headers use either form)."""
    parsed = parse_http_date(text)
    if parsed is not None:
        return parsed
    value = text.strip()
    if not value[:1].isdigit() or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=parsed.tzinfo or UTC).astimezone(UTC)


def _when(dt: datetime, now: datetime) -> str:
    return f"{format_http_date(dt)} ({relative(dt, now)})"


def _pairs(value: str) -> dict[str, str]:
    """``a="1", b="2"`` as a dict with lower-case names (x-oss-restore, x-oss-expiration)."""
    return {name.lower(): item for name, item in _PAIR_RE.findall(value)}


# -- one explanation per header ----------------------------------------------------------------


def _storage_and_restore(
    headers: Mapping[str, str], names: Mapping[str, str], now: datetime
) -> list[HeaderMeaning]:
    out: list[HeaderMeaning] = []
    storage = headers.get("x-oss-storage-class")
    restore = headers.get("x-oss-restore")
    cold = storage is not None and storage.lower() in _COLD
    if storage is not None:
        text = _STORAGE.get(
            storage.lower(), f"Storage class {storage!r}, which ossbrowse does not know."
        )
        facts: list[tuple[str, Fact]] = [("storage_class", storage)]
        brief = ""
        if cold and restore is None:
            frozen = "a GET fails with 403 InvalidObjectState until it is restored (RestoreObject)."
            text += f" It is frozen now: {frozen}"
            brief = f"{text.split(':', 1)[0]}, frozen: {frozen}"
            facts.append(("state", "frozen"))
        out.append(HeaderMeaning(names["x-oss-storage-class"], storage, text, tuple(facts), brief))
    if restore is not None:
        out.append(_restore(names["x-oss-restore"], restore, now))
    return out


def _restore(name: str, value: str, now: datetime) -> HeaderMeaning:
    pairs = _pairs(value)
    ongoing = pairs.get("ongoing-request", "").lower()
    if ongoing == "true":
        return HeaderMeaning(
            name,
            value,
            "A restore is in progress: a GET still fails with InvalidObjectState until it "
            "completes.",
            (("state", "restoring"),),
        )
    expiry = parse_http_date(pairs.get("expiry-date", ""))
    if ongoing == "false" and expiry is not None:
        if expiry > now:
            return HeaderMeaning(
                name,
                value,
                f"Restored: the data can be read until {_when(expiry, now)}; after that the "
                "object is frozen again.",
                (("state", "restored"), ("expiry_date", _iso(expiry))),
            )
        return HeaderMeaning(
            name,
            value,
            f"The restored copy expired on {_when(expiry, now)}: the object is frozen again and "
            "a GET fails with InvalidObjectState until it is restored again.",
            (("state", "expired"), ("expiry_date", _iso(expiry))),
        )
    return HeaderMeaning(name, value, "A restore status ossbrowse cannot read.", ())


def _object_type(name: str, value: str, headers: Mapping[str, str]) -> HeaderMeaning:
    text = _OBJECT_TYPES.get(
        value.lower(), f"Object type {value!r}, which ossbrowse does not know."
    )
    return HeaderMeaning(name, value, text, (("object_type", value),))


def _next_append(name: str, value: str) -> HeaderMeaning:
    position: Fact = int(value) if value.isascii() and value.isdigit() else None
    text = (
        f"The next AppendObject must start at position {value} (the current length); any other "
        "position is refused with 409 PositionNotEqualToLength."
    )
    return HeaderMeaning(name, value, text, (("position", position),))


def _sse(name: str, value: str, headers: Mapping[str, str]) -> HeaderMeaning:
    algorithm = value.upper()
    key_id = headers.get("x-oss-server-side-encryption-key-id")
    data = headers.get("x-oss-server-side-data-encryption")
    facts: list[tuple[str, Fact]] = [("algorithm", value)]
    if algorithm == "KMS":
        key = f"KMS key {key_id}" if key_id else "the OSS-managed default KMS key"
        text = (
            f"SSE-KMS: the data is encrypted at rest with {key}"
            f"{f' ({data})' if data else ''}; reading it needs permission to use that key "
            "(kms:Decrypt) as well as to read the object."
        )
        facts += [("mode", "SSE-KMS"), ("key_id", key_id)]
    elif algorithm in ("AES256", "SM4"):
        text = (
            f"SSE-OSS: OSS encrypts the data at rest with {algorithm} and keys it manages; "
            "reading needs no extra permission."
        )
        facts.append(("mode", "SSE-OSS"))
    else:
        text = f"Server-side encryption {value!r}, which ossbrowse does not know."
    return HeaderMeaning(name, value, text, tuple(facts))


def _sse_key(name: str, value: str) -> HeaderMeaning:
    return HeaderMeaning(
        name, value, f"The KMS key that encrypts this object: {value}.", (("key_id", value),)
    )


def _sse_data(name: str, value: str) -> HeaderMeaning:
    return HeaderMeaning(
        name, value, f"The data itself is encrypted with {value} under the KMS key.", ()
    )


def _tagging(name: str, value: str) -> HeaderMeaning:
    count: Fact = int(value) if value.isascii() and value.isdigit() else None
    if count == 0:
        text = "The object has no tags."
    else:
        text = (
            f"The object has {value} tag{'s' if count != 1 else ''} (GetObjectTagging lists "
            "them); tags can drive lifecycle rules and access policies."
        )
    return HeaderMeaning(name, value, text, (("count", count),))


def _expiration(name: str, value: str, now: datetime) -> HeaderMeaning:
    pairs = _pairs(value)
    expiry = parse_http_date(pairs.get("expiry-date", ""))
    rule = pairs.get("rule-id")
    by = f"lifecycle rule {rule!r}" if rule else "a lifecycle rule"
    if expiry is None:
        return HeaderMeaning(name, value, f"Expires by {by}; the date could not be read.", ())
    facts: tuple[tuple[str, Fact], ...] = (("expiry_date", _iso(expiry)), ("rule_id", rule))
    if expiry > now:
        text = f"{by[0].upper()}{by[1:]} deletes this object on {_when(expiry, now)}."
    else:
        text = (
            f"{by[0].upper()}{by[1:]} made this object due for deletion on "
            f"{_when(expiry, now)}; OSS deletes expired objects in the background."
        )
    return HeaderMeaning(name, value, text, facts)


def _dated(name: str, value: str, now: datetime, sentence: str) -> HeaderMeaning:
    when = _read_date(value)
    if when is None:
        return HeaderMeaning(name, value, sentence.format(when=repr(value)), ())
    return HeaderMeaning(
        name, value, sentence.format(when=_when(when, now)), (("date", _iso(when)),)
    )


def _worm_mode(name: str, value: str) -> HeaderMeaning:
    mode = value.upper()
    if mode == "COMPLIANCE":
        text = (
            "WORM retention in compliance mode: nobody can delete or overwrite this version "
            "until the retention date."
        )
    elif mode == "GOVERNANCE":
        text = (
            "WORM retention in governance mode: only users with the bypass permission can delete "
            "or overwrite this version before the retention date."
        )
    else:
        text = f"WORM retention mode {value!r}."
    return HeaderMeaning(name, value, text, (("mode", value),))


def _legal_hold(name: str, value: str) -> HeaderMeaning:
    on = value.upper() == "ON"
    text = (
        "A legal hold is on: this version cannot be deleted or overwritten until it is lifted, "
        "whatever its retention date."
        if on
        else "No legal hold."
    )
    return HeaderMeaning(name, value, text, (("on", on),))


def _version(name: str, value: str) -> HeaderMeaning:
    if value == "null":
        return HeaderMeaning(
            name,
            value,
            "The null version: written while versioning was off or suspended for the bucket; a "
            "later write in that state replaces it.",
            (("null_version", True),),
        )
    return HeaderMeaning(
        name,
        value,
        "This version's id: a HEAD or GET with this versionId reaches exactly this version, even "
        "after the key is overwritten or deleted.",
        (("null_version", False),),
    )


def _content_md5(name: str, value: str, headers: Mapping[str, str]) -> HeaderMeaning:
    try:
        digest = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != 16:
        return HeaderMeaning(
            name, value, "Not a base64 MD5 (16 bytes); ossbrowse cannot read it.", ()
        )
    hex_md5 = digest.hex().upper()
    etag = headers.get("etag", "")
    bare = etag.strip('"').upper()
    kind = etag_kind(etag, headers.get("x-oss-object-type"))
    facts: tuple[tuple[str, Fact], ...] = (("md5_hex", hex_md5),)
    if kind == "MD5":
        if bare == hex_md5:
            text = (
                "The base64 MD5 of the content; it agrees with the ETag (both are the "
                "content's MD5)."
            )
            return HeaderMeaning(name, value, text, (*facts, ("agrees_with_etag", True)))
        text = (
            f"The base64 MD5 of the content ({hex_md5} in hex) DISAGREES with the ETag {etag}: "
            "one of them does not describe this content."
        )
        return HeaderMeaning(name, value, text, (*facts, ("agrees_with_etag", False)))
    return HeaderMeaning(name, value, f"The base64 MD5 of the content ({hex_md5} in hex).", facts)


_SIMPLE = {
    "x-oss-hash-crc64ecma": "The CRC-64/ECMA-182 of the content: compare it with a CRC-64 of a "
    "downloaded copy to verify the download (the official SDKs do this for you).",
    "x-oss-request-charged": "Requester pays: the requester, not the bucket owner, is billed for "
    "this request and its traffic.",
    "x-oss-process-status": "The result of the processing (x-oss-process) done with this "
    "request, as OSS reported it.",
}


def explain_headers(
    headers: Iterable[tuple[str, str]], *, now: datetime
) -> tuple[HeaderMeaning, ...]:
    """Every header of a HEAD answer that OSS gives a meaning to, explained for ``now``.

    Unknown ``x-oss-*`` headers are left out here (they stay in the raw header list), and a
    malformed value gives a sentence saying so, never an exception.
    """
    pairs = list(headers)
    values: dict[str, str] = {}
    names: dict[str, str] = {}
    for name, value in pairs:
        lower = name.lower()
        if lower not in values:
            values[lower], names[lower] = value, name
    out: list[HeaderMeaning] = []
    if "etag" in values:
        kind = etag_kind(values["etag"], values.get("x-oss-object-type"))
        out.append(
            HeaderMeaning(
                names["etag"],
                values["etag"],
                f"The entity tag ({kind}): what If-Match and If-None-Match are compared with.",
                (("kind", kind),),
            )
        )
    if "content-md5" in values:
        out.append(_content_md5(names["content-md5"], values["content-md5"], values))
    out += _storage_and_restore(values, names, now)
    for lower, value in values.items():
        name = names[lower]
        meaning = _one(lower, name, value, values, now)
        if meaning is not None:
            out.append(meaning)
    for name, value in pairs:
        lower = name.lower()
        if lower.startswith("x-oss-meta-"):
            out.append(
                HeaderMeaning(
                    name,
                    value,
                    f"User metadata {name[len('x-oss-meta-') :]!r}, set when the object was "
                    "written.",
                    (("group", "user_metadata"),),
                )
            )
        elif is_persistent_header(lower):
            out.append(
                HeaderMeaning(
                    name,
                    value,
                    f"User metadata kept as the header {name!r} (x-oss-persistent-headers) when "
                    "the object was written.",
                    (("group", "user_metadata"),),
                )
            )
    return tuple(out)


def _one(
    lower: str, name: str, value: str, values: Mapping[str, str], now: datetime
) -> HeaderMeaning | None:
    if lower == "x-oss-object-type":
        return _object_type(name, value, values)
    if lower == "x-oss-next-append-position":
        return _next_append(name, value)
    if lower == "x-oss-server-side-encryption":
        return _sse(name, value, values)
    if lower == "x-oss-server-side-encryption-key-id":
        return _sse_key(name, value)
    if lower == "x-oss-server-side-data-encryption":
        return _sse_data(name, value)
    if lower == "x-oss-tagging-count":
        return _tagging(name, value)
    if lower == "x-oss-expiration":
        return _expiration(name, value, now)
    if lower == "x-oss-transition-time":
        return _dated(
            name,
            value,
            now,
            "A lifecycle rule moved the object to its cold storage class on {when}.",
        )
    if lower == "x-oss-sealed-time":
        return _dated(
            name, value, now, "The appendable object was sealed on {when}: no more appends."
        )
    if lower == "x-oss-object-worm-mode":
        return _worm_mode(name, value)
    if lower == "x-oss-object-worm-retain-until-date":
        return _dated(name, value, now, "This version is retained (WORM) until {when}.")
    if lower == "x-oss-object-worm-legal-hold":
        return _legal_hold(name, value)
    if lower == "x-oss-version-id":
        return _version(name, value)
    if lower == "x-oss-delete-marker" and value.lower() == "true":
        return HeaderMeaning(
            name,
            value,
            "A delete marker: the key was deleted in a versioned bucket; earlier versions can "
            "still be read by version id.",
            (),
        )
    if lower in _SIMPLE:
        return HeaderMeaning(name, value, _SIMPLE[lower], ())
    return None


# -- what matters most at a glance ------------------------------------------------------------


def _weight(meaning: HeaderMeaning) -> int | None:
    """How much a user glancing at the object needs ``meaning`` (0: most); None: not at all.

    First what makes a GET fail or the object go away, then what changes how the object is
    read or compared (object type, SSE-KMS), then the rest of OSS's own state. The ETag,
    Content-MD5, version id and user metadata are left out: the headers themselves say it.
    """
    lower = meaning.header.lower()
    facts = dict(meaning.facts)
    state = facts.get("state")
    value = meaning.value.lower()
    if state in ("frozen", "expired") or lower == "x-oss-delete-marker":
        return 0
    if state in ("restoring", "restored"):
        return 1
    if lower == "x-oss-expiration" or (lower == "x-oss-object-worm-legal-hold" and facts["on"]):
        return 2
    if lower == "x-oss-object-type" and value in ("appendable", "symlink"):
        return 3
    if lower == "x-oss-server-side-encryption":
        return 3 if facts.get("mode") == "SSE-KMS" else 5
    if lower == "x-oss-object-type" and value != "normal":
        return 4
    if lower == "x-oss-storage-class" and value != "standard":
        return 4
    if lower in ("x-oss-object-worm-mode", "x-oss-object-worm-retain-until-date"):
        return 4
    if lower in ("x-oss-request-charged", "x-oss-sealed-time", "x-oss-transition-time"):
        return 5
    return None


def most_important(meanings: Iterable[HeaderMeaning]) -> list[HeaderMeaning]:
    """The meanings worth a glance, the most important first (equals keep their order)."""
    weighed = [
        (weight, meaning) for meaning in meanings if (weight := _weight(meaning)) is not None
    ]
    return [meaning for _, meaning in sorted(weighed, key=lambda pair: pair[0])]
