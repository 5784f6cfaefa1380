"""A lazily grown table of listing rows: buckets, folders and objects, or one key's versions.

Rows are appended a page at a time (``add_rows``), so the first page shows as soon as it
arrives and a prefix is never loaded whole. Names come from outside and are rendered as
:class:`~rich.text.Text`, never as markup (a key like ``report[/2024].csv`` stays literal).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text

from ossbrowse.oss.listing import Bucket, CommonPrefix, DeleteMarker, ObjectEntry, VersionEntry
from ossbrowse.ui.literal import LiteralDataTable

Entry = Bucket | CommonPrefix | ObjectEntry | VersionEntry | DeleteMarker
"""What one row stands for."""

OBJECT_COLUMNS = ("Name", "Size", "Last-Modified", "Class", "ETag")
BUCKET_COLUMNS = ("Bucket", "Region", "Created", "Class")
VERSION_COLUMNS = ("Version id", "Last-Modified", "Size", "ETag", "Current")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "—"


def _size(size: int) -> Text:
    return Text(f"{size:,}", justify="right")


def _literal(text: str | None) -> Text:
    return Text(text if text is not None else "—")


def entry_cells(entry: Entry, prefix: str = "") -> tuple[Text, ...]:
    """The cells of one row; names are shown relative to ``prefix``."""
    if isinstance(entry, Bucket):
        return (
            _literal(entry.name),
            _literal(entry.region),
            _literal(_when(entry.creation_date)),
            _literal(entry.storage_class),
        )
    if isinstance(entry, CommonPrefix):
        name = entry.prefix.removeprefix(prefix)
        return (Text(name, style="bold"), Text("folder", style="dim"), Text(""), Text(""), Text(""))
    if isinstance(entry, ObjectEntry):
        return (
            _literal(entry.key.removeprefix(prefix)),
            _size(entry.size),
            _literal(_when(entry.last_modified)),
            _literal(entry.storage_class),
            _literal(entry.etag),
        )
    if isinstance(entry, DeleteMarker):
        return (
            _literal(entry.version_id),
            _literal(_when(entry.last_modified)),
            Text("delete marker", style="italic"),
            Text(""),
            Text("current" if entry.is_latest else ""),
        )
    return (
        _literal(entry.version_id),
        _literal(_when(entry.last_modified)),
        _size(entry.size),
        _literal(entry.etag),
        Text("current" if entry.is_latest else ""),
    )


def entry_name(entry: Entry) -> str:
    """The full name of what a row stands for (bucket, prefix, key or version id)."""
    if isinstance(entry, Bucket):
        return entry.name
    if isinstance(entry, CommonPrefix):
        return entry.prefix
    if isinstance(entry, ObjectEntry):
        return entry.key
    return entry.version_id


class ObjectList(LiteralDataTable):
    """Listing rows grown a page at a time; ``entries[i]`` is what row ``i`` stands for.

    ``loaded`` holds every entry loaded; with a filter set, only those whose name (relative to
    the prefix) contains it are rows. The filter narrows loaded rows only.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.entries: list[Entry] = []
        self.loaded: list[Entry] = []
        self.prefix = ""
        self.filter = ""

    def start(self, columns: Sequence[str], prefix: str = "") -> None:
        """Empty the table and set its columns for a new listing."""
        self.clear(columns=True)
        self.entries = []
        self.loaded = []
        self.prefix = prefix
        for column in columns:
            self.add_column(column, key=column)

    def _matches(self, entry: Entry) -> bool:
        if not self.filter:
            return True
        return self.filter.casefold() in entry_name(entry).removeprefix(self.prefix).casefold()

    def add_entries(self, entries: Sequence[Entry]) -> None:
        """Append one page's rows (those the filter lets through)."""
        self.loaded.extend(entries)
        shown = [entry for entry in entries if self._matches(entry)]
        self.entries.extend(shown)
        self.add_rows([entry_cells(entry, self.prefix) for entry in shown])

    def set_filter(self, text: str) -> None:
        """Show only the loaded rows whose name contains ``text`` (any case)."""
        self.filter = text
        self.clear()
        self.entries = []
        loaded, self.loaded = self.loaded, []
        self.add_entries(loaded)

    @property
    def highlighted(self) -> Entry | None:
        """The entry under the cursor, if any."""
        row = self.cursor_row
        if 0 <= row < len(self.entries) and self.row_count:
            return self.entries[row]
        return None
