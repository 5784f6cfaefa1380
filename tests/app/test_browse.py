"""The explorer: folders and objects of the demo bucket, paging, errors in place."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Input
from tui_helpers import NOW, completed, profile_for, screen_text, settle

from ossbrowse.emulator import DEMO_BUCKET, Emulator
from ossbrowse.oss.listing import CommonPrefix, DeleteMarker, ObjectEntry, VersionEntry
from ossbrowse.ui.app import OssBrowseApp, make_app
from ossbrowse.ui.literal import LiteralStatic
from ossbrowse.ui.screens.browse import BrowseScreen
from ossbrowse.ui.screens.head import HeadScreen
from ossbrowse.ui.widgets.object_list import OBJECT_COLUMNS, ObjectList


def browse_app(emu: Emulator, bucket: str = DEMO_BUCKET, **prefill: str) -> OssBrowseApp:
    """The app opened on the explorer at ``bucket`` (the bucket list for "")."""
    start = {"bucket": bucket, **prefill} if bucket else dict(prefill)
    return make_app(profile_for(emu), clock=lambda: NOW, prefill=start, mode="browse")


async def settled(pilot: object, screen: BrowseScreen) -> None:
    """Wait until no listing page is on its way."""
    await screen.app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    while screen.listing:
        await screen.app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]


def names(screen: BrowseScreen) -> list[str]:
    return names_of(screen.table)


def names_of(table: ObjectList) -> list[str]:
    out = []
    for e in table.entries:
        out.append(e.prefix if isinstance(e, CommonPrefix) else getattr(e, "key", ""))
    return out


async def test_into_a_folder_and_back(emulator: Emulator) -> None:
    app = browse_app(emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        top = names(screen)
        assert "drafts/" in top and "bulk/" in top
        # folders first
        kinds = [isinstance(e, CommonPrefix) for e in screen.table.entries]
        assert kinds == sorted(kinds, reverse=True)
        screen.table.move_cursor(row=top.index("drafts/"))
        await pilot.press("enter")
        await settled(pilot, screen)
        assert screen.place.prefix == "drafts/"
        assert "drafts/toto" in names(screen)
        assert "drafts/" in str(screen.query_one("#crumbs").render())
        await pilot.press("backspace")
        await settled(pilot, screen)
        assert screen.place.prefix == ""
        assert names(screen) == top


async def test_pages_grow_as_the_cursor_moves(emulator: Emulator) -> None:
    app = browse_app(emulator, prefix="bulk/", page_size="100")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        assert screen.table.row_count == 100
        assert screen.more
        await pilot.press("ctrl+end")
        await settled(pilot, screen)
        assert screen.table.row_count == 200
        await pilot.press("ctrl+end")
        await settled(pilot, screen)
        assert screen.table.row_count == 300
        keys = names(screen)
        assert keys == sorted(keys) and len(set(keys)) == 300


async def test_enter_on_an_object_opens_the_head_screen(emulator: Emulator) -> None:
    app = browse_app(emulator, prefix="drafts/")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        row = names(screen).index("drafts/toto")
        screen.table.move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()
        head = app.screen
        assert isinstance(head, HeadScreen)
        assert head.form.values()["bucket"] == DEMO_BUCKET
        assert head.form.values()["key"] == "drafts/toto"
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen is screen
        await settled(pilot, screen)
        assert screen.place.prefix == "drafts/"


async def test_versions_of_one_key(emulator: Emulator) -> None:
    app = browse_app(emulator, prefix="drafts/")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        screen.table.move_cursor(row=names(screen).index("drafts/toto"))
        await pilot.press("v")
        await settled(pilot, screen)
        entries = screen.table.entries
        assert entries and all(getattr(e, "key", None) == "drafts/toto" for e in entries)
        assert any(isinstance(e, DeleteMarker) for e in entries)


async def test_no_such_bucket_is_said_in_place(emulator: Emulator) -> None:
    app = browse_app(emulator, bucket="no-such-bucket-here")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        status = str(screen.query_one("#list-status").render())
        assert "NoSuchBucket" in status
        await pilot.press("backspace")
        await settled(pilot, screen)
        assert DEMO_BUCKET in [getattr(e, "name", "") for e in screen.table.entries]


def _unused(_: Callable[..., object], __: ObjectEntry) -> None: ...


async def test_jump_to_a_key_lists_from_it(emulator: Emulator) -> None:
    app = browse_app(emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        await pilot.press("slash")
        jump = screen.query_one("#jump", Input)
        assert jump.has_focus
        key = "bulk/item-05000.txt"
        jump.value = key
        await pilot.press("enter")
        await settled(pilot, screen)
        assert screen.place.prefix == "bulk/"
        highlighted = screen.table.highlighted
        assert isinstance(highlighted, ObjectEntry) and highlighted.key == key
        assert names(screen)[0] == key
        # The breadcrumbs name the key jumped to, not the listing's cut-off marker.
        crumbs = str(screen.query_one("#crumbs", LiteralStatic).render())
        assert crumbs.endswith(f"bulk/  from {key}"), crumbs


async def test_a_jump_to_a_long_key_keeps_it_on_the_breadcrumbs_line(emulator: Emulator) -> None:
    """At 80 columns a 300-character key with brackets stays visible: cut in the middle, its
    start and end shown literally, on the one breadcrumbs line."""
    app = browse_app(emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        await pilot.press("slash")
        key = "docs/[x]/[/x]目录" + "é" * 300 + "[end]"
        screen.query_one("#jump", Input).value = key
        await pilot.press("enter")
        await settled(pilot, screen)
        assert screen.place.jumped_to == key
        [line] = [row for row in screen_text(app).splitlines() if "Buckets ›" in row]
        assert "docs/[x]/[/  from docs/…é" in line and line.rstrip().endswith("é[end]")


async def test_a_bad_oss_location_in_jump_is_refused_naming_the_field(emulator: Emulator) -> None:
    app = browse_app(emulator, prefix="drafts/")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        before = names(screen)
        await pilot.press("slash")
        screen.query_one("#jump", Input).value = "oss://Bad_Bucket!/x"
        await pilot.press("enter")
        await settled(pilot, screen)
        status = str(screen.query_one("#list-status").render())
        assert "bucket:" in status
        assert names(screen) == before and screen.place.prefix == "drafts/"


async def test_filter_narrows_loaded_rows_only(emulator: Emulator) -> None:
    app = browse_app(emulator, prefix="drafts/")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        loaded = names(screen)
        await pilot.press("f")
        await pilot.press(*"TOTO-")
        await pilot.pause()
        assert names(screen) == [k for k in loaded if "toto-" in k]
        assert "drafts/toto-1" in names(screen) and "drafts/toto" not in names(screen)
        assert "loaded rows only" in str(screen.query_one("#list-status").render())
        await pilot.press("escape")
        await pilot.pause()
        assert names(screen) == loaded


async def test_preview_follows_the_cursor_never_stale(emulator: Emulator) -> None:
    app = browse_app(emulator, prefix="drafts/")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        objects = [i for i, e in enumerate(screen.table.entries) if isinstance(e, ObjectEntry)]
        for row in objects * 2:
            screen.table.move_cursor(row=row)
            await pilot.pause()
        target = screen.table.highlighted
        assert isinstance(target, ObjectEntry)
        while screen.previewed is None:
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
        assert screen.previewed.request.key == target.key
        assert target.key in str(screen.query_one("#preview").render())


async def rest_on(pilot: object, screen: BrowseScreen, key: str) -> str:
    """Put the cursor on ``key``, wait for its preview; the preview's text as shown."""
    app = screen.app
    screen.table.move_cursor(row=names(screen).index(key))
    await pilot.pause()  # type: ignore[attr-defined]
    while screen.previewed is None or screen.previewed.request.key != key:
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    return screen_text(app)


