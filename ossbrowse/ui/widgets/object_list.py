"""A virtual table of listing rows: buckets, folders and objects, or one key's versions.

Rows are appended a page at a time (:meth:`ObjectList.add_entries`), so the first page shows as
soon as it arrives and a prefix is never loaded whole. The widget draws only the rows on screen
(Textual's line API): adding a page costs the page, not the rows already loaded, and a frame
costs the visible rows, not the 100,000 loaded. Textual's ``DataTable`` measures and stores
every cell of every row, which froze the event loop for hundreds of milliseconds per page of a
big prefix.

Folders come first across pages: a folder that a later page brings is put with the others
(ListObjectsV2 orders folders and objects together by name), and the cursor stays on the row it
was on.

A chosen response header can be shown as one more column of an object listing
(:meth:`ObjectList.set_extra_column`): the screen HEADs the rows on screen and hands the values
in with :meth:`ObjectList.set_extra_values`; rows not HEADed yet show "…".

Names come from outside: each cell is plain text put into a segment as it is, with unsafe
characters escaped (:func:`~ossbrowse.oss.safetext.one_line`), never read as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import ClassVar, NamedTuple, cast

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ossbrowse.oss.listing import Bucket, CommonPrefix, DeleteMarker, ObjectEntry, VersionEntry
from ossbrowse.oss.safetext import one_line, shorten

Entry = Bucket | CommonPrefix | ObjectEntry | VersionEntry | DeleteMarker
"""What one row stands for."""

_KINDS: tuple[type[Entry], ...] = (Bucket, CommonPrefix, ObjectEntry, VersionEntry, DeleteMarker)
_FOLDER = _KINDS.index(CommonPrefix)

Packed = tuple[object, ...]
"""An entry as a plain tuple: its kind's index in ``_KINDS``, then its fields.

Rows are held packed because Python's cycle collector stops tracking a plain tuple of strings,
numbers and datetimes (not a named tuple): 100,000 loaded rows then add nothing to a full
collection, which otherwise paused the explorer for about half a second at a time.
"""


def _pack(entry: Entry) -> Packed:
    return (_KINDS.index(type(entry)), *entry)


def _unpack(packed: Packed) -> Entry:
    kind = _KINDS[cast(int, packed[0])]
    return kind._make(packed[1:])


OBJECT_COLUMNS = ("Name", "Size", "Last-Modified", "Class", "ETag")
BUCKET_COLUMNS = ("Bucket", "Region", "Created", "Class")
VERSION_COLUMNS = ("Version id", "Last-Modified", "Size", "ETag", "Current")

MIN_LAST_COLUMN = 12
"""The last column (the ETag or Current) is cut in the middle to fit the screen, never below
this."""
MIN_FIRST_COLUMN = 16
"""Then the first one (names), never below this."""
GAP = 2
"""Cells between two columns (and one before the first)."""


class Cell(NamedTuple):
    """One cell: its text, a style name (``bold``, ``dim``, ``italic`` or empty), alignment."""

    text: str
    style: str = ""
    right: bool = False


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "—"


def _size(size: int) -> Cell:
    return Cell(f"{size:,}", right=True)


def _literal(text: str | None) -> Cell:
    return Cell(one_line(text) if text is not None else "—")


def entry_cells(entry: Entry, prefix: str = "") -> tuple[Cell, ...]:
    """The cells of one row; names are shown relative to ``prefix``."""
    if isinstance(entry, Bucket):
        return (
            _literal(entry.name),
            _literal(entry.region),
            Cell(_when(entry.creation_date)),
            _literal(entry.storage_class),
        )
    if isinstance(entry, CommonPrefix):
        name = one_line(entry.prefix.removeprefix(prefix))
        return (Cell(name, "bold"), Cell("folder", "dim"), Cell(""), Cell(""), Cell(""))
    if isinstance(entry, ObjectEntry):
        return (
            _literal(entry.key.removeprefix(prefix)),
            _size(entry.size),
            Cell(_when(entry.last_modified)),
            _literal(entry.storage_class),
            _literal(entry.etag),
        )
    if isinstance(entry, DeleteMarker):
        return (
            _literal(entry.version_id),
            Cell(_when(entry.last_modified)),
            Cell("delete marker", "italic"),
            Cell(""),
            Cell("current" if entry.is_latest else ""),
        )
    return (
        _literal(entry.version_id),
        Cell(_when(entry.last_modified)),
        _size(entry.size),
        _literal(entry.etag),
        Cell("current" if entry.is_latest else ""),
    )


_WHEN_WIDTH = len("2026-01-01 00:00:00")


def _width(text: str | None) -> int:
    if text is None:
        return 1
    if text.isascii() and text.isprintable():
        return len(text)  # the common case, without building the cell
    return cell_len(one_line(text))


def entry_widths(entry: Entry, prefix: str = "") -> tuple[int, ...]:
    """The width of each cell of :func:`entry_cells` (cheaper than building the cells)."""
    if isinstance(entry, ObjectEntry):
        return (
            _width(entry.key.removeprefix(prefix)),
            len(f"{entry.size:,}"),
            _WHEN_WIDTH,
            _width(entry.storage_class),
            _width(entry.etag),
        )
    if isinstance(entry, CommonPrefix):
        return (_width(entry.prefix.removeprefix(prefix)), 6, 0, 0, 0)
    return tuple(cell_len(cell.text) for cell in entry_cells(entry, prefix))


def entry_name(entry: Entry) -> str:
    """The full name of what a row stands for (bucket, prefix, key or version id)."""
    if isinstance(entry, Bucket):
        return entry.name
    if isinstance(entry, CommonPrefix):
        return entry.prefix
    if isinstance(entry, ObjectEntry):
        return entry.key
    return entry.version_id


def _total(widths: Sequence[int]) -> int:
    """The width of a line: one cell before the first column and a gap between columns."""
    return 1 + sum(widths) + GAP * max(0, len(widths) - 1)


_CELL_STYLES = {
    "": Style(),
    "bold": Style(bold=True),
    "dim": Style(dim=True),
    "italic": Style(italic=True),
}


class _Frame(NamedTuple):
    """What every line of one frame shares: the styles and the column widths."""

    base: Style
    header: Style
    even: Style
    cursor: Style
    widths: list[int]


class RowMessage(Message):
    """Something happened to the row under an object list's cursor."""

    def __init__(self, object_list: ObjectList, cursor_row: int) -> None:
        super().__init__()
        self.object_list = object_list
        self.cursor_row = cursor_row

    @property
    def control(self) -> ObjectList:
        return self.object_list


