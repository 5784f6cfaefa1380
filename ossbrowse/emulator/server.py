"""The emulator's HTTP transport: a threading stdlib server speaking keep-alive HTTP/1.1.

A new connection waits in the accept loop's selector until it sends something, then gets a
daemon thread (so idle connections cost a descriptor, not a thread). The request becomes a
:class:`Request` for the :class:`~ossbrowse.emulator.app.OssApp` and the answer goes out in a
single write (status line, headers and body together, with Nagle off) so a keep-alive client
is never held up by delayed ACKs. Nothing is logged: request lines and headers can carry
signatures and tokens.

It can be reached beyond loopback (``--host``), so what a client can make it do is bounded
(:class:`Limits`):

* a request is addressed and authenticated from its line and headers alone, which may total
  :data:`MAX_HEAD_BYTES`; its body is read only once that passes (``100 Continue`` is sent
  only then). Of a refused request's body at most :data:`DRAIN_BYTES` are read and dropped:
  a body that small is read past (the connection stays open), a larger or chunked one is
  answered and the connection closed;
* a Content-Length that is not ASCII digits, a chunk size that is not hex digits, both framings
  at once, or a body over ``max_body`` are a 400, and the connection is closed;
* at most ``max_connections`` connections are open: at the cap, and when the process runs out
  of descriptors, the connection that has waited longest for its next request is closed to
  make room (accepting then backs off instead of spinning); when every one is busy, a new one
  is closed at once;
* a connection has ``idle_timeout`` seconds to deliver a complete request head (so one byte
  every 100 s, or a keep-alive connection left idle, is closed), and a request has
  ``request_timeout`` seconds from its head to the last byte of its answer.
"""

from __future__ import annotations

import errno
import io
import re
import selectors
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from ossbrowse.emulator.app import OssApp
from ossbrowse.emulator.errors import EC, OssError
from ossbrowse.emulator.messages import Request, Response

DEFAULT_MAX_BODY = 256 * 1024 * 1024
MAX_HEAD_BYTES = 64 * 1024
DRAIN_BYTES = 64 * 1024
_DRAIN_SECONDS = 2.0
_NO_LENGTH = (204, 304)
_NO_BODY_METHODS = ("GET", "HEAD")
_DIGITS = re.compile(r"[0-9]{1,19}")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,15}")
# accept() failing for want of descriptors or memory: back off instead of retrying at once.
_STARVED = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
_SWEEP_SECONDS = 0.25


DEFAULT_MAX_CONNECTIONS = 512
_SPARE_DESCRIPTORS = 64  # for the listening socket, the journal, blobs, imports


@dataclass(frozen=True)
class Limits:
    """What one emulator lets its clients make it do.

    ``max_connections`` None means :data:`DEFAULT_MAX_CONNECTIONS`, lowered to fit the
    process's descriptor limit (RLIMIT_NOFILE) with some to spare.
    """

    max_body: int = DEFAULT_MAX_BODY
    max_connections: int | None = None
    idle_timeout: float = 60.0
    request_timeout: float = 300.0

    def connection_cap(self) -> int:
        """The number of connections actually allowed at once."""
        if self.max_connections is not None:
            return self.max_connections
        try:
            import resource

            soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        except (ImportError, OSError, ValueError):  # pragma: no cover (not POSIX)
            return DEFAULT_MAX_CONNECTIONS
        if soft == resource.RLIM_INFINITY:
            return DEFAULT_MAX_CONNECTIONS
        return max(1, min(DEFAULT_MAX_CONNECTIONS, soft - _SPARE_DESCRIPTORS))


class _BadRequestBody(Exception):
    """The request body cannot be read; the connection is closed after answering."""

    def __init__(self, error: OssError) -> None:
        super().__init__(error.message)
        self.error = error


class _HeadTooLarge(Exception):
    """The request line and headers went past :data:`MAX_HEAD_BYTES`."""