async def test_preview_says_a_frozen_archive_object_cannot_be_read(emulator: Emulator) -> None:
    app = browse_app(emulator, prefix="archive/")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        shown = await rest_on(pilot, screen, "archive/2022-logs.tar.gz")
        assert screen.query_one("#preview").size.height == 7
        preview = str(screen.query_one("#preview").render())
        assert "x-oss-storage-class: Archive, frozen: a GET fails with 403" in preview
        assert "until it is restored" in preview
        # Seen on the terminal at 80x24, with the Content-Type below it.
        flat = " ".join(shown.split())
        assert "Archive, frozen: a GET fails with 403 InvalidObjectState" in flat
        assert "Content-Type: application/gzip" in shown

        # The restored copy: readable until a date counted on the session clock (NOW + 7 days).
        await rest_on(pilot, screen, "archive/2024-logs.tar.gz")
        preview = str(screen.query_one("#preview").render())
        assert "x-oss-restore: Restored: the data can be read until" in preview
        assert "in 7 days" in preview and "frozen:" not in preview
        # At 24 rows the Archive class itself did not fit beside the restore; at 40 it does.
        assert "x-oss-storage-class" not in preview
        await pilot.resize_terminal(120, 40)
        for _ in range(200):  # the preview is redrawn after the new layout
            preview = str(screen.query_one("#preview").render())
            if "x-oss-storage-class" in preview:
                break
            await pilot.pause(0.05)
        assert screen.query_one("#preview").size.height >= 12
        assert "x-oss-restore: Restored" in preview
        assert "x-oss-storage-class: Archive: billed for at least 60 days" in preview
        assert "Last-Modified: " in preview


