"""Text from outside is shown as text: hostile keys, answers, config values and errors.

Every value below would be Textual markup if it were read as such: ``[/2024]`` is a closing tag
that crashes the app, ``[@click=app.screenshot(...)]`` an action that writes a file when the
text is clicked, ``[link=...]`` a link, ``[red on red]`` text hidden on its background. Each
test puts such values where a user or a server can put them, then checks what a user would:
the app still runs, the text is on screen character for character, clicking it does nothing,
and no rendered cell of the screen carries an action or a link.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import httpx
import pytest
from faultserver import answer, fault_server
from textual.content import Content
from textual.message import Message
from textual.widgets import Input
from tui_helpers import KEY_ID, NOW, SECRET, completed, notifications, profile_for, screen_text

from ossbrowse.config import resolve_profile
from ossbrowse.emulator import Emulator
from ossbrowse.oss.profile import Profile
from ossbrowse.oss.results import Outcome
from ossbrowse.ui.actions import screen_actions
from ossbrowse.ui.app import OssBrowseApp, make_app
from ossbrowse.ui.screens.copied import CopiedScreen
from ossbrowse.ui.screens.head import HeadScreen
from ossbrowse.ui.screens.history import HistoryScreen
from ossbrowse.ui.screens.profiles import ProfileScreen
from ossbrowse.ui.widgets.headers_table import HeadersTable

BUCKET = "hostile"
PATIENT = {"connect_timeout": 30.0, "read_timeout": 30.0}
"""Timeouts no loaded test machine reaches: these tests are about text, not about time."""
CLOSING_TAG = "report[/2024].csv"
HIDDEN = "[red on red]hidden[/]"
LINK = "[link=https://evil.example/]https://oss.example/[/link]"


CLICK = "[@click=app.screenshot('pwned.svg','.')]click me[/]"
"""Markup that, if read as such, writes a screenshot into the working directory when clicked."""


@pytest.fixture
def target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where a clicked :data:`CLICK` would write (it must never exist)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path / "pwned.svg"


@pytest.fixture
def hostile_emulator(make_emulator: Callable[..., Emulator], target: Path) -> Emulator:
    """An emulator holding objects whose keys and metadata are markup."""
    emu = make_emulator(
        clock=lambda: NOW.timestamp(), access_key_id=KEY_ID, access_key_secret=SECRET
    )
    emu.store.create_bucket(BUCKET, region=emu.region)
    for key in (CLOSING_TAG, CLICK, HIDDEN, LINK):
        emu.store.put_object(
            BUCKET,
            key,
            b"body",
            user_meta=(("note", CLICK), ("closing", "[/x] [/]")),
            content_disposition=LINK,
        )
    return emu


# -- what a user would check ------------------------------------------------------------------


def assert_running(app: OssBrowseApp) -> None:
    assert app.is_running and app.return_code is None


def assert_shown(app: OssBrowseApp, *texts: str) -> None:
    shown = screen_text(app)
    for text in texts:
        assert text in shown, f"{text!r} not on screen:\n{shown}"


def rendered_styles(app: OssBrowseApp) -> Iterator[Any]:
    """The style of every rendered cell of every visible widget on the current screen."""
    for widget in app.screen.query("*"):
        if not widget.display or not widget.size.area:
            continue
        for y in range(widget.size.height):
            for segment in widget.render_line(y):
                if segment.style is not None:
                    yield segment.style


def assert_no_action_or_link(app: OssBrowseApp, target: Path | None = None) -> None:
    """No link anywhere, no click action naming the screenshot; nothing written."""
    for style in rendered_styles(app):
        assert not style.link, style
        click = str(style.meta.get("@click", "")) if style.meta else ""
        assert "screenshot" not in click, style
    if target is not None:
        assert not target.exists()


_CELL_RE = re.compile(
    r'<text[^>]*\bx="([\d.]+)"[^>]*clip-path="url\(#terminal-\d+-line-(\d+)\)"[^>]*>(.*?)</text>',
    re.S,
)
_CELL_WIDTH = 12.2
"""Width of one terminal cell in Textual's SVG export."""


def screen_rows(app: OssBrowseApp) -> dict[int, str]:
    """Each terminal row of the screen as text, with every chunk at its column."""
    rows: dict[int, list[str]] = {}
    for x, row, chunk in _CELL_RE.findall(app.export_screenshot()):
        cells = rows.setdefault(int(row), [])
        column = round(float(x) / _CELL_WIDTH)
        text = html.unescape(chunk).replace("\xa0", " ")
        cells.extend(" " * (column + len(text) - len(cells)))
        cells[column : column + len(text)] = text
    return {row: "".join(cells) for row, cells in rows.items()}


