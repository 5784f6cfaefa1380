"""A new result that takes the room of the last one is redrawn in place, and still shown whole.

Text widgets skip the layout pass when new text takes the same room, and the headers table
changes values in place when only values of the same width differ. These tests check that
what is shown is always the new text, whole, whatever path it took.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from tui_helpers import screen_text

from ossbrowse.ui.literal import LiteralStatic
from ossbrowse.ui.widgets.headers_table import HeadersTable


class Texts(App[None]):
    CSS = """
    #words { width: auto; height: auto; }
    #lines { width: 1fr; height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield LiteralStatic("OK", id="words")
        yield LiteralStatic("one line", id="lines")
        yield LiteralStatic("below", id="below")


async def test_text_of_another_size_is_laid_out_and_text_of_the_same_size_is_shown() -> None:
    app = Texts()
    async with app.run_test(size=(60, 12)) as pilot:
        words = app.query_one("#words", LiteralStatic)
        lines = app.query_one("#lines", LiteralStatic)
        below = app.query_one("#below", LiteralStatic)
        assert below.region.y == 2

        lines.update("first\nsecond\nthird")  # taller: what follows moves down
        await pilot.pause()
        assert lines.region.height == 3 and below.region.y == 4
        assert "second" in screen_text(app)

        lines.update("uno\ndos\ntres")  # the same room: redrawn where it is
        await pilot.pause()
        text = screen_text(app)
        assert "dos" in text and "second" not in text
        assert lines.region.height == 3 and below.region.y == 4

        lines.update("only")  # shorter again
        await pilot.pause()
        assert lines.region.height == 1 and below.region.y == 2

        words.update("Precondition Failed")  # wider, for a widget as wide as its text
        await pilot.pause()
        assert words.region.width == len("Precondition Failed")
        assert "Precondition Failed" in screen_text(app)


SENT = (
    ("Content-Type", "text/plain"),
    ("Date", "Mon, 30 Nov 2026 08:00:00 GMT"),
    ("x-oss-request-id", "5F0000000000000000000001"),
    ("x-oss-meta-owner", "alice"),
)


class Table(App[None]):
    def compose(self) -> ComposeResult:
        yield HeadersTable(id="headers")


async def test_headers_changed_in_place_are_shown_whole_with_the_cursor_on_the_first() -> None:
    app = Table()
    async with app.run_test(size=(100, 12)) as pilot:
        table = app.query_one(HeadersTable)
        table.show_headers(SENT)
        await pilot.pause()
        table.move_cursor(row=2)
        await pilot.pause()

        same_width = (SENT[0], ("Date", "Mon, 30 Nov 2026 08:00:07 GMT"), *SENT[2:])
        table.show_headers(same_width)
        await pilot.pause()
        text = screen_text(app)
        assert "08:00:07 GMT" in text and "08:00:00 GMT" not in text
        assert table.cursor_row == 0 and table.selected_header() == SENT[0]
        assert table.header_count() == len(SENT)

        wider = (*SENT[:3], ("x-oss-meta-owner", "alice-and-a-much-longer-owner-name"))
        table.show_headers(wider)
        await pilot.pause()
        assert "alice-and-a-much-longer-owner-name" in screen_text(app)

        fewer = SENT[:2]
        table.show_headers(fewer)
        await pilot.pause()
        text = screen_text(app)
        assert table.header_count() == 2 and "x-oss-meta-owner" not in text
