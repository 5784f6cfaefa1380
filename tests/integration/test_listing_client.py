"""The client's listings on the wire: signing (V4, V1) accepted by the emulator, retries,
decoded errors, no answer, the size cap, and secrets kept out of every message."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ossbrowse.emulator import Emulator
from ossbrowse.emulator.demo import DEMO_BUCKET, DEMO_TOTO_KEY
from ossbrowse.oss import client as client_module
from ossbrowse.oss.client import OssClient
from ossbrowse.oss.paging import ListingFailed
from ossbrowse.oss.profile import Profile

SECRET = "ListingCanarySecret-0123456789ab"
LISTING = (
    b"<ListBucketResult><Name>b-1</Name><IsTruncated>false</IsTruncated><EncodingType>url"
    b"</EncodingType><Contents><Key>a%20b</Key><Size>1</Size></Contents></ListBucketResult>"
)
ACCESS_DENIED = (
    b"<Error><Code>AccessDenied</Code><Message>You have no right to access this bucket list."
    b" " + SECRET.encode() + b"</Message><RequestId>RID1</RequestId></Error>"
)


class Scripted(ThreadingHTTPServer):
    """Answers each GET with the next (status, body) of its script and records the paths."""

    def __init__(self, script: list[tuple[int, bytes]]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = script
        self.paths: list[str] = []
        self.headers_seen: list[dict[str, str]] = []

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: Scripted

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        self.server.headers_seen.append(dict(self.headers.items()))
        status, body = self.server.script.pop(0)
        self.send_response(status)
        self.send_header("x-oss-request-id", f"REQ{len(self.server.paths)}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


Start = Callable[[list[tuple[int, bytes]]], "Scripted"]


@pytest.fixture
def scripted() -> Iterator[Start]:
    servers: list[Scripted] = []

    def start(script: list[tuple[int, bytes]]) -> Scripted:
        server = Scripted(script)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _client(endpoint: str, **settings: object) -> OssClient:
    profile = Profile(
        name="t",
        access_key_id="LTAI5tListingKey000000001",
        access_key_secret=SECRET,
        region="cn-hangzhou",
        endpoint=endpoint,
        **settings,  # type: ignore[arg-type]
    )
    client = OssClient(profile)
    client._listing_sleep = lambda seconds: None  # type: ignore[method-assign]
    return client


def test_5xx_is_retried_then_the_page_is_read(scripted: Start) -> None:
    server = scripted([(503, b""), (200, LISTING)])
    with _client(server.endpoint, retry_times=2) as client:
        (page,) = list(client.list_objects_v2("b-1", page_size=10))
    assert [o.key for o in page.objects] == ["a b"]
    assert page.request_id == "REQ2" and len(server.paths) == 2
    path = server.paths[0]
    assert path.startswith("/b-1/?") and "max-keys=10" in path and "encoding-type=url" in path
    assert server.headers_seen[0]["Authorization"].startswith("OSS4-HMAC-SHA256 Credential=")


def test_5xx_until_retries_run_out_is_a_server_error(scripted: Start) -> None:
    server = scripted([(500, b""), (500, b"")])
    with _client(server.endpoint, retry_times=1) as client, pytest.raises(ListingFailed) as info:
        next(client.list_objects_v2("b-1"))
    assert info.value.status == 500 and not info.value.no_answer


def test_access_denied_on_list_buckets_is_decoded_without_the_secret(scripted: Start) -> None:
    server = scripted([(403, ACCESS_DENIED)])
    with _client(server.endpoint) as client, pytest.raises(ListingFailed) as info:
        next(client.list_buckets())
    failure = info.value
    assert failure.operation == "ListBuckets" and failure.status == 403
    assert failure.error is not None and failure.error.code == "AccessDenied"
    assert failure.error.request_id == "RID1"
    assert SECRET not in str(failure) and SECRET not in repr(failure.error)
    assert server.paths == ["/?max-keys=1000"]


def test_no_answer_is_retried_then_reported(scripted: Start) -> None:
    server = scripted([])
    endpoint = server.endpoint
    server.shutdown()
    server.server_close()
    with _client(endpoint, retry_times=1) as client, pytest.raises(ListingFailed) as info:
        next(client.list_objects_v2("b-1"))
    assert info.value.no_answer and info.value.failure is not None
    assert info.value.failure.kind == "refused"


def test_an_oversized_listing_is_refused(scripted: Start, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "MAX_LISTING_BYTES", 100)
    monkeypatch.setattr("ossbrowse.oss.listing.MAX_LISTING_BYTES", 100)
    server = scripted([(200, LISTING + b" " * 10_000)])
    with _client(server.endpoint) as client, pytest.raises(ListingFailed) as info:
        next(client.list_objects_v2("b-1"))
    assert "at most 100" in str(info.value) and info.value.problem


@pytest.mark.parametrize("sign_version", ["v4", "v1"])
def test_signed_listings_are_accepted_by_the_emulator(
    make_emulator: Callable[..., Emulator], sign_version: str
) -> None:
    emulator = make_emulator(demo_data=True)
    profile = Profile(
        name="t",
        access_key_id=emulator.access_key_id,
        access_key_secret=emulator.access_key_secret,
        region=emulator.region,
        endpoint=emulator.endpoint,
        sign_version=sign_version,
    )
    with OssClient(profile) as client:
        names = [b.name for p in client.list_buckets() for b in p.buckets]
        assert DEMO_BUCKET in names
        pages = list(client.list_objects_v2(DEMO_BUCKET, prefix="bulk/", page_size=1000))
        assert len(pages) == 10 and sum(len(p.objects) for p in pages) == 10_000
        versions = [
            v for p in client.list_key_versions(DEMO_BUCKET, DEMO_TOTO_KEY) for v in p.versions
        ]
        assert [v.is_delete_marker for v in versions] == [False, True, False, False]
        with pytest.raises(ListingFailed) as info:
            next(client.list_objects_v2("no-such-bucket-x"))
        assert info.value.error is not None and info.value.error.code == "NoSuchBucket"
