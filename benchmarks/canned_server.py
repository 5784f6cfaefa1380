"""A canned HEAD responder on 127.0.0.1 for the client benchmarks: prints its port, then answers
every request on a keep-alive connection with the same 200, as fast as a socket allows."""

from __future__ import annotations

import socket
import threading

RESPONSE = (
    b"HTTP/1.1 200 OK\r\nServer: AliyunOSS\r\nDate: Mon, 30 Nov 2026 04:00:00 GMT\r\n"
    b"Content-Type: text/plain\r\nContent-Length: 1024\r\nConnection: keep-alive\r\n"
    b"x-oss-request-id: 6B0CF6B8F8336671642E33BF\r\n"
    b'ETag: "5EB63BBBE01EEED093CB22BB8F5ACDC3"\r\n'
    b"Last-Modified: Mon, 30 Nov 2026 03:00:00 GMT\r\nx-oss-object-type: Normal\r\n"
    b"x-oss-storage-class: Standard\r\nx-oss-hash-crc64ecma: 123\r\nAccept-Ranges: bytes\r\n\r\n"
)


def serve(conn: socket.socket) -> None:
    pending = b""
    with conn:
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            pending += data
            while b"\r\n\r\n" in pending:
                _, pending = pending.split(b"\r\n\r\n", 1)
                conn.sendall(RESPONSE)


def main() -> None:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    print(listener.getsockname()[1], flush=True)
    while True:
        conn, _ = listener.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
