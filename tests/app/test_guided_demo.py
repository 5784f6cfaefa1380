"""``ossbrowse demo --guided``: one key per step, each step's outcome, and presenter mode.

The story runs against a real emulator holding the demo's ``hello.txt`` in a versioned bucket;
its rewrite is a signed PUT through the emulator's HTTP path, so the new version is real.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from textual.message import Message
from tui_helpers import NOW, completed, notifications, screen_text, wait_for

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY, Emulator
from ossbrowse.emulator.demo_rewrite import DemoRewriter
from ossbrowse.oss.results import Verdict
from ossbrowse.ui.app import OssBrowseApp, make_app
from ossbrowse.ui.guide import STEPS, Guide
from ossbrowse.ui.screens.guided import GuidedHeadScreen
from ossbrowse.ui.screens.history import HistoryScreen
from ossbrowse.ui.screens.profiles import ProfileScreen
from ossbrowse.ui.watching import WatchSettings
from ossbrowse.ui.widgets.big_digits import BigDigits
from ossbrowse.ui.widgets.guide_panel import GuidePanel
from ossbrowse.ui.widgets.profile_bar import ENDPOINT_HIDDEN

HELLO = b"Hello from the ossbrowse emulator!\n"


@pytest.fixture
def hello() -> Iterator[Emulator]:
    """An emulator holding the demo's hello.txt in a versioned demo-bucket (nothing else)."""
    with Emulator(clock=lambda: NOW.timestamp()) as emu:
        emu.store.create_bucket(DEMO_BUCKET, region=emu.region)
        emu.store.set_versioning(DEMO_BUCKET, "Enabled")
        emu.store.put_object(DEMO_BUCKET, DEMO_KEY, HELLO, content_type="text/plain")
        yield emu


def guided_app(emu: Emulator, *, presenter: bool = False) -> tuple[OssBrowseApp, Guide]:
    guide = Guide(
        DEMO_BUCKET, DEMO_KEY, DemoRewriter(emu, DEMO_BUCKET, DEMO_KEY, clock=lambda: NOW)
    )
    app = make_app(
        emu.profile(name="demo", connect_timeout=30.0, read_timeout=30.0),
        clock=lambda: NOW,
        prefill={"bucket": DEMO_BUCKET, "key": DEMO_KEY},
        demo=True,
        presenter=presenter,
        guide=guide,
    )
    return app, guide


async def next_step(pilot, guide: Guide) -> None:
    """Press space and wait until the step is over (the guide has moved on)."""
    index = guide.index
    await pilot.press("space")
    await wait_for(pilot, lambda: guide.index != index)
    screen = pilot.app.screen
    assert isinstance(screen, GuidedHeadScreen)
    await wait_for(pilot, lambda: not screen._waiting)


def panel_text(app: OssBrowseApp) -> str:
    return str(app.screen.query_one(GuidePanel).visual)


async def test_each_step_gets_its_outcome(hello: Emulator) -> None:
    messages: list[Message] = []
    app, guide = guided_app(hello)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await wait_for(pilot, lambda: "Step 1 of 5: press space" in panel_text(app))

        await next_step(pilot, guide)  # 1: a plain HEAD
        first = completed(messages)[-1].result
        assert first.status == 200 and not first.request.has_conditions
        old = first.etag
        assert old is not None
        assert f"200 OK: the object exists. Its ETag {old}" in panel_text(app)
        assert "Step 2 of 5" in panel_text(app)

        await next_step(pilot, guide)  # 2: If-None-Match: the ETag
        second = completed(messages)[-1].result
        assert second.status == 304
        assert second.request.if_none_match == old and second.request.if_match is None
        assert "304 Not Modified" in panel_text(app)

        versions = len(hello.store.versions_of(DEMO_BUCKET, DEMO_KEY))
        await next_step(pilot, guide)  # 3: the rewrite
        assert len(completed(messages)) == 2  # no HEAD: a PUT
        current = hello.store.get_object(DEMO_BUCKET, DEMO_KEY)
        assert len(hello.store.versions_of(DEMO_BUCKET, DEMO_KEY)) == versions + 1
        assert current.body != HELLO and current.etag != old
        assert f"version {current.version_id}, ETag {current.etag}" in panel_text(app)

        await next_step(pilot, guide)  # 4: the same If-None-Match again
        fourth = completed(messages)[-1].result
        assert fourth.status == 200
        assert fourth.request.if_none_match == old
        assert fourth.etag == current.etag
        assert [c.verdict for c in fourth.conditions] == [Verdict.PASSED]
        assert f"the ETag is now {current.etag}" in panel_text(app)

        await next_step(pilot, guide)  # 5: If-Match with the old ETag
        fifth = completed(messages)[-1].result
        assert fifth.status == 412
        assert fifth.request.if_match == old and fifth.request.if_none_match is None
        assert "412 Precondition Failed" in panel_text(app)
        # The story starts over.
        assert "whole story" in panel_text(app) and guide.index == 0
        # What the audience sees: the sentence, and the condition that was sent, in the form.
        text = screen_text(app)
        assert "412 Precondition Failed: If-Match asks for" in text
        assert app.screen.form.values()["if_match"] == old


