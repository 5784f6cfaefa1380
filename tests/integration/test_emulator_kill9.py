"""``ossbrowse emulator --data DIR`` keeps every acknowledged write across ``kill -9``.

Several threads PUT to a versioned and an unversioned bucket (overwrites included) while the
process is killed; after each restart every write that got a 200 must be readable with its
exact body, and every acknowledged version id must exist. A write that was in flight at the
kill may or may not have landed, but nothing else may appear. Appends, tags, a restore and a
lifecycle rule, all acknowledged before a kill, are there after it too.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import threading
from email.utils import formatdate
from pathlib import Path

from ossbrowse.oss.signing import v1_signature, v1_string_to_sign

KEY_ID, SECRET = "LTAI5tKillNine", "kill-nine-secret-kill-nine-000"
ROUNDS = 3
WRITERS = 6
ACKS_BEFORE_KILL = 40  # per round: the kill lands while every writer is busy
VERSIONED, PLAIN = "kill-versioned", "kill-plain"
EMULATOR = (sys.executable, "-m", "ossbrowse", "emulator")


class Server:
    """The emulator as a separate process on a fixed data directory."""

    def __init__(self, data: Path) -> None:
        self.proc = subprocess.Popen(
            [
                *EMULATOR,
                "--data",
                str(data),
                "--access-key-id",
                KEY_ID,
                "--access-key-secret",
                SECRET,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline()
        assert first.startswith("endpoint: http://127.0.0.1:"), first
        self.port = int(first.rsplit(":", 1)[1])

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        assert self.proc.stdout is not None
        self.proc.stdout.close()


def request(
    conn: http.client.HTTPConnection, method: str, bucket: str, key: str, body: bytes = b"",
    query: str = "",
) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
    date = formatdate(usegmt=True)
    name, _, value = query.partition("=")
    params = [(name, value)] if query else []
    to_sign = v1_string_to_sign(method, {"Date": date}, bucket, key, params, date)
    headers = {"Date": date, "Authorization": f"OSS {KEY_ID}:{v1_signature(SECRET, to_sign)}"}
    path = f"/{bucket}/{key}" + (f"?{query}" if query else "")
    conn.request(method, path, body=body if method == "PUT" else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


class Ledger:
    """What the writers were told: acknowledged bodies and versions, and what was in flight."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.current: dict[str, bytes] = {}  # unversioned key -> last acknowledged body
        self.in_flight: dict[str, bytes] = {}
        self.versions: dict[str, bytes] = {}  # acknowledged version id -> body
        self.acks = 0
        self.round_acks = threading.Condition(self.lock)


