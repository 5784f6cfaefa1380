"""The browse screen: buckets, the folders and objects under a prefix, one key's versions.

Listings go through the screen's :class:`~ossbrowse.ui.runner.RequestRunner` in the group
``"list"``, one page per request in a thread worker (the listing iterators are blocking). The
first page is drawn as soon as it arrives; the next one is asked for when the cursor nears the
end of the rows loaded, so a prefix of any size is never loaded up front. A failed listing
(NoSuchBucket, AccessDenied, a wrong region, no answer) is said in place; the screen stays
usable. Enter on an object opens the head screen with its bucket and key filled in.

A response header chosen with ``c`` (Content-Type, x-oss-storage-class, an x-oss-meta-* key...)
becomes a column of the object listing, filled by HEADs of the rows on screen only, a few at a
time in the group ``"column"``; rows scrolled to are HEADed when the cursor rests.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

from ossbrowse.oss.client import OssClient
from ossbrowse.oss.listing import (
    MAX_PAGE_SIZE,
    Bucket,
    BucketPage,
    CommonPrefix,
    DeleteMarker,
    ObjectEntry,
    ObjectPage,
    VersionEntry,
    VersionPage,
)
from ossbrowse.oss.location import looks_like_location, parse_location
from ossbrowse.oss.meaning import HeaderMeaning, explain_headers, most_important
from ossbrowse.oss.paging import ListingFailed
from ossbrowse.oss.results import HeadRequest, HeadResult
from ossbrowse.oss.safetext import shorten
from ossbrowse.oss.validation import InputError, check_bucket
from ossbrowse.ui.actions import Action, bindings
from ossbrowse.ui.first_page import FirstPage
from ossbrowse.ui.literal import LiteralInput, LiteralStatic, notify, plain
from ossbrowse.ui.runner import RequestRunner, Ticket
from ossbrowse.ui.screens.base import SessionScreen
from ossbrowse.ui.session import Session
from ossbrowse.ui.widgets.object_list import (
    BUCKET_COLUMNS,
    OBJECT_COLUMNS,
    VERSION_COLUMNS,
    Entry,
    ObjectList,
    entry_name,
)
from ossbrowse.ui.widgets.profile_bar import ProfileBar
from ossbrowse.ui.widgets.steady_footer import SteadyFooter

LIST = "list"
"""The runner group of the listing requests."""
NEAR_END = 20
"""The next page is asked for when the cursor is this many rows from the end."""
DEFAULT_PAGE_SIZE = 200
PREVIEW = "preview"
"""The runner group of the HEAD on highlight (apart from listings: neither cancels the other)."""
PREVIEW_DELAY = 0.3
CRUMB_CHARS = 24
"""Longest prefix or key the breadcrumbs show; a longer one is cut in the middle."""
"""Seconds the cursor must rest on an object before it is HEADed."""
PREVIEW_MEANINGS = 2
"""The most explained headers the preview shows (the most important first)."""
PREVIEW_HEADER_LINES = 2
"""Preview lines kept for the plain headers (Content-Type, Content-Length) below the meanings."""
_ALARMING = frozenset({"frozen", "expired"})
"""Object states shown in the error colour: a GET of the object fails right now."""
COLUMN = "column"
"""The runner group of the HEADs that fill the header column (the rows on screen)."""
COLUMN_DELAY = 0.2
"""Seconds the view must rest before the rows on screen are HEADed for the column."""
COLUMN_JOBS = 8
"""HEADs in flight at once while the column is filled."""
HEADER_ALIASES = {
    "storage class": "x-oss-storage-class",
    "storage-class": "x-oss-storage-class",
    "class": "x-oss-storage-class",
    "type": "Content-Type",
    "size": "Content-Length",
}
"""Short names a user may type for a header."""
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

Page = BucketPage | ObjectPage | VersionPage

BROWSE_ACTIONS: tuple[Action, ...] = (
    Action(
        "backspace",
        "up",
        "up",
        "Up",
        "Go up",
        "Go up one folder (from a bucket's top: the bucket list)",
    ),
    Action(
        "v",
        "versions",
        "versions",
        "Versions",
        "Versions of the key",
        "List every version of the highlighted object's key, delete markers included",
    ),
    Action(
        "f3,h",
        "head",
        "head",
        # Short: the explorer's footer holds every key at 80 columns.
        "HEAD",
        "Open the head screen",
        "Open the head screen with the highlighted object filled in",
    ),
    Action(
        "slash,g",
        "jump",
        "jump",
        "Jump",
        "Jump to a key or prefix",
        "Type a key, a prefix or an oss:// location: a new listing starts there",
    ),
    Action(
        "f",
        "filter",
        "filter",
        "Filter",
        "Filter loaded rows",
        "Show only the loaded rows whose name contains the text (loaded rows only)",
    ),
    Action(
        "c",
        "column",
        "column",
        "Column",
        "Show a header as a column",
        "Type a response header (Content-Type, x-oss-storage-class, x-oss-meta-...): the "
        "objects on screen are HEADed and its value shown as a column (empty: no column)",
        show=False,  # the footer is full at 80 columns: F1 and the palette list it
    ),
    Action(
        "escape",
        "close_input",
        "close-input",
        "Close",
        "Close the jump, filter or column line",
        "Close the jump, filter or column line (a filter is cleared)",
        show=False,
    ),
    Action(
        "f5,ctrl+r",
        "reload",
        "reload",
        "Reload",
        "Reload the listing",
        "List this place again from its first page",
    ),
)


@dataclass(frozen=True)
class Place:
    """Where the browser is: the bucket list, a prefix of a bucket, or one key's versions."""

    bucket: str = ""
    prefix: str = ""
    key: str | None = None
    """Set for the versions of exactly this key."""
    start_after: str = ""
    """Objects listed from after this key (a jump to a key)."""
    jumped_to: str = ""
    """The key a jump asked for (listed first): what the breadcrumbs name."""

    @property
    def parent(self) -> Place | None:
        """One level up (None at the bucket list)."""
        if self.key is not None or self.start_after:
            return Place(self.bucket, self.prefix)
        if not self.bucket:
            return None
        if not self.prefix:
            return Place()
        trimmed = self.prefix.rstrip("/")
        cut = trimmed.rfind("/")
        return Place(self.bucket, trimmed[: cut + 1] if cut >= 0 else "")

    def crumbs(self) -> Content:
        """The breadcrumbs line (names rendered literally)."""
        if not self.bucket:
            return Content("Buckets")
        # One line: a long prefix or key is cut in the middle (its start and its name stay), so
        # a jump's key is never pushed off the line by a long word.
        parts: list[Content | str | tuple[str, str]] = [
            "Buckets › ",
            (self.bucket, "bold"),
            " › ",
            Content(shorten(self.prefix, CRUMB_CHARS, middle=True)),
        ]
        if self.key is not None:
            name = shorten(self.key.removeprefix(self.prefix), CRUMB_CHARS, middle=True)
            parts += [Content(name), ("  (versions)", "italic")]
        elif self.jumped_to:
            parts += [
                ("  from ", "italic"),
                Content(shorten(self.jumped_to, CRUMB_CHARS, middle=True)),
            ]
        return Content.assemble(*parts)


