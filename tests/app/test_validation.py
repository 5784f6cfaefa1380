"""Invalid input is flagged as it is typed and never sent."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input, Static
from tui_helpers import completed, notifications, screen_text, settle

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY
from ossbrowse.ui.widgets.request_form import FormField


def field(app, field_id: str) -> FormField:
    return app.screen.query_one(f"#{field_id}-field", FormField)


async def test_invalid_bucket_is_flagged_while_typing(demo_app, counting) -> None:
    app = demo_app(prefill={})
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.focused is app.screen.query_one("#bucket", Input)
        await pilot.press(*"My_Bucket")
        await pilot.pause()
        bucket = field(app, "bucket")
        assert bucket.error == "may contain only lower-case letters, digits and '-'"
        assert bucket.input.has_class("-invalid")
        for _ in range(9):
            await pilot.press("backspace")
        await pilot.press(*"my-bucket")
        await pilot.pause()
        assert bucket.error is None and not bucket.input.has_class("-invalid")
        assert counting.requests == []


async def test_nothing_invalid_is_sent(demo_app, counting) -> None:
    messages: list[Message] = []
    app = demo_app(
        prefill={
            "bucket": "ab",
            "key": "/leading-slash",
            "version_id": "has space",
            "if_match": '"unclosed',
            "if_modified_since": "yesterday-ish",
        }
    )
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert counting.requests == []
        assert completed(messages) == []
        [note] = [n for n in notifications(messages) if n.startswith("Not sent")]
        for label in ("Bucket", "Key", "Version id", "If-Match", "If-Modified-Since"):
            assert label in note
        # The focus goes to the first bad field, in form order.
        assert app.focused is app.screen.query_one("#bucket", Input)
        for field_id in ("bucket", "key", "version-id", "if-match", "if-modified-since"):
            assert field(app, field_id).error, field_id
            assert field(app, field_id).input.has_class("-invalid")
        assert field(app, "if-none-match").error is None


async def test_required_fields_are_asked_for_on_send(demo_app, counting) -> None:
    messages: list[Message] = []
    app = demo_app(prefill={"bucket": DEMO_BUCKET})
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        assert app.focused is app.screen.query_one("#key", Input)
        assert field(app, "key").error is None  # empty is not an error before a send
        await pilot.press("enter")
        await settle(pilot)
        assert counting.requests == []
        assert field(app, "key").error == "is required"
        assert app.focused is app.screen.query_one("#key", Input)


async def test_date_fields_show_the_rfc_1123_form_they_send(demo_app, counting) -> None:
    messages: list[Message] = []
    app = demo_app()
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        date = app.screen.query_one("#if-unmodified-since", Input)
        date.focus()
        date.value = "2026-03-14T17:26:53+08:00"  # as if typed (typing it is slow)
        await pilot.pause()
        preview = app.screen.query_one("#if-unmodified-since-preview", Static)
        assert "Sat, 14 Mar 2026 09:26:53 GMT" in str(preview.render())
        assert "Sat, 14 Mar 2026 09:26:53 GMT" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        [request] = counting.requests
        assert request.headers["if-unmodified-since"] == "Sat, 14 Mar 2026 09:26:53 GMT"
        assert completed(messages)[-1].result.status == 200


async def test_bare_etag_is_shown_and_sent_quoted(demo_app, counting) -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("#if-none-match", Input).focus()
        await pilot.press(*"abc123")
        await pilot.pause()
        assert '→ "abc123"' in str(app.screen.query_one("#if-none-match-label", Static).render())
        await pilot.press("enter")
        await settle(pilot)
        assert counting.requests[-1].headers["if-none-match"] == '"abc123"'


async def test_fixing_a_field_then_sending_works(demo_app, counting) -> None:
    messages: list[Message] = []
    app = demo_app(prefill={"bucket": DEMO_BUCKET, "key": DEMO_KEY, "if_match": "a b"})
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert counting.requests == []
        assert app.focused is app.screen.query_one("#if-match", Input)
        await pilot.press("ctrl+u", "end", "ctrl+u")
        await pilot.press(*"*", "enter")
        await settle(pilot)
        assert len(counting.requests) == 1
        assert completed(messages)[-1].result.status == 200
