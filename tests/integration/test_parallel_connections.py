"""Many threads on one OssClient: each request has a kept-alive connection to itself, the next
request (in any thread) reuses one, and close() closes them all; against a keep-alive server on
127.0.0.1 that counts the connections it accepts and sees closed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from keepalive_server import WAIT_S, KeepAliveServer

from ossbrowse.oss.client import OssClient
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.profile import Profile
from ossbrowse.oss.results import HeadResult

THREADS = 16
REQUEST = build_head_request(bucket="parallel", key="object.txt")


@pytest.fixture
def server() -> Iterator[KeepAliveServer]:
    server = KeepAliveServer()
    try:
        yield server
    finally:
        server.stop()


def _client(server: KeepAliveServer) -> OssClient:
    return OssClient(
        Profile(
            access_key_id="LTAI5tParallelKey",
            access_key_secret="ParallelSecret0123456789abcd",
            region="cn-hangzhou",
            endpoint=server.endpoint,
            addressing_style="path",
            retry_times=0,
        )
    )


def _all_at_once(client: OssClient, server: KeepAliveServer) -> list[HeadResult]:
    """THREADS HEADs from THREADS threads, all in flight at the same time."""
    server.together = threading.Barrier(THREADS)
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(lambda _: client.head_object(REQUEST), range(THREADS)))


def test_sixteen_threads_on_one_client_each_have_a_connection_then_reuse_it(
    server: KeepAliveServer,
) -> None:
    client = _client(server)
    try:
        first = _all_at_once(client, server)
        assert [result.status for result in first] == [200] * THREADS
        assert server.accepted == THREADS  # one connection per request in flight
        for result in first:
            [attempt] = result.attempts
            assert result.connection_reused is False
            # The timings are still split at the transport: connect, first byte, total.
            assert attempt.connect_ms is not None and attempt.wait_ms is not None
            assert 0 <= attempt.connect_ms <= attempt.elapsed_ms
            assert 0 <= attempt.wait_ms <= attempt.elapsed_ms

        second = _all_at_once(client, server)
        assert [result.status for result in second] == [200] * THREADS
        assert server.accepted == THREADS  # no new connection: every one was kept alive
        for result in second:
            [attempt] = result.attempts
            assert result.connection_reused is True
            assert attempt.connect_ms is None and attempt.wait_ms is not None
            assert 0 <= attempt.wait_ms <= attempt.elapsed_ms
        assert server.open == THREADS
    finally:
        client.close()
    assert server.wait_until_open(0), f"{server.open} connections left open after close()"


def test_a_request_from_a_new_thread_reuses_the_last_connection(server: KeepAliveServer) -> None:
    """As the TUI sends: each send runs in a thread worker of its own."""
    results: list[HeadResult] = []
    with _client(server) as client:
        for _ in range(3):
            thread = threading.Thread(target=lambda: results.append(client.head_object(REQUEST)))
            thread.start()
            thread.join(WAIT_S)
    assert [result.status for result in results] == [200] * 3
    assert [result.connection_reused for result in results] == [False, True, True]
    assert server.accepted == 1
    assert server.wait_until_open(0)
