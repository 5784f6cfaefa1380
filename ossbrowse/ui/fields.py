"""The request form's fields: ids, labels, and the core rule each one is checked with.

The form validates as the user types with exactly the functions ``build_head_request`` uses
before sending, so what the form accepts is what would be sent, and the preview a field shows
(the quoted ETag, the RFC 1123 date) is the value that goes on the wire.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.validation import ValidationResult, Validator

from ossbrowse.oss.etags import normalize_etag
from ossbrowse.oss.httpdates import format_http_date, parse_date_input, read_date_input
from ossbrowse.oss.validation import (
    InputError,
    check_bucket,
    check_key,
    check_version_id,
    key_notes,
)


@dataclass(frozen=True)
class FieldSpec:
    """One input of the request form."""

    id: str
    """The widget id, e.g. ``if-none-match``."""
    name: str
    """The keyword of ``build_head_request`` (and ``InputError.field``), e.g. ``if_none_match``."""
    label: str
    placeholder: str
    optional: bool
    preview: Callable[[str], str]
    """Validate the text and return the value that will be sent; raises InputError."""


def _etag(name: str) -> Callable[[str], str]:
    return lambda text: normalize_etag(text, name)


def _date(name: str) -> Callable[[str], str]:
    return lambda text: format_http_date(parse_date_input(text, name))


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("bucket", "bucket", "Bucket", "my-bucket", False, check_bucket),
    FieldSpec("key", "key", "Key", "path/to/object.txt", False, check_key),
    FieldSpec("version-id", "version_id", "Version id", "optional", True, check_version_id),
    FieldSpec("if-match", "if_match", "If-Match", "ETag, * or a list", True, _etag("if_match")),
    FieldSpec(
        "if-none-match",
        "if_none_match",
        "If-None-Match",
        "ETag, * or a list",
        True,
        _etag("if_none_match"),
    ),
    FieldSpec(
        "if-modified-since",
        "if_modified_since",
        "If-Modified-Since",
        "HTTP or ISO 8601 date",
        True,
        _date("if_modified_since"),
    ),
    FieldSpec(
        "if-unmodified-since",
        "if_unmodified_since",
        "If-Unmodified-Since",
        "HTTP or ISO 8601 date",
        True,
        _date("if_unmodified_since"),
    ),
)
"""Every field, in form order."""

BY_ID = {spec.id: spec for spec in FIELDS}
BY_NAME = {spec.name: spec for spec in FIELDS}
CONDITION_IDS = ("if-match", "if-none-match", "if-modified-since", "if-unmodified-since")


def is_blank(spec: FieldSpec, text: str) -> bool:
    """True when ``text`` means "not set" for this field, exactly as build_head_request reads it."""
    if not spec.optional:
        return False
    # build_head_request checks a version id whenever it is non-empty, conditions only when
    # they hold more than blanks: mirror that so the form never disagrees with the core.
    return text == "" if spec.id == "version-id" else not text.strip()


class CoreRule(Validator):
    """A Textual validator that applies a field's core rule."""

    def __init__(self, spec: FieldSpec) -> None:
        super().__init__()
        self.spec = spec

    def validate(self, value: str) -> ValidationResult:
        """Succeed when the core would accept ``value`` for this field."""
        if is_blank(self.spec, value):
            return self.success()
        try:
            self.spec.preview(value)
        except InputError as exc:
            return self.failure(exc.message)
        return self.success()


def preview_text(spec: FieldSpec, text: str) -> str | None:
    """What the field will send when it differs from what was typed, else None.

    Date fields always show their RFC 1123 form; ETag fields show the quoted value when the
    user typed it bare. Raises InputError for an invalid value.
    """
    if is_blank(spec, text):
        return None
    sent = spec.preview(text)
    if spec.id.startswith("if-") and (sent != text.strip() or "since" in spec.id):
        return sent
    return None


def field_notes(spec: FieldSpec, text: str) -> tuple[str, ...]:
    """What sending ``text`` assumes or changes, from the core's own reading (empty: nothing).

    The same notes ``build_head_request`` attaches to the request: a date without a time zone
    read as UTC, a weekday corrected, fractional seconds dropped, a key's ``..`` segment that
    OSS does not resolve. Raises InputError for an invalid value.
    """
    if is_blank(spec, text):
        return ()
    if spec.id == "key":
        return key_notes(check_key(text))
    if spec.id.endswith("-since"):
        return read_date_input(text, spec.name)[1]
    return ()
