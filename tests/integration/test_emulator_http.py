"""The emulator on the wire: OSS response shapes, addressing, argument errors, lifecycle.

Requests are signed with ossbrowse's own signers (httpx) or sent raw with http.client where
the exact path bytes matter.

Signatures: the emulator verifies them with ossbrowse's own canonicalisation, so these tests
cannot catch a canonicalisation bug (both sides would agree on it); the signing vectors and the
SDK cross-check in ``tests/unit`` do.
"""

from __future__ import annotations

import base64
import http.client
import re
import socket
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate

import httpx
import pytest
from defusedxml import ElementTree

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY, Emulator, demo
from ossbrowse.emulator.clock import ManualClock
from ossbrowse.emulator.listing import ListQuery
from ossbrowse.oss.addressing import encode_key
from ossbrowse.oss.canonical import v1_signature, v1_string_to_sign
from ossbrowse.oss.signing import Credentials, OssV4Auth

REQUEST_ID = re.compile(r"^[0-9A-F]{24}$")


def _creds(emu: Emulator) -> Credentials:
    return Credentials(emu.access_key_id, emu.access_key_secret)


def _auth(emu: Emulator, bucket: str | None, key: str | None) -> OssV4Auth:
    return OssV4Auth(_creds(emu), emu.region, bucket, key)


def _url(emu: Emulator, path: str) -> str:
    return f"{emu.endpoint}{path}"


