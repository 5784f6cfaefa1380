"""What the head screen says in words: error names, decoded 412s, date and key notes.

Every test drives the real app against the emulator and reads what a user reads: the summary
line, the error panel, the form's preview lines, the warnings under the result.
"""

from __future__ import annotations

from textual.message import Message
from tui_helpers import completed, screen_text, settle, wait_for

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY
from ossbrowse.emulator.demo import DEMO_VERSIONED_KEY
from ossbrowse.oss.results import Outcome
from ossbrowse.ui.literal import LiteralStatic
from ossbrowse.ui.widgets.error_panel import ErrorPanel
from ossbrowse.ui.widgets.headers_table import HeadersTable
from ossbrowse.ui.widgets.request_form import FormField


def _summary(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#summary", LiteralStatic).content)


def _field(app, field_id: str) -> FormField:  # type: ignore[no-untyped-def]
    return app.screen.query_one(f"#{field_id}-field", FormField)


def _preview(app, field_id: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(f"#{field_id}-preview", LiteralStatic).content)


async def test_404_summary_names_each_error_and_what_it_means(demo_app) -> None:
    cases = [
        ({"bucket": "no-such-bucket-here", "key": DEMO_KEY}, "NoSuchBucket"),
        ({"bucket": DEMO_BUCKET, "key": "no/such/key.txt"}, "NoSuchKey"),
        (
            {
                "bucket": DEMO_BUCKET,
                "key": DEMO_VERSIONED_KEY,
                "version_id": "CAEQNoSuchVersionAtAll0000000000000",
            },
            "NoSuchVersion",
        ),
    ]
    meanings = {
        "NoSuchBucket": "the bucket does not exist",
        "NoSuchKey": "there is no such key in this bucket",
        "NoSuchVersion": "there is no such version of this key",
    }
    for prefill, code in cases:
        messages: list[Message] = []
        app = demo_app(prefill=prefill)
        async with app.run_test(size=(100, 40), message_hook=messages.append) as pilot:
            await pilot.press("f5")
            await settle(pilot)
            result = completed(messages)[-1].result
            assert result.status == 404 and result.error.code == code
            summary = _summary(app)
            assert summary.startswith(f"{code}: {meanings[code]}."), summary
            # Each of the three says something the others do not.
            for other, meaning in meanings.items():
                if other != code:
                    assert meaning not in summary


async def test_412_error_document_is_decoded_like_any_other(demo_app) -> None:
    messages: list[Message] = []
    app = demo_app(prefill={"bucket": DEMO_BUCKET, "key": DEMO_KEY, "if_match": '"0000"'})
    async with app.run_test(size=(100, 60), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        result = completed(messages)[-1].result
        assert result.outcome is Outcome.PRECONDITION_FAILED
        assert result.error.code == "PreconditionFailed"
        panel = app.screen.query_one(ErrorPanel)
        assert panel.display
        text = screen_text(app)
        assert "PreconditionFailed" in text
        assert result.error.message in " ".join(text.split())
        # The conditions table, which explains a 412, comes first.
        assert text.index("Conditions") < text.index("What OSS said")
        # The header row says where its decoded form is, instead of a bare piece of base64.
        table = app.screen.query_one(HeadersTable)
        rows = [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]
        [err_row] = [row for row in rows if row[1] == "x-oss-err"]
        assert "decoded under What OSS said" in err_row[2]


async def test_date_without_zone_is_read_as_utc_with_a_warning(demo_app) -> None:
    messages: list[Message] = []
    app = demo_app(
        prefill={"bucket": DEMO_BUCKET, "key": DEMO_KEY, "if_modified_since": "2026-03-14 09:26:53"}
    )
    async with app.run_test(size=(100, 40), message_hook=messages.append) as pilot:
        await pilot.pause()
        preview = _preview(app, "if-modified-since")
        assert "Sat, 14 Mar 2026 09:26:53 GMT" in preview
        assert "no time zone given, read as UTC" in preview
        await pilot.press("f5")
        await settle(pilot)
        result = completed(messages)[-1].result
        assert result.request.if_modified_since.isoformat() == "2026-03-14T09:26:53+00:00"
        assert any(
            w.startswith("If-Modified-Since: no time zone given, read as UTC")
            for w in result.warnings
        )
        assert "If-Modified-Since: no time zone given, read as UTC" in " ".join(
            screen_text(app).split()
        )


async def test_wrong_weekday_and_fractional_seconds_are_said(demo_app) -> None:
    app = demo_app(
        prefill={
            "bucket": DEMO_BUCKET,
            "key": DEMO_KEY,
            "if_modified_since": "Sun, 14 Mar 2026 09:26:53 GMT",
            "if_unmodified_since": "2026-03-14T09:26:53.250Z",
        }
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        weekday = _preview(app, "if-modified-since")
        assert "Sat, 14 Mar 2026 09:26:53 GMT" in weekday
        assert "wrong weekday corrected: 14 Mar 2026 is a Saturday, not a Sunday" in weekday
        fraction = _preview(app, "if-unmodified-since")
        assert "fractional seconds (.250) dropped" in fraction
        # A date read as typed has no note.
        _field(app, "if-modified-since").input.value = "Sat, 14 Mar 2026 09:26:53 GMT"
        await pilot.pause()
        assert "⚠" not in _preview(app, "if-modified-since")


async def test_dot_segments_in_a_key_are_said_not_to_be_resolved(demo_app) -> None:
    messages: list[Message] = []
    app = demo_app(prefill={"bucket": DEMO_BUCKET, "key": "docs/../hello.txt"})
    async with app.run_test(size=(100, 40), message_hook=messages.append) as pilot:
        await pilot.pause()
        label = str(app.screen.query_one("#key-label", LiteralStatic).content)
        assert "'.' or '..' segment is not resolved" in label
        await pilot.press("f5")
        await settle(pilot)
        result = completed(messages)[-1].result
        # Sent literally: OSS keys are opaque, so this is another key than hello.txt.
        assert result.status == 404 and result.request.key == "docs/../hello.txt"
        summary = _summary(app)
        assert summary.startswith("NoSuchKey: there is no such key in this bucket.")
        assert "OSS does not resolve them" in summary
        assert any("is not resolved" in warning for warning in result.warnings)


async def test_a_long_key_is_cut_in_the_middle_keeping_the_file_name(demo_app) -> None:
    key = "very-long-segment-" * 50 + "/report-final.csv"
    messages: list[Message] = []
    app = demo_app(prefill={"bucket": DEMO_BUCKET, "key": key})
    async with app.run_test(size=(100, 40), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert completed(messages)[-1].result.request.key == key
        facts = str(app.screen.query_one("#facts", LiteralStatic).content)
        [target] = [line for line in facts.splitlines() if line.startswith("HEAD ")]
        assert target.startswith(f"HEAD {DEMO_BUCKET}/very-long-segment-")
        assert "…" in target and "report-final.csv" in target
        assert f"({len(DEMO_BUCKET) + 1 + len(key):,} characters)" in target


async def test_etags_in_the_conditions_table_stay_on_one_line_at_80_columns(demo_app) -> None:
    sent = '"0A980B7C7C0AE948D7D3D7477819D80C"'
    messages: list[Message] = []
    app = demo_app(prefill={"bucket": DEMO_BUCKET, "key": DEMO_KEY, "if_match": sent})
    # 80 columns as in a default terminal; tall enough to show the whole result.
    async with app.run_test(size=(80, 60), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        etag = completed(messages)[-1].result.etag
        lines = screen_text(app).splitlines()
        [row] = [line for line in lines if line.startswith("If-Match") and "✘" in line]
        # Both ETags on the row, each cut in the middle: the start and the end in view.
        assert row.count("…") == 2
        assert '"0A980B7' in row and '819D80C"' in row
        assert etag[:7] in row and etag[-8:] in row
        below = lines[lines.index(row) + 1]
        assert "D7D3D7477819D80C" not in below  # nothing folded onto the next line
        # The row's detail gives the full values.
        assert f"If-Match sent {sent} object's {etag}" in " ".join(" ".join(lines).split())


async def test_demo_banner_and_explorer_footer_fit_at_80x24(demo_app) -> None:
    app = demo_app(demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()
        [banner] = [line for line in lines if line.startswith("Demo: ")]
        # Every step of the demo on one line: nothing cut at the edge.
        for step in ("F5 → 200", "n If-None-Match → 304", "x stale If-Match → 412", "F3 explorer"):
            assert step in banner, step
        assert app.screen.query_one("#demo-hint").size.height == 1
        await pilot.press("f3")
        await settle(pilot)
        # The top of the demo bucket (how many rows depends on what other tests wrote there).
        await wait_for(pilot, lambda: " rows loaded." in screen_text(app))
        footer = screen_text(app).splitlines()[-1]
        for label in ("Up", "Versions", "HEAD", "Jump", "Filter", "Reload", "Help", "Profile"):
            assert label in footer, label
        assert footer.rstrip().endswith("^p palette")
