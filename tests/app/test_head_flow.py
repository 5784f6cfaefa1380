"""200, 304 and 412 against the emulator, through the real client, from the keyboard."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input
from tui_helpers import completed, screen_text, settle

from ossbrowse.oss.results import Outcome, Verdict
from ossbrowse.ui.screens.head import HeadScreen
from ossbrowse.ui.widgets.headers_table import HeadersTable
from ossbrowse.ui.widgets.outcome_badge import OutcomeBadge
from ossbrowse.ui.widgets.result_pane import ResultPane


async def test_demo_shows_200_304_412_in_three_keys(demo_app, counting) -> None:
    messages: list[Message] = []
    app = demo_app(demo=True)
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        screen = app.screen
        assert isinstance(screen, HeadScreen)
        assert screen.query_one("#demo-hint").display
        badge = screen.query_one(OutcomeBadge)

        await pilot.press("f5")
        await settle(pilot)
        first = completed(messages)[-1].result
        assert first.status == 200 and first.outcome is Outcome.OK
        assert first.etag and first.etag.startswith('"')
        assert badge.has_class("-ok")

        await pilot.press("n")
        await settle(pilot)
        second = completed(messages)[-1].result
        assert second.status == 304 and second.outcome is Outcome.NOT_MODIFIED
        assert second.request.if_none_match == first.etag
        assert screen.query_one("#if-none-match", Input).value == first.etag
        assert [c.verdict for c in second.conditions] == [Verdict.FAILED]
        assert badge.has_class("-not-modified") and not badge.has_class("-ok")

        await pilot.press("x")
        await settle(pilot)
        third = completed(messages)[-1].result
        assert third.status == 412 and third.outcome is Outcome.PRECONDITION_FAILED
        assert third.request.if_match and third.request.if_match != first.etag
        assert badge.has_class("-precondition-failed")
        verdicts = {c.header: c.verdict for c in third.conditions}
        assert verdicts["If-Match"] is Verdict.FAILED
        assert "412" in third.summary
        assert len(counting.requests) == 3
        pane = screen.query_one(ResultPane)
        assert pane.shown is not None and pane.shown.result is third
        text = screen_text(app)
        assert "Precondition" in text and "If-Match" in text


async def test_enter_in_the_form_sends(demo_app) -> None:
    messages: list[Message] = []
    app = demo_app()
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        assert isinstance(app.focused, Input)
        await pilot.press("enter")
        await settle(pilot)
        [done] = completed(messages)
        assert done.result.status == 200
        # The focus leaves the form so the one-letter quick actions work at once.
        assert not isinstance(app.focused, Input)


async def test_result_shows_etag_kind_and_grouped_headers(demo_app) -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert "MD5" in screen_text(app)
        table = app.screen.query_one(HeadersTable)
        grouped: dict[str, list[str]] = {}
        group = ""
        for i in range(table.row_count):
            label, name, _ = (cell.plain.strip() for cell in table.get_row_at(i))
            group = label or group
            grouped.setdefault(group, []).append(name)
        assert list(grouped) == ["HTTP", "OSS system", "User metadata", "Response / service"]
        assert "x-oss-meta-author" in grouped["User metadata"]
        assert "etag" in {name.lower() for name in grouped["HTTP"]}
        assert "x-oss-request-id" in {name.lower() for name in grouped["Response / service"]}