def writer(port: int, ledger: Ledger, number: int, round_: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    n = 0
    try:
        while True:
            n += 1
            # Bodies on both sides of the 4 KiB inline limit, unique per write.
            size = 6000 if n % 2 else 40
            stamp = f"r{round_}w{number}n{n}|".encode()
            body = (stamp * (size // len(stamp) + 1))[:size]
            if n % 2:
                status, headers, _ = request(conn, "PUT", VERSIONED, f"v{number}", body)
                if status == 200:
                    with ledger.lock:
                        ledger.versions[headers["x-oss-version-id"]] = body
            else:
                key = f"u{number}-{n % 3}"
                with ledger.lock:
                    ledger.in_flight[key] = body
                status, _, _ = request(conn, "PUT", PLAIN, key, body)
                if status == 200:
                    with ledger.lock:
                        ledger.current[key] = body
                        del ledger.in_flight[key]
            assert status == 200, status
            with ledger.lock:
                ledger.acks += 1
                ledger.round_acks.notify_all()
    except (OSError, http.client.HTTPException):
        return  # the server was killed under us
    finally:
        conn.close()


def check(port: int, ledger: Ledger) -> int:
    """Every acknowledged write is there with its exact body; returns how many were checked."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    checked = 0
    try:
        for version_id, body in ledger.versions.items():
            key = body.split(b"w", 1)[1].split(b"n", 1)[0].decode()
            query = f"versionId={version_id}"
            status, _, data = request(conn, "GET", VERSIONED, f"v{key}", query=query)
            assert (status, data) == (200, body), version_id
            checked += 1
        for key, body in ledger.current.items():
            status, _, data = request(conn, "GET", PLAIN, key)
            maybe = ledger.in_flight.get(key)
            assert status == 200 and data in (body, maybe), key
            ledger.current[key] = data  # what survived is the truth for the next round
            checked += 1
        ledger.in_flight.clear()
    finally:
        conn.close()
    return checked


def test_every_acknowledged_write_survives_kill_9(tmp_path: Path) -> None:
    ledger = Ledger()
    server = Server(tmp_path)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    assert request(conn, "PUT", VERSIONED, "")[0] == 200
    body = b"<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"
    assert request(conn, "PUT", VERSIONED, "", body, query="versioning")[0] == 200
    assert request(conn, "PUT", PLAIN, "")[0] == 200
    conn.close()
    try:
        for round_ in range(ROUNDS):
            with ledger.lock:
                start = ledger.acks
            threads = [
                threading.Thread(target=writer, args=(server.port, ledger, i, round_))
                for i in range(WRITERS)
            ]
            for thread in threads:
                thread.start()
            with ledger.lock:
                assert ledger.round_acks.wait_for(
                    lambda: ledger.acks >= start + ACKS_BEFORE_KILL,  # noqa: B023 (waited here)
                    timeout=60,
                )
            server.kill()
            for thread in threads:
                thread.join(30)
            server = Server(tmp_path)
            check(server.port, ledger)
        assert len(ledger.versions) >= ROUNDS * ACKS_BEFORE_KILL // 3
    finally:
        if server.proc.poll() is None:
            server.kill()


def signed(
    conn: http.client.HTTPConnection,
    method: str,
    bucket: str,
    key: str,
    params: list[tuple[str, str]],
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """A V1-signed request with any sub-resources (``params``) and x-oss-* headers."""
    date = formatdate(usegmt=True)
    sent = {"Date": date, **(headers or {})}
    to_sign = v1_string_to_sign(method, sent, bucket, key, params, date)
    sent["Authorization"] = f"OSS {KEY_ID}:{v1_signature(SECRET, to_sign)}"
    query = "&".join(f"{n}={v}" if v else n for n, v in params)
    conn.request(method, f"/{bucket}/{key}" + (f"?{query}" if query else ""), body, sent)
    response = conn.getresponse()
    data = response.read()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def test_appends_tags_restores_and_lifecycle_survive_kill_9(tmp_path: Path) -> None:
    bucket = "kill-features"
    server = Server(tmp_path)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        assert signed(conn, "PUT", bucket, "", [])[0] == 200
        content = b""
        for n in range(5):
            chunk = f"line {n}\n".encode() * (700 if n == 2 else 1)  # one past the inline limit
            position = str(len(content))
            status, headers, _ = signed(
                conn, "POST", bucket, "app.log", [("append", ""), ("position", position)], chunk
            )
            assert status == 200, status
            content += chunk
            assert headers["x-oss-next-append-position"] == str(len(content))
        tagging = (
            b"<Tagging><TagSet><Tag><Key>team</Key><Value>ops</Value></Tag></TagSet></Tagging>"
        )
        assert signed(conn, "PUT", bucket, "app.log", [("tagging", "")], tagging)[0] == 200
        archive = {"x-oss-storage-class": "Archive"}
        assert signed(conn, "PUT", bucket, "cold.tar", [], b"cold", archive)[0] == 200
        assert signed(conn, "POST", bucket, "cold.tar", [("restore", "")])[0] == 202
        rules = (
            b"<LifecycleConfiguration><Rule><ID>tmp</ID><Prefix>tmp/</Prefix>"
            b"<Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule>"
            b"</LifecycleConfiguration>"
        )
        assert signed(conn, "PUT", bucket, "", [("lifecycle", "")], rules)[0] == 200
        conn.close()
        server.kill()  # no snapshot: only the journal has these

        server = Server(tmp_path)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        status, headers, body = signed(conn, "GET", bucket, "app.log", [])
        assert (status, body) == (200, content)
        assert headers["x-oss-object-type"] == "Appendable"
        assert headers["x-oss-tagging-count"] == "1"
        status, headers, _ = signed(conn, "HEAD", bucket, "cold.tar", [])
        assert headers.get("x-oss-restore") == 'ongoing-request="true"'
        status, _, body = signed(conn, "GET", bucket, "", [("lifecycle", "")])
        assert status == 200 and b"<ID>tmp</ID>" in body and b"<Days>3</Days>" in body
        conn.close()
    finally:
        if server.proc.poll() is None:
            server.kill()
