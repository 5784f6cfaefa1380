"""A scriptable HTTP/1.1 server on 127.0.0.1 (plain or TLS) for request path tests.

Answers every request head with the same 200, and then, by ``after``: keeps the connection
(``"keep"``), closes it as an idle keep-alive connection is closed by a server (``"close"``, a
FIN) or resets it (``"reset"``, an RST); ``"hold"`` reads the request and never answers;
``"drop-next"`` answers the first request of a connection and closes it when the next one
arrives, unanswered (an idle close that crossed the request on the way). It
counts the connections it accepts and sees closed, and records each request head and the SNI
name each TLS client sent.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading

ANSWER = (
    b"HTTP/1.1 200 OK\r\nServer: AliyunOSS\r\nDate: Mon, 30 Nov 2026 04:00:00 GMT\r\n"
    b'Content-Length: 0\r\nETag: "5EB63BBBE01EEED093CB22BB8F5ACDC3"\r\n'
    b"x-oss-request-id: 6B0CF6B8F8336671\r\n\r\n"
)
WAIT_S = 30.0  # only reached when something is broken


class LineServer:
    def __init__(self, ssl_context: ssl.SSLContext | None = None, after: str = "keep") -> None:
        self.after = after
        self._ssl = ssl_context
        self.sni: list[str | None] = []
        if ssl_context is not None:
            ssl_context.sni_callback = self._record_sni
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        scheme = "https" if ssl_context is not None else "http"
        self.endpoint = f"{scheme}://127.0.0.1:{self.port}"
        self.accepted = 0
        self.open = 0
        self.heads: list[bytes] = []
        self.changed = threading.Condition()
        self._conns: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._stopping = False
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def _record_sni(self, _sock: object, name: str | None, _ctx: object) -> None:
        self.sni.append(name)

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
                self._conns.append(conn)
                self.changed.notify_all()
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, raw: socket.socket) -> None:
        conn: socket.socket = raw
        try:
            raw.settimeout(WAIT_S)
            if self._ssl is not None:
                conn = self._ssl.wrap_socket(raw, server_side=True)
            self._exchange(conn)
        except OSError:
            pass
        finally:
            conn.close()
            with self.changed:
                self.open -= 1
                self.changed.notify_all()

    def _exchange(self, conn: socket.socket) -> None:
        pending = b""
        answered = 0
        while True:
            data = conn.recv(65536)
            if not data:
                return
            pending += data
            while b"\r\n\r\n" in pending:
                head, pending = pending.split(b"\r\n\r\n", 1)
                with self.changed:
                    self.heads.append(head)
                    self.changed.notify_all()
                if self.after == "drop-next" and answered:
                    return
                answered += 1
                if self.after == "hold":
                    while conn.recv(65536):
                        pass
                    return
                conn.sendall(ANSWER)
                if self.after == "reset":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                if self.after == "close":
                    return

    def wait_for(self, predicate: object) -> bool:
        with self.changed:
            return self.changed.wait_for(predicate, WAIT_S)  # type: ignore[arg-type]

    def stop(self) -> None:
        self._stopping = True
        with socket.create_connection(self._listener.getsockname()):
            pass
        self._accepting.join(WAIT_S)
        self._listener.close()
        for conn in list(self._conns):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in self._threads:
            thread.join(WAIT_S)