def jump_place(here: Place, text: str) -> tuple[Place, str]:
    """Where a jump to ``text`` lists, and the name to put the cursor on.

    ``text`` is an ``oss://`` location or OSS URL, or else (in a bucket) a key or prefix of
    the bucket, or (at the bucket list) a bucket name. A prefix (ending in ``/``) is listed
    from its start; a key is listed from just before it, in its folder. Raises InputError
    naming the field for text that cannot be a location.
    """
    if looks_like_location(text):
        location = parse_location(text, field="jump")
        bucket, key = location.bucket, location.key
    elif not here.bucket:
        bucket, key = text.strip(), ""
        check_bucket(bucket)
    else:
        bucket, key = here.bucket, text
    if not key or key.endswith("/"):
        return Place(bucket, key), ""
    folder = key[: key.rfind("/") + 1]
    # The listing starts after the longest string below the key, so the key comes first.
    return Place(bucket, folder, start_after=key[:-1], jumped_to=key), key


def start_place(session: Session) -> tuple[Place, int]:
    """Where the explorer opens (what the command line asked for) and its page size."""
    start = session.start
    page_size = min(int(start.get("page_size", DEFAULT_PAGE_SIZE)), MAX_PAGE_SIZE)
    return Place(start.get("bucket", ""), start.get("prefix", "")), page_size


