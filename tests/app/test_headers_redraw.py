"""A new result redraws only the header cells that changed, and always shows the new values.

Two HEADs of one object differ in a couple of headers (Date, the request id). Textual's table
would draw every visible cell again for each result; the headers table draws again only the
cells whose text changed, and everything after a change of styles (a theme).
"""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable
from tui_helpers import screen_text

from ossbrowse.ui.widgets.headers_table import HeadersTable

FIRST = (
    ("Content-Type", "text/plain"),
    ("Date", "Mon, 30 Nov 2026 08:00:00 GMT"),
    ("ETag", '"5EB63BBBE01EEED093CB22BB8F5ACDC3"'),
    ("x-oss-request-id", "5F0000000000000000000001"),
    ("x-oss-meta-owner", "alice"),
)
SECOND = (
    ("Content-Type", "text/plain"),
    ("Date", "Mon, 30 Nov 2026 08:00:07 GMT"),
    ("ETag", '"5EB63BBBE01EEED093CB22BB8F5ACDC3"'),
    ("x-oss-request-id", "5F0000000000000000000002"),
    ("x-oss-meta-owner", "alice"),
)


class Table(App[None]):
    def compose(self) -> ComposeResult:
        yield HeadersTable(id="headers")


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """(row, column) of every cell Textual's table draws (Textual 8.2.8's drawing hook)."""
    cells: list[tuple[int, int]] = []
    draw = DataTable._render_cell

    def counting(self: DataTable, row: int, column: int, *args: object, **kw: object) -> object:
        cells.append((row, column))
        return draw(self, row, column, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(DataTable, "_render_cell", counting)
    return cells


async def test_a_new_result_redraws_only_the_changed_cells(drawn: list[tuple[int, int]]) -> None:
    app = Table()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(HeadersTable)
        table.show_headers(FIRST)
        await pilot.pause()
        text = screen_text(app)
        assert "08:00:00 GMT" in text and "0000000001" in text
        assert drawn, "the first result is drawn"
        drawn.clear()

        table.show_headers(SECOND)
        await pilot.pause()
        text = screen_text(app)
        assert "08:00:07 GMT" in text and "08:00:00 GMT" not in text
        assert "0000000002" in text and "0000000001" not in text
        assert "alice" in text and "text/plain" in text  # unchanged cells still shown
        body = [(row, column) for row, column in drawn if row >= 0]
        # The Date and request-id values; the header row may be drawn again, but no other cell.
        assert body and len(set(body)) <= 2, body


async def test_a_theme_change_redraws_every_cell(drawn: list[tuple[int, int]]) -> None:
    app = Table()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(HeadersTable)
        table.show_headers(FIRST)
        await pilot.pause()
        before = {(r, c) for r, c in drawn if r >= 0}
        drawn.clear()
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        await pilot.pause()
        after = {(r, c) for r, c in drawn if r >= 0}
        assert after == before and len(before) == 3 * len(FIRST)
