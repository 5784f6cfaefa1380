"""The result pane says what OSS's own headers mean for the object, at the session's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from tui_helpers import NOW, profile_for, settle

from ossbrowse.emulator import DEMO_BUCKET, Emulator, demo
from ossbrowse.emulator.clock import ManualClock
from ossbrowse.oss.canonical import v1_signature, v1_string_to_sign
from ossbrowse.oss.httpdates import format_http_date
from ossbrowse.ui.app import make_app
from ossbrowse.ui.widgets.meanings_view import MeaningsView


@pytest.mark.parametrize(
    ("key", "state", "words"),
    [
        ("archive/2022-logs.tar.gz", "frozen", "a GET fails with 403 InvalidObjectState"),
        ("archive/2023-logs.tar.gz", "restoring", "A restore is in progress"),
        # The app's clock is 14 March 2026; the restored copy is readable until the 21st.
        ("archive/2024-logs.tar.gz", "restored", "(in 7 days)"),
    ],
)
async def test_archive_states_are_explained(demo_app, key: str, state: str, words: str) -> None:
    app = demo_app(prefill={"bucket": DEMO_BUCKET, "key": key})
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        view = app.screen.query_one(MeaningsView)
        assert view.display
        states = {dict(m.facts).get("state") for m in view.meanings}
        assert state in states
        shown = " ".join(str(view.render()).split())
        assert words in shown
        assert "Archive: billed for at least 60 days" in shown


async def test_a_multipart_etag_is_explained_as_not_an_md5(demo_app) -> None:
    from ossbrowse.emulator.demo import DEMO_MULTIPART_KEY

    app = demo_app(prefill={"bucket": DEMO_BUCKET, "key": DEMO_MULTIPART_KEY})
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        view = app.screen.query_one(MeaningsView)
        meanings = {m.header.lower(): m.meaning for m in view.meanings}
        assert "not the MD5" in meanings["x-oss-object-type"]
        assert "multipart, 3 parts" in meanings["etag"]


@pytest.mark.parametrize(
    ("key", "header", "fact", "words"),
    [
        (
            demo.DEMO_EXPIRED_ARCHIVE_KEY,
            "x-oss-restore",
            ("state", "expired"),
            "The restored copy expired on Sat, 07 Mar 2026 09:26:53 GMT (7 days ago)",
        ),
        (
            demo.DEMO_APPENDABLE_KEY,
            "x-oss-next-append-position",
            ("position", 74),
            "The next AppendObject must start at position 74",
        ),
        (
            demo.DEMO_SYMLINK_KEY,
            "x-oss-object-type",
            ("object_type", "Symlink"),
            "describe the target",
        ),
        (
            demo.DEMO_SSE_KEY,
            "x-oss-server-side-encryption",
            ("key_id", demo.DEMO_KMS_KEY_ID),
            "needs permission to use that key (kms:Decrypt)",
        ),
        (demo.DEMO_TAGGED_KEY, "x-oss-tagging-count", ("count", 3), "The object has 3 tags"),
        (
            demo.DEMO_EXPIRING_KEY,
            "x-oss-expiration",
            ("rule_id", demo.DEMO_LIFECYCLE_RULE),
            "deletes this object on Sun, 12 Apr 2026 00:00:00 GMT (in 29 days)",
        ),
    ],
)
async def test_each_kind_of_demo_object_is_explained(
    demo_app, key: str, header: str, fact: tuple[str, object], words: str
) -> None:
    app = demo_app(prefill={"bucket": DEMO_BUCKET, "key": key})
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        view = app.screen.query_one(MeaningsView)
        assert view.display
        meanings = {m.header.lower(): m for m in view.meanings}
        assert header in meanings, sorted(meanings)
        assert fact in meanings[header].facts
        assert words in " ".join(str(view.render()).split())


def _restore_object(emu: Emulator, bucket: str, key: str, when: float) -> int:
    """POST ?restore, V1-signed at ``when`` (the emulator's clock); the status."""
    date = format_http_date(datetime.fromtimestamp(when, UTC))
    string_to_sign = v1_string_to_sign("POST", {}, bucket, key, [("restore", "")], date)
    signature = v1_signature(emu.access_key_secret, string_to_sign)
    headers = {"Date": date, "Authorization": f"OSS {emu.access_key_id}:{signature}"}
    with httpx.Client(timeout=30) as client:
        return client.post(f"{emu.endpoint}/{bucket}/{key}?restore", headers=headers).status_code


async def test_a_restore_is_explained_as_it_moves_from_frozen_to_restored(make_emulator) -> None:
    """RestoreObject sent to the emulator, watched in the pane: frozen, restoring, restored."""
    clock = ManualClock(NOW.timestamp())
    emu = make_emulator(demo_data=True, clock=clock)
    key = "archive/2022-logs.tar.gz"
    states: list[object] = []
    for step in ("frozen", "restoring", "restored"):
        if step == "restoring":
            assert _restore_object(emu, DEMO_BUCKET, key, clock.now) == 202
        if step == "restored":
            clock.advance(61)  # an Archive restore takes about a minute
        now = datetime.fromtimestamp(clock.now, UTC)
        app = make_app(
            profile_for(emu), prefill={"bucket": DEMO_BUCKET, "key": key}, clock=lambda n=now: n
        )
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.press("f5")
            await settle(pilot)
            view = app.screen.query_one(MeaningsView)
            states += [dict(m.facts)["state"] for m in view.meanings if "state" in dict(m.facts)]
            shown = " ".join(str(view.render()).split())
            if step == "restored":
                # Restored for the default day, counted from when the restore completed.
                assert "until Sun, 15 Mar 2026 10:01:00 GMT (in 24 hours)" in shown
    assert states == ["frozen", "restoring", "restored"]


@pytest.mark.parametrize(
    ("key", "header", "fact", "words"),
    [
        (demo.DEMO_ARCHIVE_KEY, "x-oss-restore", ("state", "restored"), "(in 7 days)"),
        (demo.DEMO_EXPIRED_ARCHIVE_KEY, "x-oss-restore", ("state", "expired"), "(7 days ago)"),
        (
            demo.DEMO_EXPIRING_KEY,
            "x-oss-expiration",
            ("rule_id", "expire-tmp-logs"),
            "(in 29 days)",
        ),
    ],
)
async def test_the_demo_tells_the_same_story_months_after_its_dates(
    make_emulator, key: str, header: str, fact: tuple[str, object], words: str
) -> None:
    """`ossbrowse demo` runs on the real clock: started long after the data's fixed dates, the
    restored Archive object is still restored, the expired one expired a week ago, and the
    lifecycle rule has not yet come due."""
    later = NOW + timedelta(days=260)
    emu = make_emulator(demo_data=True, clock=ManualClock(later.timestamp()))
    app = make_app(
        profile_for(emu), prefill={"bucket": DEMO_BUCKET, "key": key}, clock=lambda: later
    )
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        view = app.screen.query_one(MeaningsView)
        meanings = {m.header.lower(): m for m in view.meanings}
        assert header in meanings, sorted(meanings)
        assert fact in meanings[header].facts
        assert words in meanings[header].meaning
