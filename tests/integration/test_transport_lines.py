"""The direct request path under what real networks do, against servers on 127.0.0.1: TLS with a
private CA (verification, a CA bundle, SNI, reuse, handshake timing), connections the server
closed while idle, threads, close() during a request, file descriptors, a forward proxy, and
timeouts with retries."""

from __future__ import annotations

import os
import socket
import ssl
import threading
import types
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import trustme
from line_server import WAIT_S, LineServer

from ossbrowse.oss.client import OssClient
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.profile import Profile
from ossbrowse.oss.results import HeadResult

SECRET = "LineReviewSecret0123456789ab"
REQUEST = build_head_request(bucket="lines", key="object.txt")
# A virtual-hosted endpoint whose names resolve to 127.0.0.1 through the resolver below.
ENDPOINT_HOST = "oss-cn-hangzhou.aliyuncs.com"


def _client(endpoint: str, **settings: Any) -> OssClient:
    values: dict[str, Any] = {
        "access_key_id": "LTAI5tLineReviewKey",
        "access_key_secret": SECRET,
        "region": "cn-hangzhou",
        "endpoint": endpoint,
        "addressing_style": "path",
        "retry_times": 0,
        "connect_timeout": WAIT_S,
        "read_timeout": WAIT_S,
    }
    values.update(settings)
    return OssClient(Profile(**values))


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


def _tls_server(ca: trustme.CA, *names: str, after: str = "keep") -> LineServer:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert(*(names or ("127.0.0.1",))).configure_cert(context)
    return LineServer(context, after=after)


@pytest.fixture
def servers() -> Iterator[list[LineServer]]:
    started: list[LineServer] = []
    try:
        yield started
    finally:
        for server in started:
            server.stop()


