"""What an object's stored settings mean at a moment: restore state, lifecycle expiry, tags, SSE.

Pure functions of an :class:`~ossbrowse.emulator.model.ObjectVersion` (and the bucket's
lifecycle rules) and the emulator clock, shared by the object handlers:

* the restore state of an Archive, ColdArchive or DeepColdArchive object — frozen, restoring,
  restored until a date — and the ``x-oss-restore`` header that reports it
  (docs/oss-protocol.md §2, §6);
* ``x-oss-expiration`` from the bucket's lifecycle Expiration rules;
* ``x-oss-tagging`` / tag sets: parsing and checking them;
* the server-side encryption headers a PUT may carry, checked as OSS checks them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, urlencode

from ossbrowse.emulator.errors import EC, OssError, invalid_argument
from ossbrowse.emulator.model import LifecycleRule, ObjectVersion
from ossbrowse.oss.httpdates import format_http_date, parse_http_date

DAY = 86_400
COLD_CLASSES = ("Archive", "ColdArchive", "DeepColdArchive")

# How long a restore takes, by storage class and tier (the upper bound of what the docs give:
# Archive "about one minute"; ColdArchive Expedited 1 h, Standard 2-5 h, Bulk 5-12 h;
# DeepColdArchive Expedited 12 h, Standard 48 h).
RESTORE_SECONDS: dict[str, dict[str, int]] = {
    "Archive": {"Expedited": 60, "Standard": 60, "Bulk": 60},
    "ColdArchive": {"Expedited": 3_600, "Standard": 5 * 3_600, "Bulk": 12 * 3_600},
    "DeepColdArchive": {"Expedited": 12 * 3_600, "Standard": 48 * 3_600},
}

SSE_ALGORITHMS = ("AES256", "KMS", "SM4")
# The id reported for SSE-KMS without a key id (OSS uses the account's default managed key).
DEFAULT_KMS_KEY_ID = "00000000-0000-4000-8000-0551b5e0ca11"
MAX_TAGS = 10
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
_TAG_PUNCTUATION = frozenset(" +-=._:/")


def http_date(posix: float) -> str:
    """An HTTP-date in GMT for POSIX seconds."""
    return format_http_date(datetime.fromtimestamp(int(posix), UTC))


# -- restore --------------------------------------------------------------------------------------


def restore_state(version: ObjectVersion, now: float) -> tuple[str, int | None]:
    """``("frozen" | "restoring" | "restored", until)`` of a cold object at ``now``.

    A restore requested through RestoreObject is timed by the emulator clock. A fixed
    ``restore`` header value (demo data) is read as it stands: ``ongoing-request="true"`` is
    restoring, an ``expiry-date`` in the future is restored, one in the past is frozen again.
    """
    if version.restore_ready is not None:
        if now < version.restore_ready:
            return "restoring", None
        if version.restore_until is not None and now < version.restore_until:
            return "restored", version.restore_until
        return "frozen", None
    text = version.restore
    if text is None:
        return "frozen", None
    if 'ongoing-request="true"' in text:
        return "restoring", None
    _, found, rest = text.partition('expiry-date="')
    expiry = parse_http_date(rest.split('"', 1)[0]) if found else None
    if expiry is not None and now < expiry.timestamp():
        return "restored", int(expiry.timestamp())
    return "frozen", None


def restore_header(version: ObjectVersion, now: float) -> str | None:
    """The ``x-oss-restore`` value at ``now`` (None: no restore, or the restored copy expired).

    A fixed value (demo data) is sent as it stands, whatever the clock says.
    """
    if version.restore_ready is None:
        return version.restore
    state, until = restore_state(version, now)
    if state == "restoring":
        return 'ongoing-request="true"'
    if state == "restored" and until is not None:
        return f'ongoing-request="false", expiry-date="{http_date(until)}"'
    return None


def readable(version: ObjectVersion, now: float) -> bool:
    """Whether a GET may return the content (cold objects only while restored)."""
    if version.storage_class not in COLD_CLASSES:
        return True
    return restore_state(version, now)[0] == "restored"


# -- lifecycle ------------------------------------------------------------------------------------


def _next_midnight(posix: int) -> int:
    return math.ceil(posix / DAY) * DAY


def expiration(version: ObjectVersion, rules: Iterable[LifecycleRule]) -> tuple[int, str] | None:
    """(expiry time, rule id) of the enabled Expiration rule that removes ``version`` first.

    A ``Days`` rule expires an object at the first midnight UTC at least that many days after
    it was written (how OSS and S3 count lifecycle days); a ``CreatedBeforeDate`` rule expires
    the objects written before the date, on that date.
    """
    found: tuple[int, str] | None = None
    for rule in rules:
        if not rule.enabled or not version.key.startswith(rule.prefix):
            continue
        if rule.days is not None:
            when = _next_midnight(version.last_modified + rule.days * DAY)
        elif rule.created_before is not None and version.last_modified < rule.created_before:
            when = rule.created_before
        else:
            continue
        if found is None or when < found[0]:
            found = (when, rule.rule_id)
    return found


def expiration_header(version: ObjectVersion, rules: Iterable[LifecycleRule]) -> str | None:
    """The ``x-oss-expiration`` value for ``version``, or None when no rule expires it."""
    found = expiration(version, rules)
    if found is None:
        return None
    when, rule_id = found
    return f'expiry-date="{http_date(when)}", rule-id="{rule_id}"'


# -- tags -----------------------------------------------------------------------------------------


def _invalid_tag(message: str) -> OssError:
    return OssError(400, "InvalidTag", message, EC["InvalidTag"])


def _tag_text(text: str) -> bool:
    """Letters, digits, spaces and ``+ - = . _ : /``: what OSS accepts in tag keys and values
    (oss2's own tests expect ``%`` and ``@`` to be refused)."""
    return all(c.isalnum() or c in _TAG_PUNCTUATION for c in text)


def check_tags(tags: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The tags if OSS accepts them (at most 10, unique keys of 1-128 characters, values of
    at most 256, both of letters, digits, spaces and ``+ - = . _ : /``), else 400 InvalidTag."""
    if len(tags) > MAX_TAGS:
        raise _invalid_tag(f"An object can have at most {MAX_TAGS} tags.")
    seen: set[str] = set()
    for key, value in tags:
        if not 0 < len(key) <= MAX_TAG_KEY:
            raise _invalid_tag(f"A tag key must be 1 to {MAX_TAG_KEY} characters long.")
        if len(value) > MAX_TAG_VALUE:
            raise _invalid_tag(f"A tag value must be at most {MAX_TAG_VALUE} characters long.")
        if not _tag_text(key) or not _tag_text(value):
            raise _invalid_tag(
                "Tag keys and values may hold letters, digits, spaces and + - = . _ : / only."
            )
        if key in seen:
            raise _invalid_tag("Tag keys must be unique.")
        seen.add(key)
    return tuple(tags)


def encode_tags(tags: Sequence[tuple[str, str]]) -> str | None:
    """Tags in the ``x-oss-tagging`` form (None for no tags)."""
    return urlencode(list(tags), quote_via=quote) if tags else None


def decode_tags(text: str | None) -> list[tuple[str, str]]:
    """Tags from their ``x-oss-tagging`` form."""
    return parse_qsl(text, keep_blank_values=True) if text else []


def tags_from_header(value: str) -> str | None:
    """The stored form of an ``x-oss-tagging`` request header; 400 when it is not valid."""
    try:
        tags = parse_qsl(value, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise invalid_argument(
            "x-oss-tagging must be a URL query string of tags (k1=v1&k2=v2).",
            "x-oss-tagging",
            value,
        ) from None
    return encode_tags(check_tags(tags))


# -- server-side encryption -------------------------------------------------------------------


def sse_settings(headers: Mapping[str, str]) -> dict[str, str | None]:
    """The encryption fields of a new object from its PUT headers, checked as OSS checks them.

    ``x-oss-server-side-encryption`` is AES256, KMS or SM4 (else 400). With KMS and no key id,
    OSS encrypts with the account's default managed key and reports its id: the emulator
    reports :data:`DEFAULT_KMS_KEY_ID`. ``x-oss-server-side-data-encryption: SM4`` counts with
    KMS only and is ignored otherwise (oss2's test_put_object_with_encryption expects exactly
    this). A key id without KMS is refused **(rec)**.
    """
    algorithm = headers.get("x-oss-server-side-encryption")
    key_id = headers.get("x-oss-server-side-encryption-key-id")
    data = headers.get("x-oss-server-side-data-encryption")
    if algorithm is None:
        if key_id is not None:
            raise invalid_argument(
                "x-oss-server-side-encryption must be KMS when a key id is given.",
                "x-oss-server-side-encryption",
                "",
            )
        return {}
    if algorithm not in SSE_ALGORITHMS:
        raise OssError(
            400,
            "InvalidEncryptionAlgorithmError",
            "The Encryption request you specified is not valid. Supported value: AES256/KMS/SM4",
            EC["InvalidEncryptionAlgorithm"],
        )
    if algorithm != "KMS":
        if key_id is not None:
            raise invalid_argument(
                "x-oss-server-side-encryption-key-id is valid with KMS only.",
                "x-oss-server-side-encryption",
                algorithm,
            )
        return {"sse": algorithm, "sse_key_id": None, "sse_data_encryption": None}
    if data is not None and data != "SM4":
        raise invalid_argument(
            "x-oss-server-side-data-encryption must be SM4.",
            "x-oss-server-side-data-encryption",
            data,
        )
    return {
        "sse": algorithm,
        "sse_key_id": key_id or DEFAULT_KMS_KEY_ID,
        "sse_data_encryption": data,
    }


def sse_headers(version: ObjectVersion) -> list[tuple[str, str]]:
    """The encryption headers OSS returns for ``version`` (none when it is not encrypted)."""
    if version.sse is None:
        return []
    headers = [("x-oss-server-side-encryption", version.sse)]
    if version.sse_key_id:
        headers.append(("x-oss-server-side-encryption-key-id", version.sse_key_id))
    if version.sse_data_encryption:
        headers.append(("x-oss-server-side-data-encryption", version.sse_data_encryption))
    return headers