async def test_preview_explains_object_type_and_encryption(emulator: Emulator) -> None:
    app = browse_app(emulator, prefix="")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        for folder, key, sentence in (
            ("logs/", "logs/app.log", "x-oss-object-type: Appendable: written with AppendObject"),
            ("media/", "media/latest.mp4", "x-oss-object-type: Symlink: a link to another"),
            ("docs/", "docs/payroll-2026.csv", "x-oss-server-side-encryption: SSE-KMS:"),
        ):
            await pilot.press("slash")
            screen.query_one("#jump", Input).value = folder
            await pilot.press("enter")
            await settled(pilot, screen)
            await rest_on(pilot, screen, key)
            preview = str(screen.query_one("#preview").render())
            assert sentence in preview, key
            assert "Content-Length: " in preview  # the plain headers stay below
        # Plain objects have nothing to explain: the preview is the headers as before.
        await pilot.press("slash")
        screen.query_one("#jump", Input).value = "drafts/"
        await pilot.press("enter")
        await settled(pilot, screen)
        await rest_on(pilot, screen, "drafts/toto")
        preview = str(screen.query_one("#preview").render())
        assert "x-oss-" not in preview.split("Content-Type", 1)[0]


async def test_a_delete_marker_version_answers_405(emulator: Emulator) -> None:
    app = browse_app(emulator, prefix="drafts/")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        screen.table.move_cursor(row=names(screen).index("drafts/toto"))
        await pilot.press("v")
        await settled(pilot, screen)
        row = next(i for i, e in enumerate(screen.table.entries) if isinstance(e, DeleteMarker))
        marker = screen.table.entries[row]
        screen.table.move_cursor(row=row)
        await pilot.press("enter")
        head = app.screen
        assert isinstance(head, HeadScreen)
        while head.in_flight or head.pane.shown is None:
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
        result = head.pane.shown.result
        assert result.request.version_id == marker.version_id
        assert result.status == 405
        assert "delete marker" in result.summary