def raw(
    emu: Emulator,
    method: str,
    path: str,
    *,
    bucket: str | None,
    key: str | None,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> http.client.HTTPResponse:
    """Send ``path`` byte for byte, V1-signed for (bucket, key)."""
    hdrs = {"Date": formatdate(usegmt=True), **(headers or {})}
    query = [(q, "") for q in path.partition("?")[2].split("&") if q]
    sts = v1_string_to_sign(method, hdrs, bucket, key, query, hdrs["Date"])
    hdrs["Authorization"] = f"OSS {emu.access_key_id}:{v1_signature(emu.access_key_secret, sts)}"
    conn = http.client.HTTPConnection(emu.host, emu.port, timeout=10)
    conn.request(method, path, body=body, headers=hdrs)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@pytest.fixture
def web() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


@pytest.fixture
def seeded(emulator: Emulator) -> Emulator:
    emulator.store.create_bucket("b-1", region=emulator.region)
    emulator.store.set_versioning("b-1", "Enabled")
    emulator.store.put_object("b-1", "dir/k.txt", b"0123456789", content_type="text/plain")
    return emulator


def _document(data: bytes) -> dict[str, str]:
    root = ElementTree.fromstring(data)
    assert root.tag == "Error"
    return {child.tag: child.text or "" for child in root}


def test_head_error_has_no_body_and_the_document_in_x_oss_err(
    seeded: Emulator, web: httpx.Client
) -> None:
    r = web.head(_url(seeded, "/b-1/missing"), auth=_auth(seeded, "b-1", "missing"))
    assert r.status_code == 404 and r.content == b""
    assert r.headers["content-length"] == "0"
    assert r.headers["x-oss-ec"] == "0026-00000001"
    assert REQUEST_ID.match(r.headers["x-oss-request-id"])
    assert r.headers["server"] == "AliyunOSS" and r.headers["date"].endswith(" GMT")
    doc = _document(base64.b64decode(r.headers["x-oss-err"]))
    assert list(doc) == ["Code", "Message", "RequestId", "HostId", "Key", "EC", "RecommendDoc"]
    assert doc["Code"] == "NoSuchKey" and doc["Key"] == "missing"
    assert doc["RequestId"] == r.headers["x-oss-request-id"]
    assert doc["RecommendDoc"] == "https://api.aliyun.com/troubleshoot?q=0026-00000001"


def test_get_error_carries_the_xml_body(seeded: Emulator, web: httpx.Client) -> None:
    r = web.get(_url(seeded, "/b-1/missing"), auth=_auth(seeded, "b-1", "missing"))
    assert r.status_code == 404 and r.headers["content-type"] == "application/xml"
    assert r.headers["x-oss-ec"] == "0026-00000001" and "x-oss-err" not in r.headers
    assert _document(r.content)["Code"] == "NoSuchKey"


def test_304_and_412_shapes(seeded: Emulator, web: httpx.Client) -> None:
    head = web.head(_url(seeded, "/b-1/dir/k.txt"), auth=_auth(seeded, "b-1", "dir/k.txt"))
    etag, modified = head.headers["etag"], head.headers["last-modified"]
    r = web.get(
        _url(seeded, "/b-1/dir/k.txt"),
        headers={"If-None-Match": etag},
        auth=_auth(seeded, "b-1", "dir/k.txt"),
    )
    assert r.status_code == 304 and r.content == b""
    assert (r.headers["etag"], r.headers["last-modified"]) == (etag, modified)
    assert REQUEST_ID.match(r.headers["x-oss-request-id"]) and "date" in r.headers
    r = web.head(
        _url(seeded, "/b-1/dir/k.txt"),
        headers={"If-Match": '"nope"'},
        auth=_auth(seeded, "b-1", "dir/k.txt"),
    )
    assert r.status_code == 412 and r.content == b""
    assert (r.headers["etag"], r.headers["last-modified"]) == (etag, modified)
    assert _document(base64.b64decode(r.headers["x-oss-err"]))["Code"] == "PreconditionFailed"
    assert r.headers["x-oss-ec"]


def test_get_on_a_delete_marker_version_is_405(seeded: Emulator, web: httpx.Client) -> None:
    marker = seeded.store.delete_object("b-1", "dir/k.txt").version_id
    r = web.get(
        _url(seeded, f"/b-1/dir/k.txt?versionId={marker}"), auth=_auth(seeded, "b-1", "dir/k.txt")
    )
    assert r.status_code == 405
    assert r.headers["allow"] == "DELETE"
    assert (r.headers["x-oss-delete-marker"], r.headers["x-oss-version-id"]) == ("true", marker)
    doc = _document(r.content)
    assert (doc["Code"], doc["Method"], doc["ResourceType"]) == (
        "MethodNotAllowed",
        "GET",
        "DeleteMarker",
    )


@pytest.mark.parametrize("host", ["b-1.localhost", "b-1.127.0.0.1"])
def test_virtual_hosted_addressing(seeded: Emulator, web: httpx.Client, host: str) -> None:
    r = web.get(
        _url(seeded, "/dir/k.txt"),
        headers={"Host": f"{host}:{seeded.port}"},
        auth=_auth(seeded, "b-1", "dir/k.txt"),
    )
    assert r.status_code == 200 and r.content == b"0123456789"


def test_encoded_slash_in_a_path_style_key(seeded: Emulator) -> None:
    assert raw(seeded, "GET", "/b-1/dir%2Fk.txt", bucket="b-1", key="dir/k.txt").status == 200


@pytest.mark.parametrize(
    ("path", "ec"),
    [
        ("/b-1//abs", "0016-00000005"),
        ("/b-1/%2Fabs", "0016-00000005"),
        ("/b-1/%5Cwindows", "0016-00000005"),
        ("/b-1/" + "k" * 1024, "0016-00000002"),
        ("/b-1/%FF%FE", "0016-00000002"),
    ],
)
def test_invalid_object_names_store_nothing(seeded: Emulator, path: str, ec: str) -> None:
    before = seeded.store.export_ops()
    response = raw(seeded, "PUT", path, bucket="b-1", key=None, body=b"x")
    assert response.status == 400
    assert response.getheader("x-oss-ec") == ec
    assert seeded.store.export_ops() == before


@pytest.mark.parametrize(
    "query",
    [
        "list-type=2&max-keys=1001",
        "list-type=2&max-keys=ten",
        "list-type=2&encoding-type=xml",
        "list-type=2&continuation-token=%25%25%25",
        "versions&version-id-marker=CAEQ1",
    ],
)
def test_invalid_listing_arguments(seeded: Emulator, web: httpx.Client, query: str) -> None:
    r = web.get(_url(seeded, f"/b-1/?{query}"), auth=_auth(seeded, "b-1", None))
    assert r.status_code == 400 and _document(r.content)["Code"] == "InvalidArgument"


def test_invalid_version_id(seeded: Emulator, web: httpx.Client) -> None:
    r = web.head(
        _url(seeded, "/b-1/dir/k.txt?versionId=bad%21id"), auth=_auth(seeded, "b-1", "dir/k.txt")
    )
    assert r.status_code == 400
    assert _document(base64.b64decode(r.headers["x-oss-err"]))["ArgumentName"] == "versionId"


def test_range_get(seeded: Emulator, web: httpx.Client) -> None:
    r = web.get(
        _url(seeded, "/b-1/dir/k.txt"),
        headers={"Range": "bytes=2-4"},
        auth=_auth(seeded, "b-1", "dir/k.txt"),
    )
    assert (r.status_code, r.content, r.headers["content-range"]) == (206, b"234", "bytes 2-4/10")
    r = web.get(
        _url(seeded, "/b-1/dir/k.txt"),
        headers={"Range": "bytes=20-"},
        auth=_auth(seeded, "b-1", "dir/k.txt"),
    )
    assert r.status_code == 416


def test_content_md5_mismatch_stores_nothing(seeded: Emulator, web: httpx.Client) -> None:
    r = web.put(
        _url(seeded, "/b-1/new"),
        content=b"body",
        headers={"Content-MD5": base64.b64encode(b"0" * 16).decode()},
        auth=_auth(seeded, "b-1", "new"),
    )
    assert r.status_code == 400 and _document(r.content)["Code"] == "InvalidDigest"
    assert seeded.store.versions_of("b-1", "new") == []


def test_chunked_upload(seeded: Emulator, web: httpx.Client) -> None:
    r = web.put(
        _url(seeded, "/b-1/chunked"),
        content=iter([b"ab", b"cd", b"ef"]),
        auth=_auth(seeded, "b-1", "chunked"),
    )
    assert r.status_code == 200
    assert seeded.store.get_object("b-1", "chunked").body == b"abcdef"


def test_buckets_list_and_delete(seeded: Emulator, web: httpx.Client) -> None:
    r = web.get(_url(seeded, "/"), auth=_auth(seeded, None, None))
    assert r.status_code == 200 and b"<Name>b-1</Name>" in r.content
    r = web.delete(_url(seeded, "/b-1"), auth=_auth(seeded, "b-1", None))
    assert r.status_code == 409 and _document(r.content)["Code"] == "BucketNotEmpty"
    seeded.store.create_bucket("empty-1", region=seeded.region)
    r = web.delete(_url(seeded, "/empty-1"), auth=_auth(seeded, "empty-1", None))
    assert r.status_code == 204
    r = web.get(_url(seeded, "/empty-1?list-type=2"), auth=_auth(seeded, "empty-1", None))
    assert r.status_code == 404 and _document(r.content)["Code"] == "NoSuchBucket"


def test_unsupported_operations_say_so(seeded: Emulator, web: httpx.Client) -> None:
    r = web.post(_url(seeded, "/b-1/dir/k.txt?uploads"), auth=_auth(seeded, "b-1", "dir/k.txt"))
    assert r.status_code == 501 and _document(r.content)["Code"] == "NotImplemented"


def test_anonymous_requests(make_emulator: Callable[..., Emulator], web: httpx.Client) -> None:
    closed = make_emulator()
    closed.store.create_bucket("pub-1", region=closed.region)
    r = web.get(_url(closed, "/pub-1/?list-type=2"))
    assert r.status_code == 403 and r.headers["x-oss-ec"] == "0003-00000001"
    opened = make_emulator(allow_anonymous=True)
    opened.store.create_bucket("pub-1", region=opened.region)
    assert web.get(_url(opened, "/pub-1/?list-type=2")).status_code == 200


def test_request_ids_are_deterministic_with_an_injected_clock(
    make_emulator: Callable[..., Emulator], web: httpx.Client
) -> None:
    def ids() -> list[str]:
        emu = make_emulator(clock=ManualClock(1_767_225_600), allow_anonymous=True)
        return [web.get(_url(emu, "/nope-1/k")).headers["x-oss-request-id"] for _ in range(3)]

    first = ids()
    assert first == ids() and len(set(first)) == 3
    assert all(REQUEST_ID.match(i) for i in first)


def test_keep_alive_survives_errors(seeded: Emulator, web: httpx.Client) -> None:
    for _ in range(5):
        assert web.head(_url(seeded, "/b-1/x"), auth=_auth(seeded, "b-1", "x")).status_code == 404
        assert (
            web.get(
                _url(seeded, "/b-1/dir/k.txt"), auth=_auth(seeded, "b-1", "dir/k.txt")
            ).status_code
            == 200
        )
    assert len(seeded._server._connections) == 1  # one keep-alive connection served all


def test_stop_releases_the_port_and_closes_idle_connections() -> None:
    emu = Emulator().start()
    port = emu.port
    idle = socket.create_connection(("127.0.0.1", port))
    with httpx.Client() as client:
        client.get(f"{emu.endpoint}/")  # leave a keep-alive connection open in the pool
        thread = emu._thread
        started = time.monotonic()
        emu.stop()
        assert time.monotonic() - started < 5
    assert not emu.running and thread is not None and not thread.is_alive()
    idle.settimeout(5)
    assert idle.recv(1) == b""  # the server closed our idle connection
    idle.close()
    with socket.socket() as probe:  # the port is free again
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
    emu.stop()  # idempotent
    with pytest.raises(RuntimeError):
        emu.start()


def test_demo_data_tells_its_story(demo_emulator: Emulator, web: httpx.Client) -> None:
    emu = demo_emulator

    def head(key: str, **params: str) -> httpx.Response:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return web.head(
            _url(emu, f"/{DEMO_BUCKET}/{encode_key(key)}" + (f"?{query}" if query else "")),
            auth=_auth(emu, DEMO_BUCKET, key),
        )

    hello = head(DEMO_KEY)
    assert (
        hello.status_code == 200
        and hello.headers["last-modified"] == "Sat, 14 Mar 2026 09:26:53 GMT"
    )
    assert hello.headers["x-oss-meta-author"] == "ossbrowse"
    multipart = head(demo.DEMO_MULTIPART_KEY)
    assert re.match(r'^"[0-9A-F]{32}-3"$', multipart.headers["etag"])
    assert (
        multipart.headers["x-oss-object-type"] == "Multipart"
        and "content-md5" not in multipart.headers
    )
    archive = head(demo.DEMO_ARCHIVE_KEY)
    assert archive.headers["x-oss-storage-class"] == "Archive"
    assert archive.headers["x-oss-restore"].startswith('ongoing-request="false", expiry-date=')
    deleted = head(demo.DEMO_DELETED_KEY)
    assert deleted.status_code == 404 and deleted.headers["x-oss-delete-marker"] == "true"
    assert (
        head(demo.DEMO_DELETED_KEY, versionId=deleted.headers["x-oss-version-id"]).status_code
        == 405
    )
    assert len(emu.store.versions_of(DEMO_BUCKET, demo.DEMO_VERSIONED_KEY)) == 3
    for key in ("docs/c++ notes+tips.txt", "docs/目录/说明.txt", "docs/annual report 2026.pdf"):
        assert head(key).status_code == 200, key
    page = emu.store.list_objects(
        DEMO_BUCKET, ListQuery(prefix=demo.DEMO_BULK_PREFIX, max_keys=1000)
    )
    assert len(page.entries) == 1000 and page.truncated
    count = len(
        emu.store.list_objects(
            DEMO_BUCKET, ListQuery(prefix=demo.DEMO_BULK_PREFIX, max_keys=10**6)
        ).entries
    )
    assert count == demo.DEMO_BULK_COUNT


def test_demo_data_is_the_same_on_every_start(make_emulator: Callable[..., Emulator]) -> None:
    # Up to March 2026 whatever the clock says, and on any one day after, the data set is the
    # same: only the states about "now" (restored until, expired, due for deletion) move, by
    # whole days, so that the demo started later tells the same story.
    first = make_emulator(demo_data=True, clock=ManualClock(1_000_000_000)).store.export_ops()
    again = make_emulator(demo_data=True, clock=ManualClock(1_700_000_000)).store.export_ops()
    assert again == first
    day = make_emulator(demo_data=True, clock=ManualClock(2_000_000_000)).store.export_ops()
    later = make_emulator(demo_data=True, clock=ManualClock(2_000_000_600)).store.export_ops()
    assert later == day