class ObjectList(ScrollView, can_focus=True):
    """Listing rows grown a page at a time; ``entries[i]`` is what row ``i`` stands for.

    ``loaded`` holds every entry loaded; with a filter set, only those whose name (relative to
    the prefix) contains it are rows. The filter narrows loaded rows only.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First", show=False),
        Binding("end,ctrl+end", "last", "Last", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "object-list--header",
        "object-list--cursor",
        "object-list--even-row",
    }

    # The look of Textual's DataTable, which this replaces.
    DEFAULT_CSS = """
    ObjectList {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .object-list--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .object-list--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .object-list--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .object-list--even-row {
            background: $surface-darken-1 40%;
        }
        & > .object-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    cursor_row: reactive[int] = reactive(0, always_update=False, repaint=False, init=False)
    """The row under the cursor (0 when there are no rows)."""

    class RowHighlighted(RowMessage):
        """The cursor moved onto another row."""

    class RowSelected(RowMessage):
        """Enter (or a click on the highlighted row) chose the row under the cursor."""

    class Scrolled(Message):
        """Other rows came on screen (the mouse wheel or the scroll bar moved the view)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns: tuple[str, ...] = ()
        self.base_columns: tuple[str, ...] = ()
        """The listing's own columns (``columns`` adds the chosen header's)."""
        self.loaded: list[Packed] = []
        """Every entry loaded (packed), in the order the server listed them."""
        self.prefix = ""
        self.filter = ""
        self._folders: list[Packed] = []
        """Rows shown before every other (the folders of an object listing)."""
        self._rows: list[Packed] = []
        """The other rows."""
        self._widths: list[int] = []
        """The widest cell of each column so far (the header included)."""
        self._frame: _Frame | None = None
        """While drawing, what the lines share (:meth:`render_lines`)."""
        self.extra_column: str | None = None
        """The response header shown as the last column of an object listing, if any."""
        self.extra_values: dict[str, str] = {}
        """That header's value per key, for the objects HEADed so far."""

    # -- content -------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """How many rows there are (the filter applied)."""
        return len(self._folders) + len(self._rows)

    @property
    def entries(self) -> list[Entry]:
        """Every row's entry, in row order (a new list: folders first, then the rest)."""
        return [_unpack(packed) for packed in (*self._folders, *self._rows)]

    def entry_at(self, row: int) -> Entry | None:
        """The entry of row ``row``, if there is such a row."""
        folders = len(self._folders)
        if 0 <= row < folders:
            return _unpack(self._folders[row])
        if folders <= row < folders + len(self._rows):
            return _unpack(self._rows[row - folders])
        return None

    @property
    def highlighted(self) -> Entry | None:
        """The entry under the cursor, if any."""
        return self.entry_at(self.cursor_row)

    def start(self, columns: Sequence[str], prefix: str = "") -> None:
        """Empty the table and set its columns for a new listing.

        An object listing gets the chosen header's column too (with no values yet).
        """
        self.base_columns = tuple(columns)
        self.columns = self._with_extra(self.base_columns)
        self.extra_values = {}
        self.loaded = []
        self._folders = []
        self._rows = []
        self.prefix = prefix
        self._widths = [cell_len(name) for name in self.columns]
        self.set_reactive(ObjectList.cursor_row, 0)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._resize()

    def _with_extra(self, columns: tuple[str, ...]) -> tuple[str, ...]:
        if self.extra_column and columns == OBJECT_COLUMNS:
            return (*columns, self.extra_column)
        return columns

    @property
    def has_extra_column(self) -> bool:
        """True when the chosen header is a column of this listing."""
        return len(self.columns) > len(self.base_columns)

    def set_extra_column(self, header: str | None) -> None:
        """Show ``header`` (a response header name) as the last column; None removes it."""
        self.extra_column = header or None
        self.extra_values = {}
        self.columns = self._with_extra(self.base_columns)
        self._widths = [cell_len(name) for name in self.columns]
        for packed in (*self._folders, *self._rows):
            for index, width in enumerate(entry_widths(_unpack(packed), self.prefix)):
                self._widths[index] = max(self._widths[index], width)
        self._resize()
        self.refresh()

    def set_extra_values(self, values: dict[str, str]) -> None:
        """The chosen header's value for some keys (as HEADs bring them)."""
        if not self.has_extra_column:
            return
        self.extra_values.update(values)
        self._widen_extra(values.values())
        self._resize()
        self.refresh()

    def _widen_extra(self, values: Iterable[str]) -> None:
        last = len(self.columns) - 1
        for value in values:
            self._widths[last] = max(self._widths[last], _width(value))

    def missing_extra_values(self, rows: range) -> list[str]:
        """The keys of the objects in ``rows`` whose header value is not known yet."""
        if not self.has_extra_column:
            return []
        keys = []
        for row in rows:
            entry = self.entry_at(row)
            if isinstance(entry, ObjectEntry) and entry.key not in self.extra_values:
                keys.append(entry.key)
        return keys

    def _extra_cell(self, entry: Entry) -> Cell:
        if not isinstance(entry, ObjectEntry):
            return Cell("")
        value = self.extra_values.get(entry.key)
        return Cell("…", "dim") if value is None else _literal(value)

    def _matches(self, entry: Entry) -> bool:
        if not self.filter:
            return True
        return self.filter.casefold() in entry_name(entry).removeprefix(self.prefix).casefold()

    def add_entries(self, entries: Sequence[Entry]) -> None:
        """Append one page's rows (those the filter lets through); folders join the folders."""
        packed = [_pack(entry) for entry in entries]
        self.loaded.extend(packed)
        self._show(entries, packed)

    def _show(self, entries: Sequence[Entry], packed: Sequence[Packed]) -> None:
        was_empty = self.row_count == 0
        cursor = self.cursor_row
        folders_before_cursor = 0
        widths = self._widths
        for entry, row in zip(entries, packed, strict=True):
            if not self._matches(entry):
                continue
            if row[0] == _FOLDER:
                if self._rows and cursor >= len(self._folders):
                    folders_before_cursor += 1
                self._folders.append(row)
            else:
                self._rows.append(row)
            for index, width in enumerate(entry_widths(entry, self.prefix)):
                if width > widths[index]:
                    widths[index] = width
        if folders_before_cursor:
            # Folders went in above the cursor: keep it on the row it was on.
            self.set_reactive(ObjectList.cursor_row, cursor + folders_before_cursor)
        self._resize()
        self.refresh()
        if was_empty and self.row_count:
            self.post_message(self.RowHighlighted(self, self.cursor_row))

    def set_filter(self, text: str) -> None:
        """Show only the loaded rows whose name contains ``text`` (any case)."""
        self.filter = text
        self._folders = []
        self._rows = []
        self._widths = [cell_len(name) for name in self.columns]
        if self.has_extra_column:
            self._widen_extra(self.extra_values.values())
        self.set_reactive(ObjectList.cursor_row, 0)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._show([_unpack(packed) for packed in self.loaded], self.loaded)
        self.refresh()

    # -- geometry ------------------------------------------------------------------------------

    def _column_widths(self) -> list[int]:
        """Each column's width on screen: the last one, then the first, give way to fit."""
        widths = list(self._widths)
        if not widths:
            return widths
        over = _total(widths) - self.scrollable_content_region.width
        # The last column (an ETag, "current") gives way first: the names are what a user reads.
        for index, least in ((len(widths) - 1, MIN_LAST_COLUMN), (0, MIN_FIRST_COLUMN)):
            if over <= 0:
                break
            give = max(0, min(over, widths[index] - least))
            widths[index] -= give
            over -= give
        return widths

    def _resize(self) -> None:
        total = _total(self._column_widths())
        # One line more than the rows: the header.
        self.virtual_size = Size(total, self.row_count + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._resize()

    @property
    def _page_rows(self) -> int:
        """How many rows fit below the header."""
        return max(1, self.scrollable_content_region.height - 1)

    # -- drawing -------------------------------------------------------------------------------

    def _line(self, cells: Sequence[Cell], widths: Sequence[int], style: Style) -> list[Segment]:
        segments = [Segment(" ", style)]
        gap = Segment(" " * GAP, style)
        for index, (cell, width) in enumerate(zip(cells, widths, strict=False)):
            text = cell.text
            if cell_len(text) > width:
                # Cut in the middle: a key keeps its file name, an ETag both its ends.
                text = shorten(text, width, middle=True)
            text = set_cell_size(text, width)  # wide characters: cut or pad by cells
            if cell.right:
                text = text.rstrip().rjust(width)
            if index:
                segments.append(gap)
            segments.append(Segment(text, style + _CELL_STYLES[cell.style]))
        return segments

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines in ``crop``; the styles and widths they share are worked out once."""
        base = self.rich_style
        self._frame = _Frame(
            base=base,
            header=base + self.get_component_rich_style("object-list--header"),
            even=self.get_component_rich_style("object-list--even-row"),
            cursor=self.get_component_rich_style("object-list--cursor"),
            widths=self._column_widths(),
        )
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: the header, then the rows scrolled to."""
        frame = self._frame
        if frame is None:  # called on its own, not while drawing
            return self.render_lines(Region(0, y, self.size.width, 1))[0]
        width = self.scrollable_content_region.width
        widths = frame.widths
        base = frame.base
        scroll_x, scroll_y = self.scroll_offset
        if y == 0:
            style = frame.header
            cells = [Cell(name) for name in self.columns]
        else:
            row = scroll_y + y - 1
            entry = self.entry_at(row)
            if entry is None:
                return Strip.blank(width, base)
            style = base
            if row % 2:
                style += frame.even
            if row == self.cursor_row:
                style += frame.cursor
            cells = list(entry_cells(entry, self.prefix))
            if self.has_extra_column:
                cells.append(self._extra_cell(entry))
        strip = Strip(self._line(cells, widths, style))
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    # -- the cursor ----------------------------------------------------------------------------

    def move_cursor(self, *, row: int) -> None:
        """Put the cursor on ``row`` (clamped to the rows there are) and scroll to it."""
        self.cursor_row = max(0, min(row, self.row_count - 1))
        self._scroll_to_cursor()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self.post_message(self.Scrolled())

    def watch_cursor_row(self, old: int, new: int) -> None:
        # Row r is virtual line r + 1 (the header is line 0).
        self.refresh_lines(old + 1)
        self.refresh_lines(new + 1)
        if self.row_count:
            self.post_message(self.RowHighlighted(self, new))

    def _scroll_to_cursor(self) -> None:
        row = self.cursor_row
        top = int(self.scroll_offset.y)
        page = self._page_rows
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + page:
            self.scroll_to(y=row - page + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self.cursor_row - self._page_rows)

    def action_page_down(self) -> None:
        self.move_cursor(row=self.cursor_row + self._page_rows)

    def action_first(self) -> None:
        self.move_cursor(row=0)

    def action_last(self) -> None:
        self.move_cursor(row=self.row_count - 1)

    def action_select(self) -> None:
        if self.row_count:
            self.post_message(self.RowSelected(self, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor to the row; a click on the highlighted row opens it."""
        y = event.y
        if y < 1:
            return
        row = int(self.scroll_offset.y) + y - 1
        if not 0 <= row < self.row_count:
            return
        event.stop()
        if row == self.cursor_row:
            self.action_select()
        else:
            self.move_cursor(row=row)

    def visible_rows(self) -> range:
        """The rows on screen now."""
        top = int(self.scroll_offset.y)
        return range(top, min(self.row_count, top + self._page_rows))
