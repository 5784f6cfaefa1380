"""Shared fixtures: the local OSS emulator on 127.0.0.1, started per test and always stopped.

* ``emulator`` — a running emulator: free loopback port, region ``cn-hangzhou``, the fixed test
  key pair below, an empty store, the real clock. Seed it through ``emulator.store`` or any
  client; ``emulator.endpoint`` is ``http://127.0.0.1:PORT``.
* ``demo_emulator`` — the same with the demo data set (``ossbrowse.emulator.demo``).
* ``make_emulator`` — a factory taking :class:`~ossbrowse.emulator.Emulator`'s keyword arguments
  (``clock=``, ``sts_tokens=``, ``data_dir=``, ``allow_anonymous=``, ``demo_data=`` ...), with
  the test key pair by default; every emulator it makes is stopped after the test.

A settable clock for ``clock=`` is :class:`ossbrowse.emulator.clock.ManualClock`. Helpers are
imported from packages, never from a conftest (several conftest modules share that name).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ossbrowse.emulator import Emulator

# Developer settings that would leak into a test: credentials, config, proxies, colours.
LEAKY_ENVIRONMENT = (
    "OSS_ACCESS_KEY_ID",
    "OSS_ACCESS_KEY_SECRET",
    "OSS_SESSION_TOKEN",
    "OSS_REGION",
    "OSS_ENDPOINT",
    "OSSUTIL_CONFIG_FILE",
    "OSSUTIL_PROFILE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "NO_COLOR",
    "TEXTUAL_THEME",
    "XDG_DATA_HOME",
    "XDG_CONFIG_HOME",
    "OSSBROWSE_HISTORY_LIMIT",
)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test runs without the developer's credentials, ~/.ossutilconfig or proxies.

    HOME points at the test's own temporary directory, so the default config file is absent
    unless a test writes one. NO_COLOR would grey every snapshot. The probe history goes to
    ``OSSBROWSE_DATA_DIR``, the test's own ``ossbrowse-data`` directory (also for the processes
    a test starts), never the user's data directory; the kept theme to ``OSSBROWSE_CONFIG_DIR``,
    its ``ossbrowse-config`` directory.
    """
    for name in LEAKY_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("OSSBROWSE_DATA_DIR", str(tmp_path / "ossbrowse-data"))
    monkeypatch.setenv("OSSBROWSE_CONFIG_DIR", str(tmp_path / "ossbrowse-config"))


TEST_ACCESS_KEY_ID = "LTAI5tEmuTestKey000000001"
TEST_ACCESS_KEY_SECRET = "EmuTestSecret0000000000000000x"
TEST_REGION = "cn-hangzhou"


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., Emulator]]:
    """A factory of started emulators (test key pair unless given); all stopped afterwards."""
    started: list[Emulator] = []

    def make(**kwargs: Any) -> Emulator:
        if "access_key_id" not in kwargs:
            kwargs["access_key_id"] = TEST_ACCESS_KEY_ID
            kwargs["access_key_secret"] = TEST_ACCESS_KEY_SECRET
        kwargs.setdefault("region", TEST_REGION)
        emulator = Emulator(**kwargs)
        started.append(emulator)
        return emulator.start()

    yield make
    for emulator in started:
        emulator.stop()


@pytest.fixture
def emulator(make_emulator: Callable[..., Emulator]) -> Emulator:
    """A running, empty emulator on 127.0.0.1 with the test key pair."""
    return make_emulator()


@pytest.fixture
def demo_emulator(make_emulator: Callable[..., Emulator]) -> Emulator:
    """A running emulator holding the demo data set."""
    return make_emulator(demo_data=True)
