"""Emulator throughput: HEADs per second from one keep-alive client, and a large listing page.

Run: ``.venv/bin/python benchmarks/bench_emulator.py``. Machines are noisy, so the emulator is
compared with a reference measured in the same run: a trivial stdlib HTTP/1.1 server that
answers 200 to every HEAD (the floor any Python server pays). The target is at least 1,000
signed HEADs per second, and a 1,000-key ListObjectsV2 page out of 100,000 keys well under a
second.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from ossbrowse.emulator import Emulator
from ossbrowse.oss.signing import Credentials, OssV4Auth

BUCKET, KEY = "bench-1", "dir/object.bin"


class _Trivial(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_HEAD(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def _heads(host: str, port: int, path: str, headers: dict[str, str], count: int) -> float:
    """HEADs per second over one keep-alive connection."""
    conn = http.client.HTTPConnection(host, port)
    conn.request("HEAD", path, headers=headers)  # warm up the connection
    conn.getresponse().read()
    started = time.perf_counter()
    for _ in range(count):
        conn.request("HEAD", path, headers=headers)
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
    elapsed = time.perf_counter() - started
    conn.close()
    return count / elapsed


def _signed_headers(
    emu: Emulator, method: str, bucket: str, key: str | None, query: str = ""
) -> dict[str, str]:
    """V4 headers for one request, reused for every repetition (valid for 15 minutes)."""
    request = httpx.Request(method, f"{emu.endpoint}/{bucket}/{key or ''}{query}")
    auth = OssV4Auth(Credentials(emu.access_key_id, emu.access_key_secret), emu.region, bucket, key)
    auth.sign(request)
    return {k: v for k, v in request.headers.items() if k.lower() != "host"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=3000, help="HEADs per run")
    parser.add_argument("--runs", type=int, default=3, help="runs (the median is reported)")
    args = parser.parse_args()

    reference = ThreadingHTTPServer(("127.0.0.1", 0), _Trivial)
    reference.daemon_threads = True
    threading.Thread(target=reference.serve_forever, daemon=True).start()
    ref_port = reference.server_address[1]

    with Emulator() as emu, Emulator(allow_anonymous=True) as anon:
        for e in (emu, anon):
            e.store.create_bucket(BUCKET, region=e.region)
            e.store.put_object(BUCKET, KEY, b"x" * 1024)
        signed = _signed_headers(emu, "HEAD", BUCKET, KEY)
        path = f"/{BUCKET}/{KEY}"
        ref, v4, unsigned = [], [], []
        for _ in range(args.runs):
            ref.append(_heads("127.0.0.1", ref_port, "/", {}, args.count))
            v4.append(_heads("127.0.0.1", emu.port, path, signed, args.count))
            unsigned.append(_heads("127.0.0.1", anon.port, path, {}, args.count))
        r, s, a = statistics.median(ref), statistics.median(v4), statistics.median(unsigned)
        print(f"reference stdlib server : {r:8.0f} HEAD/s")
        print(f"emulator, V4 signed     : {s:8.0f} HEAD/s  ({s / r:.2f} x reference)")
        print(f"emulator, anonymous     : {a:8.0f} HEAD/s  ({a / r:.2f} x reference)")
        print(f"target >= 1000 signed HEAD/s: {'met' if s >= 1000 else 'NOT met'}")

        for i in range(100_000):
            emu.store.put_object(BUCKET, f"big/{i:06d}", b"")
        query = "?list-type=2&prefix=big%2F&max-keys=1000&start-after=big%2F050000"
        headers = _signed_headers(emu, "GET", BUCKET, None, query)
        timings = []
        for _ in range(args.runs):
            conn = http.client.HTTPConnection("127.0.0.1", emu.port)
            started = time.perf_counter()
            conn.request("GET", f"/{BUCKET}/{query}", headers=headers)
            response = conn.getresponse()
            body = response.read()
            timings.append(time.perf_counter() - started)
            conn.close()
            assert response.status == 200 and body.count(b"<Key>") == 1000, body[:300]
        print(f"ListObjectsV2, 1000 of 100000 keys: {statistics.median(timings) * 1000:.1f} ms")
    reference.shutdown()
    reference.server_close()


if __name__ == "__main__":
    main()
