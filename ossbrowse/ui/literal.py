"""Text from outside the program on screen: always shown as text, never read as markup.

Keys, header values, error documents, config values and exception messages are data. Textual
reads a plain ``str`` as content markup almost everywhere (``Static`` and ``Label`` content,
``notify`` messages, tooltips, border titles, ``DataTable`` and Rich ``Table`` cells,
``OptionList`` prompts), so a key such as ``report[/2024].csv`` would crash the app with a
``MarkupError`` and ``[@click=app.screenshot(...)]`` would become a clickable action.

So the UI hands Textual only objects it cannot misread: every widget builds what it shows with
this module, the one place in ``ossbrowse.ui`` that may touch a markup parser.
``tests/unit/test_literal_rendering.py`` reads the UI's source and fails when any other module
notifies, parses markup or uses a widget that would read a ``str`` as markup.

- :func:`plain` (Textual) and :func:`rich_plain` (Rich tables): outside text, literally.
- :func:`template`: our own constant markup, with outside values inserted literally.
- :func:`notify`: the only way to show a notification.
- :class:`LiteralStatic`, :class:`LiteralTable`, :class:`LiteralDataTable`, :func:`option`: a
  ``Static``, a Rich table, a data table and an option list entry that show any ``str`` they
  are given as text.
- :class:`LiteralInput`: a text field whose value (a listed key, a replayed probe) may come from
  outside: control and bidi characters in it are drawn as visible symbols.

Every value also goes through the one control-character policy (:func:`safe`): control and
bidi characters are shown escaped, so a value cannot recolour or reorder the terminal either.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual.content import Content
from textual.expand_tabs import expand_tabs_inline
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey, RowKey
from textual.widgets.option_list import Option

from ossbrowse.oss.safetext import ELLIPSIS, UNSAFE_RE, shorten
from ossbrowse.ui.formatting import safe

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from textual.app import App
    from textual.notifications import SeverityLevel
    from textual.visual import VisualType
    from textual.widget import Widget


def safe_lines(text: str, limit: int | None = None) -> str:
    """``text`` under the control-character policy, keeping its line breaks.

    Each line is passed through :func:`safe`; ``limit`` cuts the whole text first.
    """
    if limit is not None and len(text) > limit:
        text = f"{text[: limit - 1]}… ({len(text):,} characters)"
    return "\n".join(safe(line) for line in text.split("\n"))


def plain(
    text: str,
    style: str = "",
    *,
    limit: int | None = None,
    lines: bool = False,
    middle: bool = False,
) -> Content:
    """Outside ``text`` as Content, literally, in ``style`` (our own style, e.g. ``"bold"``).

    ``limit`` cuts long values, in the middle with ``middle`` (for keys and paths: the file
    name stays visible); ``lines`` keeps line breaks (otherwise they are escaped like every
    other control character, so one value stays on one line).
    """
    shown = safe_lines(text, limit) if lines else safe(text, limit, middle=middle)
    return Content.styled(shown, style) if style else Content(shown)


def rich_plain(
    text: str,
    style: str = "",
    *,
    limit: int | None = None,
    lines: bool = False,
    middle: bool = False,
) -> Text:
    """Outside ``text`` as a Rich ``Text``, for the cells of Rich tables; see :func:`plain`."""
    shown = safe_lines(text, limit) if lines else safe(text, limit, middle=middle)
    return Text(shown, style=style)


class OneLine:
    """Outside text on one line of whatever width it is given (a Rich table cell), cut in the
    middle when it does not fit, so both ends stay visible (an ETag's, a key's file name).

    :attr:`cut` says whether the last rendering cut it, so the full value can be shown
    elsewhere (rendered later in the same pass, e.g. below the table).
    """

    def __init__(self, text: str, style: str = "", *, min_width: int = 12) -> None:
        self.text = safe(text)
        self.style = style
        self.min_width = min_width
        self.cut = False

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """As wide as the text, and no narrower than ``min_width`` (or the text)."""
        width = cell_len(self.text)
        return Measurement(min(width, self.min_width), width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The text, cut in the middle to the width given."""
        width = max(1, options.max_width)
        shown = self.text
        self.cut = cell_len(shown) > width
        if self.cut and "/" in shown.removeprefix("W/"):
            shown = shorten(shown, width, middle=True)  # a path: keep the file name
        elif self.cut:
            # An ETag or a date: both ends matter alike.
            head = (width - 1) // 2
            shown = shown[:head] + ELLIPSIS + shown[len(shown) - (width - 1 - head) :]
        yield Text(shown, style=self.style, no_wrap=True, overflow="crop")


def template(markup: str, **values: str) -> Content:
    """Our own constant ``markup`` with each ``$name`` replaced by ``values[name]``, literally.

    Only pass a constant as ``markup`` (a string literal or a module constant); the values may
    come from anywhere. Textual substitutes template variables after parsing the markup, so a
    value is never read as markup; it takes the style of the tags around its ``$name``.
    """
    return Content.from_markup(markup, **{name: safe(v) for name, v in values.items()})


def notify(
    node: App[Any] | Widget,
    message: str,
    *,
    title: str = "",
    severity: SeverityLevel = "information",
    timeout: float | None = None,
) -> None:
    """Show a notification whose title and message are shown literally (line breaks kept).

    Textual's ``notify`` reads the message as markup unless told otherwise; everything in the
    UI notifies through here.
    """
    node.notify(
        safe_lines(message),
        title=safe(title),
        severity=severity,
        timeout=timeout,
        markup=False,
    )


