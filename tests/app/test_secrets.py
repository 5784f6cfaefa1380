"""A canary secret and STS token never reach the screen, a notification or the clipboard."""

from __future__ import annotations

import socket

from textual.message import Message
from tui_helpers import (
    CANARIES,
    SECRET,
    STS_KEY_ID,
    STS_SECRET,
    STS_TOKEN,
    completed,
    notifications,
    profile_for,
    screen_text,
    settle,
)


def assert_clean(app, messages: list[Message], state: str) -> None:
    svg = app.export_screenshot()
    text = screen_text(app)
    for canary in CANARIES:
        assert canary not in svg, state
        assert canary not in text, state
        for note in notifications(messages):
            assert canary not in note, state
        assert canary not in (app.clipboard or ""), state


def closed_endpoint() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


async def test_canaries_never_shown_in_any_state(demo_app, emulator, tmp_path) -> None:
    sts = profile_for(
        emulator, access_key_id=STS_KEY_ID, access_key_secret=STS_SECRET, sts_token=STS_TOKEN
    )
    config = tmp_path / "ossutilconfig"
    config.write_text(
        f"[default]\naccessKeyId = {STS_KEY_ID}\naccessKeySecret = {STS_SECRET}\n"
        f"stsToken = {STS_TOKEN}\nregion = cn-hangzhou\nendpoint = {emulator.endpoint}\n"
        f"[profile wrong]\naccessKeyId = {STS_KEY_ID}\naccessKeySecret = {SECRET}x\n"
        f"stsToken = {STS_TOKEN}\nregion = cn-hangzhou\nendpoint = {emulator.endpoint}\n"
        f"[profile down]\naccessKeyId = {STS_KEY_ID}\naccessKeySecret = {STS_SECRET}\n"
        f"stsToken = {STS_TOKEN}\nregion = cn-hangzhou\nendpoint = {closed_endpoint()}\n"
        "retry-times = 0\n"
    )
    config.chmod(0o600)
    messages: list[Message] = []
    app = demo_app(profile=sts, config_file=str(config), transport=None)
    async with app.run_test(size=(120, 60), message_hook=messages.append) as pilot:
        assert_clean(app, messages, "start")
        await pilot.press("f5")
        await settle(pilot)
        assert completed(messages)[-1].result.status == 200
        assert_clean(app, messages, "200")
        await pilot.press("n")
        await settle(pilot)
        assert completed(messages)[-1].result.status == 304
        assert_clean(app, messages, "304")
        await pilot.press("x")
        await settle(pilot)
        assert completed(messages)[-1].result.status == 412
        assert_clean(app, messages, "412")
        for key in ("y", "j"):
            await pilot.press(key)
            await pilot.pause()
            assert_clean(app, messages, f"copy {key}")
        await pilot.press("o")
        await pilot.pause()
        assert_clean(app, messages, "copied text")
        await pilot.press("escape", "f1")
        await pilot.pause()
        assert_clean(app, messages, "help")
        await pilot.press("escape", "f2")
        await pilot.pause()
        assert_clean(app, messages, "profiles")
        await pilot.press("escape")

        await app.switch_profile("wrong")
        await pilot.press("c", "f5")
        await settle(pilot)
        assert completed(messages)[-1].result.error.code == "SignatureDoesNotMatch"
        assert_clean(app, messages, "signature error")
        await pilot.press("j")
        await pilot.pause()
        assert_clean(app, messages, "signature error as JSON")

        await app.switch_profile("down")
        await pilot.press("f5")
        await settle(pilot)
        assert completed(messages)[-1].result.failure is not None
        assert_clean(app, messages, "no answer")

        app.screen.query_one("#bucket").value = "Bad_Bucket"
        await pilot.press("f5")
        await settle(pilot)
        assert_clean(app, messages, "validation error")
