"""A server on 127.0.0.1 that misbehaves on purpose, for fault and hostile-response tests.

It speaks raw HTTP/1.1 over sockets so that every byte of a broken answer is under the test's
control. The behaviour is chosen by the last path segment of the request (the object key), e.g.
``HEAD /bucket/reset`` resets the connection mid-response. Every answer closes the connection.
"""

from __future__ import annotations

import base64
import contextlib
import socket
import socketserver
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import unquote

ETAG = '"5B3C1A2E053D763E1B002CC607C5A0FE"'
LAST_MODIFIED = "Fri, 02 Jan 2026 00:00:00 GMT"
BASE = [
    ("x-oss-request-id", "FA17FA17FA17FA17FA17FA17"),
    ("Date", "Fri, 02 Jan 2026 03:04:05 GMT"),
    ("Server", "AliyunOSS"),
]


def _err(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()


ENTITY_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]><Error><Code>&lol9;</Code><Message>boom</Message></Error>"
)


def _response(status: str, headers: list[tuple[str, str]] | None = None) -> bytes:
    head = f"HTTP/1.1 {status}\r\n"
    for name, value in [*BASE, *(headers or []), ("Content-Length", "0"), ("Connection", "close")]:
        head += f"{name}: {value}\r\n"
    return head.encode("utf-8") + b"\r\n"


OK = [("ETag", ETAG), ("Last-Modified", LAST_MODIFIED), ("Content-Type", "text/plain")]

# Behaviours answered with fixed bytes.
CANNED: dict[str, bytes] = {
    "ok": _response("200 OK", OK),
    "status-500": _response("500 Internal Server Error", [("x-oss-ec", "0000-00000000")]),
    "status-503": _response("503 Service Unavailable"),
    "bad-dates": _response(
        "200 OK", [("ETag", ETAG), ("Last-Modified", "not a date at all")]
    ).replace(b"Fri, 02 Jan 2026 03:04:05 GMT", b"32 Smarch 20XX"),
    "non-ascii": _response("200 OK", [*OK, ("x-oss-meta-name", "caf\u00e9 \u6587\u4ef6")]),
    "huge-header": _response("200 OK", [*OK, ("x-oss-meta-big", "x" * 200_000)]),
    "many-headers": _response("200 OK", OK + [(f"x-oss-meta-h{i}", str(i)) for i in range(300)]),
    "err-not-base64": _response("403 Forbidden", [("x-oss-err", "%%% not base64 %%%")]),
    "err-not-xml": _response("403 Forbidden", [("x-oss-err", _err("this is { not xml"))]),
    "err-bomb": _response("403 Forbidden", [("x-oss-err", _err(ENTITY_BOMB))]),
    "err-long": _response("403 Forbidden", [("x-oss-err", "A" * 3_000_000)]),
    "no-etag": _response("200 OK", [("Content-Type", "text/plain")]),
    "bare-304": b"HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n",
    "garbage": b"this is not HTTP at all\r\n\r\n",
}


class _Handler(socketserver.BaseRequestHandler):
    server: FaultServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(5)
        data = b""
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                data += chunk
        line = data.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split(" ")
        path = parts[1] if len(parts) > 1 else "/"
        behaviour = unquote(path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1])
        self.server.seen.append(behaviour)
        with contextlib.suppress(OSError):
            self._answer(sock, behaviour)

    def _answer(self, sock: socket.socket, behaviour: str) -> None:
        if behaviour in self.server.answers:
            sock.sendall(self.server.answers[behaviour])
        elif behaviour in CANNED:
            sock.sendall(CANNED[behaviour])
        elif behaviour == "hang":
            # Accept, read the request, never answer (until the server stops).
            self.server.stopping.wait(30)
        elif behaviour.startswith("slow-"):
            if not self.server.stopping.wait(float(behaviour[5:])):
                sock.sendall(CANNED["ok"])
        elif behaviour == "reset":
            sock.sendall(b'HTTP/1.1 200 OK\r\nETag: "5B3C')
            # SO_LINGER with a zero timeout makes close() send a RST instead of a FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif behaviour.startswith("flaky-"):
            # flaky-N: the first N requests get 503, then 200.
            count = self.server.seen.count(behaviour)
            sock.sendall(CANNED["status-503"] if count <= int(behaviour[6:]) else CANNED["ok"])
        else:
            sock.sendall(_response("404 Not Found", [("x-oss-ec", "0026-00000001")]))


class FaultServer(socketserver.ThreadingTCPServer):
    """The misbehaving server. Use :func:`fault_server` to run it."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[str] = []
        self.answers: dict[str, bytes] = {}
        """Answers a test adds, by behaviour name (see :func:`answer`)."""
        self.stopping = threading.Event()
        self._ssl = ssl_context

    def get_request(self) -> tuple[socket.socket, object]:
        sock, addr = super().get_request()
        if self._ssl is not None:
            sock = self._ssl.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request: object, client_address: object) -> None:
        """TLS handshakes that the client refuses are expected here: stay quiet."""

    @property
    def endpoint(self) -> str:
        scheme = "https" if self._ssl else "http"
        return f"{scheme}://127.0.0.1:{self.server_address[1]}"


@contextlib.contextmanager
def fault_server(ssl_context: ssl.SSLContext | None = None) -> Iterator[FaultServer]:
    """Run a FaultServer in a thread; stop it and release the port on exit."""
    server = FaultServer(ssl_context)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextlib.contextmanager
def saturated_listener() -> Iterator[int]:
    """A loopback port whose accept queue is full, so a new connection attempt times out.

    Linux drops SYNs to a listener whose backlog is full; nothing ever accepts here.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                s.connect(("127.0.0.1", port))
            fillers.append(s)
        time.sleep(0.05)
        yield port
    finally:
        for s in fillers:
            s.close()
        listener.close()


def closed_port() -> int:
    """A loopback port with nothing listening (bound then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fail_dns(monkeypatch: object, host: str) -> Callable[..., object]:
    """Make name resolution of ``host`` fail like a real DNS miss, without any DNS query."""
    real = socket.getaddrinfo

    def fake(name: str, *args: object, **kwargs: object) -> object:
        if name == host:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", fake)  # type: ignore[attr-defined]
    return fake


def answer(status: str, headers: list[tuple[str, str]] | None = None) -> bytes:
    """A complete answer with ``headers`` after the usual ones, for ``FaultServer.answers``."""
    return _response(status, headers)