def option(prompt: str | Content, id: str | None = None) -> Option:
    """An ``OptionList`` entry whose prompt shows ``prompt`` (a ``str`` literally)."""
    return Option(plain(prompt) if isinstance(prompt, str) else prompt, id=id)


# One visible character per control or bidi character, so indices in the value (the cursor, a
# selection) stay indices in what is drawn: C0 controls as their Control Pictures (ESC as ␛),
# DEL as ␡, the others (C1 controls, bidi overrides and isolates) as the replacement character.
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}


def visible(text: str) -> str:
    """``text`` with each control or bidi character replaced by one visible character."""
    return UNSAFE_RE.sub(lambda m: _PICTURES.get(ord(m.group()), "\ufffd"), text)


class LiteralInput(Input):
    """An ``Input`` that never sends a control or bidi character of its value to the terminal.

    Textual draws an Input's value as it is, so a key holding ``ESC [31m`` would recolour the
    terminal. The value is kept exactly (it is what is sent); only what is drawn, and the cursor
    cells measured on it, use :func:`visible`.
    """

    @property
    def _value(self) -> Text:
        if self.password:
            return super()._value
        text = Text(visible(self.value), no_wrap=True, overflow="ignore", end="")
        if self.highlighter is not None:
            text = self.highlighter(text)
        return text

    def _position_to_cell(self, position: int) -> int:
        return cell_len(expand_tabs_inline(visible(self.value[:position]), 4))


class LiteralStatic(Static):
    """A ``Static`` that shows a ``str`` as text (line breaks kept); other visuals as they are.

    Every static widget of the UI is one (or a subclass), so no call site can forget.
    """

    def __init__(
        self,
        content: VisualType = "",
        *,
        expand: bool = False,
        shrink: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            plain(content, lines=True) if isinstance(content, str) else content,
            expand=expand,
            shrink=shrink,
            markup=False,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
        )

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show ``content``; a ``str`` under the control-character policy, line breaks kept.

        Showing what is already shown does nothing, and new text that takes the same room is
        only redrawn: ``Static.update`` would ask for a layout of the whole screen every time,
        which is most of the cost of a new result on a screen of such widgets.
        """
        if isinstance(content, str):
            content = plain(content, lines=True)
        shown = self.content
        if isinstance(content, Content) and isinstance(shown, Content):
            if content.is_same(shown):
                return
            if layout and self._same_room(shown, content):
                layout = False
        super().update(content, layout=layout)

    def _same_room(self, shown: Content, content: Content) -> bool:
        """True when ``content`` takes the room ``shown`` takes in this widget, as laid out."""
        width = self.size.width
        if not width or not self.display:
            return False
        styles = self.styles
        rules = styles.get_rules()
        if styles.width is None or styles.width.is_auto:
            container = self.container_size.width
            if content.get_optimal_width(rules, container) != shown.get_optimal_width(
                rules, container
            ):
                return False
        if styles.height is None or styles.height.is_auto:
            return content.get_height(rules, width) == shown.get_height(rules, width)
        return True


class LiteralTable(Table):
    """A Rich table whose ``str`` cells, headers, title and caption are shown as text.

    Rich reads a ``str`` cell as console markup (the app's console has markup on).
    """

    def __init__(self, *headers: str | Text, **kwargs: Any) -> None:
        for name in ("title", "caption"):
            kwargs[name] = _cell(kwargs.get(name))
        super().__init__(**kwargs)
        for header in headers:
            self.add_column(header)

    def add_column(self, header: RenderableType = "", *args: Any, **kwargs: Any) -> None:
        """Add a column; a ``str`` header is shown as text."""
        super().add_column(_cell(header), *args, **kwargs)

    def add_row(self, *renderables: RenderableType | None, **kwargs: Any) -> None:
        """Add a row; each ``str`` cell is shown as text."""
        super().add_row(*(_cell(r) for r in renderables), **kwargs)

    def __setattr__(self, name: str, value: object) -> None:
        # ``table.caption = "..."`` after construction must be literal too.
        if name in ("title", "caption"):
            value = _cell(value)
        super().__setattr__(name, value)


class LiteralDataTable(DataTable[Text]):
    """A ``DataTable`` whose ``str`` cells and column labels are shown as text.

    ``DataTable`` reads a ``str`` cell as markup.
    """

    def add_column(
        self,
        label: str | Text,
        *,
        width: int | None = None,
        key: str | None = None,
        default: Text | None = None,
    ) -> ColumnKey:
        """Add a column; a ``str`` label is shown as text."""
        return super().add_column(_cell(label), width=width, key=key, default=default)

    def add_row(
        self,
        *cells: str | Text,
        height: int | None = 1,
        key: str | None = None,
        label: str | Text | None = None,
    ) -> RowKey:
        """Add a row; each ``str`` cell (and the row label) is shown as text."""
        return super().add_row(
            *(_cell(c) for c in cells), height=height, key=key, label=_cell(label)
        )

    def add_rows(self, rows: Iterable[Iterable[str | Text]]) -> list[RowKey]:
        """Add rows; each ``str`` cell is shown as text."""
        return super().add_rows([_cell(c) for c in row] for row in rows)


def _cell(value: Any) -> Any:
    return rich_plain(value, lines=True) if isinstance(value, str) else value
