"""What an unauthenticated or misbehaving client can make the emulator do is bounded.

Raw sockets on 127.0.0.1, so the bytes on the wire are exactly the ones under test: framing
that is not ASCII digits or hex digits is a 400; nothing of a body is read (and no ``100
Continue`` sent) before authentication; a head over the cap is a 431; a client that drips
bytes is cut off at the deadline; many idle or half-open connections (and running out of
descriptors) do not stop a signed HEAD from being answered.
"""

from __future__ import annotations

import base64
import contextlib
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest

from ossbrowse.emulator import Emulator
from ossbrowse.emulator.server import DRAIN_BYTES, MAX_HEAD_BYTES, Limits
from ossbrowse.oss.signing import Credentials, presign_v4, v1_signature, v1_string_to_sign

BUCKET = "bounds-1"
EMULATOR = (sys.executable, "-m", "ossbrowse", "emulator")


def _signed(emu: Emulator, method: str, key: str, extra: dict[str, str] | None = None) -> str:
    """A V1-signed request head (no body), ending in the blank line."""
    date = formatdate(usegmt=True)
    to_sign = v1_string_to_sign(method, {"Date": date}, BUCKET, key, [], date)
    lines = [
        f"{method} /{BUCKET}/{key} HTTP/1.1",
        f"Host: 127.0.0.1:{emu.port}",
        f"Date: {date}",
        f"Authorization: OSS {emu.access_key_id}:{v1_signature(emu.access_key_secret, to_sign)}",
        *(f"{name}: {value}" for name, value in (extra or {}).items()),
    ]
    return "\r\n".join(lines) + "\r\n\r\n"


def _unsigned(emu: Emulator, method: str, key: str, extra: dict[str, str]) -> str:
    lines = [f"{method} /{BUCKET}/{key} HTTP/1.1", f"Host: 127.0.0.1:{emu.port}"]
    lines += [f"{name}: {value}" for name, value in extra.items()]
    return "\r\n".join(lines) + "\r\n\r\n"


@contextlib.contextmanager
def _connect(emu: Emulator, timeout: float = 30) -> Iterator[socket.socket]:
    sock = socket.create_connection(("127.0.0.1", emu.port), timeout=timeout)
    try:
        yield sock
    finally:
        sock.close()