async def test_the_story_runs_again(hello: Emulator) -> None:
    """A second walk-through learns the rewritten ETag and rewrites once more."""
    messages: list[Message] = []
    app, guide = guided_app(hello)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        for _ in range(2 * len(STEPS)):
            await next_step(pilot, guide)
    statuses = [m.result.status for m in completed(messages)]
    assert statuses == [200, 304, 200, 412] * 2
    assert len(hello.store.versions_of(DEMO_BUCKET, DEMO_KEY)) == 3


async def test_an_unexpected_answer_is_said_as_it_is(hello: Emulator) -> None:
    """The object is gone: step 1 says 404 and stays on step 1 (no ETag to go on with)."""
    hello.store.delete_object(DEMO_BUCKET, DEMO_KEY)
    app, guide = guided_app(hello)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await wait_for(pilot, lambda: "Expected 200 here, but got 404" in panel_text(app))
        assert guide.index == 0
        assert "press space to try again" in panel_text(app)


async def test_space_in_a_field_types_a_space(hello: Emulator) -> None:
    """The step key never fires while the user types in the form."""
    messages: list[Message] = []
    app, guide = guided_app(hello)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await pilot.pause()
        app.screen.form.field("key").input.focus()
        await pilot.press("end", "space")
        await pilot.pause()
        assert app.screen.form.values()["key"] == DEMO_KEY + " "
        assert "Step 1 of 5" in panel_text(app)
        # Outside the form, the same key is the next step.
        app.screen.pane.focus()
        await pilot.press("space")
        await wait_for(pilot, lambda: guide.index == 1)
    # The step fills the form as the story needs it (the typed space is gone).
    [answer] = completed(messages)
    assert (answer.result.request.key, answer.result.status) == (DEMO_KEY, 200)


async def test_presenter_hides_key_id_and_endpoint(hello: Emulator) -> None:
    messages: list[Message] = []
    app, guide = guided_app(hello, presenter=True)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        seen = [screen_text(app)]
        for _ in STEPS:
            await next_step(pilot, guide)
            seen.append(screen_text(app))
        badge = app.screen.query_one(BigDigits)
        assert badge.display and badge.region.height == 5
        assert "█" in str(badge.visual)
        # The dialogs that name the endpoint elsewhere: the history and the profile switcher.
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        seen.append(screen_text(app))
        assert "of profile demo" in seen[-1]
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, GuidedHeadScreen))
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileScreen))
        seen.append(screen_text(app))
        assert "The demo profile is active: the local emulator with" in seen[-1]
    port = hello.endpoint.rsplit(":", 1)[1]
    assert [m.result.status for m in completed(messages)] == [200, 304, 200, 412]
    for text in seen:
        assert ENDPOINT_HIDDEN in text
        assert hello.access_key_id not in text
        assert hello.endpoint not in text and f"127.0.0.1:{port}" not in text


async def test_without_presenter_the_endpoint_shows(hello: Emulator) -> None:
    """The checks above can fail: outside presenter mode the endpoint is on those screens."""
    app, _ = guided_app(hello)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert hello.endpoint in text and ENDPOINT_HIDDEN not in text
        assert not app.screen.query_one(BigDigits).display
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        assert hello.endpoint.removeprefix("http://") in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, GuidedHeadScreen))
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileScreen))
        assert hello.endpoint in screen_text(app)


async def test_the_rewrite_is_seen_by_a_watch_and_the_history(hello: Emulator) -> None:
    """The guide's PUT is a real new version: a watch of the 304 probe flips on it."""
    ticks: list[Callable[[], object]] = []

    class Pending:
        def stop(self) -> None:
            pass

    def schedule(delay: float, call: Callable[[], object]) -> Pending:
        ticks.append(call)  # the test fires each tick
        return Pending()

    messages: list[Message] = []
    guide = Guide(
        DEMO_BUCKET, DEMO_KEY, DemoRewriter(hello, DEMO_BUCKET, DEMO_KEY, clock=lambda: NOW)
    )
    app = make_app(
        hello.profile(name="demo", connect_timeout=30.0, read_timeout=30.0),
        clock=lambda: NOW,
        prefill={"bucket": DEMO_BUCKET, "key": DEMO_KEY},
        demo=True,
        guide=guide,
        watch=WatchSettings(schedule=schedule),
    )
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        screen = app.screen
        assert isinstance(screen, GuidedHeadScreen)
        await next_step(pilot, guide)  # 200
        await next_step(pilot, guide)  # 304: the form holds the ETag as If-None-Match
        await pilot.press("w")
        await wait_for(pilot, lambda: screen.watching is not None and screen.watching.ticks == 1)
        assert screen.watching.last_change is None
        await next_step(pilot, guide)  # the rewrite
        new_etag = hello.store.get_object(DEMO_BUCKET, DEMO_KEY).etag
        ticks[-1]()
        await wait_for(pilot, lambda: screen.watching.ticks == 2)
        change = screen.watching.last_change
        assert change is not None and change.startswith("If-None-Match would now pass (200 OK)")
        assert new_etag in change
        await wait_for(
            pilot,
            lambda: any(n.startswith("Watch: the answer changed") for n in notifications(messages)),
        )
        # The history keeps the watch's answer with the new version's ETag.
        assert app.session.history.entries[-1].etag == new_etag
