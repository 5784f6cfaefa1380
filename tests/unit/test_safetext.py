"""The one control-character policy and the one way to cut text, used by every front end."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ossbrowse.oss.safetext import UNSAFE_RE, escape_unsafe, escape_unsafe_json, one_line, shorten

# What a terminal acts on or reorders by: escape sequences, CSI, bell, DEL, bidi override/isolate.
HOSTILE = ["\x1b[2J", "\x9b31m", "\x07", "\x7f", "\u202e", "\u2066", "\r", "\n", "\t", "\x00"]


@pytest.mark.parametrize("char", HOSTILE)
def test_every_unsafe_character_is_shown_as_an_escape(char: str) -> None:
    shown = escape_unsafe(f"a{char}b")
    assert not UNSAFE_RE.search(shown)
    assert shown.startswith("a\\") and shown.endswith("b")


def test_escapes_name_the_character() -> None:
    assert escape_unsafe("a\x1b[31mb") == "a\\x1b[31mb"
    assert escape_unsafe("rtl\u202eevil") == "rtl\\u202eevil"
    assert escape_unsafe("two\nlines\ttab") == "two\\x0alines\\x09tab"
    assert escape_unsafe("two\nlines\ttab\r", keep="\n\t") == "two\nlines\ttab\\x0d"
    assert escape_unsafe("café 中文 ✔") == "café 中文 ✔"


def test_one_line_turns_breaks_into_spaces_and_escapes_the_rest() -> None:
    assert one_line("a\r\nb\tc\x9bd") == "a  b c\\x9bd"


@given(st.text())
def test_escaped_text_holds_nothing_unsafe_and_escaping_again_changes_nothing(text: str) -> None:
    shown = escape_unsafe(text)
    assert not UNSAFE_RE.search(shown)
    assert escape_unsafe(shown) == shown


def test_shorten_cuts_the_end_by_default() -> None:
    assert shorten("short", 10) == "short"
    assert shorten("x" * 50, 10) == "x" * 9 + "…"
    assert shorten("abc", 1) == "…"


def test_shorten_in_the_middle_keeps_the_file_name() -> None:
    key = "reports/2024/quarterly/very/deep/folder/structure/q3-summary.csv"
    shown = shorten(key, 40, middle=True)
    assert len(shown) == 40
    assert shown.startswith("reports/2024/") and shown.endswith("/q3-summary.csv")
    assert "…" in shown


def test_shorten_in_the_middle_keeps_some_of_the_start_for_a_long_name() -> None:
    shown = shorten("bucket-dir/" + "n" * 200 + ".csv", 40, middle=True)
    assert len(shown) == 40
    assert shown.startswith("bucket-di") and shown.endswith("n.csv")


@given(st.text(), st.integers(min_value=0, max_value=80), st.booleans())
def test_shorten_never_exceeds_the_limit(text: str, limit: int, middle: bool) -> None:
    shown = shorten(text, limit, middle=middle)
    assert len(shown) <= limit
    assert shown == text or "…" in shown or limit == 0


@given(st.dictionaries(st.text(), st.text()))
def test_json_escaping_keeps_the_value_and_leaves_only_layout_raw(data: dict[str, str]) -> None:
    text = escape_unsafe_json(json.dumps(data, indent=2, ensure_ascii=False))
    assert json.loads(text) == data
    assert not UNSAFE_RE.search(text.replace("\n", ""))


def test_json_escaping_is_the_unsafe_set_less_layout() -> None:
    for code in [*range(0x0, 0x300), *range(0x2000, 0x2100)]:
        char = chr(code)
        if UNSAFE_RE.match(char) and char not in "\n\r\t":
            assert escape_unsafe_json(f"a{char}b") == f"a\\u{code:04x}b"
        else:
            assert escape_unsafe_json(f"a{char}b") == f"a{char}b"