def place_pages(client: OssClient, place: Place, page_size: int) -> Iterator[Page]:
    """The listing of ``place``, page by page (each page fetched when asked for)."""
    if place.key is not None:
        return client.list_key_versions(place.bucket, place.key, page_size=page_size)
    if place.bucket:
        return client.list_objects_v2(
            place.bucket,
            prefix=place.prefix,
            delimiter="/",
            start_after=place.start_after,
            page_size=page_size,
        )
    return client.list_buckets(page_size=page_size)


def header_name(text: str) -> str:
    """The response header a user typed (a short name allowed); InputError when it is none."""
    name = text.strip()
    name = HEADER_ALIASES.get(name.lower(), name)
    if not name or not set(name) <= _TOKEN:
        raise InputError("column", "must be a header name, e.g. Content-Type or x-oss-meta-owner")
    return name


def column_value(result: HeadResult, header: str) -> str:
    """What the column shows for one HEAD: the header's value, or why there is none."""
    if result.status is None:
        return "(no answer)"
    if not 200 <= result.status < 300:
        return f"({result.status})"
    value = result.header(header)
    return "—" if value is None else value


def head_values(client: OssClient, bucket: str, keys: Sequence[str], header: str) -> dict[str, str]:
    """HEAD ``keys`` a few at a time (the client is thread-safe); the column value of each."""
    with ThreadPoolExecutor(min(COLUMN_JOBS, len(keys))) as pool:
        results = pool.map(lambda key: client.head_object(HeadRequest(bucket, key)), keys)
        return {result.request.key: column_value(result, header) for result in results}


def meaning_line(meaning: HeaderMeaning) -> Content:
    """One explained header in the preview: its name, then the short sentence (in the error
    colour when a GET of the object fails right now)."""
    alarming = dict(meaning.facts).get("state") in _ALARMING
    return Content.assemble(
        plain(meaning.header, "bold $text-accent", limit=60),
        ": ",
        plain(meaning.short, "bold $text-error" if alarming else "", limit=400),
    )


def preview_text(result: HeadResult, now: datetime, *, height: int = 5, width: int = 78) -> Content:
    """A few lines on the HEAD of the highlighted object (values rendered literally).

    After the status line come the most important meanings of OSS's own headers as of ``now``
    (frozen or restored, object type, SSE-KMS, expiration...), at most
    :data:`PREVIEW_MEANINGS` and as many as fit ``height`` lines of ``width`` cells while
    :data:`PREVIEW_HEADER_LINES` stay for the plain headers; the most important one is shown
    even when it does not fit. Then the plain headers, as many as the height shows.
    """
    lines: list[Content] = [
        Content.assemble(
            ("HEAD ", "bold"),
            plain(result.request.key, limit=200, middle=True),
            ": ",
            (str(result.status) if result.status else "no answer", "bold"),
        )
    ]
    if result.status == 200:
        budget = height - 1 - PREVIEW_HEADER_LINES
        meanings = most_important(explain_headers(result.headers, now=now))
        for meaning in meanings[:PREVIEW_MEANINGS]:
            line = meaning_line(meaning)
            needed = len(line.wrap(max(1, width)))
            if needed > budget and len(lines) > 1:
                break
            lines.append(line)
            budget -= needed
        for name in ("Content-Type", "Content-Length", "ETag", "Last-Modified"):
            value = result.header(name)
            if value is not None:
                lines.append(Content.assemble(f"{name}: ", plain(value, limit=200)))
        if result.version_id:
            lines.append(Content.assemble("x-oss-version-id: ", plain(result.version_id)))
    else:
        lines.append(plain(result.summary, limit=400))
    return Content("\n").join(lines)


