"""What the request path reports about the network: connection reuse, timings, and that only
the exchange is timed (issue 13), against the emulator on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY, Emulator
from ossbrowse.oss.client import OssClient
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.profile import Profile

REQUEST = build_head_request(bucket=DEMO_BUCKET, key=DEMO_KEY)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(demo_data=True) as emu:
        yield emu


def _profile(emu: Emulator) -> Profile:
    return Profile(
        access_key_id=emu.access_key_id,
        access_key_secret=emu.access_key_secret,
        region=emu.region,
        endpoint=emu.endpoint,
        retry_times=0,
    )


def test_first_request_opens_a_connection_the_next_reuses_it(emulator: Emulator) -> None:
    with OssClient(_profile(emulator)) as client:
        first = client.head_object(REQUEST)
        second = client.head_object(REQUEST)
    assert first.status == second.status == 200
    [opened] = first.attempts
    assert opened.reused is False and first.connection_reused is False
    assert opened.connect_ms is not None and opened.wait_ms is not None
    assert 0 <= opened.connect_ms <= opened.elapsed_ms
    assert 0 <= opened.wait_ms <= opened.elapsed_ms
    [kept] = second.attempts
    assert kept.reused is True and second.connection_reused is True
    assert kept.connect_ms is None and kept.wait_ms is not None
    assert second.elapsed_ms == kept.elapsed_ms


def test_a_closed_client_opens_a_new_connection(emulator: Emulator) -> None:
    with OssClient(_profile(emulator)) as client:
        client.head_object(REQUEST)
    with OssClient(_profile(emulator)) as client:
        assert client.head_object(REQUEST).connection_reused is False


def test_only_the_network_exchange_is_timed(emulator: Emulator) -> None:
    """Signing happens before the timed span: a signing clock that moves the timer by an hour
    each time it is read leaves the reported time untouched."""
    now = [0.0]

    def timer() -> float:
        return now[0]

    def slow_signing_clock() -> datetime:
        now[0] += 3600.0  # as if signing took an hour
        return datetime.now(UTC)

    with OssClient(_profile(emulator), clock=slow_signing_clock, timer=timer) as client:
        result = client.head_object(REQUEST)
    assert result.status == 200
    assert result.elapsed_ms == 0.0
    assert [a.elapsed_ms for a in result.attempts] == [0.0]


def test_keepalive_expiry_is_configurable(emulator: Emulator) -> None:
    """An expiry of zero closes idle connections at once: the next request opens a new one."""
    with OssClient(_profile(emulator), keepalive_s=0.0) as client:
        client.head_object(REQUEST)
        assert client.head_object(REQUEST).connection_reused is False
