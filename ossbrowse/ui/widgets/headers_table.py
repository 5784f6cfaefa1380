"""Every response header, grouped: HTTP, OSS system, User metadata, Response / service.

A row cursor selects one header, whose full value the copy action takes. Values are shown as
plain text (never as markup) with control characters escaped and very long values cut.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.coordinate import Coordinate
from textual.strip import Strip

from ossbrowse.oss.render import group_headers, shown_header_value
from ossbrowse.ui.formatting import MAX_SHOWN
from ossbrowse.ui.literal import LiteralDataTable, rich_plain


class HeadersTable(LiteralDataTable):
    """The response headers of the last result, one row each, under group rows."""

    DEFAULT_CSS = """
    HeadersTable { height: auto; margin: 1 0 0 0; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, show_header=True)
        self._rows: dict[str, tuple[str, str]] = {}
        self._drawn_cells: dict[tuple[object, ...], list[list[Segment]]] = {}
        self._drawn_lines: dict[tuple[object, ...], Strip] = {}

    # Textual 8.2.8's DataTable keys its cache of drawn cells by a count it bumps on every change,
    # so each new result re-drew every visible cell (about 0.5 ms each through Rich: most of the
    # time from a send's answer to its frame), although two HEADs of one object differ only in
    # Date and the request id. Here a cell is also cached by what it shows and where, so only
    # the cells that changed are drawn again. (DataTable is pinned; _render_cell is its hook.)
    _MAX_DRAWN_CELLS = 4096

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        row_key = self._row_locations.get_key(row_index)  # None for the header row
        column_key = self._column_locations.get_key(column_index)  # None for row labels
        value = (
            None if row_key is None or column_key is None else self.get_cell(row_key, column_key)
        )
        if row_key is None or not isinstance(value, Text):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        key = (
            row_index,
            column_index,
            value.plain,
            value.style,
            tuple(value.spans),
            value.justify,
            value.overflow,
            value.no_wrap,
            self.rows[row_key].height,
            base_style,
            width,
            cursor,
            hover,
            self._show_hover_cursor,
            self.show_cursor,
            self._pseudo_class_state,
        )
        lines = self._drawn_cells.get(key)
        if lines is None:
            if len(self._drawn_cells) >= self._MAX_DRAWN_CELLS:
                self._drawn_cells.clear()
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
            self._drawn_cells[key] = lines
        return lines

    # The same for whole lines: the table keys its line cache by that count too, and putting a
    # line together from its (cached) cells still costs about 1 ms. A line is cached by what its
    # row shows, the column widths and everything the table's own key holds but the count.
    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        try:
            row_key, _ = self._get_offsets(y)
        except LookupError:
            return super()._render_line(y, x1, x2, base_style)
        if row_key == self._header_row_key:
            shown: tuple[object, ...] = tuple(c.label.plain for c in self.columns.values())
        else:
            shown = tuple(
                (cell.plain, cell.style, tuple(cell.spans)) if isinstance(cell, Text) else cell
                for cell in self._data[row_key].values()
            )
        key = (
            y,
            x1,
            x2,
            self.size.width,
            self.cursor_coordinate,
            self.hover_coordinate,
            base_style,
            self.cursor_type,
            self.show_cursor,
            self._show_hover_cursor,
            self._pseudo_class_state,
            row_key,
            shown,
            tuple(column.get_render_width(self) for column in self.ordered_columns),
        )
        line = self._drawn_lines.get(key)
        if line is None:
            if len(self._drawn_lines) >= self._MAX_DRAWN_CELLS:
                self._drawn_lines.clear()
            line = super()._render_line(y, x1, x2, base_style)
            self._drawn_lines[key] = line
        return line

    def notify_style_update(self) -> None:
        """Styles changed (a theme, a pseudo-class): cells and lines drawn before are stale."""
        self._drawn_cells.clear()
        self._drawn_lines.clear()
        super().notify_style_update()

    def on_mount(self) -> None:
        """Three columns: the group (on its first row only), the header's name, its value."""
        self.add_column("Group", key="group")
        self.add_column("Response header", key="name")
        self.add_column("Value", key="value")

    def show_headers(self, headers: tuple[tuple[str, str], ...]) -> None:
        """Replace the rows with ``headers``, grouped; the cursor goes back to the first row."""
        if self._update_values(headers):
            return
        self.clear()
        self._rows.clear()
        index = 0
        for group, items in group_headers(headers):
            for position, (name, value) in enumerate(items):
                key = f"header:{index}"
                index += 1
                self._rows[key] = (name, value)
                # Every row is a header, so the cursor (row 0 after clear()) always selects
                # one and never needs moving; the group name marks where a group starts.
                label = Text(group, style="bold italic") if position == 0 else Text("")
                # The base64 error document is shown decoded in the error panel.
                shown = shown_header_value(name, value, "What OSS said")
                self.add_row(
                    label, rich_plain(name, limit=60), rich_plain(shown, limit=MAX_SHOWN), key=key
                )

    def _update_values(self, headers: tuple[tuple[str, str], ...]) -> bool:
        """Show ``headers`` by changing values in place, if that is all that differs.

        Two HEADs of one object answer the same header names in the same order, and the values
        that change (Date, the request id) keep their width. Then only those cells change: no
        row is rebuilt and the table keeps its size, so the screen is not laid out again for
        it. False (nothing changed) when the names, their order or a value's width differ. (The
        rows are in grouped order, and a header's group follows from its name.)
        """
        if self.row_count != len(headers) or not headers:
            return False
        rows = [item for _, items in group_headers(headers) for item in items]
        changed: list[tuple[str, str, str, Text]] = []
        for key, (name, value) in zip(list(self._rows), rows, strict=True):
            old_name, old_value = self._rows[key]
            if old_name != name:
                return False
            if old_value != value:
                shown = rich_plain(
                    shown_header_value(name, value, "What OSS said"), limit=MAX_SHOWN
                )
                old = self.get_cell(key, "value")
                if shown.cell_len != old.cell_len:
                    return False
                changed.append((key, name, value, shown))
        for key, name, value, shown in changed:
            self._rows[key] = (name, value)
            self.update_cell(key, "value", shown)
        if self.cursor_row != 0:
            self.move_cursor(row=0)
        return True

    def selected_header(self) -> tuple[str, str] | None:
        """The header under the cursor as received (full value), or None when there is none."""
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0))
        return self._rows.get(str(row_key.value))

    def header_count(self) -> int:
        """How many headers (not group rows) are shown."""
        return len(self._rows)
