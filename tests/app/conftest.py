"""Fixtures for Pilot tests of the TUI: a real emulator, profiles, counting transports.

The emulator runs in-process on a free loopback port with the demo data and a fixed clock; the
app's client uses the same fixed clock, so signatures are always fresh and dates repeatable.
Credentials are canaries: tests check they never reach the screen or a notification.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from tui_helpers import (
    KEY_ID,
    NOW,
    SECRET,
    STS_KEY_ID,
    STS_SECRET,
    STS_TOKEN,
    CountingTransport,
    profile_for,
)

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY, Emulator
from ossbrowse.ui.app import OssBrowseApp, make_app


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """One demo emulator for the whole session (tests only read from it)."""
    with Emulator(
        demo_data=True,
        clock=lambda: NOW.timestamp(),
        access_key_id=KEY_ID,
        access_key_secret=SECRET,
        sts_tokens={STS_TOKEN: (STS_KEY_ID, STS_SECRET)},
    ) as emu:
        yield emu


@pytest.fixture
def counting() -> CountingTransport:
    """A transport that counts requests (to prove nothing was sent)."""
    return CountingTransport()


@pytest.fixture
def demo_app(emulator: Emulator, counting: CountingTransport) -> Callable[..., OssBrowseApp]:
    """Build an app against the emulator with the demo object prefilled."""

    def build(**kwargs: Any) -> OssBrowseApp:
        profile = kwargs.pop("profile", None) or profile_for(emulator)
        kwargs.setdefault("prefill", {"bucket": DEMO_BUCKET, "key": DEMO_KEY})
        kwargs.setdefault("transport", counting)
        kwargs.setdefault("clock", lambda: NOW)
        return make_app(profile, **kwargs)

    return build
