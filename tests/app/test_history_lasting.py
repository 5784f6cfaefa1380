"""The history that lasts: kept across restarts, per profile and endpoint, searched, compared.

Every test has its own data directory (the suite points ``OSSBROWSE_DATA_DIR`` at it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from textual.widgets import Input, OptionList
from tui_helpers import (
    KEY_ID,
    NOW,
    SECRET,
    completed,
    notifications,
    profile_for,
    screen_text,
    settle,
    wait_for,
    write_config,
)

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY, Emulator
from ossbrowse.emulator.clock import ManualClock
from ossbrowse.ui.app import make_app
from ossbrowse.ui.screens.history import CompareScreen, HistoryScreen


async def _open_history(pilot) -> HistoryScreen:
    pilot.app.screen.query_one("#result").focus()
    await pilot.press("h")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen))
    return pilot.app.screen


async def test_probes_are_kept_across_restarts_with_time_and_request_id(
    demo_app, tmp_path: Path
) -> None:
    messages: list = []
    async with demo_app().run_test(size=(120, 36), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
    request_ids = [m.result.request_id for m in completed(messages)]
    assert all(request_ids) and len(request_ids) == 2

    # A new app (a restart) with the same data directory shows both, newest first.
    app = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open_history(pilot)
        assert [e.status for e in screen.entries] == [304, 200]
        assert [e.request_id for e in screen.entries] == request_ids[::-1]
        text = screen_text(app)
        assert "2026-03-14 10:00:00 UTC" in text
        assert f"request id {request_ids[0]}" in text and f"request id {request_ids[1]}" in text
        # Replay from a previous run fills the form and sends.
        await pilot.press("enter")
        await settle(pilot)
        assert (
            app.screen.query_one("#if-none-match", Input).value
            == screen.entries[0].form["if_none_match"]
        )
    assert (tmp_path / "ossbrowse-data" / "history.jsonl").exists()
    assert SECRET not in (tmp_path / "ossbrowse-data" / "history.jsonl").read_text()


async def test_search_keeps_the_matching_probes(demo_app) -> None:
    app = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("x")  # a stale If-Match: 412
        await settle(pilot)
        screen = await _open_history(pilot)
        options = screen.query_one(OptionList)
        assert options.option_count == 2
        search = screen.query_one("#history-search", Input)
        search.focus()
        # Typing in the search box types: space and d do not mark or compare there.
        await pilot.press("space", "d")
        await pilot.pause()
        assert search.value == " d" and screen.marked is None and app.screen is screen
        search.value = ""
        await pilot.press(*"412")
        await pilot.pause()
        assert [e.status for e in screen.shown] == [412]
        assert options.option_count == 1
        await pilot.press("enter")  # leaves the search box for the list
        await pilot.press("enter")  # sends the 412 probe again
        await settle(pilot)
        assert not isinstance(app.screen, HistoryScreen)
        assert app.screen.query_one("#if-match", Input).value != ""


async def test_switching_profile_shows_that_profiles_history(
    demo_app, emulator, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "ossutilconfig", emulator.endpoint)
    app = demo_app(config_file=str(config), profile=profile_for(emulator, name="default"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await app.switch_profile("ops")
        await pilot.pause()
        screen = await _open_history(pilot)
        assert screen.entries == []
        await pilot.press("escape")
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert [e.profile for e in (await _open_history(pilot)).entries] == ["ops", "ops"]
        await pilot.press("escape")
        await app.switch_profile("default")
        await pilot.pause()
        assert [e.profile for e in (await _open_history(pilot)).entries] == ["default"]


async def test_a_corrupt_history_file_is_set_aside_with_a_warning(demo_app, tmp_path: Path) -> None:
    data = tmp_path / "ossbrowse-data"
    data.mkdir()
    (data / "history.jsonl").write_text('{"time": "garbled\n\x00\x01 not json at all\n')
    messages: list = []
    app = demo_app()
    async with app.run_test(size=(120, 36), message_hook=messages.append) as pilot:
        await pilot.pause()
        [warning] = [n for n in notifications(messages) if n.startswith("History")]
        assert "2 unreadable line(s)" in warning and "set aside" in warning
        await pilot.press("f5")
        await settle(pilot)
        assert [e.status for e in (await _open_history(pilot)).entries] == [200]
    assert len(list(data.glob("history-corrupt-*.jsonl"))) == 1


async def test_a_corrupt_history_file_is_said_when_the_app_opens_on_the_explorer(
    demo_app, tmp_path: Path
) -> None:
    # The explorer does not wait for the history file: it is read after the first frame, and
    # what is wrong with it is still said.
    data = tmp_path / "ossbrowse-data"
    data.mkdir()
    (data / "history.jsonl").write_text('{"time": "garbled\n\x00\x01 not json at all\n')
    messages: list = []
    app = demo_app(prefill={"bucket": DEMO_BUCKET}, mode="browse")
    async with app.run_test(size=(120, 36), message_hook=messages.append) as pilot:
        for _ in range(500):  # until the warning is up (10 s at most)
            if [n for n in notifications(messages) if n.startswith("History")]:
                break
            await pilot.pause(0.02)
        [warning] = [n for n in notifications(messages) if n.startswith("History")]
        assert "2 unreadable line(s)" in warning and "set aside" in warning
    assert len(list(data.glob("history-corrupt-*.jsonl"))) == 1


WRITER = """
import sys
from ossbrowse import cli
sys.exit(cli.main(sys.argv[1:]))
"""


async def test_a_head_command_running_meanwhile_loses_no_entry(
    demo_app, emulator, tmp_path: Path
) -> None:
    # `ossbrowse head` in another process writes to the same history while the app does.
    env = {
        **os.environ,
        "OSS_ACCESS_KEY_ID": KEY_ID,
        "OSS_ACCESS_KEY_SECRET": SECRET,
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    argv = [sys.executable, "-c", WRITER, "head", f"oss://{DEMO_BUCKET}/{DEMO_KEY}"]
    argv += ["-e", emulator.endpoint, "--region", emulator.region]
    app = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        others = [subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL) for _ in range(3)]
        for _ in range(3):
            await pilot.press("f5")
            await settle(pilot)
        for process in others:
            process.wait(timeout=60)
    lines = (tmp_path / "ossbrowse-data" / "history.jsonl").read_text().splitlines()
    assert len(lines) == 6 and all(json.loads(line)["status"] in (200, 403) for line in lines)


async def test_compare_two_probes_of_an_object_that_changed(make_emulator) -> None:
    clock = ManualClock(NOW.timestamp())
    emu: Emulator = make_emulator(clock=clock)
    # Written through the emulator's store: a signed PUT would need the real time, and this
    # emulator lives at NOW so that the rewrite gets a later Last-Modified.
    emu.store.create_bucket("compared", region=emu.region)
    emu.store.put_object("compared", "doc.txt", b"one")
    app = make_app(
        profile_for(emu),
        prefill={"bucket": "compared", "key": "doc.txt"},
        clock=lambda: NOW,
    )
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("m")  # the ETag as If-Match: passes
        await settle(pilot)
        clock.advance(60)
        emu.store.put_object("compared", "doc.txt", b"second, longer", storage_class="IA")
        await pilot.press("f5")  # the same If-Match probe: now 412
        await settle(pilot)
        screen = await _open_history(pilot)
        assert [e.status for e in screen.entries] == [412, 200, 200]
        await pilot.press("space")  # mark the newest (412)
        await pilot.press("down")  # the If-Match probe that passed
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        assert {"Outcome", "ETag", "If-Match verdict"} <= set(compare.changed)
        assert "If-Match sent" not in compare.changed  # the same probe, sent twice
        assert "Size" not in compare.changed  # a 412 does not say the size: not a change
        assert "If-Match verdict" in screen_text(app) and "passed" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("escape")
        # Compare the two unconditional-ish answers instead: the first 200 and a new one.
        await pilot.press("c", "f5")
        await settle(pilot)
        screen = await _open_history(pilot)
        await pilot.press("space", "end", "d")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        changed = app.screen.changed
        assert {"ETag", "Last-Modified", "Size", "Storage class"} <= set(changed)
        text = screen_text(app)
        assert "3 bytes" in text and "14 bytes" in text and "IA" in text
