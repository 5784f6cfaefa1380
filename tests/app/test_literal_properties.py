"""Any text through any helper of ``ossbrowse.ui.literal`` comes out as that text (hypothesis).

For arbitrary text, rich in what markup is made of (``[``, ``]``, ``@``, ``=``, ``\\``, ``$``,
``/``), each helper's output reads exactly as the input after the one control-character policy
(``formatting.safe``, line breaks kept where the helper keeps them), and no part of it carries
a link or a click action. What it must never do, ``Content.from_markup`` on the same text does
at least sometimes; a check below proves the strategy produces such text.
"""

from __future__ import annotations

import io
from typing import Any

from hypothesis import HealthCheck, example, find, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text
from textual.app import App, ComposeResult
from textual.content import Content
from textual.markup import MarkupError
from textual.notifications import Notification
from textual.widgets._toast import Toast

from ossbrowse.ui.formatting import safe
from ossbrowse.ui.literal import (
    LiteralDataTable,
    LiteralStatic,
    LiteralTable,
    notify,
    option,
    plain,
    rich_plain,
    safe_lines,
    template,
)

MARKUP_CHARACTERS = "[]@=\\/$'\"(),. #:"
TAG_WORDS = ["b", "/", "/b", "@click=app.quit", "link=https://x.example", "red on red", "$text"]
texts = st.lists(
    st.one_of(
        st.text(alphabet=MARKUP_CHARACTERS + "ab", max_size=12),
        st.sampled_from(TAG_WORDS).map(lambda w: f"[{w}]"),
        st.sampled_from(["$value", "$other", "${value}", "\\[b]"]),  # template names, escapes
        st.text(max_size=6),  # anything else: controls, bidi marks, astral planes, newlines
    ),
    max_size=8,
).map("".join)
"""Text that looks like markup more often than not."""

HOSTILE_EXAMPLES = [
    "report[/2024].csv",
    "[@click=app.screenshot('x.svg','/tmp')]click[/]",
    "[link=https://evil.example/]https://oss.example/[/link]",
    "[red on red]hidden[/]",
    "\\[b]escaped? \\",
    "$value $other ${value}",
    "line one\nline two\r\n\x1b[31m\u202eevil",
]
SETTINGS = settings(max_examples=150, deadline=None)


def no_action_or_link(spans: Any) -> None:
    for span in spans:
        style = str(span.style)
        assert "@" not in style and "link" not in style, span


def has_action(text: str) -> bool:
    try:
        content = Content.from_markup(text)
    except MarkupError:
        return True
    return content.plain != text or bool(content.spans)


def test_the_strategy_produces_text_that_markup_would_read() -> None:
    assert has_action(find(texts, has_action))
    assert not has_action(find(texts, lambda t: not has_action(t)))


@SETTINGS
@given(texts)
def test_plain_is_the_text(text: str) -> None:
    for content in (plain(text), plain(text, "bold $text-accent"), plain(text, limit=10_000)):
        assert content.plain == safe(text)
        no_action_or_link(content.spans)
    lines = plain(text, lines=True)
    assert lines.plain == safe_lines(text) == "\n".join(safe(line) for line in text.split("\n"))
    no_action_or_link(lines.spans)


@SETTINGS
@given(texts)
def test_rich_plain_is_the_text(text: str) -> None:
    cell = rich_plain(text, "bold")
    assert cell.plain == safe(text)
    no_action_or_link(cell.spans)
    assert rich_plain(text, lines=True).plain == safe_lines(text)


@SETTINGS
@given(texts, texts)
def test_template_inserts_values_as_text(value: str, other: str) -> None:
    content = template("[b]$value[/b] and [i]$other[/i]!", value=value, other=other)
    assert content.plain == f"{safe(value)} and {safe(other)}!"
    no_action_or_link(content.spans)


class Recorder:
    """Stands in for an app: keeps what ``notify`` was asked to show."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def notify(self, message: str, **kwargs: Any) -> None:
        self.calls.append((message, kwargs))


@SETTINGS
@given(texts, texts)
def test_notify_shows_the_text(message: str, title: str) -> None:
    node = Recorder()
    notify(node, message, title=title, severity="error")  # type: ignore[arg-type]
    [(shown, kwargs)] = node.calls
    assert kwargs["markup"] is False and kwargs["title"] == safe(title)
    assert shown == safe_lines(message)
    # What the toast draws from it (the title is drawn literally by Textual itself).
    toast = Toast(Notification(shown, severity="error", markup=False))
    rendered = toast.render()
    assert rendered.plain == safe_lines(message)
    no_action_or_link(rendered.spans)


@SETTINGS
@given(texts)
def test_literal_static_shows_the_text(text: str) -> None:
    static = LiteralStatic(text)
    assert isinstance(static.visual, Content) and static.visual.plain == safe_lines(text)
    static.update(f"{text}!")
    assert isinstance(static.visual, Content) and static.visual.plain == safe_lines(f"{text}!")
    no_action_or_link(static.visual.spans)


@SETTINGS
@given(texts)
def test_option_shows_the_text(text: str) -> None:
    prompt = option(text, id="x").prompt
    assert isinstance(prompt, Content) and prompt.plain == safe(text)
    no_action_or_link(prompt.spans)


@SETTINGS
@example("\n", "")  # a title or caption keeps its line breaks like any cell
@given(texts, texts)
def test_literal_table_shows_the_text(cell: str, header: str) -> None:
    table = LiteralTable(header, title=cell, caption=cell)
    table.add_column(header)
    table.add_row(cell, cell)
    table.caption = cell
    shown = [table.title, table.caption, *(c.header for c in table.columns)]
    shown += [value for column in table.columns for value in column.cells]
    for value in shown:
        assert isinstance(value, Text), value
        assert value.plain in (safe_lines(cell), safe_lines(header)), value
        no_action_or_link(value.spans)


@example("[@click=app.quit]x[/]")
@given(st.text(alphabet="[]@=/ab", max_size=20))
def test_literal_table_renders_through_a_markup_console(text: str) -> None:
    """Rendered by a console that reads markup (as the app's does), a cell is still the text."""
    table = LiteralTable(box=None, show_header=False, padding=0)
    table.add_column(no_wrap=True)
    table.add_row(text)
    console = Console(markup=True, width=200, record=True, file=io.StringIO())
    console.print(table)
    assert console.export_text().rstrip("\n").rstrip() == text.rstrip()


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LiteralDataTable()


async def test_literal_data_table_shows_the_text() -> None:
    app = TableApp()
    async with app.run_test():
        table = app.query_one(LiteralDataTable)
        table.add_column("[/c]")
        assert table.ordered_columns[0].label.plain == "[/c]"

        @settings(SETTINGS, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(texts)
        def check(text: str) -> None:
            table.clear()
            table.add_row(text, label=text)
            [cell] = table.get_row_at(0)
            assert isinstance(cell, Text) and cell.plain == safe_lines(text)
            no_action_or_link(cell.spans)

        for text in HOSTILE_EXAMPLES:
            check.hypothesis.inner_test(text)  # type: ignore[attr-defined]
        check()
