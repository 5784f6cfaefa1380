"""The explorer's cells: the cheap widths agree with the cells drawn, for any name."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from ossbrowse.oss.listing import CommonPrefix, DeleteMarker, ObjectEntry, VersionEntry
from ossbrowse.ui.widgets.object_list import entry_cells, entry_widths

WHEN = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)
names = st.text(min_size=1, max_size=40)


@given(name=names, size=st.integers(0, 10**13), etag=st.none() | names, cls=st.none() | names)
def test_object_widths_are_the_drawn_cells_widths(
    name: str, size: int, etag: str | None, cls: str | None
) -> None:
    entry = ObjectEntry(f"dir/{name}", size, WHEN, etag, cls)
    cells = entry_cells(entry, "dir/")
    assert entry_widths(entry, "dir/") == tuple(cell_len(cell.text) for cell in cells)


@given(name=names)
def test_folder_and_version_widths_are_the_drawn_cells_widths(name: str) -> None:
    for entry in (
        CommonPrefix(f"dir/{name}/"),
        VersionEntry(name, "v1", True, WHEN, 3, '"e"', "Standard"),
        DeleteMarker(name, "v2", False, None),
    ):
        cells = entry_cells(entry, "dir/")
        assert entry_widths(entry, "dir/") == tuple(cell_len(cell.text) for cell in cells)


def test_unsafe_characters_in_a_name_are_drawn_as_escapes() -> None:
    cells = entry_cells(ObjectEntry("a\x1b[2Jb\u202e.txt", 1, WHEN, None, None))
    assert cells[0].text == "a\\x1b[2Jb\\u202e.txt"
    assert cells[4].text == "—"
