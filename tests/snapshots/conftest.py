"""Deterministic apps for snapshot tests: fixed clocks, ids, port, timings and theme.

The emulator runs for real (in-process, with the demo data and a fixed clock, which also makes
its request ids fixed). The app talks to it through
:class:`~ossbrowse.emulator.steady.SteadyTransport`, so the header line shows a fixed endpoint
whatever port the emulator got, and the two values that measure time are pinned
(``x-oss-server-time`` by the transport, the client's elapsed time by a ticking timer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY, Emulator
from ossbrowse.emulator.demo_rewrite import DemoRewriter
from ossbrowse.emulator.steady import SteadyListingTransport, SteadyTransport, ticking_timer
from ossbrowse.ui.app import OssBrowseApp, make_app
from ossbrowse.ui.guide import Guide
from ossbrowse.ui.watching import WatchSettings

NOW = datetime(2026, 3, 14, 10, 0, 0, tzinfo=UTC)
SHOWN_ENDPOINT = "http://127.0.0.1:8085"
KEY_ID = "LTAI5tSnapshotKeyId00001"
SECRET = "SnapshotSecret-0000000000000000"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """The demo emulator with a fixed clock (fixed Date headers and request ids).

    One per test: request ids count the requests an emulator served, so a shared one would
    make them depend on which tests ran before (and on how xdist spread them).
    """
    with Emulator(
        demo_data=True,
        clock=lambda: NOW.timestamp(),
        access_key_id=KEY_ID,
        access_key_secret=SECRET,
    ) as emu:
        yield emu


@pytest.fixture
def snapshot_app(emulator: Emulator) -> Callable[..., OssBrowseApp]:
    """Build a deterministic app against the emulator (keyword args: secret, refuse, demo,
    presenter, guided: the guided demo, watch: how the head screen watches)."""

    def build(
        *,
        secret: str = SECRET,
        refuse: bool = False,
        demo: bool = True,
        prefill: dict[str, str] | None = None,
        mode: str | None = None,
        presenter: bool = False,
        guided: bool = False,
        watch: WatchSettings | None = None,
    ) -> OssBrowseApp:
        guide = None
        if guided:  # the rewrite PUTs to the emulator's real port, signed at NOW
            rewrite = DemoRewriter(emulator, DEMO_BUCKET, DEMO_KEY, clock=lambda: NOW)
            guide = Guide(DEMO_BUCKET, DEMO_KEY, rewrite)
        profile = emulator.profile(access_key_secret=secret, endpoint=SHOWN_ENDPOINT)
        port = int(emulator.endpoint.rsplit(":", 1)[1])
        return make_app(
            profile,
            transport=SteadyTransport(port=port, refuse=refuse),
            listing_transport=SteadyListingTransport(port=port),
            clock=lambda: NOW,
            # A timer that advances 4 ms per reading: every HEAD takes the same 12 ms.
            timer=ticking_timer(0.004),
            prefill=prefill if prefill is not None else {"bucket": DEMO_BUCKET, "key": DEMO_KEY},
            demo=demo,
            mode=mode,
            presenter=presenter,
            guide=guide,
            watch=watch,
        )

    return build