class BrowseScreen(SessionScreen):
    """Browse buckets, folders and objects; open one in the head screen."""

    ACTIONS: ClassVar[tuple[Action, ...]] = BROWSE_ACTIONS
    BINDINGS = bindings(BROWSE_ACTIONS)

    @dataclass
    class Previewed(Message):
        """The HEAD of the highlighted object came back."""

        ticket: Ticket
        result: HeadResult

    @dataclass
    class ColumnFilled(Message):
        """Header values for some of the rows on screen came back."""

        ticket: Ticket
        values: dict[str, str]

    @dataclass
    class PageLoaded(Message):
        """One listing page came back (None: the listing had no more pages)."""

        ticket: Ticket
        page: Page | None

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.runner = RequestRunner(self)
        self.place, self.page_size = start_place(session)
        self._pages: Iterator[Page] | None = None
        self.more = False
        """True while the listing has pages not yet loaded."""
        self.pages_loaded = 0
        self._land_on = ""
        self._preview_timer: Timer | None = None
        self.previewed: HeadResult | None = None
        """The preview shown: the HEAD of the highlighted object."""
        self._column_timer: Timer | None = None

    @classmethod
    def prefetch(cls, session: Session) -> None:
        """Ask for the start place's first page now; :meth:`go` takes it when it lists there."""
        place, page_size = start_place(session)
        client = session.client
        if client is None:
            return
        try:
            pages = place_pages(client, place, page_size)
        except InputError:
            return  # nothing sent: listing there says what is wrong, as without this
        session.first_page = FirstPage((client, place, page_size), pages)

    @property
    def table(self) -> ObjectList:
        """The listing's rows."""
        return self.query_one(ObjectList)

    def compose(self) -> ComposeResult:
        """Header line, breadcrumbs, status, rows, footer."""
        yield ProfileBar(id="profile-bar")
        yield LiteralStatic(id="crumbs")
        yield LiteralStatic(id="list-status")
        yield LiteralInput(
            placeholder="key, prefix/ or oss://bucket/prefix — Enter lists there", id="jump"
        )
        yield LiteralInput(placeholder="text in the names of the loaded rows", id="filter")
        yield LiteralInput(
            placeholder="a response header to show as a column, e.g. Content-Type or "
            "x-oss-meta-owner (empty: none)",
            id="column",
        )
        yield ObjectList(id="objects")
        yield LiteralStatic(id="preview")
        yield SteadyFooter()

    def on_mount(self) -> None:
        """Describe the profile and list the start place."""
        self.session.profile_changed.subscribe(self, self._profile_changed, immediate=True)
        self.query_one("#jump").display = False
        self.query_one("#filter").display = False
        self.query_one("#column").display = False
        self._show_profile()
        self.go(self.place)

    def _profile_changed(self, session: Session) -> None:
        self.runner.cancel_all()
        self._show_profile()
        self.go(self.place)

    def _show_profile(self) -> None:
        session = self.session
        self.query_one(ProfileBar).show_profile(
            session.profile,
            session.client.endpoint_label if session.client else None,
            usable=session.client is not None,
            demo=session.on_demo_profile,
            presenter=session.presenter,
        )

    # -- listing -----------------------------------------------------------------------------

    @property
    def listing(self) -> bool:
        """True while a page is on its way."""
        return self.runner.busy(LIST)

    def say(self, text: str | Content, *, error: bool = False) -> None:
        """Put a line in the status area (errors in the error colour)."""
        status = self.query_one("#list-status", LiteralStatic)
        status.update(text)
        status.set_class(error, "error")

    def go(self, place: Place, land_on: str = "") -> None:
        """List ``place`` from its first page (the cursor on ``land_on`` if listed)."""
        self.place = place
        self._land_on = land_on
        self.query_one("#crumbs", LiteralStatic).update(place.crumbs())
        table = self.table
        self.runner.cancel(LIST)
        self.runner.cancel(COLUMN)
        self._clear_preview()
        self._pages = None
        self.more = False
        self.pages_loaded = 0
        if place.key is not None:
            table.start(VERSION_COLUMNS)
        elif place.bucket:
            table.start(OBJECT_COLUMNS, place.prefix)
        else:
            table.start(BUCKET_COLUMNS)
        client = self.session.client
        # The page asked for while the app started, if it is this place's: taken (or dropped)
        # by the first listing, whatever it lists.
        early = self.session.take_first_page((client, place, self.page_size))
        if client is None:
            self.say(self.session.client_problem or "This profile cannot send.", error=True)
            return
        if early is not None:
            self._pages = early.pages
            self.more = True
            if early.future.done():
                # In already (the usual case when Textual is slow to start): into the list now,
                # so the screen's first frame has the rows.
                self._take_now(early.future)
            else:
                self.say("Loading…")
                self.runner.adopt(LIST, early.future, self.PageLoaded)
        else:
            try:
                self._pages = place_pages(client, place, self.page_size)
            except InputError as error:  # e.g. --bucket with a name OSS refuses: nothing sent
                self.say(f"Not listed: {error}", error=True)
                table.focus()
                return
            self.more = True
            self.load_more()
        table.focus()

    def _take_now(self, first: Future[Page | None]) -> None:
        """Show a first page that is already in (or its error), as if it had just come."""
        try:
            page = first.result()
        except Exception as error:
            self._listing_failed(error)
            return
        self._add_page(page)

    def load_more(self) -> None:
        """Ask for the next page, unless one is on its way or none is left."""
        pages = self._pages
        if pages is None or not self.more or self.listing:
            return
        self.say("Loading…")
        self.runner.run_blocking(
            LIST, lambda: next(pages, None), self.PageLoaded, description="listing page"
        )

    @on(PageLoaded)
    def _page_loaded(self, event: PageLoaded) -> None:
        if not self.runner.finish(event.ticket):
            return  # a listing the user left: never show it
        self._add_page(event.page)

    def _add_page(self, page: Page | None) -> None:
        """Put a page's rows in the list (None: the listing has no more pages)."""
        if page is None:
            self.more = False
            self._show_count()
            return
        self.pages_loaded += 1
        entries: list[Entry]
        if isinstance(page, BucketPage):
            entries = list(page.buckets)
        elif isinstance(page, ObjectPage):
            entries = [*page.prefixes, *page.objects]
        else:
            entries = list(page.versions)
        table = self.table
        first = self.pages_loaded == 1
        table.add_entries(entries)
        self.more = page.is_truncated
        self._show_count()
        if first and self._land_on:
            # A jump to a key: put the cursor on it when it is there.
            for row, entry in enumerate(table.entries):
                if entry_name(entry) == self._land_on:
                    table.move_cursor(row=row)
                    break
        self._maybe_more()
        if first:
            self._preview_soon()
            self._fill_column_soon()

    def _show_count(self) -> None:
        table = self.table
        rows = len(table.loaded)
        if not rows and not self.more:
            self.say("Nothing here.")
            return
        tail = "; more load as you move down" if self.more else ""
        loaded = f"{rows:,} {'row' if rows == 1 else 'rows'} loaded"
        if table.filter:
            self.say(
                f"Filter: {table.row_count:,} of the {loaded} match "
                f"(it filters loaded rows only){tail}."
            )
        else:
            self.say(f"{loaded}{tail}.")

    @on(RequestRunner.Failed)
    def _failed(self, event: RequestRunner.Failed) -> None:
        if not self.runner.finish(event.ticket):
            return
        if event.ticket.group == COLUMN:
            self.say(f"Column: {self.session.redactor.text(str(event.error))}", error=True)
            return
        if event.ticket.group == PREVIEW:
            self.query_one("#preview", LiteralStatic).update(
                f"Preview failed: {self.session.redactor.text(str(event.error))}"
            )
            return
        self._listing_failed(event.error)

    def _listing_failed(self, error: Exception) -> None:
        """Say in place why the listing stopped (decoded, secrets masked)."""
        self.more = False
        if isinstance(error, ListingFailed):
            status = f"{error.status} " if error.status else ""
            code = error.error.code if error.error is not None and error.error.code else ""
            head = f"{error.operation} failed: {status}{code}".rstrip()
            text = f"{head}. {self.session.redactor.text(error.message)}"
            if not self.place.bucket and error.status == 403:
                text += "\nThis profile may not list buckets: press / and type a bucket name."
        else:
            text = f"Listing failed: {self.session.redactor.text(str(error))}"
        self.say(text, error=True)

    def _maybe_more(self) -> None:
        table = self.table
        if self.more and table.cursor_row >= table.row_count - NEAR_END:
            self.load_more()

    @on(ObjectList.RowHighlighted)
    def _highlighted(self, event: ObjectList.RowHighlighted) -> None:
        self._maybe_more()
        self._preview_soon()
        self._fill_column_soon()

    @on(ObjectList.Scrolled)
    def _scrolled(self, event: ObjectList.Scrolled) -> None:
        self._fill_column_soon()

    # -- the header column -----------------------------------------------------------------

    def _fill_column_soon(self) -> None:
        """HEAD the objects on screen for the column once the view rests."""
        if not self.table.has_extra_column or self.session.client is None:
            return
        if self._column_timer is not None:
            self._column_timer.stop()
        self._column_timer = self.set_timer(COLUMN_DELAY, self._fill_column)

    def _fill_column(self) -> None:
        self._column_timer = None
        client = self.session.client
        table = self.table
        header = table.extra_column
        if client is None or header is None or self.runner.busy(COLUMN):
            return
        keys = table.missing_extra_values(table.visible_rows())
        if not keys:
            return
        bucket = self.place.bucket
        self.runner.run_blocking(
            COLUMN,
            lambda: head_values(client, bucket, keys, header),
            self.ColumnFilled,
            description="HEADs for the header column",
        )

    @on(ColumnFilled)
    def _column_filled(self, event: ColumnFilled) -> None:
        if not self.runner.finish(event.ticket):
            return  # another listing or column since: drop it
        self.table.set_extra_values(event.values)
        self._fill_column()  # rows that came on screen meanwhile

    # -- preview on highlight ------------------------------------------------------------------

    def _clear_preview(self) -> None:
        self.runner.cancel(PREVIEW)
        if self._preview_timer is not None:
            self._preview_timer.stop()
            self._preview_timer = None
        self.previewed = None
        self.query_one("#preview", LiteralStatic).update("")

    def _preview_soon(self) -> None:
        """HEAD the highlighted object once the cursor rests (a new move restarts the wait)."""
        self._clear_preview()
        entry = self.table.highlighted
        if not isinstance(entry, ObjectEntry) or self.session.client is None:
            return
        self._preview_timer = self.set_timer(PREVIEW_DELAY, partial(self._preview, entry.key))

    def _preview(self, key: str) -> None:
        self._preview_timer = None
        client = self.session.client
        if client is None:
            return
        request = HeadRequest(bucket=self.place.bucket, key=key)
        self.query_one("#preview", LiteralStatic).update(
            Content.assemble("HEAD ", Content(key), " …")
        )
        self.runner.run_blocking(
            PREVIEW,
            lambda: client.head_object(request),
            self.Previewed,
            purpose=key,
            description="preview HEAD",
        )

    @on(Previewed)
    def _previewed(self, event: Previewed) -> None:
        if not self.runner.finish(event.ticket):
            return  # the cursor left that object: drop it
        entry = self.table.highlighted
        if not isinstance(entry, ObjectEntry) or entry.key != event.result.request.key:
            return
        self.previewed = event.result
        self._show_previewed()

    def _show_previewed(self) -> None:
        """Draw the preview of :attr:`previewed` for the preview's size and the session clock."""
        if self.previewed is None:
            return
        preview = self.query_one("#preview", LiteralStatic)
        size = preview.size
        preview.update(
            preview_text(self.previewed, self.session.now(), height=size.height, width=size.width)
        )

    def on_resize(self) -> None:
        """The preview's height follows the terminal's: fit its meanings again."""
        self.call_after_refresh(self._show_previewed)

    @on(ObjectList.RowSelected)
    async def _selected(self, event: ObjectList.RowSelected) -> None:
        event.stop()
        await self.open(self.table.highlighted)

    async def open(self, entry: Entry | None) -> None:
        """Go into a bucket or folder; open an object or version in the head screen."""
        place = self.place
        if isinstance(entry, Bucket):
            self.go(Place(entry.name))
        elif isinstance(entry, CommonPrefix):
            self.go(Place(place.bucket, entry.prefix))
        elif isinstance(entry, ObjectEntry):
            await self.open_head(place.bucket, entry.key)
        elif isinstance(entry, VersionEntry | DeleteMarker):
            await self.open_head(place.bucket, entry.key, entry.version_id, send=True)

    async def open_head(
        self, bucket: str, key: str, version_id: str = "", *, send: bool = False
    ) -> None:
        """Show the head screen with the object filled in (sent at once for a version).

        Conditions typed for another object are cleared: its ETag or dates say nothing about
        this one, and a version opened here is sent at once.
        """
        from ossbrowse.ui.screens.head import HeadScreen

        await self.app.switch_mode("head")
        screen = self.app.screen
        if not isinstance(screen, HeadScreen):
            return
        form = screen.form.values()
        if (form["bucket"], form["key"]) != (bucket, key):
            screen.form.clear_conditions()
        screen.form.set_value("bucket", bucket)
        screen.form.set_value("key", key)
        screen.form.set_value("version-id", version_id)
        if send:
            screen.action_send()
        else:
            screen.form.field("key").input.focus()

    # -- actions -------------------------------------------------------------------------------

    def action_up(self) -> None:
        """Go up one level."""
        parent = self.place.parent
        if parent is not None:
            self.go(parent)

    def action_jump(self) -> None:
        """Open the jump line, holding where the browser is."""
        jump = self.query_one("#jump", Input)
        jump.value = self.place.prefix if self.place.bucket else ""
        jump.display = True
        jump.focus()

    def action_filter(self) -> None:
        """Open the filter line."""
        line = self.query_one("#filter", Input)
        line.display = True
        line.focus()

    def action_column(self) -> None:
        """Open the column line, holding the header shown now."""
        line = self.query_one("#column", Input)
        line.value = self.table.extra_column or ""
        line.display = True
        line.focus()

    @on(Input.Submitted, "#column")
    def _column_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        try:
            header = header_name(text) if text else None
        except InputError as error:
            self.say(f"No column: {error}", error=True)
            return
        event.input.display = False
        self.runner.cancel(COLUMN)
        self.table.set_extra_column(header)
        self.table.focus()
        self._show_count()
        self._fill_column()

    def action_close_input(self) -> None:
        """Close the jump, filter or column line; closing the filter shows every row again."""
        for name in ("#jump", "#filter", "#column"):
            line = self.query_one(name, Input)
            if line.display:
                line.display = False
                if name == "#filter" and line.value:
                    line.value = ""
        self.table.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.table.set_filter(event.value)
        self._show_count()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    @on(Input.Submitted, "#jump")
    def _jump_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            place, land_on = jump_place(self.place, event.value)
        except InputError as error:
            self.say(f"Not listed: {error}", error=True)
            return
        event.input.display = False
        self.go(place, land_on)

    def action_reload(self) -> None:
        """List this place again."""
        self.go(self.place)

    async def action_head(self) -> None:
        """Open the head screen on the highlighted object."""
        entry = self.table.highlighted
        if isinstance(entry, ObjectEntry | VersionEntry | DeleteMarker):
            await self.open(entry)
        else:
            notify(self, "Highlight an object first.", severity="warning")

    def action_versions(self) -> None:
        """List the versions of the highlighted object's key."""
        entry = self.table.highlighted
        if not isinstance(entry, ObjectEntry):
            notify(self, "Highlight an object first.", severity="warning")
            return
        self.go(Place(self.place.bucket, self.place.prefix, entry.key))

    def show_versions(self, bucket: str, key: str) -> None:
        """List the versions of ``key`` in ``bucket`` (from the head screen)."""
        cut = key.rfind("/")
        self.go(Place(bucket, key[: cut + 1] if cut >= 0 else "", key))

    def show_place(self, bucket: str, key: str = "") -> None:
        """List the folder holding ``key`` in ``bucket`` (from the head screen)."""
        cut = key.rfind("/")
        self.go(Place(bucket, key[: cut + 1] if cut >= 0 else ""))
