"""Secrets that cannot show by accident, and quoting values in messages without leaking one.

An AccessKey secret or STS token lives in a :class:`Secret` from the moment it is read until the
signer needs its text: its ``repr`` and ``str`` are masked, so a log line, an f-string, a
``repr`` of a profile or a crash report that prints local variables shows ``***``, never the
value. Only :meth:`Secret.reveal` gives the text, and only the signer (and the redactor, which
must know what to hide) calls it.

A secret must be valid text: a byte that was not UTF-8 (kept by Python as a lone surrogate, as
``os.environ`` and ``sys.argv`` do), or a control or invisible formatting character, is refused
with :class:`SecretError`, whose message never quotes the value.

:func:`quote_value` is how a message quotes back a setting's value: a value that is, contains or
looks like a secret is replaced by a placeholder, and any other value is cut to a short prefix.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from collections.abc import Iterable

from ossbrowse.oss.safetext import shorten

__all__ = [
    "HIDDEN_VALUE",
    "MASK",
    "QUOTE_LIMIT",
    "Secret",
    "SecretError",
    "looks_like_secret",
    "quote_value",
    "shares_secret",
    "text_problem",
]

MASK = "***"
"""What ``str()`` of a :class:`Secret` shows."""
HIDDEN_VALUE = "<hidden: it looks like a secret>"
"""What a message shows instead of a value that is or looks like a secret."""
QUOTE_LIMIT = 32
"""The most characters of a value a message quotes; longer values are cut with "…"."""

# Unicode categories a secret never holds: controls, unassigned and private-use code points,
# lone surrogates (undecodable bytes), invisible formatting (zero-width space, BOM...), and
# line or paragraph separators. Each one silently breaks a signature or a header.
_BAD_CATEGORIES = {
    "Cc": "a control character",
    "Cs": "a byte that is not UTF-8",
    "Cf": "an invisible formatting character",
    "Co": "a private-use character",
    "Cn": "an unassigned character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}
# A run of the characters AccessKey secrets and STS tokens are made of (base64 and URL-safe).
_SECRET_RUN = re.compile(r"[A-Za-z0-9+/=_-]{16,}")
# Known secrets shorter than this are not searched for in values: they would match by chance.
_MIN_KNOWN = 6
# A value sharing this many consecutive characters with a known secret holds a piece of it.
_OVERLAP = 10


class SecretError(ValueError):
    """A secret is not usable text; the message says why, never what it is."""


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be a secret ("holds a control character (the 3rd)"), or None."""
    for index, char in enumerate(value):
        problem = _BAD_CATEGORIES.get(unicodedata.category(char))
        if problem is not None:
            # The position helps find the bad character; the character itself is never shown.
            return f"holds {problem} (character {index + 1} of {len(value)})"
    return None


class Secret:
    """A secret string whose ``repr`` and ``str`` are masked; :meth:`reveal` gives the text.

    Raises :class:`SecretError` when ``value`` is not valid text (see :func:`text_problem`).
    An empty secret is allowed and is false, as an empty string is.
    """

    __slots__ = ("_value",)
    _value: str

    def __init__(self, value: str | Secret) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str):
            raise SecretError(f"must be text, not {type(value).__name__}")
        problem = text_problem(value)
        if problem is not None:
            raise SecretError(f"is not valid text: it {problem}")
        object.__setattr__(self, "_value", value)

    def reveal(self) -> str:
        """The secret's text. Call it only where the text itself is needed (signing)."""
        return self._value

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Secret cannot be changed")

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return format(MASK, spec)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        # Only another Secret compares equal: a Secret is never mistaken for its plain text.
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> tuple[object, ...]:
        # Copying a profile (dataclasses.replace, copy.deepcopy) keeps the secret usable.
        return (Secret, (self._value,))


def shares_secret(value: str, known: Iterable[Secret | str]) -> bool:
    """Whether ``value`` holds a stretch of a ``known`` secret, or is a part of one.

    A stretch: 10 consecutive characters of a known secret (its whole text when shorter);
    letter case is ignored, since a value may have been lower-cased. Known secrets shorter
    than 6 characters are not looked for: they would match by chance.
    """
    folded = value.casefold()
    for secret in known:
        text = (secret.reveal() if isinstance(secret, Secret) else secret).casefold()
        if len(text) < _MIN_KNOWN:
            continue
        if len(folded) >= _MIN_KNOWN and folded in text:
            return True
        window = min(len(text), _OVERLAP)
        if any(text[i : i + window] in folded for i in range(len(text) - window + 1)):
            return True
    return False


def looks_like_secret(value: str, known: Iterable[Secret | str] = ()) -> bool:
    """Whether ``value`` shares a stretch with a ``known`` secret, or looks like a secret.

    Looks like one: a run of 16 or more base64 / URL-safe characters mixing upper case, lower
    case and digits, as AccessKey secrets and STS tokens do (region ids, endpoints, modes and
    numbers never do).
    """
    if shares_secret(value, known):
        return True
    for run in _SECRET_RUN.findall(value):
        if (
            any(c.isupper() for c in run)
            and any(c.islower() for c in run)
            and any(c.isdigit() for c in run)
        ):
            return True
    return False


def quote_value(value: object, known: Iterable[Secret | str] = ()) -> str:
    """``value`` quoted for a message: hidden when it may be a secret, else a short prefix.

    The result is a Python-style quoted string (control characters escaped), at most
    :data:`QUOTE_LIMIT` characters of the value, or :data:`HIDDEN_VALUE`.
    """
    if isinstance(value, Secret):
        return HIDDEN_VALUE
    text = value if isinstance(value, str) else str(value)
    if looks_like_secret(text, known):
        return HIDDEN_VALUE
    return repr(shorten(text, QUOTE_LIMIT))
