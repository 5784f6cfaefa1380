"""Input rules checked before anything is sent: bucket and key names, region, version id.

Each check raises :class:`InputError` naming the field, so both the TUI form and the headless
command can say exactly what is wrong. Rules follow OSS's documented naming conventions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# OSS: 3-63 characters, lower-case letters, digits and "-", starting and ending with a letter
# or digit.
_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
# OSS SDKs accept a region when it matches this; the endpoint adds the "oss-" prefix itself.
_REGION_RE = re.compile(r"^[a-z0-9-]+$")
MAX_KEY_BYTES = 1023


class InputError(ValueError):
    """A value the user typed cannot be sent. Nothing was sent."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InputErrors(ValueError):
    """Several fields are wrong at once; each is an :class:`InputError`."""

    def __init__(self, errors: Iterable[InputError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


def _has_control(text: str) -> bool:
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)


def check_bucket(name: str) -> str:
    """Return the bucket name if OSS would accept it, else raise InputError("bucket", ...)."""
    if not name:
        raise InputError("bucket", "is required")
    if len(name) < 3 or len(name) > 63:
        raise InputError("bucket", f"must be 3 to 63 characters long (got {len(name)})")
    if not _BUCKET_RE.match(name):
        if name[0] == "-" or name[-1] == "-":
            raise InputError("bucket", "must start and end with a lower-case letter or digit")
        raise InputError("bucket", "may contain only lower-case letters, digits and '-'")
    return name


def check_key(key: str) -> str:
    """Return the object key if OSS would accept it, else raise InputError("key", ...)."""
    if not key:
        raise InputError("key", "is required")
    if key[0] in "/\\":
        raise InputError("key", "must not start with '/' or '\\'")
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError:
        raise InputError("key", "is not valid UTF-8 (it contains a lone surrogate)") from None
    if size > MAX_KEY_BYTES:
        raise InputError("key", f"is {size} bytes in UTF-8; OSS allows at most {MAX_KEY_BYTES}")
    return key


def has_dot_segments(key: str) -> bool:
    """True when a ``/``-separated segment of ``key`` is ``.`` or ``..``."""
    return any(segment in (".", "..") for segment in key.split("/"))


def key_notes(key: str) -> tuple[str, ...]:
    """What a valid key does that its writer may not expect, in words (empty when nothing).

    OSS keys are names, not paths: ``docs/../hello.txt`` is its own key, never ``hello.txt``.
    """
    if has_dot_segments(key):
        return (
            "a '.' or '..' segment is not resolved: OSS keys are names, not paths, so OSS looks "
            "for this key exactly as typed",
        )
    return ()


def check_region(region: str) -> str:
    """Return the region id (e.g. ``cn-hangzhou``) or raise InputError("region", ...)."""
    if not region:
        raise InputError("region", "is required for V4 signing (e.g. cn-hangzhou)")
    if region.startswith("oss-"):
        raise InputError(
            "region", f"is the plain region id, without 'oss-' (did you mean {region[4:]!r}?)"
        )
    if not _REGION_RE.match(region):
        raise InputError("region", "may contain only lower-case letters, digits and '-'")
    return region


def check_version_id(version_id: str) -> str:
    """Return the version id or raise InputError("version_id", ...)."""
    if _has_control(version_id) or any(c.isspace() for c in version_id):
        raise InputError("version_id", "must not contain spaces or control characters")
    try:
        version_id.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("version_id", "is not valid UTF-8") from None
    return version_id
