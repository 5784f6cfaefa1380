"""The emulator's HTTP transport: a threading stdlib server speaking keep-alive HTTP/1.1.

Each connection gets a daemon thread; the request becomes a :class:`Request` for the
:class:`~ossbrowse.emulator.app.OssApp` and the answer goes out in a single write (status line,
headers and body together, with Nagle off) so a keep-alive client is never held up by delayed
ACKs. Nothing is logged: request lines and headers can carry signatures and tokens.

Open connections are tracked so :meth:`EmulatorHTTPServer.close_connections` can end idle
keep-alive connections when the emulator stops.
"""

from __future__ import annotations

import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from ossbrowse.emulator.app import OssApp
from ossbrowse.emulator.errors import EC, OssError
from ossbrowse.emulator.messages import Request, Response

DEFAULT_MAX_BODY = 256 * 1024 * 1024
_NO_LENGTH = (204, 304)


class _BadRequestBody(Exception):
    """The request body cannot be read; the connection is closed after answering."""

    def __init__(self, error: OssError) -> None:
        super().__init__(error.message)
        self.error = error


class OssRequestHandler(BaseHTTPRequestHandler):
    """Turns HTTP requests into :class:`Request` values and writes the app's responses."""

    protocol_version = "HTTP/1.1"
    server_version = "AliyunOSS"
    sys_version = ""
    disable_nagle_algorithm = True
    # Idle keep-alive connections are dropped after this many seconds.
    timeout = 120
    server: EmulatorHTTPServer

    def setup(self) -> None:
        """Register the connection so :meth:`EmulatorHTTPServer.close_connections` can end it."""
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        """Flush the response and forget the connection, even if flushing fails."""
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

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

    def _read_body(self, headers: dict[str, str]) -> bytes:
        limit = self.server.max_body
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return self._read_chunked(limit)
        length_text = headers.get("content-length")
        if not length_text:
            return b""
        if not length_text.strip().isdigit():
            raise _BadRequestBody(
                OssError(
                    400, "InvalidArgument", "Content-Length is not valid.", EC["InvalidArgument"]
                )
            )
        length = int(length_text)
        if length > limit:
            raise _BadRequestBody(_too_large(limit))
        body = self.rfile.read(length)
        if len(body) != length:
            raise ConnectionError("client closed the connection mid-body")
        return body

    def _read_chunked(self, limit: int) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _BadRequestBody(
                    OssError(400, "InvalidArgument", "Bad chunked encoding.", EC["InvalidArgument"])
                ) from None
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass  # trailers
                return b"".join(parts)
            total += size
            if total > limit:
                raise _BadRequestBody(_too_large(limit))
            parts.append(self.rfile.read(size))
            self.rfile.readline(8)  # CRLF after the chunk

    def _serve(self) -> None:
        headers = self._headers()
        app = self.server.app
        target = self.path
        if "://" in target.split("?", 1)[0]:  # absolute-form (through a proxy)
            parts = urlsplit(target)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            headers.setdefault("host", parts.netloc)
        raw_path, _, raw_query = target.partition("?")
        try:
            body = self._read_body(headers)
        except _BadRequestBody as exc:
            self.close_connection = True
            request = Request(self.command, raw_path, raw_query, headers)
            response = app.render_error(exc.error, request)
        else:
            response = app.handle(Request(self.command, raw_path, raw_query, headers, body))
        self._write(response)

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


def _too_large(limit: int) -> OssError:
    return OssError(
        400,
        "EntityTooLarge",
        f"The request body is larger than {limit} bytes.",
        EC["EntityTooLarge"],
    )


class EmulatorHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its app and its open connections."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: OssApp, max_body: int) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.app = app
        self.max_body = max_body
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._connections_lock = threading.Lock()
        super().__init__(address, OssRequestHandler)

    def track(self, connection: socket.socket) -> None:
        """Remember an open connection and the thread serving it."""
        with self._connections_lock:
            self._connections[connection] = threading.current_thread()

    def untrack(self, connection: socket.socket) -> None:
        """Forget a connection once its handler is done."""
        with self._connections_lock:
            self._connections.pop(connection, None)

    def close_connections(self, timeout: float = 5.0) -> None:
        """End every open connection (idle keep-alive ones too) and wait for their threads."""
        with self._connections_lock:
            items = list(self._connections.items())
        for connection, _ in items:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client
        for _, thread in items:
            if thread is not threading.current_thread():
                thread.join(timeout)
