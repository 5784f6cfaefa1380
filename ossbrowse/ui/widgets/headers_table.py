"""Every response header, grouped: HTTP, OSS system, User metadata, Response / service.

A row cursor selects one header, whose full value the copy action takes. Values are shown as
plain text (never as markup) with control characters escaped and very long values cut.
"""

from __future__ import annotations

from rich.text import Text
from textual.coordinate import Coordinate

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

    def on_mount(self) -> None:
        """Three columns: the group (on its first row only), the header's name, its value."""
        self.add_column("Group", key="group")
        self.add_column("Response header", key="name")
        self.add_column("Value", key="value")

    def show_headers(self, headers: tuple[tuple[str, str], ...]) -> None:
        """Replace the rows with ``headers``, grouped."""
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

    def selected_header(self) -> tuple[str, str] | None:
        """The header under the cursor as received (full value), or None when there is none."""
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0))
        return self._rows.get(str(row_key.value))

    def header_count(self) -> int:
        """How many headers (not group rows) are shown."""
        return len(self._rows)
