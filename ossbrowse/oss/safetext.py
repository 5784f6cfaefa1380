"""Text from outside, made safe to show: one control-character policy and one way to cut text.

Error documents, exception messages, header values, keys and URLs all end up on a terminal: in
the TUI, in ``ossbrowse head`` output, in logs. A terminal may act on control characters (an
escape sequence can recolour the screen, move the cursor or write the clipboard), bidi controls
reorder what is shown, and a hostile server may send megabytes. Every front end applies the
same rules, from here:

* :data:`UNSAFE_RE` is the set of characters never put on a terminal as they are;
* :func:`escape_unsafe` shows each of them as a visible escape (``\\x1b``, ``\\u202e``), so
  nothing is hidden and nothing acts; :func:`one_line` first turns line breaks and tabs into
  spaces, for values that must stay on one line; :func:`escape_unsafe_json` does the same for
  JSON text, with JSON's own escapes;
* :func:`shorten` cuts long text with "…", at the end or, for keys and paths, in the middle so
  the file name stays visible.
"""

from __future__ import annotations

import re

__all__ = ["UNSAFE_RE", "escape_unsafe", "escape_unsafe_json", "one_line", "shorten"]

UNSAFE_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0 controls (tab and newline included), DEL, C1 controls, and the bidi embeddings, overrides
and isolates (U+202A-U+202E, U+2066-U+2069): a terminal acts on the first three, and the last
reorder the text around them."""

_LINE_BREAKS_RE = re.compile(r"[\r\n\t]")
_UNSAFE_IN_JSON_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""UNSAFE_RE less the line breaks and tabs JSON text may hold as layout."""
ELLIPSIS = "…"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_unsafe(text: str, *, keep: str = "") -> str:
    """``text`` with every unsafe character written as a visible escape (``\\x1b``, ``\\u202e``).

    Characters in ``keep`` stay as they are (``"\\n"`` for a value shown on several lines).
    """
    if not UNSAFE_RE.search(text):
        return text
    if not keep:
        return UNSAFE_RE.sub(_escape, text)
    return UNSAFE_RE.sub(lambda m: m.group() if m.group() in keep else _escape(m), text)


def escape_unsafe_json(text: str) -> str:
    """JSON text (from ``json.dumps``) with DEL, C1 and bidi controls written as ``\\uXXXX``.

    ``json`` escapes C0 controls inside strings itself, so a raw line break is layout, but it
    leaves the others raw; escaped, they are still the same JSON value.
    """
    return _UNSAFE_IN_JSON_RE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def one_line(text: str) -> str:
    """``text`` on one line: line breaks and tabs become spaces, other unsafe characters escapes."""
    return escape_unsafe(_LINE_BREAKS_RE.sub(" ", text))


def shorten(text: str, limit: int, *, middle: bool = False) -> str:
    """``text`` cut to at most ``limit`` characters, with "…" where it was cut.

    By default the end is cut. With ``middle`` the middle is, keeping the start and the end of
    a key or path: the end gets at least half the room and, when it needs it, the whole last
    path segment (the file name), leaving a quarter of the room for the start.
    """
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    room = limit - 1
    if not middle:
        return text[:room] + ELLIPSIS
    name = text[text.rfind("/") + 1 :]
    tail = min(max(room - room // 2, len(name)), room - room // 4)
    head = room - tail
    return text[:head] + ELLIPSIS + text[len(text) - tail :]