def _resolve_to_loopback(monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """Names ending in ``suffix`` resolve to 127.0.0.1 (and no environment proxy applies)."""
    real = socket.getaddrinfo

    def fake(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(suffix):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


# -- TLS ---------------------------------------------------------------------------------------


def test_tls_private_ca_refused_by_default_with_one_clear_line(
    ca: trustme.CA, servers: list[LineServer]
) -> None:
    servers.append(server := _tls_server(ca))
    client = _client(server.endpoint)
    try:
        result = client.head_object(REQUEST)
    finally:
        client.close()
    assert result.status is None and result.failure is not None
    assert result.failure.kind == "tls"
    assert "could not be verified" in result.failure.message
    assert "--skip-verify-cert" in result.failure.message
    assert "Traceback" not in result.failure.message and "\n" not in result.failure.message


def test_tls_skip_verify_cert_answers_and_reuses_the_connection(
    ca: trustme.CA, servers: list[LineServer]
) -> None:
    servers.append(server := _tls_server(ca))
    client = _client(server.endpoint, skip_verify_cert=True)
    try:
        first = client.head_object(REQUEST)
        second = client.head_object(REQUEST)
    finally:
        client.close()
    assert (first.status, second.status) == (200, 200)
    assert (first.connection_reused, second.connection_reused) == (False, True)
    assert server.accepted == 1
    assert any("verification is off" in warning for warning in first.warnings)


def test_tls_ca_bundle_from_ssl_cert_file_sni_host_timing_and_reuse(
    ca: trustme.CA,
    servers: list[LineServer],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    """Virtual-hosted style over https: the bucket's host is the SNI name, the certificate's
    name and the Host header; a CA bundle given by SSL_CERT_FILE is trusted; the first attempt's
    connect time includes the TLS handshake; the second reuses the TLS connection."""
    servers.append(server := _tls_server(ca, f"*.{ENDPOINT_HOST}"))
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    _resolve_to_loopback(monkeypatch, ENDPOINT_HOST)
    handshakes: list[str] = []
    real_wrap = ssl.SSLContext.wrap_socket

    def wrap(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("server_side"):  # the client's, not the server's in this process
            handshakes.append(kwargs.get("server_hostname") or "")
        return real_wrap(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "wrap_socket", wrap)
    contexts: list[object] = []
    real_create = httpx.create_ssl_context

    def create(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        context = real_create(*args, **kwargs)
        contexts.append(context)
        return context

    monkeypatch.setattr(httpx, "create_ssl_context", create)

    client = _client(
        f"https://{ENDPOINT_HOST}:{server.port}", addressing_style="virtual", keepalive=WAIT_S
    )
    try:
        first = client.head_object(REQUEST)
        second = client.head_object(REQUEST)
        # Requests from other threads (connections of their own when they overlap).
        server_count = server.accepted
        with ThreadPoolExecutor(2) as pool:
            more = list(pool.map(lambda _: client.head_object(REQUEST), range(4)))
    finally:
        client.close()
    assert first.status == 200, first.summary
    assert second.status == 200 and all(result.status == 200 for result in more)
    host = f"lines.{ENDPOINT_HOST}"
    assert server.sni[0] == host
    assert handshakes and set(handshakes) == {host}
    assert server.heads[0].split(b"\r\n")[0] == b"HEAD /object.txt HTTP/1.1"
    assert f"host: {host}:{server.port}".encode() in server.heads[0].lower().split(b"\r\n")
    [attempt] = first.attempts
    assert first.connection_reused is False
    assert attempt.connect_ms is not None and 0 < attempt.connect_ms <= attempt.elapsed_ms
    assert second.connection_reused is True and second.attempts[0].connect_ms is None
    assert server_count == 1
    assert len(contexts) == 1  # one TLS context for the client, not one per connection


@pytest.mark.parametrize("content", [None, "not a certificate\n"])
def test_an_unusable_ca_bundle_is_one_clear_line(
    servers: list[LineServer],
    ca: trustme.CA,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
    content: str | None,
) -> None:
    """SSL_CERT_FILE naming a missing file, or one with no certificate: no traceback."""
    servers.append(server := _tls_server(ca))
    bundle = tmp_path / "ca.pem"
    if content is not None:
        bundle.write_text(content)
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    client = _client(server.endpoint)
    try:
        result = client.head_object(REQUEST)
    finally:
        client.close()
    assert result.failure is not None and result.failure.kind == "tls"
    assert f"SSL_CERT_FILE={bundle}" in result.failure.message
    assert server.accepted == 0  # nothing was sent


def test_tls_connect_time_ends_after_the_handshake(
    ca: trustme.CA, servers: list[LineServer]
) -> None:
    """With a timer that ticks once per reading, the connect span of an https attempt covers one
    reading more than plain TCP: the end of the TLS handshake."""
    servers.append(tls := _tls_server(ca))
    servers.append(plain := LineServer())
    spans = []
    for endpoint in (tls.endpoint, plain.endpoint):
        ticks = iter(range(1_000_000))
        client = _client(endpoint, skip_verify_cert=True)
        client.requests._timer = lambda ticks=ticks: float(next(ticks))  # type: ignore[misc]
        try:
            result = client.head_object(REQUEST)
        finally:
            client.close()
        assert result.status == 200, result.summary
        spans.append(result.attempts[0].connect_ms)
    assert spans == [2000.0, 1000.0]


def test_forks_of_a_client_share_its_tls_context(
    ca: trustme.CA, servers: list[LineServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bulk HEAD gives each worker a fork: the CA store is loaded once for all of them."""
    servers.append(server := _tls_server(ca))
    built: list[object] = []
    real_create = httpx.create_ssl_context

    def create(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        built.append(kwargs)
        return real_create(*args, **kwargs)

    monkeypatch.setattr(httpx, "create_ssl_context", create)
    client = _client(server.endpoint, skip_verify_cert=True)
    forks = [client.fork() for _ in range(3)]
    try:
        for fork in forks:
            assert fork.head_object(REQUEST).status == 200
        assert client.head_object(REQUEST).status == 200
    finally:
        for fork in forks:
            fork.close()
        client.close()
    assert len(built) == 1
    assert server.accepted == 4  # each fork still has connections of its own


def test_no_tls_context_is_built_for_http(
    servers: list[LineServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    servers.append(server := LineServer())
    built: list[object] = []
    real_init = ssl.SSLContext.__new__

    def counting(cls: Any, *args: Any, **kwargs: Any) -> Any:
        built.append(cls)
        return real_init(cls, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "__new__", counting)
    client = _client(server.endpoint)
    try:
        assert client.head_object(REQUEST).status == 200
        assert client.head_object(REQUEST).status == 200
    finally:
        client.close()
    assert built == []


# -- connections the server closed ------------------------------------------------------------


@pytest.mark.parametrize("after", ["close", "reset"])
def test_a_connection_the_server_closed_while_idle_is_replaced_transparently(
    servers: list[LineServer], after: str
) -> None:
    servers.append(server := LineServer(after=after))
    client = _client(server.endpoint, keepalive=WAIT_S)  # retry_times=0: no retry hides it
    try:
        first = client.head_object(REQUEST)
        assert server.wait_for(lambda: server.open == 0)
        second = client.head_object(REQUEST)
    finally:
        client.close()
    assert (first.status, second.status) == (200, 200), second.summary
    assert second.connection_reused is False  # "new connection"
    assert len(second.attempts) == 1
    assert server.accepted == 2


@pytest.mark.parametrize("method", ["HEAD", "GET"])
def test_a_request_that_crossed_the_servers_close_goes_again_on_a_new_connection(
    servers: list[LineServer], method: str
) -> None:
    """The server closes the kept-alive connection as the next request arrives (not seen by the
    client before sending): a HEAD or a GET is sent again on a new connection, with no retry
    counted (retry_times is 0) and the answer saying "new connection"."""
    servers.append(server := LineServer(after="drop-next"))
    client = _client(server.endpoint, keepalive=WAIT_S)
    try:
        first = client.requests.send(method, "lines", "object.txt")
        second = client.requests.send(method, "lines", "object.txt")
    finally:
        client.close()
    assert (first.status, second.status) == (200, 200), second.failure
    assert first.reused is False and second.reused is False
    assert len(second.attempts) == 1
    assert (server.accepted, len(server.heads)) == (2, 3)


def test_a_request_that_is_not_idempotent_is_not_sent_twice(servers: list[LineServer]) -> None:
    servers.append(server := LineServer(after="drop-next"))
    client = _client(server.endpoint, keepalive=WAIT_S)
    try:
        assert client.requests.send("PUT", "lines", "object.txt").status == 200
        second = client.requests.send("PUT", "lines", "object.txt")
    finally:
        client.close()
    assert second.status is None and second.failure is not None
    assert second.failure.kind == "reset"
    assert (server.accepted, len(server.heads)) == (1, 2)


def test_tls_connection_the_server_closed_while_idle_is_replaced(
    ca: trustme.CA, servers: list[LineServer]
) -> None:
    servers.append(server := _tls_server(ca, after="close"))
    client = _client(server.endpoint, skip_verify_cert=True, keepalive=WAIT_S)
    try:
        assert client.head_object(REQUEST).status == 200
        assert server.wait_for(lambda: server.open == 0)
        second = client.head_object(REQUEST)
    finally:
        client.close()
    assert second.status == 200, second.summary
    assert second.connection_reused is False


def test_server_that_closes_mid_response_is_a_reset() -> None:
    """A server that sends part of an answer and closes: the decoded failure, as before."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")

    thread = threading.Thread(target=serve)
    thread.start()
    client = _client(f"http://127.0.0.1:{port}")
    try:
        # A HEAD answer has no body: a GET (as listings send) reads one.
        exchange = client.requests.send("GET", "lines", "x")
    finally:
        client.close()
        thread.join(WAIT_S)
        listener.close()
    assert exchange.status is None and exchange.failure is not None
    assert exchange.failure.kind in {"reset", "protocol"}
    assert "closed before the answer was complete" in exchange.failure.message or (
        "did not answer with valid HTTP" in exchange.failure.message
    )


# -- threads and lifetime ----------------------------------------------------------------------


def test_close_while_a_request_is_in_flight_ends_it_at_once(servers: list[LineServer]) -> None:
    servers.append(server := LineServer(after="hold"))
    client = _client(server.endpoint)
    results: list[HeadResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(client.head_object(REQUEST))
        except BaseException as exc:  # pragma: no cover - would fail the test below
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    assert server.wait_for(lambda: len(server.heads) == 1)
    client.close()
    thread.join(WAIT_S)  # WAIT_S is the read timeout: a hang would reach it
    assert not thread.is_alive()
    assert errors == []
    [result] = results
    assert result.status is None and result.failure is not None
    assert "closed" in result.failure.message.lower()
    assert server.wait_for(lambda: server.open == 0)


def test_an_idle_connection_past_keepalive_is_closed_and_replaced(
    servers: list[LineServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--keepalive 5: a connection idle for longer is closed and the next request opens one."""
    import httpcore._sync.http11 as http11

    servers.append(server := LineServer())
    now = [1000.0]
    # httpcore's expiry clock only (its http11 module reads nothing else from time).
    monkeypatch.setattr(http11, "time", types.SimpleNamespace(monotonic=lambda: now[0]))
    client = _client(server.endpoint, keepalive=5)
    try:
        assert client.head_object(REQUEST).connection_reused is False
        now[0] += 4
        assert client.head_object(REQUEST).connection_reused is True
        now[0] += 6
        last = client.head_object(REQUEST)
        assert server.wait_for(lambda: server.open == 1)  # the expired one was closed
    finally:
        client.close()
    assert last.status == 200 and last.connection_reused is False
    assert server.accepted == 2


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
@pytest.mark.parametrize("after", ["close", "reset"])
def test_no_descriptor_leaks_over_many_heads_on_closed_connections(
    servers: list[LineServer], after: str
) -> None:
    servers.append(server := LineServer(after=after))
    client = _client(server.endpoint, keepalive=WAIT_S)
    try:
        assert client.head_object(REQUEST).status == 200
        before = _open_fds()
        for number in range(1000):
            result = client.head_object(REQUEST)
            assert result.status == 200, (number, result.summary)
        assert server.wait_for(lambda: server.open == 0)
        after_fds = _open_fds()
    finally:
        client.close()
    assert after_fds <= before


def test_many_threads_on_one_client_over_closed_connections(servers: list[LineServer]) -> None:
    servers.append(server := LineServer(after="close"))
    client = _client(server.endpoint, keepalive=WAIT_S, retry_times=0)
    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: client.head_object(REQUEST), range(200)))
    finally:
        client.close()
    assert [result.status for result in results] == [200] * 200, [
        result.summary for result in results if result.status != 200
    ]


def test_a_forked_client_has_its_own_connections(servers: list[LineServer]) -> None:
    servers.append(server := LineServer())
    client = _client(server.endpoint, keepalive=WAIT_S)
    fork = client.fork()
    try:
        assert client.head_object(REQUEST).connection_reused is False
        assert fork.head_object(REQUEST).connection_reused is False
        fork.close()
        assert client.head_object(REQUEST).connection_reused is True
    finally:
        client.close()
    assert server.accepted == 2
    assert server.wait_for(lambda: server.open == 0)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_process_fork_child_does_not_use_the_parents_connection(
    servers: list[LineServer],
) -> None:
    servers.append(server := LineServer())
    client = _client(server.endpoint, keepalive=WAIT_S)
    try:
        assert client.head_object(REQUEST).status == 200
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                result = client.head_object(REQUEST)
                os.write(write, f"{result.status} {result.connection_reused}".encode())
            finally:
                os._exit(0)
        os.close(write)
        os.waitpid(pid, 0)
        child = os.read(read, 100).decode()
        os.close(read)
        parent = client.head_object(REQUEST)
    finally:
        client.close()
    assert child == "200 False"
    assert (parent.status, parent.connection_reused) == (200, True)
    assert server.accepted == 2


# -- proxy ------------------------------------------------------------------------------------


class _ForwardProxy:
    """A forward proxy for http:// URLs: checks Proxy-Authorization and relays to the origin."""

    def __init__(self, password: str) -> None:
        import base64

        self.expected = b"Basic " + base64.b64encode(f"user:{password}".encode())
        self.lines: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://user:{password}@127.0.0.1:{self.listener.getsockname()[1]}"
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            self._relay(conn)
        except OSError:
            pass  # the client or the origin went away
        finally:
            conn.close()

    def _relay(self, conn: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head = data.split(b"\r\n\r\n")[0]
        lines = head.split(b"\r\n")
        self.lines.append(lines[0])
        auth = [
            line.split(b":", 1)[1].strip()
            for line in lines
            if line.lower().startswith(b"proxy-authorization:")
        ]
        if auth != [self.expected]:
            conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
            return
        url = httpx.URL(lines[0].split(b" ")[1].decode())
        relayed = [lines[0].replace(str(url).encode(), url.raw_path, 1)]
        relayed += [line for line in lines[1:] if not line.lower().startswith(b"proxy-")]
        with socket.create_connection((url.host, url.port or 80)) as origin:
            origin.sendall(b"\r\n".join(relayed) + b"\r\nConnection: close\r\n\r\n")
            answer = b""
            while b"\r\n\r\n" not in answer:  # the server's answers have no body
                chunk = origin.recv(65536)
                if not chunk:
                    break
                answer += chunk
            conn.sendall(answer)

    def stop(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes accept(); closing alone does not
        self.listener.close()
        self.thread.join(WAIT_S)


def test_a_forward_proxy_relays_http_and_its_password_never_shows(
    servers: list[LineServer],
) -> None:
    servers.append(server := LineServer())
    password = "ProxyPassw0rd-91"
    proxy = _ForwardProxy(password)
    try:
        client = _client(server.endpoint, proxy=proxy.url)
        try:
            result = client.head_object(REQUEST)
        finally:
            client.close()
        wrong = _client(server.endpoint, proxy=proxy.url.replace(password, password + "x"))
        try:
            refused = wrong.head_object(REQUEST)
        finally:
            wrong.close()
        dead = proxy.url.rsplit(":", 1)[0] + f":{_closed_port()}"
        unreachable = _client(server.endpoint, proxy=dead)
        try:
            failed = unreachable.head_object(REQUEST)
        finally:
            unreachable.close()
    finally:
        proxy.stop()
    assert result.status == 200, result.summary
    assert proxy.lines[0] == f"HEAD {server.endpoint}/lines/object.txt HTTP/1.1".encode()
    assert server.heads[0].startswith(b"HEAD /lines/object.txt HTTP/1.1")
    assert refused.status == 407
    assert failed.status is None and failed.failure is not None
    assert "proxy" in failed.failure.message
    for shown in (result, refused, failed):
        assert password not in repr(shown)


def test_close_ends_a_request_in_flight_through_a_proxy(servers: list[LineServer]) -> None:
    servers.append(server := LineServer(after="hold"))
    proxy = _ForwardProxy("pw")
    client = _client(server.endpoint, proxy=proxy.url)
    results: list[HeadResult] = []
    thread = threading.Thread(target=lambda: results.append(client.head_object(REQUEST)))
    try:
        thread.start()
        assert server.wait_for(lambda: len(server.heads) == 1)
        client.close()
        thread.join(WAIT_S)  # WAIT_S is the read timeout: a hang would reach it
        assert not thread.is_alive()
    finally:
        client.close()
        server.stop()
        servers.remove(server)
        proxy.stop()
    [result] = results
    assert result.failure is not None
    assert "the client was closed" in result.failure.message


def _closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return int(sock.getsockname()[1])


# -- timeouts and retries ---------------------------------------------------------------------


def _timed_out(client: OssClient, sleeps: list[float]) -> HeadResult:
    client.requests._sleep = sleeps.append
    try:
        return client.head_object(REQUEST)
    finally:
        client.close()


def test_read_timeout_words_and_retry_times(servers: list[LineServer]) -> None:
    servers.append(server := LineServer(after="hold"))
    sleeps: list[float] = []
    result = _timed_out(_client(server.endpoint, read_timeout=0.3, retry_times=2), sleeps)
    assert result.failure is not None and result.failure.kind == "read_timeout"
    assert f"Connected to 127.0.0.1:{server.port}, but no answer came in time" in (
        result.failure.message
    )
    # A request the server may have received is not repeated.
    assert len(result.attempts) == 1 and sleeps == []


def test_connect_timeout_words_and_retry_times(monkeypatch: pytest.MonkeyPatch) -> None:
    from faultserver import saturated_listener

    with saturated_listener() as port:
        sleeps: list[float] = []
        result = _timed_out(
            _client(f"http://127.0.0.1:{port}", connect_timeout=0.3, retry_times=2), sleeps
        )
    assert result.failure is not None and result.failure.kind == "connect_timeout", result.summary
    assert f"Timed out connecting to 127.0.0.1:{port}" in result.failure.message
    assert len(result.attempts) == 3 and len(sleeps) == 2


def test_connection_refused_names_host_and_port() -> None:
    port = _closed_port()
    client = _client(f"http://127.0.0.1:{port}")
    try:
        result = client.head_object(REQUEST)
    finally:
        client.close()
    assert result.failure is not None and result.failure.kind == "refused"
    assert result.failure.message.startswith(f"Connection refused by 127.0.0.1:{port} — ")


def test_a_proxy_from_the_environment_is_named_without_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--proxy env: a refused connection is the proxy's, and the message says so."""
    _resolve_to_loopback(monkeypatch, ENDPOINT_HOST)
    port = _closed_port()
    monkeypatch.setenv("HTTP_PROXY", f"http://user:EnvPassw0rd-3@127.0.0.1:{port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = _client(f"http://{ENDPOINT_HOST}", addressing_style="virtual", proxy="env")
    try:
        result = client.head_object(REQUEST)
    finally:
        client.close()
    assert result.failure is not None and result.failure.kind == "refused"
    assert result.failure.message.endswith(f"(through proxy http://127.0.0.1:{port})")
    assert "EnvPassw0rd-3" not in repr(result)
