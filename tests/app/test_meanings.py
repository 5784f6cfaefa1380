"""The result pane says what OSS's own headers mean for the object, at the session's time."""

from __future__ import annotations

import pytest
from tui_helpers import settle

from ossbrowse.emulator import DEMO_BUCKET
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
