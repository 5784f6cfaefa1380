"""Many threads on one OssClient: each request has a kept-alive connection to itself, the next
request (in any thread) reuses one, and close() closes them all; against a keep-alive server on
127.0.0.1 that counts the connections it accepts and sees closed."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from ossbrowse.oss.client import OssClient
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.profile import Profile
from ossbrowse.oss.results import HeadResult

THREADS = 16
REQUEST = build_head_request(bucket="parallel", key="object.txt")
ANSWER = (
    b"HTTP/1.1 200 OK\r\nServer: AliyunOSS\r\nDate: Mon, 30 Nov 2026 04:00:00 GMT\r\n"
    b'Content-Length: 3\r\nETag: "5EB63BBBE01EEED093CB22BB8F5ACDC3"\r\n'
    b"Last-Modified: Mon, 30 Nov 2026 03:00:00 GMT\r\nx-oss-request-id: 6B0CF6B8F8336671\r\n\r\n"
)
WAIT_S = 30.0  # only reached when something is broken


class KeepAliveServer:
    """Answers every HEAD with the same 200 on a kept-alive connection. With ``together`` set,
    each answer waits until that many requests have arrived, so they are all in flight at once."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self.accepted = 0
        self.open = 0
        self.changed = threading.Condition()
        self.together: threading.Barrier | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = False
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            if self._stopping:
                conn.close()
                return
            with self.changed:
                self.accepted += 1
                self.open += 1
                self.changed.notify_all()
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        pending = b""
        with conn:
            conn.settimeout(WAIT_S)
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    break
                if not data:
                    break
                pending += data
                while b"\r\n\r\n" in pending:
                    _, pending = pending.split(b"\r\n\r\n", 1)
                    if self.together is not None:
                        self.together.wait(WAIT_S)
                    conn.sendall(ANSWER)
        with self.changed:
            self.open -= 1
            self.changed.notify_all()

    def wait_until_open(self, count: int) -> bool:
        """Wait until at most ``count`` connections are open."""
        with self.changed:
            return self.changed.wait_for(lambda: self.open <= count, WAIT_S)

    def stop(self) -> None:
        self._stopping = True
        # Wake the accept loop with one last connection, then close the listener.
        with socket.create_connection(self._listener.getsockname()):
            pass
        self._accepting.join(WAIT_S)
        self._listener.close()
        if self.together is not None:
            self.together.abort()
        for thread in self._threads:
            thread.join(WAIT_S)


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
