"""Helpers shared by the Pilot tests: canary credentials, profiles, message filters."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from textual.message import Message
from textual.notifications import Notify

from ossbrowse.emulator import Emulator
from ossbrowse.oss.profile import Profile
from ossbrowse.ui.screens.head import HeadScreen

NOW = datetime(2026, 3, 14, 10, 0, 0, tzinfo=UTC)
"""The fixed time of both the emulator and the client."""
KEY_ID = "LTAI5tCanaryKeyId0000001"
SECRET = "CanarySecret-d41d8cd98f00b204e98"
STS_KEY_ID = "STS.CanaryStsKeyId000001"
STS_SECRET = "CanaryStsSecret-0f343b0931126a2"
STS_TOKEN = "CanaryStsToken-CAIS9AJ1q6Ft5B2yfSjIr5"
CANARIES = (SECRET, STS_SECRET, STS_TOKEN)


def profile_for(emu: Emulator, **changes: Any) -> Profile:
    """A profile that talks with ``emu`` (changes override fields, e.g. a wrong secret)."""
    # Only a broken test waits this long; a loaded machine must not turn an answer into a timeout.
    return emu.profile(**{"connect_timeout": 30.0, "read_timeout": 30.0, **changes})


def write_config(path: Path, endpoint: str) -> Path:
    path.write_text(
        "[default]\n"
        f"accessKeyId = {KEY_ID}\naccessKeySecret = {SECRET}\n"
        f"region = cn-hangzhou\nendpoint = {endpoint}\nsign-version = v4\n\n"
        "[profile ops]\n"
        f"access-key-id = {STS_KEY_ID}\naccess-key-secret = {STS_SECRET}\n"
        f"sts-token = {STS_TOKEN}\nregion = cn-hangzhou\nendpoint = {endpoint}\n"
        "sign-version = v1\n\n"
        "[profile empty]\nregion = cn-hangzhou\n"
    )
    path.chmod(0o600)
    return path


class CountingTransport(httpx.BaseTransport):
    """Forwards to a real transport and counts the requests that left the app."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self.inner = inner or httpx.HTTPTransport()
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Count, then forward."""
        self.requests.append(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        """Close the real transport."""
        self.inner.close()


def completed(messages: list[Message]) -> list[HeadScreen.Completed]:
    """Every HEAD answer seen, once each (a bubbling message is seen at each level)."""
    unique = {id(m): m for m in messages if isinstance(m, HeadScreen.Completed)}
    return list(unique.values())


def notifications(messages: list[Message]) -> list[str]:
    """The text (title and message) of every notification posted."""
    unique = {id(m): m for m in messages if isinstance(m, Notify)}
    return [f"{m.notification.title}: {m.notification.message}" for m in unique.values()]


async def settle(pilot: Any) -> None:
    """Wait for the HEAD worker (if any) and for the UI to catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot: Any, condition: Callable[[], object], timeout: float = 30.0) -> None:
    """Let the app run until ``condition()`` is true; fail after ``timeout`` seconds.

    The timeout only bounds a broken test: a loaded machine makes the wait longer, never the
    test wrong.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "the condition never became true"
        await pilot.pause()
        await asyncio.sleep(0.01)


_TEXT_RE = re.compile(r'<text[^>]*\by="([\d.]+)"[^>]*>(.*?)</text>', re.S)


def screen_text(app: Any) -> str:
    """The visible screen as plain text, one line per terminal row (from the SVG export)."""
    rows: dict[float, list[str]] = {}
    for y, chunk in _TEXT_RE.findall(app.export_screenshot()):
        rows.setdefault(float(y), []).append(html.unescape(chunk).replace("\xa0", " "))
    return "\n".join("".join(parts) for _, parts in sorted(rows.items()))