def _answer(sock: socket.socket) -> tuple[int, bytes]:
    """Status and everything up to the end of the head (and whatever came with it)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    assert data.startswith(b"HTTP/1.1 "), data[:100]
    return int(data[9:12]), data


def _closed_by_server(sock: socket.socket) -> bool:
    """Whether the server ends the connection (reads return EOF or a reset) within 30 s."""
    sock.settimeout(30)
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return True


def _head_ok(emu: Emulator) -> int:
    with _connect(emu) as sock:
        sock.sendall(_signed(emu, "HEAD", "k").encode())
        return _answer(sock)[0]


@pytest.fixture
def emu(make_emulator: Callable[..., Emulator]) -> Emulator:
    emulator = make_emulator(limits=Limits(idle_timeout=1.0, request_timeout=2.0))
    emulator.store.create_bucket(BUCKET, region=emulator.region)
    emulator.store.put_object(BUCKET, "k", b"kept")
    return emulator


# -- framing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("length", ["²", "1_0", "+4", "0x4", "4,4", "-4", "٤", "4 4"])
def test_a_content_length_that_is_not_ascii_digits_is_a_400(emu: Emulator, length: str) -> None:
    with _connect(emu) as sock:
        head = _signed(emu, "PUT", "k", {"Content-Length": length})
        sock.sendall(head.encode("utf-8") + b"body")
        status, data = _answer(sock)
        assert status == 400 and b"Connection: close" in data
        assert _closed_by_server(sock)
    assert emu.store.get_object(BUCKET, "k").body == b"kept"


@pytest.mark.parametrize("size", ["0x4", "+4", "4_0", "zz", " ", "-4", "٤", "1" * 20])
def test_a_chunk_size_that_is_not_hex_digits_is_a_400(emu: Emulator, size: str) -> None:
    with _connect(emu) as sock:
        head = _signed(emu, "PUT", "k", {"Transfer-Encoding": "chunked"})
        sock.sendall(head.encode() + f"{size}\r\nbody\r\n0\r\n\r\n".encode())
        status, data = _answer(sock)
        assert status == 400 and b"InvalidArgument" in data
        assert _closed_by_server(sock)
    assert emu.store.get_object(BUCKET, "k").body == b"kept"


def test_both_framings_at_once_are_a_400_and_good_chunks_are_stored(emu: Emulator) -> None:
    with _connect(emu) as sock:
        both = {"Transfer-Encoding": "chunked", "Content-Length": "4"}
        sock.sendall(_signed(emu, "PUT", "k", both).encode() + b"4\r\nbody\r\n0\r\n\r\n")
        assert _answer(sock)[0] == 400
    with _connect(emu) as sock:
        head = _signed(emu, "PUT", "k", {"Transfer-Encoding": "chunked"})
        sock.sendall(head.encode() + b"4;ext=1\r\nchun\r\nA\r\nked body!!\r\n0\r\n\r\n")
        assert _answer(sock)[0] == 200
    assert emu.store.get_object(BUCKET, "k").body == b"chunked body!!"


# -- nothing of a body before authentication --------------------------------------------------


def test_an_unsigned_put_is_refused_before_its_body_is_sent(emu: Emulator) -> None:
    with _connect(emu) as sock:
        # Announces 100 MiB and sends none of it: the answer comes anyway, and the connection
        # is closed rather than read on.
        sock.sendall(_unsigned(emu, "PUT", "k", {"Content-Length": str(100 * 2**20)}).encode())
        status, data = _answer(sock)
        assert status == 403 and b"Connection: close" in data
        assert _closed_by_server(sock)


def test_100_continue_only_after_authentication(emu: Emulator) -> None:
    expect = {"Content-Length": "4", "Expect": "100-continue"}
    with _connect(emu) as sock:
        sock.sendall(_unsigned(emu, "PUT", "k", expect).encode())
        status, data = _answer(sock)
        assert status == 403 and b"100 Continue" not in data
    with _connect(emu) as sock:
        sock.sendall(_signed(emu, "PUT", "k", expect).encode())
        assert _answer(sock)[0] == 100
        sock.sendall(b"new!")
        assert _answer(sock)[0] == 200
    assert emu.store.get_object(BUCKET, "k").body == b"new!"


def test_a_refused_small_body_is_read_past_and_the_connection_goes_on(emu: Emulator) -> None:
    with _connect(emu) as sock:
        body = b"x" * DRAIN_BYTES
        head = _unsigned(emu, "PUT", "k", {"Content-Length": str(len(body))})
        sock.sendall(head.encode() + body)
        status, data = _answer(sock)
        assert status == 403 and b"Connection: keep-alive" in data
        sock.sendall(_signed(emu, "HEAD", "k").encode())
        assert _answer(sock)[0] == 200


def test_a_head_over_the_cap_is_a_431(emu: Emulator) -> None:
    with _connect(emu) as sock:
        big = {f"x-oss-meta-m{n}": "v" * 1000 for n in range(MAX_HEAD_BYTES // 1000 + 1)}
        sock.sendall(_signed(emu, "HEAD", "k", big).encode())
        assert _answer(sock)[0] == 431
        assert _closed_by_server(sock)
    assert _head_ok(emu) == 200


# -- deadlines --------------------------------------------------------------------------------


def _drip(sock: socket.socket, data: bytes) -> bool:
    """Send ``data`` a byte every 0.2 s; True when the server cut the connection first."""
    for byte in data:
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            return True
        time.sleep(0.2)  # the drip is the behaviour under test, not a wait for a condition
    return False


def test_a_client_dripping_its_head_is_cut_off(emu: Emulator) -> None:
    with _connect(emu) as sock:
        head = _signed(emu, "HEAD", "k").encode()
        # 1 s idle_timeout: a head dripped over ~40 s is never let through.
        assert _drip(sock, head[:200]) or _closed_by_server(sock)
    assert _head_ok(emu) == 200


def test_a_client_dripping_its_body_is_cut_off(emu: Emulator) -> None:
    with _connect(emu) as sock:
        sock.sendall(_signed(emu, "PUT", "k", {"Content-Length": "100"}).encode())
        assert _drip(sock, b"d" * 100) or _closed_by_server(sock)
    assert emu.store.get_object(BUCKET, "k").body == b"kept"


def test_an_idle_keep_alive_connection_is_closed(emu: Emulator) -> None:
    with _connect(emu) as sock:
        sock.sendall(_signed(emu, "HEAD", "k").encode())
        assert _answer(sock)[0] == 200
        assert _closed_by_server(sock)


# -- many connections -------------------------------------------------------------------------

FLOOD = 2000


def _raise_descriptor_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.skip(f"needs {needed} descriptors, the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def _open_flood(port: int, count: int) -> list[socket.socket]:
    """Idle, half-sent and half-closed connections, as many as ``count``."""
    socks = []
    for n in range(count):
        sock = socket.socket()
        sock.settimeout(30)
        sock.connect(("127.0.0.1", port))
        if n % 4 == 1:
            sock.sendall(b"GET /bounds-1/k HTTP/1.1\r\nHost: x\r\n")  # never finished
        elif n % 4 == 2:
            sock.sendall(b"HEAD /")
            sock.shutdown(socket.SHUT_WR)  # half-closed
        socks.append(sock)
    return socks


def test_a_signed_head_is_answered_during_and_after_a_flood_of_idle_connections(
    make_emulator: Callable[..., Emulator],
) -> None:
    _raise_descriptor_limit(2 * FLOOD + 512)  # both ends live in this process
    emu = make_emulator()
    emu.store.create_bucket(BUCKET, region=emu.region)
    emu.store.put_object(BUCKET, "k", b"kept")
    flood = _open_flood(emu.port, FLOOD)
    try:
        assert _head_ok(emu) == 200
        assert emu.open_connections() <= emu.max_connections < FLOOD
    finally:
        for sock in flood:
            sock.close()
    assert _head_ok(emu) == 200


def test_out_of_descriptors_it_makes_room_instead_of_spinning(tmp_path: Path) -> None:
    key_id, secret = "LTAI5tBoundsTest", "bounds-secret-bounds-secret-00"
    credentials = ("--access-key-secret", secret)
    limit = 64

    def low_limit() -> None:
        resource.setrlimit(
            resource.RLIMIT_NOFILE, (limit, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
        )

    proc = subprocess.Popen(
        [*EMULATOR, "--max-connections", "1000", *("--access-key-id", key_id), *credentials],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=low_limit,
        cwd=Path(__file__).resolve().parents[2],
    )
    flood: list[socket.socket] = []
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline().rsplit(":", 1)[1])
        flood = _open_flood(port, 2 * limit)  # more than it has descriptors for
        date = formatdate(usegmt=True)
        to_sign = v1_string_to_sign("PUT", {"Date": date}, BUCKET, None, [], date)
        auth = f"OSS {key_id}:{v1_signature(secret, to_sign)}"
        response = httpx.put(
            f"http://127.0.0.1:{port}/{BUCKET}",
            headers={"Date": date, "Authorization": auth},
            timeout=30,
        )
        assert response.status_code == 200
    finally:
        for sock in flood:
            sock.close()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "Traceback" not in err


# -- no token in error documents ----------------------------------------------------------------


def _token_forms(token: str) -> list[str]:
    encoded = quote(token, safe="")
    return [token, encoded, encoded.lower(), quote_plus(token), quote(token, safe="-_.~/")]


def test_an_sts_token_never_appears_in_an_error_document(
    make_emulator: Callable[..., Emulator],
) -> None:
    token = "CAIS+sts/Token=value with space&more"
    emu = make_emulator(sts_tokens={token: ("STS.LTAI5tTemporary", "temporary-secret")})
    emu.store.create_bucket(BUCKET, region=emu.region)
    wrong = Credentials("STS.LTAI5tTemporary", "not-the-secret", token)
    documents = []
    for method in ("GET", "HEAD"):
        url = presign_v4(
            wrong,
            method=method,
            base_url=f"{emu.endpoint}/{BUCKET}/k",
            bucket=BUCKET,
            key="k",
            region=emu.region,
        ).url
        response = httpx.request(method, url, timeout=30)
        assert response.status_code == 403
        documents.append(response.text)
        documents.append(base64.b64decode(response.headers.get("x-oss-err", "")).decode())
    assert "SignatureDoesNotMatch" in documents[0] and "CanonicalRequest" in documents[0]
    for document in documents:
        for form in _token_forms(token):
            assert form not in document
