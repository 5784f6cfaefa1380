"""The emulator driven by the official SDKs: alibabacloud-oss-v2 and oss2, each with V1 and V4.

Every test runs once per client configuration, so each outcome is checked against four
independent implementations of the OSS protocol. Adapters below give the two SDKs one small
interface; errors come back as :class:`Answer` values, decoded by the SDK itself (from the
``x-oss-err`` header on HEAD, from the body otherwise).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import alibabacloud_oss_v2 as oss
import crcmod
import httpx
import oss2
import pytest
from conditional_matrix import LM
from conditional_matrix import conditions as _conditions

from ossbrowse.emulator import Emulator
from ossbrowse.emulator.clock import ManualClock

CLIENTS = ("v2-v1", "v2-v4", "oss2-v1", "oss2-v4")
BUCKET = "sdk-bucket"
_crc64 = crcmod.mkCrcFun(0x142F0E1EBA9EA3693, initCrc=0, xorOut=0xFFFFFFFFFFFFFFFF, rev=True)


@dataclass
class Answer:
    """A response as an SDK reported it: status, headers, and for errors the decoded fields."""

    status: int
    headers: dict[str, str]
    code: str | None = None
    ec: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def _lower(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in dict(headers or {}).items()}


class V2Client:
    """alibabacloud-oss-v2 with signature v1 or v4."""

    def __init__(
        self,
        emu: Emulator,
        sign: str,
        *,
        secret: str | None = None,
        token: str | None = None,
        access_key_id: str | None = None,
        region: str | None = None,
        retries: int = 1,
    ) -> None:
        cfg = oss.config.load_default()
        cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(
            access_key_id or emu.access_key_id, secret or emu.access_key_secret, token
        )
        cfg.region = region or emu.region
        cfg.endpoint = emu.endpoint
        cfg.signature_version = sign
        cfg.retry_max_attempts = retries
        self.client = oss.Client(cfg)

    def _call(self, fn: Callable[[], Any], body: Callable[[Any], bytes] | None = None) -> Answer:
        try:
            result = fn()
        except oss.exceptions.OperationError as exc:
            err = exc.unwrap()
            assert isinstance(err, oss.exceptions.ServiceError), err
            return Answer(
                err.status_code, _lower(err.headers), err.code, err.ec, dict(err.error_fileds or {})
            )
        return Answer(
            result.status_code, _lower(result.headers), body=body(result) if body else b""
        )

    def put_bucket(self, bucket: str) -> Answer:
        return self._call(lambda: self.client.put_bucket(oss.PutBucketRequest(bucket=bucket)))

    def put_versioning(self, bucket: str, status: str) -> Answer:
        config = oss.VersioningConfiguration(status=status)
        request = oss.PutBucketVersioningRequest(bucket=bucket, versioning_configuration=config)
        return self._call(lambda: self.client.put_bucket_versioning(request))

    def get_versioning(self, bucket: str) -> str | None:
        request = oss.GetBucketVersioningRequest(bucket=bucket)
        return self.client.get_bucket_versioning(request).version_status

    def put(self, bucket: str, key: str, body: bytes, **extra: Any) -> Answer:
        request = oss.PutObjectRequest(bucket=bucket, key=key, body=body, **extra)
        return self._call(lambda: self.client.put_object(request))

    def head(self, bucket: str, key: str, version_id: str | None = None, **cond: str) -> Answer:
        request = oss.HeadObjectRequest(bucket=bucket, key=key, version_id=version_id, **cond)
        return self._call(lambda: self.client.head_object(request))

    def get(self, bucket: str, key: str, version_id: str | None = None, **cond: str) -> Answer:
        request = oss.GetObjectRequest(bucket=bucket, key=key, version_id=version_id, **cond)
        return self._call(lambda: self.client.get_object(request), lambda r: r.body.read())

    def delete(self, bucket: str, key: str, version_id: str | None = None) -> Answer:
        request = oss.DeleteObjectRequest(bucket=bucket, key=key, version_id=version_id)
        return self._call(lambda: self.client.delete_object(request))

    def list_v2(self, bucket: str, **kw: Any) -> tuple[list[str], list[str], bool, str | None]:
        names = {"token": "continuation_token", "max_keys": "max_keys"}
        args = {names.get(k, k): v for k, v in kw.items() if v is not None}
        r = self.client.list_objects_v2(oss.ListObjectsV2Request(bucket=bucket, **args))
        keys = [o.key for o in r.contents or []]
        prefixes = [p.prefix for p in r.common_prefixes or []]
        return keys, prefixes, bool(r.is_truncated), r.next_continuation_token

    def list_versions(
        self, bucket: str, **kw: Any
    ) -> tuple[list[tuple[str, str, bool, bool]], bool, str, str]:
        args = {k: v for k, v in kw.items() if v is not None}
        r = self.client.list_object_versions(oss.ListObjectVersionsRequest(bucket=bucket, **args))
        rows = [(v.key, v.version_id, bool(v.is_latest), False) for v in r.version or []]
        rows += [(d.key, d.version_id, bool(d.is_latest), True) for d in r.delete_marker or []]
        return rows, bool(r.is_truncated), r.next_key_marker or "", r.next_version_id_marker or ""

    def presign_get(self, bucket: str, key: str, seconds: int) -> str:
        request = oss.GetObjectRequest(bucket=bucket, key=key)
        return self.client.presign(request, expires=dt.timedelta(seconds=seconds)).url


class Oss2Client:
    """oss2 with Auth (V1) or AuthV4, path-style against the IP endpoint."""

    def __init__(
        self,
        emu: Emulator,
        sign: str,
        *,
        secret: str | None = None,
        token: str | None = None,
        access_key_id: str | None = None,
        region: str | None = None,
        retries: int = 1,
    ) -> None:
        provider = oss2.credentials.StaticCredentialsProvider(
            access_key_id or emu.access_key_id, secret or emu.access_key_secret, token
        )
        self.auth = (oss2.ProviderAuthV4 if sign == "v4" else oss2.ProviderAuth)(provider)
        self.emu = emu
        self.region = region or emu.region

    def bucket(self, name: str) -> oss2.Bucket:
        return oss2.Bucket(
            self.auth, self.emu.endpoint, name, region=self.region, is_path_style=True
        )

    def _call(self, fn: Callable[[], Any], body: Callable[[Any], bytes] | None = None) -> Answer:
        try:
            result = fn()
        except oss2.exceptions.OssError as exc:
            details = {k: str(v) for k, v in (exc.details or {}).items()}
            return Answer(
                exc.status, _lower(exc.headers), exc.code or None, details.get("EC"), details
            )
        return Answer(result.status, _lower(result.headers), body=body(result) if body else b"")

    def put_bucket(self, bucket: str) -> Answer:
        return self._call(lambda: self.bucket(bucket).create_bucket())

    def put_versioning(self, bucket: str, status: str) -> Answer:
        config = oss2.models.BucketVersioningConfig(status)
        return self._call(lambda: self.bucket(bucket).put_bucket_versioning(config))

    def get_versioning(self, bucket: str) -> str | None:
        return self.bucket(bucket).get_bucket_versioning().status

    def put(self, bucket: str, key: str, body: bytes, **extra: Any) -> Answer:
        headers = {f"x-oss-meta-{k}": v for k, v in (extra.pop("metadata", None) or {}).items()}
        spelled = {
            "content_type": "Content-Type",
            "cache_control": "Cache-Control",
            "storage_class": "x-oss-storage-class",
        }
        headers.update({spelled[k]: v for k, v in extra.items()})
        return self._call(lambda: self.bucket(bucket).put_object(key, body, headers=headers))

    @staticmethod
    def _params(
        version_id: str | None, cond: dict[str, str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        names = {
            "if_match": "If-Match",
            "if_none_match": "If-None-Match",
            "if_modified_since": "If-Modified-Since",
            "if_unmodified_since": "If-Unmodified-Since",
        }
        params = {"versionId": version_id} if version_id is not None else {}
        return {names[k]: v for k, v in cond.items()}, params

    def head(self, bucket: str, key: str, version_id: str | None = None, **cond: str) -> Answer:
        headers, params = self._params(version_id, cond)
        return self._call(lambda: self.bucket(bucket).head_object(key, headers, params))

    def get(self, bucket: str, key: str, version_id: str | None = None, **cond: str) -> Answer:
        headers, params = self._params(version_id, cond)
        return self._call(
            lambda: self.bucket(bucket).get_object(key, headers=headers, params=params),
            lambda r: r.read(),
        )

    def delete(self, bucket: str, key: str, version_id: str | None = None) -> Answer:
        params = {"versionId": version_id} if version_id is not None else None
        return self._call(lambda: self.bucket(bucket).delete_object(key, params=params))

    def list_v2(self, bucket: str, **kw: Any) -> tuple[list[str], list[str], bool, str | None]:
        names = {"token": "continuation_token", "max_keys": "max_keys"}
        args = {names.get(k, k): v for k, v in kw.items() if v is not None}
        r = self.bucket(bucket).list_objects_v2(**args)
        return (
            [o.key for o in r.object_list],
            list(r.prefix_list),
            r.is_truncated,
            (r.next_continuation_token if r.is_truncated else None),
        )

    def list_versions(
        self, bucket: str, **kw: Any
    ) -> tuple[list[tuple[str, str, bool, bool]], bool, str, str]:
        names = {"version_id_marker": "versionid_marker"}
        args = {names.get(k, k): v for k, v in kw.items() if v is not None}
        r = self.bucket(bucket).list_object_versions(**args)
        rows = [(v.key, v.versionid, v.is_latest, False) for v in r.versions]
        rows += [(d.key, d.versionid, d.is_latest, True) for d in r.delete_marker]
        return rows, r.is_truncated, r.next_key_marker or "", r.next_versionid_marker or ""

    def presign_get(self, bucket: str, key: str, seconds: int) -> str:
        return self.bucket(bucket).sign_url("GET", key, seconds, slash_safe=True)


Client = V2Client | Oss2Client


def make_client(name: str, emu: Emulator, **kw: Any) -> Client:
    """One of the four configurations: ``v2-v1``, ``v2-v4``, ``oss2-v1``, ``oss2-v4``."""
    sdk, sign = name.split("-")
    return (V2Client if sdk == "v2" else Oss2Client)(emu, sign, **kw)


@pytest.fixture(params=CLIENTS)
def client_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def client(client_name: str, emulator: Emulator) -> Client:
    return make_client(client_name, emulator)


@pytest.fixture
def versioned(client: Client) -> Client:
    """The client, with BUCKET created through it and versioning enabled."""
    assert client.put_bucket(BUCKET).status == 200
    assert client.put_versioning(BUCKET, "Enabled").status == 200
    return client


def _http_date(posix: float) -> str:
    return email.utils.formatdate(posix, usegmt=True)


# -- buckets, versioning, objects --------------------------------------------------------------


def test_put_bucket_and_versioning(client: Client, emulator: Emulator) -> None:
    assert client.put_bucket(BUCKET).status == 200
    assert client.get_versioning(BUCKET) in (None, "")
    assert client.put_versioning(BUCKET, "Enabled").status == 200
    assert client.get_versioning(BUCKET) == "Enabled"
    assert client.put_versioning(BUCKET, "Suspended").status == 200
    assert client.get_versioning(BUCKET) == "Suspended"
    assert emulator.store.bucket_info(BUCKET).versioning == "Suspended"


def test_put_object_then_head_shows_what_was_stored(versioned: Client) -> None:
    body = b"quarterly numbers\n" * 100
    put = versioned.put(
        BUCKET,
        "reports/q3 final+v2 ü.csv",
        body,
        metadata={"owner": "finance", "Project": "Apollo"},
        content_type="text/csv",
        cache_control="max-age=60",
        storage_class="IA",
    )
    assert put.status == 200
    md5 = hashlib.md5(body)
    assert put.header("etag") == f'"{md5.hexdigest().upper()}"'
    assert put.header("x-oss-hash-crc64ecma") == str(_crc64(body))
    version_id = put.header("x-oss-version-id")
    assert version_id and version_id.startswith("CAEQ")

    head = versioned.head(BUCKET, "reports/q3 final+v2 ü.csv")
    assert head.status == 200
    assert head.header("etag") == put.header("etag")
    assert head.header("content-length") == str(len(body))
    assert head.header("content-type") == "text/csv"
    assert head.header("cache-control") == "max-age=60"
    assert head.header("x-oss-storage-class") == "IA"
    assert head.header("x-oss-object-type") == "Normal"
    assert head.header("x-oss-version-id") == version_id
    assert head.header("x-oss-hash-crc64ecma") == str(_crc64(body))
    assert head.header("content-md5") == __import__("base64").b64encode(md5.digest()).decode()
    assert head.header("x-oss-meta-owner") == "finance"
    assert head.header("x-oss-meta-project") == "Apollo"  # names are lower-cased
    assert head.header("server") == "AliyunOSS"
    assert len(head.header("x-oss-request-id") or "") == 24
    assert head.header("last-modified") and head.header("date")

    got = versioned.get(BUCKET, "reports/q3 final+v2 ü.csv")
    assert got.status == 200 and got.body == body


def test_versions_delete_markers_404_and_405(versioned: Client) -> None:
    v1 = versioned.put(BUCKET, "doc.txt", b"one").header("x-oss-version-id")
    v2 = versioned.put(BUCKET, "doc.txt", b"two").header("x-oss-version-id")
    assert v1 and v2 and v1 != v2
    assert versioned.get(BUCKET, "doc.txt", v1).body == b"one"
    assert versioned.get(BUCKET, "doc.txt").body == b"two"

    deleted = versioned.delete(BUCKET, "doc.txt")
    assert deleted.status == 204
    assert deleted.header("x-oss-delete-marker") == "true"
    marker = deleted.header("x-oss-version-id")
    assert marker not in (None, v1, v2)

    gone = versioned.head(BUCKET, "doc.txt")
    assert (gone.status, gone.code, gone.ec) == (404, "NoSuchKey", "0026-00000001")
    assert gone.header("x-oss-delete-marker") == "true"
    assert gone.header("x-oss-version-id") == marker

    on_marker = versioned.head(BUCKET, "doc.txt", marker)
    assert (on_marker.status, on_marker.code) == (405, "MethodNotAllowed")
    assert on_marker.header("allow") == "DELETE"
    assert on_marker.header("x-oss-delete-marker") == "true"
    get_marker = versioned.get(BUCKET, "doc.txt", marker)
    assert (get_marker.status, get_marker.code) == (405, "MethodNotAllowed")
    assert get_marker.fields.get("ResourceType") == "DeleteMarker"

    assert versioned.head(BUCKET, "doc.txt", v1).status == 200
    # Removing the marker by its version id brings the object back.
    undeleted = versioned.delete(BUCKET, "doc.txt", marker)
    assert undeleted.status == 204 and undeleted.header("x-oss-delete-marker") == "true"
    assert versioned.get(BUCKET, "doc.txt").body == b"two"
    # Deleting a version permanently removes it.
    assert versioned.delete(BUCKET, "doc.txt", v2).status == 204
    assert versioned.get(BUCKET, "doc.txt").body == b"one"
    missing = versioned.head(BUCKET, "doc.txt", v2)
    assert (missing.status, missing.code) == (404, "NoSuchVersion")


def test_suspended_versioning_writes_null_versions(versioned: Client) -> None:
    first = versioned.put(BUCKET, "k", b"kept").header("x-oss-version-id")
    assert versioned.put_versioning(BUCKET, "Suspended").status == 200
    assert versioned.put(BUCKET, "k", b"a").header("x-oss-version-id") == "null"
    assert versioned.put(BUCKET, "k", b"b").header("x-oss-version-id") == "null"
    rows, _, _, _ = versioned.list_versions(BUCKET, prefix="k")
    assert sorted(r[1] for r in rows) == sorted([first, "null"])  # the null version replaced
    assert versioned.get(BUCKET, "k", "null").body == b"b"
    assert versioned.get(BUCKET, "k", first).body == b"kept"


def test_missing_bucket_and_key(client: Client) -> None:
    answer = client.head("no-such-bucket", "k")
    assert (answer.status, answer.code, answer.ec) == (404, "NoSuchBucket", "0015-00000101")
    assert client.put_bucket(BUCKET).status == 200
    answer = client.get(BUCKET, "missing")
    assert (answer.status, answer.code) == (404, "NoSuchKey")
    assert answer.fields.get("Key") == "missing"
    assert answer.fields.get("RecommendDoc", "").endswith("0026-00000001")


# -- listings ------------------------------------------------------------------------------------


def test_list_objects_v2_pages_prefixes_and_start_after(client: Client) -> None:
    assert client.put_bucket(BUCKET).status == 200
    keys = sorted([f"logs/{i:02d} entry+ü.txt" for i in range(23)] + ["docs/a", "docs/b/c", "top"])
    for key in keys:
        assert client.put(BUCKET, key, key.encode()).status == 200

    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        page, prefixes, truncated, token = client.list_v2(
            BUCKET, prefix="logs/", max_keys=10, token=token
        )
        assert len(page) <= 10 and prefixes == []
        seen += page
        pages += 1
        if not truncated:
            break
    assert seen == [k for k in keys if k.startswith("logs/")]
    assert pages == 3

    top, prefixes, truncated, _ = client.list_v2(BUCKET, delimiter="/")
    assert (top, prefixes, truncated) == (["top"], ["docs/", "logs/"], False)
    after, _, _, _ = client.list_v2(BUCKET, prefix="logs/", start_after="logs/20 entry+ü.txt")
    assert after == [f"logs/{i:02d} entry+ü.txt" for i in (21, 22)]


def test_list_versions_pages_through_versions_and_markers(versioned: Client) -> None:
    expected: set[tuple[str, str, bool, bool]] = set()
    for key, writes in (("a.txt", 3), ("b.txt", 2), ("c/d.txt", 1)):
        ids = [
            versioned.put(BUCKET, key, f"{key}{n}".encode()).header("x-oss-version-id")
            for n in range(writes)
        ]
        expected |= {(key, vid, n == writes - 1, False) for n, vid in enumerate(ids)}
    marker = versioned.delete(BUCKET, "b.txt").header("x-oss-version-id")
    expected = {(k, v, latest and k != "b.txt", m) for k, v, latest, m in expected}
    expected.add(("b.txt", marker, True, True))

    rows: list[tuple[str, str, bool, bool]] = []
    key_marker, version_marker = None, None
    while True:
        page, truncated, key_marker, version_marker = versioned.list_versions(
            BUCKET, max_keys=2, key_marker=key_marker, version_id_marker=version_marker
        )
        assert 1 <= len(page) <= 2
        rows += page
        if not truncated:
            break
    assert len(rows) == len(expected) == 7
    assert set(rows) == expected


# -- conditional HEAD / GET ---------------------------------------------------------------------


@pytest.fixture
def seeded(client: Client, emulator: Emulator) -> tuple[Client, str]:
    emulator.store.create_bucket(BUCKET, region=emulator.region)
    version = emulator.store.put_object(
        BUCKET, "cond.txt", b"conditional\n", last_modified=LM, content_type="text/plain"
    )
    return client, version.etag


def test_conditional_head_matrix(seeded: tuple[Client, str]) -> None:
    client, etag = seeded
    results = {}
    for name, cond, _ in _conditions(etag):
        answer = client.head(BUCKET, "cond.txt", **cond)
        results[name] = answer.status
        if answer.status in (304, 412):
            # Both carry the validators, so a client can show the object's values.
            assert answer.header("etag") == etag, name
            assert answer.header("last-modified") == _http_date(LM), name
            assert answer.header("x-oss-request-id"), name
        if answer.status == 412:
            assert (answer.code, answer.header("x-oss-ec")) == ("PreconditionFailed", answer.ec)
        if answer.status == 304:
            assert answer.header("content-length") in (None, "0")
    assert results == {name: expected for name, _, expected in _conditions(etag)}


@pytest.mark.parametrize("case", [0, 1, 4, 9, 12])
def test_conditional_get_agrees_with_head(seeded: tuple[Client, str], case: int) -> None:
    client, etag = seeded
    name, cond, expected = _conditions(etag)[case]
    answer = client.get(BUCKET, "cond.txt", **cond)
    assert answer.status == expected, name
    if expected == 200:
        assert answer.body == b"conditional\n"
    if expected == 412:
        assert answer.code == "PreconditionFailed"


# -- authentication failures ----------------------------------------------------------------------


def test_wrong_secret_is_signature_does_not_match(client_name: str, emulator: Emulator) -> None:
    emulator.store.create_bucket(BUCKET, region=emulator.region)
    emulator.store.put_object(BUCKET, "dir/k.txt", b"x")
    before = emulator.store.export_ops()
    bad = make_client(client_name, emulator, secret="not-the-secret")
    for answer in (bad.head(BUCKET, "dir/k.txt"), bad.get(BUCKET, "dir/k.txt")):
        assert (answer.status, answer.code, answer.ec) == (
            403,
            "SignatureDoesNotMatch",
            "0002-00000040",
        )
        assert answer.fields["OSSAccessKeyId"] == emulator.access_key_id
        string_to_sign = answer.fields["StringToSign"]
        if client_name.endswith("v4"):
            assert string_to_sign.startswith("OSS4-HMAC-SHA256\n")
            assert "/sdk-bucket/dir/k.txt" in answer.fields["CanonicalRequest"]
        else:
            assert string_to_sign.endswith("/sdk-bucket/dir/k.txt")
        assert answer.fields["StringToSignBytes"].split()[:2] == [
            f"{b:02x}" for b in string_to_sign.encode()[:2]
        ]
    # A bad signature changes nothing.
    assert bad.put(BUCKET, "dir/k.txt", b"overwritten").status == 403
    assert bad.delete(BUCKET, "dir/k.txt").status == 403
    assert bad.put_versioning(BUCKET, "Enabled").status == 403
    assert emulator.store.export_ops() == before


def test_unknown_access_key(client_name: str, emulator: Emulator) -> None:
    emulator.store.create_bucket(BUCKET, region=emulator.region)
    answer = make_client(client_name, emulator, access_key_id="LTAI5tNobody").head(BUCKET, "k")
    assert (answer.status, answer.code) == (403, "InvalidAccessKeyId")


def test_skewed_clock_is_request_time_too_skewed(
    client_name: str, make_emulator: Callable[..., Emulator]
) -> None:
    emu = make_emulator(clock=lambda: time.time() + 3600)
    emu.store.create_bucket(BUCKET, region=emu.region)
    emu.store.put_object(BUCKET, "k", b"x")
    answer = make_client(client_name, emu).head(BUCKET, "k")
    assert (answer.status, answer.code, answer.ec) == (403, "RequestTimeTooSkewed", "0002-00000504")
    assert answer.fields["MaxAllowedSkewMilliseconds"] == "900000"
    assert answer.fields["RequestTime"] and answer.fields["ServerTime"]
    # The Date header is the server's clock: a client can compute the skew from it.
    server_date = email.utils.parsedate_to_datetime(answer.header("date") or "")
    assert abs(server_date.timestamp() - (time.time() + 3600)) < 60


@pytest.mark.parametrize("name", ["v2-v4", "oss2-v4"])
def test_wrong_region_with_v4(name: str, emulator: Emulator) -> None:
    emulator.store.create_bucket(BUCKET, region=emulator.region)
    answer = make_client(name, emulator, region="cn-beijing").head(BUCKET, "k")
    assert (answer.status, answer.code, answer.ec) == (400, "InvalidArgument", "0002-00000226")
    # OSS's wording (the SDKs' own suites compare it); the elements name both regions.
    assert answer.fields["Message"] == "Invalid signing region in Authorization header."
    assert answer.fields["Region"] == "cn-hangzhou"
    assert answer.fields["SigningRegion"] == "cn-beijing"


def test_sts_token(client_name: str, make_emulator: Callable[..., Emulator]) -> None:
    emu = make_emulator(sts_tokens={"token-abc": ("STS.tempKeyId", "tempSecret")})
    emu.store.create_bucket(BUCKET, region=emu.region)
    good = make_client(
        client_name, emu, access_key_id="STS.tempKeyId", secret="tempSecret", token="token-abc"
    )
    assert good.put(BUCKET, "k", b"via sts").status == 200
    assert good.get(BUCKET, "k").body == b"via sts"
    bad = make_client(
        client_name, emu, access_key_id="STS.tempKeyId", secret="tempSecret", token="token-xyz"
    )
    answer = bad.head(BUCKET, "k")
    assert (answer.status, answer.code) == (403, "InvalidSecurityToken")
    # The long-term key never accepts a token, and the temporary key needs one.
    long_term_with_token = make_client(client_name, emu, token="token-abc")
    assert long_term_with_token.head(BUCKET, "k").code == "InvalidAccessKeyId"
    assert (
        make_client(client_name, emu, access_key_id="STS.tempKeyId", secret="tempSecret")
        .head(BUCKET, "k")
        .code
        == "InvalidAccessKeyId"
    )


# -- presigned URLs -------------------------------------------------------------------------


def test_presigned_urls(client_name: str, make_emulator: Callable[..., Emulator]) -> None:
    clock = ManualClock(time.time())
    emu = make_emulator(clock=clock)
    emu.store.create_bucket(BUCKET, region=emu.region)
    emu.store.put_object(BUCKET, "shared/report 1+1.pdf", b"%PDF presigned")
    url = make_client(client_name, emu).presign_get(BUCKET, "shared/report 1+1.pdf", 60)
    assert ("x-oss-signature=" in url) == client_name.endswith("v4")
    with httpx.Client() as http:
        response = http.get(url)
        assert response.status_code == 200 and response.content == b"%PDF presigned"
        assert response.headers["x-oss-hash-crc64ecma"] == str(_crc64(b"%PDF presigned"))
        tampered = http.get(url.replace("shared/report", "shared/other"))
        assert (
            tampered.status_code == 403
            and b"<Code>SignatureDoesNotMatch</Code>" in tampered.content
        )
        clock.advance(120)  # past the 60 s the URL was valid for
        expired = http.get(url)
        assert expired.status_code == 403
        assert b"<Code>AccessDenied</Code>" in expired.content
        assert b"<Message>Request has expired.</Message>" in expired.content
        assert expired.headers["x-oss-ec"] == "0002-00000069"


# -- the four configurations really sign as named ------------------------------------------------


def test_every_configuration_is_what_it_says(
    client_name: str, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    original = emulator._authenticator.authenticate

    def spy(request: Any) -> Any:
        identity = original(request)
        seen.append(identity.scheme)
        return identity

    monkeypatch.setattr(emulator._authenticator, "authenticate", spy)
    emulator.store.create_bucket(BUCKET, region=emulator.region)
    make_client(client_name, emulator).head(BUCKET, "k")
    assert seen == [client_name.split("-")[1]]
