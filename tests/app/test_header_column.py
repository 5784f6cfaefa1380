"""The explorer's header column: a chosen response header shown for the objects on screen.

``c`` asks for a header (Content-Type, x-oss-storage-class, an x-oss-meta-* key...); the rows on
screen are HEADed, a few at a time, and only those: rows scrolled to are HEADed when the view
rests, and rows never shown are never HEADed.
"""

from __future__ import annotations

from urllib.parse import unquote

from textual.widgets import Input
from tui_helpers import KEY_ID, NOW, SECRET, CountingTransport, profile_for, screen_text, wait_for

from ossbrowse.emulator import Emulator
from ossbrowse.ui.app import make_app
from ossbrowse.ui.screens.browse import COLUMN, BrowseScreen
from ossbrowse.ui.widgets.object_list import ObjectList

BUCKET, PREFIX, COUNT = "columns", "c/", 80


def seeded() -> Emulator:
    emu = Emulator(clock=lambda: NOW.timestamp(), access_key_id=KEY_ID, access_key_secret=SECRET)
    emu.start()
    emu.store.create_bucket(BUCKET, region=emu.region)
    for n in range(COUNT):
        emu.store.put_object(
            BUCKET,
            f"{PREFIX}obj-{n:02d}",
            b"x",
            content_type=f"type/n{n:02d}",
            user_meta=(("owner", f"team-{n % 3}"),),
        )
    return emu


def headed_keys(transport: CountingTransport) -> set[str]:
    prefix = f"/{BUCKET}/"
    return {
        unquote(r.url.path).removeprefix(prefix) for r in transport.requests if r.method == "HEAD"
    }


def on_screen(table: ObjectList) -> list[str]:
    return [table.entries[row].key for row in table.visible_rows()]  # type: ignore[union-attr]


async def filled(pilot: object, screen: BrowseScreen) -> None:
    table = screen.table
    await wait_for(
        pilot,
        lambda: (
            not table.missing_extra_values(table.visible_rows()) and not screen.runner.busy(COLUMN)
        ),
    )


async def choose(pilot: object, screen: BrowseScreen, header: str) -> None:
    await pilot.press("c")  # type: ignore[attr-defined]
    line = screen.query_one("#column", Input)
    assert line.display and line.has_focus
    line.value = header
    await pilot.press("enter")  # type: ignore[attr-defined]


async def test_a_header_column_is_filled_for_the_rows_on_screen_only() -> None:
    emu = seeded()
    try:
        counting = CountingTransport()
        app = make_app(
            profile_for(emu),
            transport=counting,
            clock=lambda: NOW,
            prefill={"bucket": BUCKET, "prefix": PREFIX},
            mode="browse",
        )
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, BrowseScreen)
            table = screen.table
            await wait_for(pilot, lambda: table.row_count == COUNT)

            await choose(pilot, screen, "Content-Type")
            await filled(pilot, screen)
            shown = on_screen(table)
            assert 10 <= len(shown) < COUNT
            assert table.columns[-1] == "Content-Type"
            assert table.extra_values == {key: f"type/n{key[-2:]}" for key in shown}
            assert headed_keys(counting) == set(shown)  # nothing off screen was HEADed
            text = screen_text(app)
            assert "Content-Type" in text and "type/n03" in text

            await pilot.press("pagedown")
            await filled(pilot, screen)
            more = on_screen(table)
            assert more[-1] > shown[-1]
            assert set(table.extra_values) == set(shown) | set(more)
            assert headed_keys(counting) == set(shown) | set(more)
            assert len(table.extra_values) < COUNT

            # The mouse wheel moves the view without the cursor: those rows are filled too.
            table.scroll_to(y=COUNT, animate=False, immediate=True)
            await filled(pilot, screen)
            last = on_screen(table)
            assert last[-1] == f"{PREFIX}obj-{COUNT - 1:02d}"
            assert set(last) <= set(table.extra_values) and set(last) <= headed_keys(counting)

            table.scroll_to(y=0, animate=False, immediate=True)
            await pilot.pause()
            await choose(pilot, screen, "x-oss-meta-owner")
            await filled(pilot, screen)
            assert table.columns[-1] == "x-oss-meta-owner"
            assert table.extra_values == {
                key: f"team-{int(key[-2:]) % 3}" for key in on_screen(table)
            }
    finally:
        emu.stop()


async def test_a_name_that_is_no_header_is_refused_and_empty_removes_the_column() -> None:
    emu = seeded()
    try:
        app = make_app(
            profile_for(emu),
            clock=lambda: NOW,
            prefill={"bucket": BUCKET, "prefix": PREFIX},
            mode="browse",
        )
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, BrowseScreen)
            table = screen.table
            await wait_for(pilot, lambda: table.row_count == COUNT)
            await choose(pilot, screen, "storage class")  # a short name for x-oss-storage-class
            await filled(pilot, screen)
            assert table.columns[-1] == "x-oss-storage-class"
            assert set(table.extra_values.values()) == {"Standard"}

            await choose(pilot, screen, "Content Type: <b>x</b>")
            await pilot.pause()
            status = str(screen.query_one("#list-status").render())
            assert "No column" in status and "header name" in status
            assert table.columns[-1] == "x-oss-storage-class"  # unchanged

            await choose(pilot, screen, "")
            await pilot.pause()
            assert table.columns == table.base_columns and not table.has_extra_column
    finally:
        emu.stop()
