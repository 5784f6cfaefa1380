"""Each quick action: one key fills a condition from the last answer (and sends), or copies."""

from __future__ import annotations

import json

import httpx
from textual.command import CommandList, CommandPalette
from textual.message import Message
from textual.widgets import Input
from tui_helpers import NOW, completed, notifications, settle, wait_for

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY
from ossbrowse.oss.results import Outcome, Verdict
from ossbrowse.ui.app import make_app
from ossbrowse.ui.probes import stale_etag
from ossbrowse.ui.screens.copied import CopiedScreen
from ossbrowse.ui.screens.head_actions import HEAD_ACTIONS
from ossbrowse.ui.session import Copied
from ossbrowse.ui.widgets.headers_table import HeadersTable


def value(app, field_id: str) -> str:
    return app.screen.query_one(f"#{field_id}", Input).value


async def test_etag_as_if_match_sends_and_passes(demo_app) -> None:
    messages: list[Message] = []
    app = demo_app()
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        etag = completed(messages)[-1].result.etag
        await pilot.press("m")
        await settle(pilot)
        result = completed(messages)[-1].result
        assert value(app, "if-match") == etag
        assert result.request.if_match == etag
        assert result.status == 200
        assert [c.verdict for c in result.conditions] == [Verdict.PASSED]


async def test_last_modified_as_if_modified_since_gives_304(demo_app) -> None:
    messages: list[Message] = []
    app = demo_app()
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        last_modified = completed(messages)[-1].result.last_modified
        await pilot.press("l")
        await settle(pilot)
        result = completed(messages)[-1].result
        assert value(app, "if-modified-since") == last_modified
        # OSS: If-Modified-Since equal to Last-Modified is "not modified".
        assert result.outcome is Outcome.NOT_MODIFIED


async def test_last_modified_as_if_unmodified_since_passes(demo_app) -> None:
    messages: list[Message] = []
    app = demo_app()
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        last_modified = completed(messages)[-1].result.last_modified
        await pilot.press("u")
        await settle(pilot)
        result = completed(messages)[-1].result
        assert value(app, "if-unmodified-since") == last_modified
        assert result.status == 200
        assert result.conditions[0].header == "If-Unmodified-Since"


async def test_clear_conditions_empties_them_and_sends_nothing(demo_app, counting) -> None:
    app = demo_app(prefill={"bucket": DEMO_BUCKET, "key": DEMO_KEY, "if_match": "abc"})
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert len(counting.requests) == 1
        await pilot.press("c")
        await settle(pilot)
        for field_id in ("if-match", "if-none-match", "if-modified-since", "if-unmodified-since"):
            assert value(app, field_id) == ""
        assert value(app, "key") == DEMO_KEY
        assert len(counting.requests) == 1


async def test_quick_action_before_any_answer_says_what_to_do(demo_app, counting) -> None:
    messages: list[Message] = []
    app = demo_app()
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        app.screen.query_one("#result").focus()
        await pilot.press("n")
        await settle(pilot)
        assert counting.requests == []
        assert any("send a HEAD first" in text for text in notifications(messages))


def test_stale_etag_differs_and_keeps_its_shape() -> None:
    cases = {
        '"5B3C1A2E053D763E1B002CC607C5A0FE"': '"0B3C1A2E053D763E1B002CC607C5A0FE"',
        '"0ABC-3"': '"1ABC-3"',
        'W/"xyz"': 'W/"0yz"',
        # Nothing alphanumeric to change: a plain different tag.
        '"-"': '"0"',
    }
    for etag, stale in cases.items():
        assert stale_etag(etag) == stale


async def test_copy_etag_header_and_json(demo_app) -> None:
    messages: list[Message] = []
    app = demo_app()
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        result = completed(messages)[-1].result

        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == result.etag
        assert app.session.copied == Copied("the ETag", result.etag)

        table = app.screen.query_one(HeadersTable)
        table.focus()
        await pilot.press("down")  # from the first header to the second
        name, expected = table.selected_header()
        await pilot.press("v")
        await pilot.pause()
        assert app.clipboard == expected
        assert dict(result.headers)[name] == expected

        await pilot.press("j")
        await pilot.pause()
        data = json.loads(app.clipboard)
        assert data["status"] == 200 and data["etag"] == result.etag
        assert any(text.startswith("Copied:") for text in notifications(messages))

        # The fallback for terminals without OSC 52: the text, on screen, selectable.
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, CopiedScreen)
        assert app.screen.text == app.clipboard
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CopiedScreen)


