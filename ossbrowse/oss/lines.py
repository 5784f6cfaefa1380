"""One request over one connection: the direct one (httpcore without httpx's models) or httpx's.

Per HEAD, httpx's own request path (``httpx.Request``, ``httpx.HTTPTransport``, its connection
pool and ``httpx.Response``) costs about half of what ossbrowse spends: building and parsing
models the request path does not need. :class:`DirectLine` drives one
``httpcore.HTTPConnection`` (the connection class under httpx's pool) with a request whose
origin, ``Host`` header and target are already known, and returns the status, headers and
body. Everything that makes the exchange what it is stays httpcore's and httpx's: HTTP/1.1 by
h11, TLS, the per-operation timeouts, the trace events the timings come from, keep-alive expiry
and the detection of a connection the server closed, and httpx's own mapping of httpcore's
exceptions (so failures read exactly as before).

:class:`HttpxLine` sends through an ``httpx`` transport instead: the one a test injects, or one
of a single connection through a proxy (httpcore's proxy classes stay behind httpx's transport).

This module imports httpcore: only the request path's ``send`` loads it.
"""

from __future__ import annotations

import socket
import ssl
from typing import Any

import httpcore
import httpx

# httpx's own mapping of httpcore's exceptions, as httpx.HTTPTransport uses it: a failure reads
# the same through either line (httpx is pinned below 0.29).
from httpx._transports.default import map_httpcore_exceptions

__all__ = ["Answer", "DirectLine", "HttpxLine", "Origin"]

Answer = tuple[int, httpx.Headers, bytes]
"""Status, headers and at most ``max_body`` bytes of the body."""


class Origin:
    """Where one ``scheme://host[:port]`` URL prefix goes, read once by httpx's URL parser.

    ``host_header`` is the ``Host`` value httpx would send, ``connect`` the httpcore origin.
    """

    __slots__ = ("connect", "host", "host_header", "port", "scheme")

    def __init__(self, prefix: str) -> None:
        url = httpx.URL(prefix + "/")
        self.scheme = url.scheme
        self.host = url.host
        self.port = url.port
        self.host_header: bytes = url.netloc
        self.connect = httpcore.Origin(url.raw_scheme, url.raw_host, url.port or _PORTS[url.scheme])


_PORTS = {"http": 80, "https": 443}

# Requests that may be sent again when a kept-alive connection turns out to be dead: sending
# them twice changes nothing on the server (urllib3 retries only these for the same reason).
_IDEMPOTENT = frozenset({"GET", "HEAD"})
# What a request on a kept-alive connection the server has closed fails with before the head of
# an answer: EOF ("Server disconnected without sending a response"), a reset, a broken pipe.
_STALE = (httpcore.RemoteProtocolError, httpcore.ReadError, httpcore.WriteError)


def _read(chunks: Any, limit: int) -> bytes:
    """At most ``limit`` bytes of the body: a hostile server cannot make us hold more."""
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        parts.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(parts)[:limit]