class _DenyingHandler(BaseHTTPRequestHandler):
    """Answers every request 403 AccessDenied, as OSS does for a RAM user without ListBuckets."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        body = (
            b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code>'
            b"<Message>You have no right to access this object because of bucket acl."
            b"</Message><RequestId>5C3D9175B6FC201293AD4890</RequestId></Error>"
        )
        self.send_response(403)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-oss-request-id", "5C3D9175B6FC201293AD4890")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


async def test_access_denied_on_list_buckets_offers_to_type_a_bucket(emulator: Emulator) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _DenyingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        profile = profile_for(emulator, endpoint=endpoint)
        app = make_app(profile, clock=lambda: NOW, prefill={}, mode="browse")
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, BrowseScreen)
            await settled(pilot, screen)
            status = str(screen.query_one("#list-status").render())
            assert "403" in status and "AccessDenied" in status
            assert "type a bucket" in status
            await pilot.press("slash")
            jump = screen.query_one("#jump", Input)
            assert jump.has_focus
            await pilot.press(*"my-bucket", "enter")
            await settled(pilot, screen)
            assert screen.place.bucket == "my-bucket"
            assert any("my-bucket" in path for path in _DenyingHandler.seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


async def test_a_404_from_a_delete_marker_offers_the_versions(emulator: Emulator) -> None:
    app = make_app(
        profile_for(emulator),
        clock=lambda: NOW,
        prefill={"bucket": DEMO_BUCKET, "key": "drafts/toto-10"},
    )
    async with app.run_test(size=(100, 30)) as pilot:
        head = app.screen
        assert isinstance(head, HeadScreen)
        await pilot.press("f5")
        while head.in_flight or head.pane.shown is None:
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
        assert head.pane.shown.result.status == 404
        assert any("F4" in n.message for n in app._notifications)
        await pilot.press("f4")
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        assert screen.place.key == "drafts/toto-10"
        entries = screen.table.entries
        assert entries and {getattr(e, "key", "") for e in entries} == {"drafts/toto-10"}
        assert isinstance(entries[0], DeleteMarker) and entries[0].is_latest


async def test_folders_a_later_page_brings_join_the_folders_and_the_cursor_stays() -> None:
    # ListObjectsV2 lists folders and objects together in name order, so a later page can
    # bring folders after objects already shown.
    class ListApp(App[None]):
        def compose(self) -> ComposeResult:
            yield ObjectList()

    page1 = [CommonPrefix("a/"), ObjectEntry("b.txt", 1, None, None, None)]
    page1 += [ObjectEntry(f"c{n}.txt", 1, None, None, None) for n in range(3)]
    page2 = [CommonPrefix("d/"), ObjectEntry("e.txt", 1, None, None, None), CommonPrefix("f/")]
    app = ListApp()
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(ObjectList)
        table.start(OBJECT_COLUMNS)
        table.add_entries(page1)
        table.move_cursor(row=3)  # c1.txt
        await pilot.pause()
        table.add_entries(page2)
        await pilot.pause()
        assert names_of(table) == ["a/", "d/", "f/", "b.txt", "c0.txt", "c1.txt", "c2.txt", "e.txt"]
        highlighted = table.highlighted
        assert isinstance(highlighted, ObjectEntry) and highlighted.key == "c1.txt"
        assert table.cursor_row == 5
        assert "c1.txt" in screen_text(app)


async def test_opening_another_object_drops_the_conditions_typed_for_the_last_one(
    emulator: Emulator,
) -> None:
    """An ETag or date typed for one object says nothing about another: a version opened from
    the explorer is HEADed as itself (200), not against a stale If-Match left in the form."""
    stale = '"0A980B7C7C0AE948D7D3D7477819D80C"'
    app = browse_app(emulator, prefix="drafts/", key="hello.txt", if_match=stale)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        screen.table.move_cursor(row=names(screen).index("drafts/toto"))
        await pilot.press("v")
        await settled(pilot, screen)
        row = next(i for i, e in enumerate(screen.table.entries) if isinstance(e, VersionEntry))
        version = screen.table.entries[row]
        screen.table.move_cursor(row=row)
        await pilot.press("enter")
        head = app.screen
        assert isinstance(head, HeadScreen)
        while head.in_flight or head.pane.shown is None:
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
        result = head.pane.shown.result
        assert result.request.version_id == version.version_id
        assert result.request.if_match is None
        assert result.status == 200
        assert head.form.values()["if_match"] == ""
        # Back in the explorer, Enter on another object: the form holds no condition either.
        head.form.set_value("if-none-match", stale)
        await pilot.press("f3")
        await settled(pilot, screen)
        screen.table.move_cursor(row=names(screen).index("drafts/toto-1"))
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is head
        assert head.form.values()["key"] == "drafts/toto-1"
        assert not head.form.has_conditions()
        # The same object again keeps what was typed for it.
        head.form.set_value("if-none-match", stale)
        await pilot.press("f3")
        await settled(pilot, screen)
        screen.table.move_cursor(row=names(screen).index("drafts/toto-1"))
        await pilot.press("enter")
        await pilot.pause()
        assert head.form.values()["if_none_match"] == stale


async def test_one_loaded_row_is_counted_as_one_row(emulator: Emulator) -> None:
    """hello.txt has one version: the count says "1 row loaded.", and a filter keeping none of
    it "0 of the 1 row loaded"."""
    app = browse_app(emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        screen.table.move_cursor(row=names(screen).index("hello.txt"))
        await pilot.press("v")
        await settled(pilot, screen)
        assert len(screen.table.entries) == 1
        status = screen.query_one("#list-status", LiteralStatic)
        assert str(status.render()) == "1 row loaded."
        await pilot.press("f")
        await pilot.press("z", "z")
        await pilot.pause()
        assert str(status.render()).startswith("Filter: 0 of the 1 row loaded match")


async def test_a_key_with_control_characters_never_reaches_the_terminal_raw(
    emulator: Emulator,
) -> None:
    """A listed key holding ESC [31m, opened from the explorer: the form's Key field shows the
    ESC as a visible symbol (the field's value is the key, unchanged), so the key cannot
    recolour the terminal; and the object can be HEADed from there like any other."""
    key = "odd/ctrl\x1b[31mred.txt"
    emulator.store.put_object(DEMO_BUCKET, key, b"x")
    app = browse_app(emulator, prefix="odd/")
    messages: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await settled(pilot, screen)
        screen.table.move_cursor(row=names(screen).index(key))
        await pilot.press("enter")
        await pilot.pause()
        head = app.screen
        assert isinstance(head, HeadScreen)
        field = head.form.field("key").input
        assert field.value == key
        shown = "".join(segment.text for segment in field.render_line(0))
        assert "\x1b" not in shown
        assert "odd/ctrl␛[31mred.txt" in shown
        # One cell per character: the cursor after the ESC is drawn after the ␛.
        field.cursor_position = len("odd/ctrl\x1b")
        assert field._cursor_offset == len("odd/ctrl␛")
        # OSS stores the key, the explorer listed it: the form sends it, and the answer is its.
        await pilot.press("f5")
        await settle(pilot)
        done = completed(messages)[-1].result
        assert (done.status, done.request.key) == (200, key)
        assert "\x1b" not in screen_text(app)


async def test_at_80_columns_the_etag_gives_way_before_the_name() -> None:
    class ListApp(App[None]):
        def compose(self) -> ComposeResult:
            yield ObjectList()

    name = "annual-report-2026-final.pdf"
    etag = '"5EB63BBBE01EEED093CB22BB8F5ACDC3"'
    app = ListApp()
    async with app.run_test(size=(80, 8)) as pilot:
        table = app.query_one(ObjectList)
        table.start(OBJECT_COLUMNS)
        table.add_entries([ObjectEntry(name, 12, None, etag, "Standard")])
        await pilot.pause()
        shown = screen_text(app)
        assert name in shown  # the name, whole
        assert etag not in shown and '8F5ACDC3"' in shown  # the ETag, cut in the middle
