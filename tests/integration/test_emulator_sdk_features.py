"""AppendObject, symlinks, tags, encryption headers, RestoreObject and lifecycle expiry, driven by
the official SDKs (alibabacloud-oss-v2 and oss2, each signing V1 and V4).

Every test runs once per client, so each answer is read by four independent implementations of
the protocol. The emulator's clock is a ManualClock started at the real time (the SDKs sign with
the real time, and OSS refuses more than 15 minutes of skew), so a restore can be watched going
from frozen to restoring to restored by moving it a minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import alibabacloud_oss_v2 as oss
import crcmod
import oss2
import pytest

from ossbrowse.emulator import Emulator
from ossbrowse.emulator.clock import ManualClock

Rule = tuple[str, str, int | None, datetime | None]  # id, prefix, days, created-before date
CLIENTS = ("v2-v1", "v2-v4", "oss2-v1", "oss2-v4")
BUCKET = "sdk-features"
_crc64 = crcmod.mkCrcFun(0x142F0E1EBA9EA3693, initCrc=0, xorOut=0xFFFFFFFFFFFFFFFF, rev=True)


@dataclass
class Answer:
    """A response as an SDK reported it: status, headers, and for errors the decoded fields."""

    status: int
    headers: dict[str, str]
    code: str | None = None
    ec: str | None = None
    value: Any = None
    fields: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def _lower(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in dict(headers or {}).items()}


class Client(Protocol):
    def put(self, key: str, body: bytes, headers: dict[str, str] | None = None) -> Answer: ...
    def head(self, key: str) -> Answer: ...
    def get(self, key: str) -> Answer: ...
    def delete(self, key: str) -> Answer: ...
    def append(self, key: str, position: int, body: bytes) -> Answer: ...
    def put_symlink(self, key: str, target: str) -> Answer: ...
    def get_symlink(self, key: str) -> Answer: ...
    def put_tags(self, key: str, tags: dict[str, str]) -> Answer: ...
    def get_tags(self, key: str) -> Answer: ...
    def delete_tags(self, key: str) -> Answer: ...
    def restore(self, key: str, days: int | None = None) -> Answer: ...
    def put_lifecycle(self, rules: list[Rule]) -> Answer: ...
    def get_lifecycle(self) -> Answer: ...
    def delete_lifecycle(self) -> Answer: ...
    def restore_infos(self, prefix: str) -> dict[str, str | None]: ...


class V2(Client):
    """alibabacloud-oss-v2."""

    def __init__(self, emu: Emulator, sign: str) -> None:
        cfg = oss.config.load_default()
        cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(
            emu.access_key_id, emu.access_key_secret
        )
        cfg.region = emu.region
        cfg.endpoint = emu.endpoint
        cfg.signature_version = sign
        cfg.retry_max_attempts = 1
        self.c = oss.Client(cfg)

    @staticmethod
    def _call(fn: Callable[[], Any], value: Callable[[Any], Any] | None = None) -> Answer:
        try:
            result = fn()
        except oss.exceptions.OperationError as exc:
            err = exc.unwrap()
            assert isinstance(err, oss.exceptions.ServiceError), err
            return Answer(
                err.status_code,
                _lower(err.headers),
                err.code,
                err.ec,
                fields=dict(err.error_fileds or {}),
            )
        return Answer(
            result.status_code, _lower(result.headers), value=value(result) if value else None
        )

    def put(self, key: str, body: bytes, headers: dict[str, str] | None = None) -> Answer:
        request = oss.PutObjectRequest(bucket=BUCKET, key=key, body=body, headers=headers or {})
        return self._call(lambda: self.c.put_object(request))

    def head(self, key: str) -> Answer:
        return self._call(lambda: self.c.head_object(oss.HeadObjectRequest(BUCKET, key)))

    def get(self, key: str) -> Answer:
        request = oss.GetObjectRequest(BUCKET, key)
        return self._call(lambda: self.c.get_object(request), lambda r: r.body.read())

    def delete(self, key: str) -> Answer:
        return self._call(lambda: self.c.delete_object(oss.DeleteObjectRequest(BUCKET, key)))

    def append(self, key: str, position: int, body: bytes) -> Answer:
        request = oss.AppendObjectRequest(bucket=BUCKET, key=key, position=position, body=body)
        return self._call(lambda: self.c.append_object(request), lambda r: r.next_position)

    def put_symlink(self, key: str, target: str) -> Answer:
        request = oss.PutSymlinkRequest(bucket=BUCKET, key=key, target=target)
        return self._call(lambda: self.c.put_symlink(request))

    def get_symlink(self, key: str) -> Answer:
        request = oss.GetSymlinkRequest(bucket=BUCKET, key=key)
        return self._call(lambda: self.c.get_symlink(request), lambda r: r.target)

    def put_tags(self, key: str, tags: dict[str, str]) -> Answer:
        tag_set = oss.TagSet(tags=[oss.Tag(key=k, value=v) for k, v in tags.items()])
        request = oss.PutObjectTaggingRequest(
            bucket=BUCKET, key=key, tagging=oss.Tagging(tag_set=tag_set)
        )
        return self._call(lambda: self.c.put_object_tagging(request))

    def get_tags(self, key: str) -> Answer:
        request = oss.GetObjectTaggingRequest(bucket=BUCKET, key=key)
        return self._call(
            lambda: self.c.get_object_tagging(request),
            lambda r: {t.key: t.value or "" for t in (r.tag_set.tags or [])},
        )

    def delete_tags(self, key: str) -> Answer:
        request = oss.DeleteObjectTaggingRequest(bucket=BUCKET, key=key)
        return self._call(lambda: self.c.delete_object_tagging(request))

    def restore(self, key: str, days: int | None = None) -> Answer:
        body = oss.RestoreRequest(days=days) if days is not None else None
        request = oss.RestoreObjectRequest(bucket=BUCKET, key=key, restore_request=body)
        return self._call(lambda: self.c.restore_object(request))

    def put_lifecycle(self, rules: list[Rule]) -> Answer:
        config = oss.LifecycleConfiguration(
            rules=[
                oss.LifecycleRule(
                    id=rule_id,
                    prefix=prefix,
                    status="Enabled",
                    expiration=oss.LifecycleRuleExpiration(days=days, created_before_date=date),
                )
                for rule_id, prefix, days, date in rules
            ]
        )
        request = oss.PutBucketLifecycleRequest(bucket=BUCKET, lifecycle_configuration=config)
        return self._call(lambda: self.c.put_bucket_lifecycle(request))

    def get_lifecycle(self) -> Answer:
        request = oss.GetBucketLifecycleRequest(bucket=BUCKET)
        return self._call(
            lambda: self.c.get_bucket_lifecycle(request),
            lambda r: [
                (x.id, x.prefix, x.expiration.days) for x in r.lifecycle_configuration.rules
            ],
        )

    def delete_lifecycle(self) -> Answer:
        request = oss.DeleteBucketLifecycleRequest(bucket=BUCKET)
        return self._call(lambda: self.c.delete_bucket_lifecycle(request))

    def restore_infos(self, prefix: str) -> dict[str, str | None]:
        request = oss.ListObjectsV2Request(bucket=BUCKET, prefix=prefix)
        result = self.c.list_objects_v2(request)
        return {o.key: o.restore_info for o in result.contents or []}


class Oss2(Client):
    """oss2, path-style against the IP endpoint."""

    def __init__(self, emu: Emulator, sign: str) -> None:
        auth = oss2.make_auth(emu.access_key_id, emu.access_key_secret, sign)
        self.b = oss2.Bucket(auth, emu.endpoint, BUCKET, region=emu.region, is_path_style=True)

    @staticmethod
    def _call(fn: Callable[[], Any], value: Callable[[Any], Any] | None = None) -> Answer:
        try:
            result = fn()
        except oss2.exceptions.OssError as exc:
            details = {k: str(v) for k, v in (exc.details or {}).items()}
            return Answer(
                exc.status, _lower(exc.headers), exc.code or None, details.get("EC"), None, details
            )
        return Answer(result.status, _lower(result.headers), value=value(result) if value else None)

    def put(self, key: str, body: bytes, headers: dict[str, str] | None = None) -> Answer:
        return self._call(lambda: self.b.put_object(key, body, headers=headers))

    def head(self, key: str) -> Answer:
        return self._call(lambda: self.b.head_object(key))

    def get(self, key: str) -> Answer:
        return self._call(lambda: self.b.get_object(key), lambda r: r.read())

    def delete(self, key: str) -> Answer:
        return self._call(lambda: self.b.delete_object(key))

    def append(self, key: str, position: int, body: bytes) -> Answer:
        return self._call(
            lambda: self.b.append_object(key, position, body), lambda r: r.next_position
        )

    def put_symlink(self, key: str, target: str) -> Answer:
        return self._call(lambda: self.b.put_symlink(target, key))

    def get_symlink(self, key: str) -> Answer:
        return self._call(lambda: self.b.get_symlink(key), lambda r: r.target_key)

    def put_tags(self, key: str, tags: dict[str, str]) -> Answer:
        rule = oss2.models.TaggingRule()
        for k, v in tags.items():
            rule.add(k, v)
        return self._call(lambda: self.b.put_object_tagging(key, oss2.models.Tagging(rule)))

    def get_tags(self, key: str) -> Answer:
        return self._call(
            lambda: self.b.get_object_tagging(key), lambda r: dict(r.tag_set.tagging_rule)
        )

    def delete_tags(self, key: str) -> Answer:
        return self._call(lambda: self.b.delete_object_tagging(key))

    def restore(self, key: str, days: int | None = None) -> Answer:
        config = oss2.models.RestoreConfiguration(days=days) if days is not None else None
        return self._call(lambda: self.b.restore_object(key, input=config))

    def put_lifecycle(self, rules: list[Rule]) -> Answer:
        converted = [
            oss2.models.LifecycleRule(
                rule_id,
                prefix,
                status=oss2.models.LifecycleRule.ENABLED,
                expiration=oss2.models.LifecycleExpiration(
                    days=days, created_before_date=date.date() if date else None
                ),
            )
            for rule_id, prefix, days, date in rules
        ]
        return self._call(
            lambda: self.b.put_bucket_lifecycle(oss2.models.BucketLifecycle(converted))
        )

    def get_lifecycle(self) -> Answer:
        return self._call(
            lambda: self.b.get_bucket_lifecycle(),
            lambda r: [(x.id, x.prefix, x.expiration.days) for x in r.rules],
        )

    def delete_lifecycle(self) -> Answer:
        return self._call(lambda: self.b.delete_bucket_lifecycle())

    def restore_infos(self, prefix: str) -> dict[str, str | None]:
        result = self.b.list_objects_v2(prefix=prefix)
        return {o.key: o.restore_info or None for o in result.object_list}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(time.time())


@pytest.fixture
def emu(make_emulator: Callable[..., Emulator], clock: ManualClock) -> Iterator[Emulator]:
    emulator = make_emulator(clock=clock)
    emulator.store.create_bucket(BUCKET, region=emulator.region)
    yield emulator


@pytest.fixture(params=CLIENTS)
def client(request: pytest.FixtureRequest, emu: Emulator) -> Client:
    sdk, sign = request.param.split("-")
    return V2(emu, sign) if sdk == "v2" else Oss2(emu, sign)


# -- AppendObject ---------------------------------------------------------------------------------


def test_append_builds_an_appendable_object_and_checks_the_position(client: Client) -> None:
    first = client.append("logs/app.log", 0, b"first line\n")
    assert (first.status, first.value) == (200, 11)
    etag_after_first = client.head("logs/app.log").header("etag")

    second = client.append("logs/app.log", 11, b"second\n")
    assert (second.status, second.value) == (200, 18)
    assert second.header("x-oss-hash-crc64ecma") == str(_crc64(b"first line\nsecond\n"))

    wrong = client.append("logs/app.log", 11, b"again\n")
    assert (wrong.status, wrong.code) == (409, "PositionNotEqualToLength")
    assert wrong.header("x-oss-next-append-position") == "18"

    head = client.head("logs/app.log")
    assert head.header("x-oss-object-type") == "Appendable"
    assert head.header("x-oss-next-append-position") == "18"
    assert head.header("content-length") == "18"
    assert head.header("etag") != etag_after_first  # the ETag changes on every append
    assert head.header("content-md5") is None  # not kept for Appendable objects
    assert client.get("logs/app.log").value == b"first line\nsecond\n"


def test_append_to_a_normal_object_is_refused(client: Client) -> None:
    assert client.put("plain.txt", b"normal").status == 200
    refused = client.append("plain.txt", 6, b"more")
    assert (refused.status, refused.code) == (409, "ObjectNotAppendable")
    assert client.get("plain.txt").value == b"normal"


def test_a_first_append_must_start_at_zero(client: Client) -> None:
    refused = client.append("new.log", 5, b"x")
    assert (refused.status, refused.code) == (409, "PositionNotEqualToLength")
    assert refused.header("x-oss-next-append-position") == "0"
    assert client.head("new.log").status == 404


# -- symlinks ------------------------------------------------------------------------------------


def test_a_symlink_answers_for_its_target(client: Client) -> None:
    assert client.put("media/video-v2.mp4", b"0123456789").status == 200
    target = client.head("media/video-v2.mp4")
    assert client.put_symlink("media/latest.mp4", "media/video-v2.mp4").status == 200

    assert client.get_symlink("media/latest.mp4").value == "media/video-v2.mp4"
    head = client.head("media/latest.mp4")
    assert head.status == 200
    assert head.header("x-oss-object-type") == "Symlink"
    assert head.header("etag") == target.header("etag")
    assert head.header("content-length") == "10"
    assert client.get("media/latest.mp4").value == b"0123456789"


def test_a_symlink_to_nothing_is_symlink_target_not_exist(client: Client) -> None:
    assert client.put_symlink("dangling", "gone.txt").status == 200
    for answer in (client.head("dangling"), client.get("dangling")):
        assert (answer.status, answer.code, answer.ec) == (
            404,
            "SymlinkTargetNotExist",
            "0026-00000012",
        )
    assert client.get_symlink("dangling").value == "gone.txt"


def test_get_symlink_of_a_normal_object_is_refused(client: Client) -> None:
    assert client.put("plain.txt", b"x").status == 200
    answer = client.get_symlink("plain.txt")
    assert (answer.status, answer.code, answer.ec) == (400, "NotSymlink", "0043-00000101")


# -- tags and encryption --------------------------------------------------------------------------


def test_tags_from_put_and_from_tagging_are_counted_on_head(client: Client) -> None:
    assert client.put("tagged.txt", b"x", {"x-oss-tagging": "team=data&tier=gold"}).status == 200
    assert client.head("tagged.txt").header("x-oss-tagging-count") == "2"
    assert client.get_tags("tagged.txt").value == {"team": "data", "tier": "gold"}

    assert client.put_tags("tagged.txt", {"project": "q3 report"}).status == 200
    assert client.get_tags("tagged.txt").value == {"project": "q3 report"}
    assert client.head("tagged.txt").header("x-oss-tagging-count") == "1"

    assert client.delete_tags("tagged.txt").status == 204
    assert client.get_tags("tagged.txt").value == {}
    assert client.head("tagged.txt").header("x-oss-tagging-count") is None


def test_eleven_tags_are_refused(client: Client) -> None:
    assert client.put("many.txt", b"x").status == 200
    answer = client.put_tags("many.txt", {f"k{i}": "v" for i in range(11)})
    assert (answer.status, answer.code) == (400, "InvalidTag")
    assert client.get_tags("many.txt").value == {}


def test_encryption_headers_are_kept_from_put(client: Client) -> None:
    kms = {
        "x-oss-server-side-encryption": "KMS",
        "x-oss-server-side-encryption-key-id": "9468da86-3509-4f8d-a61e-6eab1eac****",
        "x-oss-server-side-data-encryption": "SM4",
    }
    put = client.put("secret.csv", b"a,b\n", kms)
    assert put.status == 200
    assert put.header("x-oss-server-side-encryption") == "KMS"
    head = client.head("secret.csv")
    for name, value in kms.items():
        assert head.header(name) == value
    assert client.get("secret.csv").value == b"a,b\n"

    assert client.put("aes.txt", b"x", {"x-oss-server-side-encryption": "AES256"}).status == 200
    aes = client.head("aes.txt")
    assert aes.header("x-oss-server-side-encryption") == "AES256"
    assert aes.header("x-oss-server-side-encryption-key-id") is None

    # KMS without a key id: OSS uses the default managed key and says which.
    assert client.put("default.txt", b"x", {"x-oss-server-side-encryption": "KMS"}).status == 200
    assert client.head("default.txt").header("x-oss-server-side-encryption-key-id")

    bad = client.put("bad.txt", b"x", {"x-oss-server-side-encryption": "ROT13"})
    assert (bad.status, bad.code) == (400, "InvalidEncryptionAlgorithmError")
    assert client.head("bad.txt").status == 404


# -- RestoreObject --------------------------------------------------------------------------------


def test_restore_moves_an_archive_object_from_frozen_to_restored(
    client: Client, clock: ManualClock
) -> None:
    archive = {"x-oss-storage-class": "Archive"}
    assert client.put("cold/2024.tar", b"archived bytes", archive).status == 200
    frozen = client.get("cold/2024.tar")
    assert (frozen.status, frozen.code, frozen.ec) == (403, "InvalidObjectState", "0016-00000404")
    assert client.head("cold/2024.tar").header("x-oss-restore") is None

    assert client.restore_infos("cold/") == {"cold/2024.tar": None}
    assert client.restore("cold/2024.tar", days=2).status == 202
    assert client.head("cold/2024.tar").header("x-oss-restore") == 'ongoing-request="true"'
    assert client.restore_infos("cold/") == {"cold/2024.tar": 'ongoing-request="true"'}
    again = client.restore("cold/2024.tar")
    assert (again.status, again.code) == (409, "RestoreAlreadyInProgress")
    assert client.get("cold/2024.tar").status == 403

    clock.advance(61)  # an Archive restore takes about a minute
    restored = client.head("cold/2024.tar").header("x-oss-restore") or ""
    assert restored.startswith('ongoing-request="false", expiry-date="')
    assert client.get("cold/2024.tar").value == b"archived bytes"
    assert client.restore_infos("cold/") == {"cold/2024.tar": restored}  # listings agree
    assert client.restore("cold/2024.tar").status == 200  # restored: extended


def test_restore_of_a_standard_object_is_refused(client: Client) -> None:
    assert client.put("hot.txt", b"x").status == 200
    answer = client.restore("hot.txt")
    assert (answer.status, answer.code) == (400, "OperationNotSupported")


def test_restore_days_beyond_seven_are_refused_for_archive(client: Client) -> None:
    assert client.put("cold.tar", b"x", {"x-oss-storage-class": "Archive"}).status == 200
    answer = client.restore("cold.tar", days=8)
    assert (answer.status, answer.ec) == (400, "0016-00000708")
    assert client.head("cold.tar").header("x-oss-restore") is None


# -- lifecycle ------------------------------------------------------------------------------------


def test_a_lifecycle_expiration_rule_shows_on_head(client: Client, clock: ManualClock) -> None:
    cutoff = datetime(2099, 1, 1, tzinfo=UTC)
    rules = [("expire-tmp", "tmp/", 3, None), ("old-logs", "logs/", None, cutoff)]
    assert client.put_lifecycle(rules).status == 200
    assert client.get_lifecycle().value == [("expire-tmp", "tmp/", 3), ("old-logs", "logs/", None)]

    assert client.put("tmp/scratch.txt", b"x").status == 200
    written = int(clock.now)
    midnight = -(-(written + 3 * 86_400) // 86_400) * 86_400
    expected = datetime.fromtimestamp(midnight, UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert (
        client.head("tmp/scratch.txt").header("x-oss-expiration")
        == f'expiry-date="{expected}", rule-id="expire-tmp"'
    )
    assert client.put("logs/a.log", b"x").status == 200
    assert (
        client.head("logs/a.log").header("x-oss-expiration")
        == 'expiry-date="Thu, 01 Jan 2099 00:00:00 GMT", rule-id="old-logs"'
    )
    assert client.put("keep.txt", b"x").status == 200
    assert client.head("keep.txt").header("x-oss-expiration") is None

    assert client.delete_lifecycle().status == 204
    assert client.head("tmp/scratch.txt").header("x-oss-expiration") is None
    missing = client.get_lifecycle()
    assert (missing.status, missing.code) == (404, "NoSuchLifecycle")