class _HeadReader:
    """``readline`` over the connection that stops a request head at a byte budget."""

    def __init__(self, raw: io.BufferedIOBase, budget: int) -> None:
        self._raw = raw
        self._left = budget

    def readline(self, limit: int = -1) -> bytes:
        if self._left <= 0:
            raise _HeadTooLarge
        size = self._left if limit < 0 else min(limit, self._left)
        line = self._raw.readline(size)
        self._left -= len(line)
        if self._left <= 0 and not line.endswith(b"\n"):
            raise _HeadTooLarge
        return line


def _bad(message: str) -> _BadRequestBody:
    return _BadRequestBody(OssError(400, "InvalidArgument", message, EC["InvalidArgument"]))


def _too_large(limit: int) -> OssError:
    return OssError(
        400,
        "EntityTooLarge",
        f"The request body is larger than {limit} bytes.",
        EC["EntityTooLarge"],
    )


def body_framing(headers: dict[str, str], limit: int) -> tuple[int, bool]:
    """(Content-Length, chunked) of a request; _BadRequestBody for anything ambiguous or bad.

    Only ASCII digits make a length (``str.isdigit`` also accepts ``²``); a repeated
    Content-Length arrives joined with "," and is refused like any other non-number.
    """
    encoding = headers.get("transfer-encoding")
    length_text = headers.get("content-length")
    if encoding is not None:
        if encoding.strip(" \t").lower() != "chunked":
            raise _bad("Transfer-Encoding must be chunked.")
        if length_text is not None:
            raise _bad("Content-Length and Transfer-Encoding cannot both be given.")
        return 0, True
    if length_text is None or length_text.strip(" \t") == "":
        return 0, False
    if not _DIGITS.fullmatch(length_text.strip(" \t")):
        raise _bad("Content-Length is not valid.")
    length = int(length_text)
    if length > limit:
        raise _BadRequestBody(_too_large(limit))
    return length, False


