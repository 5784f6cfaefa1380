"""The start-up heap is frozen while the app runs (full collections stay short) and given back
to the collector when the app ends (nothing the app built is kept alive after it)."""

from __future__ import annotations

import gc

from tui_helpers import NOW, profile_for

from ossbrowse.emulator import Emulator
from ossbrowse.ui.app import make_app


async def test_the_heap_is_frozen_while_running_and_given_back_at_the_end(
    emulator: Emulator,
) -> None:
    assert gc.get_freeze_count() == 0
    app = make_app(profile_for(emulator), clock=lambda: NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        # Start-up's objects (modules, widgets, the stylesheet) are out of every collection.
        assert gc.get_freeze_count() > 10_000
        assert app.is_running
    assert gc.get_freeze_count() == 0


async def test_an_app_that_ends_before_its_first_frame_freezes_nothing(
    emulator: Emulator,
) -> None:
    app = make_app(profile_for(emulator), clock=lambda: NOW)
    async with app.run_test(size=(100, 30)):
        app.exit()
    assert gc.get_freeze_count() == 0