async def test_fetch_fills_the_object_values_of_a_bare_304() -> None:
    etag, last_modified = '"0CC175B9C0F1B6A831C399E269772661"', "Sat, 14 Mar 2026 09:26:53 GMT"
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if "if-none-match" in request.headers:
            return httpx.Response(304, headers={"x-oss-request-id": "A" * 24})
        return httpx.Response(
            200,
            headers={"ETag": etag, "Last-Modified": last_modified, "x-oss-request-id": "B" * 24},
        )

    profile = profile_for_mock()
    app = make_app(
        profile,
        transport=httpx.MockTransport(handler),
        clock=lambda: NOW,
        prefill={"bucket": "b-1", "key": "k", "if_none_match": etag},
    )
    messages: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        [check] = completed(messages)[-1].result.conditions
        assert check.object_value is None
        assert app.screen.check_action("fetch", ()) is True
        await pilot.press("f")
        await settle(pilot)
        assert len(seen) == 2 and "if-none-match" not in seen[1].headers
        shown = app.screen.query_one("#result").shown
        [check] = shown.result.conditions
        assert check.object_value == etag
        assert shown.result.status == 304 and shown.fetched.etag == etag
        assert app.screen.check_action("fetch", ()) is False


def profile_for_mock():
    from ossbrowse.oss.profile import Profile

    return Profile(
        access_key_id="id",
        access_key_secret="MockSecretMockSecret",
        region="cn-hangzhou",
        endpoint="http://127.0.0.1:1",
        retry_times=0,
    )


def test_every_quick_action_has_one_key_an_id_and_a_tooltip() -> None:
    # Escape is shared: it cancels a request in flight, otherwise it leaves a field.
    keys = [a.key for a in HEAD_ACTIONS if a.action != "leave_form"]
    assert len(set(keys)) == len(keys)
    assert all(a.id and a.help for a in HEAD_ACTIONS)
    for banned in ("ctrl+j", "ctrl+m", "ctrl+i", "ctrl+h"):
        assert all(banned not in a.key.split(",") for a in HEAD_ACTIONS)


def palette_titles(app) -> list[str]:
    """The commands the open command palette lists, top first."""
    if not isinstance(app.screen, CommandPalette):
        return []
    commands = app.screen.query_one(CommandList)
    return [commands.get_option_at_index(i).hit.text for i in range(commands.option_count)]


async def test_quick_actions_are_in_the_command_palette(demo_app) -> None:
    app = demo_app()
    wanted = {a.title for a in HEAD_ACTIONS if a.palette} | {"Switch profile  (f2)", "Help  (f1)"}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: wanted <= set(palette_titles(app)))


async def test_palette_runs_a_quick_action(demo_app) -> None:
    messages: list[Message] = []
    app = demo_app()
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"Send HEAD")
        await wait_for(pilot, lambda: palette_titles(app)[:1] == ["Send HEAD"])
        await pilot.press("enter")
        await wait_for(pilot, lambda: completed(messages))
        assert completed(messages)[-1].result.status == 200


async def test_exports_copy_a_working_probe_without_secrets(demo_app, emulator) -> None:
    """g/b/k/p copy the shown probe as ossutil, ossbrowse head, curl and Python."""
    import shlex

    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        copied = {}
        for key in ("g", "b", "k", "p"):
            await pilot.press(key)
            await settle(pilot)
            copied[key] = app.session.copied.text
        etag = value(app, "if-none-match")
    assert copied["g"].startswith("ossutil api head-object --bucket demo-bucket --key hello.txt")
    assert copied["b"].startswith("ossbrowse head --bucket demo-bucket --key hello.txt")
    assert "cfg.region = 'cn-hangzhou'" in copied["p"]
    for text in copied.values():
        assert emulator.access_key_secret not in text
        assert etag in text  # the probe's If-None-Match travels with it
    # The curl export really reproduces the 304: run what curl would.
    argv = shlex.split(copied["k"])
    headers = dict(argv[i + 1].split(": ", 1) for i, a in enumerate(argv) if a == "-H")
    assert httpx.head(argv[-1], headers=headers).status_code == 304