class OssRequestHandler(BaseHTTPRequestHandler):
    """Turns HTTP requests into :class:`Request` values and writes the app's responses."""

    protocol_version = "HTTP/1.1"
    server_version = "AliyunOSS"
    sys_version = ""
    disable_nagle_algorithm = True
    server: EmulatorHTTPServer

    def setup(self) -> None:
        """Register the connection's thread; every receive waits at most the idle timeout."""
        super().setup()
        self.connection.settimeout(self.server.limits.idle_timeout)
        self._raw_rfile = self.rfile
        self._expect_continue = False
        self.server.attach(self.connection)

    def finish(self) -> None:
        """Flush the response and forget the connection, even if flushing fails."""
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def handle_one_request(self) -> None:
        """Read one request head within the head budget and the idle deadline, and serve it."""
        self.server.waiting(self.connection)
        self.rfile = _HeadReader(self._raw_rfile, MAX_HEAD_BYTES)  # type: ignore[assignment]
        self._expect_continue = False
        # Until a request line is parsed (send_error reads these).
        self.command, self.request_version, self.requestline = "", "HTTP/1.1", ""
        try:
            super().handle_one_request()
        except _HeadTooLarge:
            self.close_connection = True
            self.send_error(431, "The request line and headers are too large.")
        finally:
            self.rfile = self._raw_rfile

    def handle_expect_100(self) -> bool:
        """Send ``100 Continue`` later, only once the request is authenticated."""
        self._expect_continue = True
        return True

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing: request lines and headers may carry signatures and tokens."""

    def version_string(self) -> str:
        """The ``Server`` header: OSS's, without a Python version."""
        return "AliyunOSS"

    def _headers(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for name, raw in self.headers.items():
            lower = name.lower()
            value = decode_header_value(raw)
            merged[lower] = f"{merged[lower]},{value}" if lower in merged else value
        return merged

    def _read_exactly(self, size: int) -> bytes:
        data = self.rfile.read(size)
        if len(data) != size:
            raise ConnectionError("client closed the connection mid-body")
        return data

    def _read_chunked(self, limit: int) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            if not line.endswith(b"\n"):
                raise _bad("Bad chunked encoding.") if line else ConnectionError("closed")
            size_text = line.split(b";", 1)[0].strip(b" \t\r\n")
            if not _CHUNK_SIZE.fullmatch(size_text):
                raise _bad("Bad chunked encoding: a chunk size is not hex digits.")
            size = int(size_text, 16)
            if size == 0:
                for _ in range(100):  # trailers, bounded like headers
                    if not self.rfile.readline(1024).strip():
                        return b"".join(parts)
                raise _bad("Bad chunked encoding: too many trailers.")
            total += size
            if total > limit:
                raise _BadRequestBody(_too_large(limit))
            parts.append(self._read_exactly(size))
            if self._read_exactly(2) != b"\r\n":
                raise _bad("Bad chunked encoding: a chunk is longer than its size.")

    def _serve(self) -> None:
        self.rfile = self._raw_rfile  # the head is in: the body is read without the budget
        self.server.busy(self.connection)
        headers = self._headers()
        app = self.server.app
        target = self.path
        if "://" in target.split("?", 1)[0]:  # absolute-form (through a proxy)
            parts = urlsplit(target)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            headers.setdefault("host", parts.netloc)
        raw_path, _, raw_query = target.partition("?")
        request = Request(self.command, raw_path, raw_query, headers)
        limit = self.server.limits.max_body
        if self.command in _NO_BODY_METHODS and _announces_body(headers):
            # OSS answers a GET or HEAD without waiting for a body it would ignore (a client may
            # send Content-Length with none); the unread bytes end the connection.
            self.close_connection = True
            self._write(app.handle(Request(self.command, raw_path, raw_query, headers)))
            return
        try:
            length, chunked = body_framing(headers, limit)
        except _BadRequestBody as exc:
            self.close_connection = True
            self._write(app.render_error(exc.error, request))
            return
        admission = app.admit(request)
        if isinstance(admission, Response):  # refused
            if chunked or length > DRAIN_BYTES or self._expect_continue:
                # Never read (a client waiting for 100 Continue sends nothing): answer, end.
                self.close_connection = True
                self._write(admission)
                self._drain()
            else:  # a small body is read past, so the connection can serve the next request
                self._read_exactly(length)
                self._write(admission)
            return
        if self._expect_continue and (length or chunked):
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        try:
            body = self._read_chunked(limit) if chunked else self._read_exactly(length)
        except _BadRequestBody as exc:
            self.close_connection = True
            self._write(app.render_error(exc.error, request))
            return
        self._write(app.handle(replace(request, body=body), admission))

    def _drain(self) -> None:
        """After refusing a request with a body: read (and drop) a little of it, then close.

        Closing with unread data would reset the connection and could destroy the answer
        before the client reads it; reading at most DRAIN_BYTES for a few seconds bounds what
        an unauthenticated client can make the emulator read.
        """
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + _DRAIN_SECONDS
            left = DRAIN_BYTES
            while left > 0:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self.connection.settimeout(remaining)
                data = self.connection.recv(min(left, 16384))
                if not data:
                    break
                left -= len(data)
        except OSError:
            pass  # the client went away first: nothing to protect

    def _write(self, response: Response) -> None:
        if framing_headers(response):
            # A handler bug: the server alone frames the message (one Content-Length).
            self.close_connection = True
            response = self.server.app.render_error(
                OssError(500, "InternalError", "We encountered an internal error.", EC["Internal"]),
                Request(self.command, "", "", {}),
            )
        status = response.status
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        lines = [f"HTTP/1.1 {status} {reason}"]
        for name, value in response.headers:
            lines.append(f"{name}: {value.replace(chr(13), ' ').replace(chr(10), ' ')}")
        if status not in _NO_LENGTH:
            length = response.content_length
            lines.append(f"Content-Length: {len(response.body) if length is None else length}")
        lines.append("Connection: close" if self.close_connection else "Connection: keep-alive")
        # Values go out as UTF-8, as OSS sends non-ASCII user metadata back.
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "replace")
        body = b"" if self.command == "HEAD" or status in _NO_LENGTH else response.body
        self.wfile.write(head + body)

    do_GET = do_HEAD = do_PUT = do_DELETE = do_POST = do_OPTIONS = _serve


