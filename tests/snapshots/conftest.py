"""Deterministic apps for snapshot tests: fixed clocks, ids, port, timings and theme.

The emulator runs for real (in-process, with the demo data and a fixed clock, which also makes
its request ids fixed). The app talks to it through :class:`StableTransport`, which shows a fixed
endpoint in the header line whatever port the emulator got, and pins the two values that
measure time (``x-oss-server-time`` and the client's elapsed time).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY, Emulator
from ossbrowse.oss.profile import Profile
from ossbrowse.ui.app import OssBrowseApp, make_app

NOW = datetime(2026, 3, 14, 10, 0, 0, tzinfo=UTC)
SHOWN_ENDPOINT = "http://127.0.0.1:8085"
KEY_ID = "LTAI5tSnapshotKeyId00001"
SECRET = "SnapshotSecret-0000000000000000"


def _ticks(step: float) -> Callable[[], float]:
    counter = itertools.count()
    return lambda: next(counter) * step


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


class StableTransport(httpx.AsyncBaseTransport):
    """Sends to the emulator's real port; pins the server's own timing header.

    With ``refuse`` set, every request fails as a refused connection would, without touching
    the network (the message then names the shown endpoint, not a random port).
    """

    def __init__(self, port: int, *, refuse: bool = False) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.port = port
        self.refuse = refuse

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Forward (the Host header is not signed, so the signature stays valid)."""
        if self.refuse:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        request.url = request.url.copy_with(port=self.port)
        response = await self.inner.handle_async_request(request)
        headers = [
            (name, b"1" if name.lower() == b"x-oss-server-time" else value)
            for name, value in response.headers.raw
        ]
        return httpx.Response(
            response.status_code,
            headers=headers,
            stream=response.stream,
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        """Close the real transport."""
        await self.inner.aclose()


@pytest.fixture
def snapshot_app(emulator: Emulator) -> Callable[..., OssBrowseApp]:
    """Build a deterministic app against the emulator (keyword args: secret, refuse, demo)."""

    def build(
        *,
        secret: str = SECRET,
        refuse: bool = False,
        demo: bool = True,
        prefill: dict[str, str] | None = None,
    ) -> OssBrowseApp:
        profile = Profile(
            name="default",
            access_key_id=KEY_ID,
            access_key_secret=secret,
            region=emulator.region,
            endpoint=SHOWN_ENDPOINT,
            retry_times=0,
        )
        port = int(emulator.endpoint.rsplit(":", 1)[1])
        return make_app(
            profile,
            transport=StableTransport(port, refuse=refuse),
            clock=lambda: NOW,
            # A timer that advances 4 ms per reading: every HEAD takes the same 12 ms.
            timer=_ticks(0.004),
            prefill=prefill if prefill is not None else {"bucket": DEMO_BUCKET, "key": DEMO_KEY},
            demo=demo,
        )

    return build
