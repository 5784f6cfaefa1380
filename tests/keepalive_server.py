"""A keep-alive HTTP/1.1 server on 127.0.0.1 for client tests: the same 200 to every request,
counting the connections it accepts and sees closed, recording every request head."""

from __future__ import annotations

import socket
import threading

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
        self.heads: list[bytes] = []
        """Every request head received (request line and headers), in order."""
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
                    head, pending = pending.split(b"\r\n\r\n", 1)
                    self.heads.append(head)
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
