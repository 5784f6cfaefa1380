"""Pictures of the app against the emulator that repeat exactly: pinned timings, fixed endpoint.

The screenshots (``scripts/make_screenshots.py``) and the snapshot tests show the app talking to
a real emulator. Two values on screen measure time and would change every run: the server's
``x-oss-server-time`` header and the client's elapsed time. :class:`SteadyTransport` pins the
first (and can send to the emulator's real port while the app shows a fixed endpoint);
:func:`ticking_timer` replaces the client's timer for the second.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import httpx

__all__ = ["SteadyListingTransport", "SteadyTransport", "ticking_timer"]


def ticking_timer(step: float) -> Callable[[], float]:
    """A timer that advances ``step`` seconds per reading, so every request takes as long."""
    counter = itertools.count()
    return lambda: next(counter) * step


class SteadyTransport(httpx.AsyncBaseTransport):
    """Forwards requests to the network and pins ``x-oss-server-time`` in every answer.

    ``port`` sends every request to that port whatever the URL says (the Host header is not
    signed, so the signature stays valid). ``refuse`` fails every request as a refused
    connection would, without touching the network.
    """

    def __init__(self, *, port: int | None = None, refuse: bool = False) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.port = port
        self.refuse = refuse

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Forward, then pin the timing header."""
        if self.refuse:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if self.port is not None:
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


class SteadyListingTransport(httpx.BaseTransport):
    """The synchronous twin of :class:`SteadyTransport`, for the client's listing pool."""

    def __init__(self, *, port: int | None = None) -> None:
        self.inner = httpx.HTTPTransport()
        self.port = port

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Forward to ``port`` (listings carry no timing header to pin)."""
        if self.port is not None:
            request.url = request.url.copy_with(port=self.port)
        return self.inner.handle_request(request)

    def close(self) -> None:
        """Close the real transport."""
        self.inner.close()