def _announces_body(headers: dict[str, str]) -> bool:
    length = headers.get("content-length", "").strip()
    return (length.isdigit() and int(length) > 0) or "transfer-encoding" in headers


def decode_header_value(raw: str) -> str:
    """A header value as the client wrote it: UTF-8 bytes, as OSS reads (and signs) them.

    The stdlib parser hands out header bytes decoded as ISO-8859-1; re-encoding is lossless.
    Bytes that are not UTF-8 stay as the parser read them.
    """
    data = raw.encode("latin-1", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return raw


_FRAMING = frozenset({"content-length", "transfer-encoding", "connection"})


def framing_headers(response: Response) -> list[str]:
    """Message-framing headers a handler set itself; only the HTTP layer may write these."""
    return [name for name, _ in response.headers if name.lower() in _FRAMING]


@dataclass
class _Connection:
    """What the server knows of one open connection."""

    deadline: float
    busy: bool = False
    closing: bool = False
    fresh: bool = False  # accepted, nothing received yet, no thread
    thread: threading.Thread | None = None


class EmulatorHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its app, its limits and its open connections."""

    daemon_threads = True
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], app: OssApp, limits: Limits) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.app = app
        self.limits = limits
        self.max_connections = limits.connection_cap()
        self._connections: dict[socket.socket, _Connection] = {}
        # Connections waiting for a request head, longest-waiting first (a dict keeps order),
        # and how many are being closed: admission costs the same at 5 or 5,000 connections.
        self._waiting: dict[socket.socket, None] = {}
        self._closing = 0
        self._connections_lock = threading.Lock()
        self._next_sweep = 0.0
        self._backoff = 0.0
        # A new connection waits in the accept loop's selector, without a thread, until it
        # sends something: a flood of idle connections costs descriptors, not threads.
        self._selector: selectors.BaseSelector | None = None
        self._stop_requested = False
        self._stopped = threading.Event()
        self._stopped.set()
        super().__init__(address, OssRequestHandler)

    # -- the accept loop ------------------------------------------------------------------------

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Accept connections and start serving those that send something, until shutdown()."""
        self._stopped.clear()
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self.socket, selectors.EVENT_READ, None)
                self._selector = selector
                while not self._stop_requested:
                    for key, _ in selector.select(poll_interval):
                        if key.data is None:
                            self._accept()
                        else:
                            self._start(key.fileobj, key.data)  # type: ignore[arg-type]
                    self.service_actions()
        finally:
            with self._connections_lock:
                self._selector = None
                for connection in [c for c, s in self._connections.items() if s.fresh]:
                    self._end(connection)
            self._stopped.set()

    def _accept(self) -> None:
        try:
            request, client_address = self.get_request()
        except OSError:
            return  # the client gave up, or no descriptors (get_request backed off)
        if self.verify_request(request, client_address):
            self.process_request(request, client_address)
        else:
            self.shutdown_request(request)

    def shutdown(self) -> None:
        """Stop the accept loop and wait for it to finish."""
        self._stop_requested = True
        self._stopped.wait()

    def _start(self, connection: socket.socket, client_address: Any) -> None:
        """The connection sent something: give it a thread (or, if it only hung up, close it)."""
        with self._connections_lock:
            state = self._connections.get(connection)
            if state is None or state.closing or self._selector is None:
                return
            try:
                hung_up = connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
            except BlockingIOError:
                return  # a spurious wake-up: keep waiting
            except OSError:
                hung_up = True  # reset
            if hung_up:
                self._end(connection)
                return
            self._selector.unregister(connection)
            state.fresh = False
        try:
            ThreadingHTTPServer.process_request(self, connection, client_address)
        except RuntimeError:  # can't start new thread
            self.untrack(connection)
            self.shutdown_request(connection)

    # -- admission ------------------------------------------------------------------------------

    def get_request(self) -> tuple[socket.socket, Any]:
        """Accept; out of descriptors, make room and back off rather than spin."""
        try:
            accepted = super().get_request()
        except OSError as exc:
            if exc.errno in _STARVED:
                self._close_longest_waiting()
                self._backoff = min(max(self._backoff * 2, 0.01), 0.5)
                time.sleep(self._backoff)
            raise
        self._backoff = 0.0
        return accepted

    def verify_request(self, request: Any, client_address: Any) -> bool:
        """Admit the connection under the cap, closing the longest-waiting one if needed."""
        now = time.monotonic()
        with self._connections_lock:
            open_ = len(self._connections) - self._closing
            if open_ >= self.max_connections and not self._close_longest_waiting_locked():
                return False  # every connection is busy: this one is closed at once
            self._connections[request] = _Connection(now + self.limits.idle_timeout)
            self._waiting[request] = None
        return True

    def process_request(self, request: Any, client_address: Any) -> None:
        """Wait (in the selector, without a thread) for the connection to send something."""
        with self._connections_lock:
            if self._selector is None:
                self._connections.pop(request, None)
                self._waiting.pop(request, None)
                self.shutdown_request(request)
                return
            self._connections[request].fresh = True
            self._selector.register(request, selectors.EVENT_READ, client_address)

    def _close_longest_waiting(self) -> None:
        with self._connections_lock:
            self._close_longest_waiting_locked()

    def _close_longest_waiting_locked(self) -> bool:
        victim = next(iter(self._waiting), None)
        if victim is None:
            return False
        self._end(victim)
        return True

    def _end(self, connection: socket.socket) -> None:
        """Close a connection: one still without a thread at once, otherwise by waking its
        thread (its reads and writes fail, and it finishes). Call under the lock."""
        state = self._connections[connection]
        if state.fresh:
            del self._connections[connection]
            self._waiting.pop(connection, None)
            if self._selector is not None:
                self._selector.unregister(connection)
            self.shutdown_request(connection)
            return
        if not state.closing:
            state.closing = True
            self._closing += 1
        self._waiting.pop(connection, None)
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed by the client

    # -- state of each connection ---------------------------------------------------------------

    def attach(self, connection: socket.socket) -> None:
        """Record the thread serving ``connection``."""
        with self._connections_lock:
            state = self._connections.get(connection)
            if state is not None:
                state.thread = threading.current_thread()

    def waiting(self, connection: socket.socket) -> None:
        """The connection waits for a request head: it has ``idle_timeout`` to send one."""
        now = time.monotonic()
        with self._connections_lock:
            state = self._connections.get(connection)
            if state is not None and state.busy and not state.closing:
                state.busy = False
                state.deadline = now + self.limits.idle_timeout
                self._waiting[connection] = None  # now the most recent to wait

    def busy(self, connection: socket.socket) -> None:
        """A request head arrived: ``request_timeout`` until its answer is written."""
        with self._connections_lock:
            state = self._connections.get(connection)
            if state is not None:
                state.busy = True
                state.deadline = time.monotonic() + self.limits.request_timeout
                self._waiting.pop(connection, None)

    def untrack(self, connection: socket.socket) -> None:
        """Forget a connection once its handler is done."""
        with self._connections_lock:
            state = self._connections.pop(connection, None)
            self._waiting.pop(connection, None)
            if state is not None and state.closing:
                self._closing -= 1

    def open_connections(self) -> int:
        """How many connections are open and not being closed."""
        with self._connections_lock:
            return len(self._connections) - self._closing

    def service_actions(self) -> None:
        """Between accepts: close connections past their deadline (a few times a second)."""
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + _SWEEP_SECONDS
        with self._connections_lock:
            for connection, state in list(self._connections.items()):
                if not state.closing and state.deadline <= now:
                    self._end(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away is routine; anything else is a bug worth a traceback."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        traceback.print_exc(file=sys.stderr)

    def close_connections(self, timeout: float = 5.0) -> None:
        """End every open connection (idle keep-alive ones too) and wait for their threads."""
        with self._connections_lock:
            items = list(self._connections.items())
            for connection, _ in items:
                if connection in self._connections:
                    self._end(connection)
        for _, state in items:
            thread = state.thread
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout)
