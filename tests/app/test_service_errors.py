"""Decoded error answers from the emulator: signature, clock skew, missing key."""

from __future__ import annotations

from datetime import timedelta

from textual.message import Message
from tui_helpers import NOW, completed, profile_for, screen_text, settle

from ossbrowse.emulator import DEMO_BUCKET
from ossbrowse.oss.results import Outcome
from ossbrowse.ui.widgets.error_panel import ErrorPanel
from ossbrowse.ui.widgets.outcome_badge import OutcomeBadge


async def test_signature_does_not_match_shows_both_strings_to_sign(demo_app, emulator) -> None:
    wrong = profile_for(emulator, access_key_secret="WrongSecret-0000000000000000000")
    messages: list[Message] = []
    app = demo_app(profile=wrong)
    async with app.run_test(size=(100, 60), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        result = completed(messages)[-1].result
        assert result.status == 403 and result.outcome is Outcome.ERROR
        assert result.error.code == "SignatureDoesNotMatch"
        assert result.error.server_string_to_sign
        assert app.screen.query_one(OutcomeBadge).has_class("-forbidden")
        assert app.screen.query_one(ErrorPanel).display
        text = screen_text(app)
        assert "SignatureDoesNotMatch" in text
        assert "Our StringToSign" in text and "Server's StringToSign" in text
        assert result.error.request_id in text
        assert "WrongSecret" not in text
        # Same strings: the tool says the secret itself is the likely culprit.
        if result.error.server_string_to_sign == result.error.our_string_to_sign:
            assert "secret itself is probably wrong" in text


async def test_clock_skew_is_reported(demo_app) -> None:
    messages: list[Message] = []
    app = demo_app(clock=lambda: NOW - timedelta(minutes=20))
    async with app.run_test(size=(100, 50), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        result = completed(messages)[-1].result
        assert result.error.code == "RequestTimeTooSkewed"
        assert result.error.skew_seconds is not None
        assert round(result.error.skew_seconds / 60) == 20
        text = screen_text(app)
        assert "your clock is 20 min behind the server's" in text


async def test_missing_key_is_a_404_with_its_code(demo_app) -> None:
    messages: list[Message] = []
    app = demo_app(prefill={"bucket": DEMO_BUCKET, "key": "no/such/key.txt"})
    async with app.run_test(size=(100, 40), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        result = completed(messages)[-1].result
        assert result.status == 404 and result.outcome is Outcome.NOT_FOUND
        assert app.screen.query_one(OutcomeBadge).has_class("-not-found")
        assert "NoSuchKey" in screen_text(app)


async def test_wrong_region_names_the_right_one(demo_app, emulator) -> None:
    messages: list[Message] = []
    app = demo_app(profile=profile_for(emulator, region="cn-beijing"))
    async with app.run_test(size=(100, 50), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        result = completed(messages)[-1].result
        assert result.error.region_hint == "cn-hangzhou"
        assert app.screen.query_one(OutcomeBadge).has_class("-error")
        assert "use --region cn-hangzhou" in screen_text(app)