class DirectLine:
    """One kept-alive HTTP/1.1 connection to ``origin``, driven through httpcore directly.

    Used by one request at a time (a :class:`~ossbrowse.oss.connections.ConnectionSet` hands it
    out). A connection that has expired or that the server closed is replaced before a request.
    """

    def __init__(
        self,
        origin: Origin,
        *,
        ssl_context: ssl.SSLContext | None,
        keepalive_s: float,
        network_backend: httpcore.NetworkBackend,
    ) -> None:
        self._origin = origin
        self._ssl_context = ssl_context
        self._keepalive_s = keepalive_s
        self._backend = network_backend
        self._connection: httpcore.HTTPConnection | None = None

    def _usable(self) -> tuple[httpcore.HTTPConnection, bool]:
        """The connection for the next request, and whether it was kept alive from before."""
        connection = self._connection
        if connection is not None and (connection.is_closed() or connection.has_expired()):
            connection.close()
            connection = None
        if connection is not None:
            return connection, True
        connection = self._connection = httpcore.HTTPConnection(
            self._origin.connect,
            ssl_context=self._ssl_context,
            keepalive_expiry=self._keepalive_s,
            network_backend=self._backend,
        )
        return connection, False

    def _renew(self) -> httpcore.HTTPConnection:
        """A new connection in place of the current one."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        return self._usable()[0]

    def exchange(
        self,
        method: str,
        url: str,
        target: str,
        headers: httpx.Headers,
        extensions: dict[str, Any],
        max_body: int,
    ) -> Answer:
        """Send ``method`` for ``target`` with ``headers`` (Host included); raises httpx's
        exceptions for what the network does."""
        request = httpcore.Request(
            method.encode("ascii"),
            httpcore.URL(
                scheme=self._origin.connect.scheme,
                host=self._origin.connect.host,
                port=self._origin.port,
                target=target.encode("ascii"),
            ),
            headers=headers.raw,
            extensions=extensions,
        )
        with map_httpcore_exceptions():
            connection, kept = self._usable()
            try:
                response = connection.handle_request(request)
            except httpcore.ConnectionNotAvailable:
                # Closed between the check and the request: once more on a new connection,
                # as httpcore's pool does.
                response = self._renew().handle_request(request)
            except _STALE:
                # The server may close an idle connection just as it is taken (its keep-alive
                # timeout, a restart): has_expired() has not seen the close yet, the request
                # goes out and meets EOF or a reset before the head of an answer. That is what
                # a connection closed a moment earlier would have avoided, so an idempotent
                # request goes once more on a new connection (not counted as a retry: the
                # attempt just says "new connection"). Anything else, or a failure on a new
                # connection, is the attempt's failure as before.
                if not kept or method not in _IDEMPOTENT:
                    raise
                response = self._renew().handle_request(request)
            try:
                body = _read(response.iter_stream(), max_body)
            finally:
                response.close()
            if self._keepalive_s <= 0:
                self.close()  # no keep-alive asked for: do not hold the connection open
        return response.status, httpx.Headers(response.headers), body

    def close(self) -> None:
        """Close the connection; a request in flight on it (another thread's) ends at once."""
        connection, self._connection = self._connection, None
        if connection is not None:
            _shut_down(connection)
            with map_httpcore_exceptions():
                connection.close()


def _shut_down(connection: Any) -> None:
    """Shut the connection's socket down before it is closed.

    httpcore only closes the socket, and on Linux closing a socket does not wake a thread
    blocked reading it: a request in flight when the client is closed would wait for its read
    timeout, and then read from a descriptor number that may be reused. A shutdown wakes it at
    once (it reads EOF). httpcore has no public way to the socket: read it where it is kept.
    """
    # HTTPConnection -> HTTP11Connection; a proxy's connection holds an HTTPConnection first.
    inner: Any = connection
    for _ in range(3):
        inner = getattr(inner, "_connection", None)
        stream = getattr(inner, "_network_stream", None)
        if stream is not None:
            break
    else:
        return
    sock = stream.get_extra_info("socket")
    if isinstance(sock, socket.socket):
        try:
            # The plain socket's shutdown, also for a TLS socket: no TLS alert is written from
            # this thread while another may be using the TLS state.
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass  # already closed or never connected


class HttpxLine:
    """A request through an ``httpx`` transport (a test's, or one connection via a proxy)."""

    def __init__(self, transport: httpx.BaseTransport, *, resend_stale: bool = False) -> None:
        self.transport = transport
        self._resend_stale = resend_stale
        """Send an idempotent request again when its kept-alive connection was found closed
        (as :meth:`DirectLine.exchange` does); off for a transport a test injects."""

    def exchange(
        self,
        method: str,
        url: str,
        target: str,
        headers: httpx.Headers,
        extensions: dict[str, Any],
        max_body: int,
    ) -> Answer:
        """As :meth:`DirectLine.exchange`, with an ``httpx.Request`` for ``url``."""
        opened: list[bool] = []
        if self._resend_stale and method in _IDEMPOTENT:
            extensions = {**extensions, "trace": _noting_connects(extensions.get("trace"), opened)}
        request = httpx.Request(method, url, headers=headers, extensions=extensions)
        try:
            response = self.transport.handle_request(request)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            # A kept-alive connection (no connect was traced) that the other end closed as the
            # request went out: once more, on the new connection httpx's pool then opens.
            if opened or not self._resend_stale or method not in _IDEMPOTENT:
                raise
            opened.append(True)
            response = self.transport.handle_request(request)
        try:
            body = _read(response.iter_bytes(), max_body)
        finally:
            response.close()
        return response.status_code, response.headers, body

    def close(self) -> None:
        """Close the transport; a request in flight through it (another thread's) ends at once."""
        pool = getattr(self.transport, "_pool", None)  # httpx.HTTPTransport's httpcore pool
        for connection in getattr(pool, "connections", ()):
            _shut_down(connection)
        self.transport.close()


def _noting_connects(trace: Any, opened: list[bool]) -> Any:
    """``trace`` (httpcore's trace extension, or None), noting in ``opened`` each connect."""

    def noting(name: str, info: Any) -> None:
        if name.endswith("connect_tcp.started"):
            opened.append(True)
        if trace is not None:
            trace(name, info)

    return noting
