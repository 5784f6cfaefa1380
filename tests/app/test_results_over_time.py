"""Results that are no longer true: a stale answer is marked, the theme is kept between runs,
and every attempt of a retried request is shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from faultserver import fault_server
from textual.message import Message
from textual.widgets import Input
from tui_helpers import NOW, completed, notifications, screen_text, settle

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY
from ossbrowse.oss.profile import Profile
from ossbrowse.ui.app import make_app
from ossbrowse.ui.settings import CONFIG_DIR_VARIABLE, SETTINGS_NAME
from ossbrowse.ui.widgets.result_pane import ResultPane


def stale_line(app) -> str:
    line = app.screen.query_one("#stale")
    return str(line.render()) if line.display else ""


async def type_into(app, pilot, field: str, text: str) -> None:
    field_input = app.screen.query_one(f"#{field}", Input)
    field_input.focus()
    field_input.value = ""
    if text:
        await pilot.press(*text)
    await pilot.pause()


async def test_an_answer_is_marked_stale_once_the_form_asks_for_another_probe(demo_app) -> None:
    messages: list[Message] = []
    app = demo_app()
    async with app.run_test(size=(100, 40), message_hook=messages.append) as pilot:
        pane = app.screen.query_one(ResultPane)
        await pilot.press("f5")
        await settle(pilot)
        assert not pane.stale and stale_line(app) == ""

        # Another key: the answer shown is for hello.txt, dimmed and labelled.
        await type_into(app, pilot, "key", "reports/q2.csv")
        assert pane.stale
        assert f"for {DEMO_BUCKET}/{DEMO_KEY} — form changed" in stale_line(app)
        assert "form changed" in screen_text(app)
        assert app.screen.query_one("#result-top").styles.opacity < 1
        # Back to what was sent: the answer is true again.
        await type_into(app, pilot, "key", DEMO_KEY)
        assert not pane.stale and app.screen.query_one("#result-top").styles.opacity == 1

        # A condition, a version, a bucket: each makes it stale.
        for field, text in (("if-none-match", "abc"), ("version-id", "v1"), ("bucket", "other")):
            await type_into(app, pilot, field, text)
            assert pane.stale, field
            await type_into(app, pilot, field, DEMO_BUCKET if field == "bucket" else "")
            assert not pane.stale, field

        # The next send clears the mark, and its answer names what it is for.
        await type_into(app, pilot, "if-match", '"nope"')
        assert pane.stale
        await pilot.press("enter")
        await settle(pilot)
        assert completed(messages)[-1].result.status == 412
        assert not pane.stale and stale_line(app) == ""
        await type_into(app, pilot, "if-match", "")
        assert f"for {DEMO_BUCKET}/{DEMO_KEY} with If-Match — form changed" in stale_line(app)
        # A quick probe sends what the form then holds: nothing stale.
        pane.focus()
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert completed(messages)[-1].result.status == 304 and not pane.stale


def kept(config_dir: Path) -> dict[str, str]:
    return json.loads((config_dir / SETTINGS_NAME).read_text())


async def test_the_theme_is_kept_between_runs_in_the_user_config_dir(demo_app, tmp_path) -> None:
    config_dir = Path(tmp_path / "ossbrowse-config")
    ossutil_config = tmp_path / ".ossutilconfig"
    ossutil_config.write_text("[default]\nregion = cn-hangzhou\n")
    before = ossutil_config.read_bytes()
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "textual-dark"
        app.screen.query_one("#result").focus()
        await pilot.press("t")
        await pilot.pause()
        assert app.theme == "textual-light"
    assert kept(config_dir) == {"theme": "textual-light"}
    assert ossutil_config.read_bytes() == before  # never the ossutil config file

    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "textual-light"
        app.theme = "nord"  # the palette's "Change theme" sets it so
        await pilot.pause()
    assert kept(config_dir) == {"theme": "nord"}

    # A directory given as a parameter is used instead of the variable's.
    elsewhere = tmp_path / "elsewhere"
    app = demo_app(config_dir=elsewhere)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "textual-dark"
        app.screen.query_one("#result").focus()
        await pilot.press("t")
        await pilot.pause()
    assert kept(elsewhere) == {"theme": "textual-light"}
    assert kept(config_dir) == {"theme": "nord"}


async def test_textual_theme_is_honoured_and_a_bad_one_is_said(
    demo_app, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_dir = Path(tmp_path / "ossbrowse-config")
    config_dir.mkdir()
    (config_dir / SETTINGS_NAME).write_text('{"theme": "textual-light"}')
    monkeypatch.setenv("TEXTUAL_THEME", "dracula")
    async with demo_app().run_test(size=(100, 30)) as pilot:
        assert pilot.app.theme == "dracula"
    assert kept(config_dir) == {"theme": "textual-light"}  # this run's choice, not kept

    monkeypatch.setenv("TEXTUAL_THEME", "no-such-theme")
    messages: list[Message] = []
    app = demo_app()
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light"
        assert any("TEXTUAL_THEME names no theme" in n for n in notifications(messages))


async def test_a_settings_file_that_cannot_be_written_is_said(demo_app, tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the directory should be")
    monkeypatch.setenv(CONFIG_DIR_VARIABLE, str(blocked))
    messages: list[Message] = []
    app = demo_app()
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        app.screen.query_one("#result").focus()
        await pilot.press("t")
        await pilot.pause()
        assert app.theme == "textual-light"
        assert any("The theme is not kept" in n for n in notifications(messages))


async def test_every_attempt_of_a_retried_request_is_shown() -> None:
    messages: list[Message] = []
    with fault_server() as server:
        profile = Profile(
            access_key_id="LTAI5tFaultKey",
            access_key_secret="FaultSecret-0123456789abcdef",
            region="cn-hangzhou",
            endpoint=server.endpoint,
            connect_timeout=30.0,
            read_timeout=30.0,
            retry_times=1,
        )
        app = make_app(profile, clock=lambda: NOW, prefill={"bucket": "faulty", "key": "flaky-1"})
        async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
            await pilot.press("f5")
            await settle(pilot)
            result = completed(messages)[-1].result
            assert [a.status for a in result.attempts] == [503, 200]
            text = screen_text(app)
            assert "attempts #1 503 " in text and " · #2 200 " in text
            assert "ms wait" in text  # the back-off before the second


async def test_a_quick_probe_on_its_way_leaves_the_answer_undimmed_until_its_own(demo_app) -> None:
    from test_responsive import Held

    held = Held(held=(2, 3))
    messages: list[Message] = []
    app = demo_app(transport=held)
    async with app.run_test(size=(100, 40), message_hook=messages.append) as pilot:
        pane = app.screen.query_one(ResultPane)
        await pilot.press("f5")
        await settle(pilot)
        # n fills If-None-Match and sends; the form now differs from what the shown answer
        # answered, but the answer to the form is on its way: nothing is dimmed meanwhile.
        await pilot.press("n")
        for _ in range(3):
            await pilot.pause()
        assert app.screen.in_flight and not pane.stale
        held.release.set()
        await settle(pilot)
        assert completed(messages)[-1].result.status == 304 and not pane.stale

        # Editing the form while a send is on its way still marks the answer shown.
        held.release.clear()
        await pilot.press("f5")
        await type_into(app, pilot, "key", "reports/q2.csv")
        assert app.screen.in_flight and pane.stale
        held.release.set()
        await settle(pilot)