async def click_text(pilot: Any, app: OssBrowseApp, text: str) -> None:
    """Click the middle of the first on-screen occurrence of ``text`` (where an action fires)."""
    for y, line in sorted(screen_rows(app).items()):
        x = line.find(text)
        if x >= 0:
            await pilot.click(offset=(x + len(text) // 2, y))
            await pilot.pause()
            return
    raise AssertionError(f"{text!r} not on screen")


async def settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def send_key(pilot: Any, app: OssBrowseApp, key: str) -> None:
    """Type ``key`` into the form character by character, then press Enter to send."""
    field = app.screen.query_one("#key", Input)
    field.value = ""
    field.focus()
    await pilot.press(*key, "enter")
    await settle(pilot)


# -- keys ---------------------------------------------------------------------------------------


async def test_markup_in_keys_prefilled_and_typed_is_shown_as_text(
    hostile_emulator: Emulator, target: Path
) -> None:
    messages: list[Message] = []
    app = make_app(
        profile_for(hostile_emulator, **PATIENT),
        clock=lambda: NOW,
        prefill={"bucket": BUCKET, "key": CLOSING_TAG},
    )
    async with app.run_test(size=(200, 70), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert_running(app)
        assert completed(messages)[-1].result.outcome is Outcome.OK
        assert_shown(app, f"HEAD {BUCKET}/{CLOSING_TAG}", CLICK, LINK)
        assert_no_action_or_link(app, target)
        await click_text(pilot, app, CLICK)
        assert_no_action_or_link(app, target)

        for key in (CLICK, HIDDEN, LINK):
            await send_key(pilot, app, key)
            assert_running(app)
            result = completed(messages)[-1].result
            assert (result.request.key, result.outcome) == (key, Outcome.OK)
            assert_shown(app, f"HEAD {BUCKET}/{key}")
            await click_text(pilot, app, key)
            assert_no_action_or_link(app, target)

        # The header row with markup in its value: copy it, see the notice and the dialog.
        table = app.screen.query_one(HeadersTable)
        table.focus()
        names = [table.selected_header()]
        while names[-1] is not None and names[-1][0] != "x-oss-meta-note":
            await pilot.press("down")
            names.append(table.selected_header())
        assert names[-1] == ("x-oss-meta-note", CLICK)
        await pilot.press("v")
        await pilot.pause()
        assert "Copied: Copied the value of x-oss-meta-note." in notifications(messages)[-1]
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, CopiedScreen)
        assert_shown(app, "Copied the value of x-oss-meta-note", CLICK)
        await click_text(pilot, app, "click me")
        assert_no_action_or_link(app, target)
        await pilot.press("escape")

        # The history lists every key as typed.
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert_shown(app, f"{BUCKET}/{CLOSING_TAG}", f"{BUCKET}/{HIDDEN}", f"{BUCKET}/{LINK}")
        assert_shown(app, f"{BUCKET}/{CLICK}")
        assert_no_action_or_link(app, target)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HeadScreen)
        assert_running(app)


# -- exceptions ---------------------------------------------------------------------------------


class RaisingTransport(httpx.BaseTransport):
    """A transport that fails with ``error``, as a bug or a broken library would."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise self.error


PROFILE = Profile(
    access_key_id="id",
    access_key_secret="HostileTestSecret0000",
    region="cn-hangzhou",
    endpoint="http://127.0.0.1:1",
    retry_times=0,
)


@pytest.mark.parametrize("error_type", [RuntimeError, httpx.ConnectError])
async def test_markup_in_an_exception_message_is_shown_as_text(
    error_type: type[Exception], target: Path
) -> None:
    # One value a line: a notification is narrow and wraps long lines.
    message = f"{CLOSING_TAG}\n{CLICK}\n{HIDDEN}"
    messages: list[Message] = []
    app = make_app(
        PROFILE,
        transport=RaisingTransport(error_type(message)),
        clock=lambda: NOW,
        prefill={"bucket": BUCKET, "key": "k"},
    )
    async with app.run_test(
        size=(200, 50), message_hook=messages.append, notifications=True
    ) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert_running(app)
        assert_shown(app, CLOSING_TAG, CLICK, HIDDEN)
        await click_text(pilot, app, "click me")
        assert_no_action_or_link(app, target)
        # The UI stays usable: the next send goes out and is answered the same way.
        before = len(completed(messages))
        await pilot.press("f5")
        await settle(pilot)
        assert_running(app)
        if error_type is httpx.ConnectError:
            assert len(completed(messages)) == before + 1


# -- a hostile server ---------------------------------------------------------------------------


def error_document(fields: dict[str, str]) -> str:
    xml = "<Error>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items()) + "</Error>"
    return base64.b64encode(xml.encode()).decode()


ERROR_FIELDS = {
    "Code": "[red on red]AccessDenied[/]",
    "Message": f"{CLOSING_TAG} is denied",
    "EC": "[/x]0003-00000001",
    "RequestId": "[b]FA17[/b]",
    "HostId": LINK,
    "RecommendDoc": CLICK,
    "StringToSign": f"HEAD\n[/]\n{CLICK}",
    "CanonicalRequest": f"HEAD\n/{CLOSING_TAG}\n[i]",
    "Extra": "[/Extra] $text-error",
}
"""Every field of the error document ossbrowse decodes, and one it does not know."""

HOSTILE_HEADERS = [
    ("ETag", '"[/etag]"'),
    ("Last-Modified", f"Fri, 02 Jan 2026 {HIDDEN}"),
    ("x-oss-version-id", "[/v]"),
    ("Content-Type", LINK),
    # A header name may hold none of "[]@=" (HTTP forbids them), but "$" and "'" it may.
    ("x-oss-meta-$text-error'|~", CLICK),
    ("x-oss-meta-closing", "[/x] [/]"),
]


@pytest.fixture
def hostile_server(target: Path) -> Iterator[Any]:
    """A server whose answers carry markup in every field ossbrowse shows."""
    with fault_server() as server:
        server.answers["denied"] = answer(
            "403 Forbidden", [("x-oss-err", error_document(ERROR_FIELDS))]
        )
        server.answers["headers"] = answer("200 OK", HOSTILE_HEADERS)
        # The Date header comes first in every answer: replace it with markup.
        server.answers["headers"] = server.answers["headers"].replace(
            b"Fri, 02 Jan 2026 03:04:05 GMT", f"Fri, {CLICK}".encode()
        )
        yield server


def fault_profile(endpoint: str) -> Profile:
    return Profile(
        access_key_id="LTAI5tHostileKey",
        access_key_secret="HostileServerSecret-0001",
        region="cn-hangzhou",
        endpoint=endpoint,
        retry_times=0,
        **PATIENT,
    )


async def test_markup_in_every_error_field_is_shown_as_text(
    hostile_server: Any, target: Path
) -> None:
    messages: list[Message] = []
    app = make_app(
        fault_profile(hostile_server.endpoint),
        clock=lambda: NOW,
        prefill={"bucket": BUCKET, "key": "denied"},
    )
    async with app.run_test(size=(200, 80), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert_running(app)
        error = completed(messages)[-1].result.error
        assert error is not None and error.code == ERROR_FIELDS["Code"]
        shown = [v for value in ERROR_FIELDS.values() for v in value.split("\n")]
        assert_shown(app, *shown)
        assert_no_action_or_link(app, target)
        await click_text(pilot, app, CLICK)
        assert_no_action_or_link(app, target)


async def test_markup_in_header_names_values_and_dates_is_shown_as_text(
    hostile_server: Any, target: Path
) -> None:
    messages: list[Message] = []
    app = make_app(
        fault_profile(hostile_server.endpoint),
        clock=lambda: NOW,
        prefill={"bucket": BUCKET, "key": "headers"},
    )
    async with app.run_test(
        size=(200, 80), message_hook=messages.append, notifications=True
    ) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert_running(app)
        result = completed(messages)[-1].result
        assert result.status == 200 and result.warnings
        assert_shown(app, f"Fri, {CLICK}", *(n.lower() for n, _ in HOSTILE_HEADERS))
        assert_shown(app, *(value for _, value in HOSTILE_HEADERS))
        assert_shown(app, f"ETag {HOSTILE_HEADERS[0][1]}", f"Last-Modified {HOSTILE_HEADERS[1][1]}")
        for warning in result.warnings:
            assert_shown(app, f"⚠ {warning}"[:150])
        assert_no_action_or_link(app, target)
        await click_text(pilot, app, CLICK)
        assert_no_action_or_link(app, target)

        # The quick action puts the hostile Last-Modified into the form: refused, shown as text.
        await pilot.press("l")
        await pilot.pause()
        assert_running(app)
        field = app.screen.query_one("#if-modified-since", Input)
        assert field.value == HOSTILE_HEADERS[1][1]
        assert_shown(app, HOSTILE_HEADERS[1][1])
        assert "Not sent" in notifications(messages)[-1]
        assert_no_action_or_link(app, target)


# -- the config file ----------------------------------------------------------------------------

CLICK_NAME = "[@click=app.screenshot('pwned.svg','.')]x[/]"
"""A profile name (no spaces) that is a click action if read as markup."""
HIDDEN_ENDPOINT = "[red on red]oss.example[/]"


def hostile_config(folder: Path, endpoint: str) -> Path:
    """A config file whose folder, name, profile names and one endpoint are markup."""
    (folder / "[b]").mkdir()
    path = folder / "[b]" / "ossutil[red on red]"
    credentials = f"accessKeyId = {KEY_ID}\naccessKeySecret = {SECRET}\nregion = cn-hangzhou\n"
    path.write_text(
        f"[default]\n{credentials}endpoint = {endpoint}\n\n"
        f"[profile {CLOSING_TAG}]\n{credentials}endpoint = {HIDDEN_ENDPOINT}\n\n"
        f"[profile {CLICK_NAME}]\n{credentials}endpoint = {endpoint}\n"
    )
    path.chmod(0o600)
    return path


async def test_markup_in_profile_names_and_endpoints_is_shown_as_text(
    hostile_emulator: Emulator, target: Path
) -> None:
    config = hostile_config(target.parent, hostile_emulator.endpoint)
    messages: list[Message] = []
    app = make_app(
        resolve_profile(config_file=str(config), profile=CLOSING_TAG),
        config_file=str(config),
        clock=lambda: NOW,
        prefill={"bucket": BUCKET, "key": CLOSING_TAG},
    )
    async with app.run_test(
        size=(200, 50), message_hook=messages.append, notifications=True
    ) as pilot:
        # A profile that cannot send: its name, its endpoint and the reason, all as text.
        assert app.session.client is None and app.session.client_problem
        assert_shown(app, f"profile {CLOSING_TAG}", HIDDEN_ENDPOINT, HIDDEN_ENDPOINT[1:11])
        assert "red on red" in app.session.client_problem
        await pilot.press("f5")
        await pilot.pause()
        assert_running(app)
        assert notifications(messages)[-1].startswith("Not sent: ")

        # The switcher lists the names as written, and names the file as written.
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        # The file's name is long (a temporary directory) and wraps where the dialog's width
        # says: read it from the widget, and the short names from the screen.
        help_text = str(app.screen.query_one("#profiles-help").render())
        assert "/[b]/ossutil[red on red]. Enter picks" in help_text
        assert_shown(app, f"{CLOSING_TAG}  (active)", CLICK_NAME)
        assert_no_action_or_link(app, target)
        await click_text(pilot, app, CLICK_NAME)  # clicking an entry picks it: nothing else
        await pilot.pause()
        assert isinstance(app.screen, HeadScreen)
        assert app.session.profile.name == CLICK_NAME and app.session.client is not None
        assert f"Profile: Now using profile {CLICK_NAME}." in notifications(messages)
        assert_shown(app, f"profile {CLICK_NAME}", "Now using profile", f"{CLICK_NAME}.")
        assert_no_action_or_link(app, target)

        # And it works: the object with the hostile key is found.
        await pilot.press("f5")
        await settle(pilot)
        assert completed(messages)[-1].result.outcome is Outcome.OK

        # Back to the profile that cannot send: the warning names it as written.
        await app.switch_profile(CLOSING_TAG)
        await pilot.pause()
        assert f"Profile {CLOSING_TAG} cannot send: " in notifications(messages)[-1]
        assert_shown(app, f"Profile {CLOSING_TAG} cannot send")
        assert_no_action_or_link(app, target)
        assert_running(app)


async def test_palette_entries_hold_no_markup(hostile_emulator: Emulator, target: Path) -> None:
    """Textual reads a palette entry's title and help as markup: ours must hold none.

    Run with a hostile profile active, so an entry built from outside text would show here.
    """
    config = hostile_config(target.parent, hostile_emulator.endpoint)
    app = make_app(
        resolve_profile(config_file=str(config), profile=CLICK_NAME),
        config_file=str(config),
        clock=lambda: NOW,
        prefill={"bucket": BUCKET, "key": CLOSING_TAG},
    )
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        entries = [(c.title, c.help) for c in app.get_system_commands(app.screen)]
        entries += [(a.title, a.help) for a in screen_actions(app.screen)]
        assert len(entries) > 20
        for title, help_text in entries:
            for text in (title, help_text):
                assert Content.from_markup(text).plain == text, text
                assert CLICK_NAME not in text
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"copy")
        for _ in range(100):  # the palette searches in a worker: wait for its answer
            if "Copy ETag" in screen_text(app):
                break
            await pilot.pause(0.05)
        assert_shown(app, "Copy ETag")
        assert_no_action_or_link(app, target)
        assert_running(app)
