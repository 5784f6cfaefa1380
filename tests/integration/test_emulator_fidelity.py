"""What the emulator implements, answered as OSS answers it, through the official SDKs (issue 15):
ListBuckets paging, response-* overrides, listing argument limits, a bucket's storage class,
OSS's wording of signing-region errors.
"""

from __future__ import annotations

from collections.abc import Callable

import alibabacloud_oss_v2 as oss
import oss2
import pytest

from ossbrowse.emulator import Emulator


def _service(emu: Emulator) -> oss2.Service:
    return oss2.Service(oss2.Auth(emu.access_key_id, emu.access_key_secret), emu.endpoint)


def _bucket(
    emu: Emulator, name: str, version: str = "v4", region: str | None = None
) -> oss2.Bucket:
    auth = oss2.make_auth(emu.access_key_id, emu.access_key_secret, version)
    return oss2.Bucket(auth, emu.endpoint, name, region=region or emu.region)


def _v2(emu: Emulator) -> oss.Client:
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(
        emu.access_key_id, emu.access_key_secret
    )
    cfg.region = emu.region
    cfg.endpoint = emu.endpoint
    return oss.Client(cfg)


def test_list_buckets_pages_with_max_keys_marker_and_prefix(emulator: Emulator) -> None:
    names = [f"page-{n}" for n in range(5)] + ["other-1"]
    for name in names:
        emulator.store.create_bucket(name, region=emulator.region)
    service = _service(emulator)
    first = service.list_buckets(prefix="page-", max_keys=2)
    assert [b.name for b in first.buckets] == ["page-0", "page-1"]
    assert first.is_truncated and first.next_marker == "page-1"
    second = service.list_buckets(prefix="page-", marker=first.next_marker, max_keys=2)
    assert [b.name for b in second.buckets] == ["page-2", "page-3"]
    last = service.list_buckets(prefix="page-", marker=second.next_marker, max_keys=2)
    assert [b.name for b in last.buckets] == ["page-4"]
    assert not last.is_truncated
    # Both SDKs' iterators walk every page.
    assert [b.name for b in oss2.BucketIterator(service, max_keys=2)] == sorted(names)
    paginator = _v2(emulator).list_buckets_paginator(limit=2)
    pages = list(paginator.iter_page(oss.ListBucketsRequest(prefix="page-")))
    assert [len(p.buckets) for p in pages] == [2, 2, 1]


def test_list_buckets_refuses_max_keys_out_of_range(emulator: Emulator) -> None:
    for bad in (0, 1001):
        with pytest.raises(oss2.exceptions.InvalidArgument):
            _service(emulator).list_buckets(max_keys=bad)


def test_get_object_honours_response_overrides(emulator: Emulator) -> None:
    emulator.store.create_bucket("over-1", region=emulator.region)
    bucket = _bucket(emulator, "over-1")
    bucket.put_object("k.bin", b"data", headers={"Content-Type": "application/octet-stream"})
    overrides = {
        "response-content-type": "text/plain",
        "response-content-language": "zh-CN",
        "response-expires": "Thu, 01 Jan 2037 00:00:00 GMT",
        "response-cache-control": "no-cache",
        "response-content-disposition": 'attachment; filename="x.txt"',
        "response-content-encoding": "identity",
    }
    headers = bucket.get_object("k.bin", params=overrides).headers
    assert headers["Content-Type"] == "text/plain"
    assert headers["Content-Language"] == "zh-CN"
    assert headers["Expires"] == "Thu, 01 Jan 2037 00:00:00 GMT"
    assert headers["Cache-Control"] == "no-cache"
    assert headers["Content-Disposition"] == 'attachment; filename="x.txt"'
    assert headers["Content-Encoding"] == "identity"
    # Presigned (V1) with an override: the override is a signed sub-resource.
    url = _bucket(emulator, "over-1", "v1").sign_url(
        "GET", "k.bin", 60, params={"response-content-type": "image/png"}
    )
    assert bucket.get_object_with_url(url).headers["Content-Type"] == "image/png"
    # The stored object is unchanged.
    assert bucket.head_object("k.bin").content_type == "application/octet-stream"


@pytest.mark.parametrize(
    "call",
    [
        lambda b: b.list_objects(prefix="p" * 1024),
        lambda b: b.list_objects(marker="m" * 1025),
        lambda b: b.list_objects(delimiter="//"),
        lambda b: b.list_objects_v2(prefix="p" * 1025),
        lambda b: b.list_objects_v2(start_after="s" * 1024),
        lambda b: b.list_objects_v2(delimiter="ab"),
        lambda b: b.list_object_versions(prefix="p" * 1025),
        lambda b: b.list_object_versions(key_marker="k" * 1025),
        lambda b: b.list_object_versions(delimiter="a" * 1025),
    ],
)
def test_listing_arguments_are_validated_as_oss_does(emulator: Emulator, call: object) -> None:
    emulator.store.create_bucket("list-1", region=emulator.region)
    with pytest.raises(oss2.exceptions.InvalidArgument):
        call(_bucket(emulator, "list-1"))  # type: ignore[operator]


def test_a_one_character_delimiter_and_1023_byte_prefix_are_fine(emulator: Emulator) -> None:
    emulator.store.create_bucket("list-2", region=emulator.region)
    bucket = _bucket(emulator, "list-2")
    bucket.put_object("a/b", b"1")
    assert bucket.list_objects(delimiter="/").prefix_list == ["a/"]
    assert bucket.list_objects_v2(prefix="p" * 1023).object_list == []


def test_a_buckets_storage_class_applies_to_new_objects(emulator: Emulator) -> None:
    bucket = _bucket(emulator, "cold-1")
    bucket.create_bucket(
        oss2.BUCKET_ACL_PRIVATE, oss2.models.BucketCreateConfig(oss2.BUCKET_STORAGE_CLASS_IA)
    )
    assert [b.storage_class for b in _service(emulator).list_buckets().buckets] == ["IA"]
    bucket.put_object("k", b"x")
    assert bucket.head_object("k").headers["x-oss-storage-class"] == "IA"
    # An explicit class still wins.
    bucket.put_object("k2", b"x", headers={"x-oss-storage-class": "Standard"})
    assert bucket.head_object("k2").headers["x-oss-storage-class"] == "Standard"


def test_an_unknown_bucket_storage_class_is_refused(emulator: Emulator) -> None:
    bucket = _bucket(emulator, "cold-2")
    with pytest.raises(oss2.exceptions.InvalidArgument):
        bucket.create_bucket(oss2.BUCKET_ACL_PRIVATE, oss2.models.BucketCreateConfig("Frozen"))
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        bucket.get_bucket_location()


def test_signing_region_errors_use_oss_wording(emulator: Emulator) -> None:
    emulator.store.create_bucket("reg-1", region=emulator.region)
    wrong = _bucket(emulator, "reg-1", "v4", region="cn-beijing")
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        wrong.head_object("k")
    assert caught.value.message == "Invalid signing region in Authorization header."
    assert caught.value.ec == "0002-00000226"
    url = wrong.sign_url("GET", "k", 60)
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        wrong.get_object_with_url(url)
    assert caught.value.message == "The signing region in credential is invalid."


@pytest.mark.parametrize("anonymous", [False, True])
def test_get_bucket_info_reports_what_the_emulator_keeps(
    make_emulator: Callable[..., Emulator], anonymous: bool
) -> None:
    emulator = make_emulator(allow_anonymous=anonymous)
    client = _v2(emulator)
    client.put_bucket(
        oss.PutBucketRequest(
            bucket="info-1",
            acl="public-read",
            create_bucket_configuration=oss.CreateBucketConfiguration(storage_class="IA"),
        )
    )
    client.put_bucket_versioning(
        oss.PutBucketVersioningRequest(
            bucket="info-1",
            versioning_configuration=oss.VersioningConfiguration(status="Enabled"),
        )
    )
    info = client.get_bucket_info(oss.GetBucketInfoRequest(bucket="info-1")).bucket_info
    assert (info.name, info.storage_class, info.acl) == ("info-1", "IA", "public-read")
    assert info.versioning == "Enabled"
    assert info.location == f"oss-{emulator.region}"
    assert info.block_public_access is (not anonymous)
    assert info.resource_group_id
    # oss2 reads the same document.
    assert _bucket(emulator, "info-1").get_bucket_info().versioning_status == "Enabled"


def test_delete_multiple_objects_deletes_keys_and_versions(emulator: Emulator) -> None:
    emulator.store.create_bucket("many-1", region=emulator.region)
    emulator.store.set_versioning("many-1", "Enabled")
    old = emulator.store.put_object("many-1", "a", b"1")
    emulator.store.put_object("many-1", "a", b"2")
    emulator.store.put_object("many-1", "b", b"3")
    result = _v2(emulator).delete_multiple_objects(
        oss.DeleteMultipleObjectsRequest(
            bucket="many-1",
            objects=[
                oss.DeleteObject(key="a", version_id=old.version_id),
                oss.DeleteObject(key="b"),
            ],
        )
    )
    deleted = {d.key: d for d in result.deleted_objects}
    assert deleted["a"].version_id == old.version_id and not deleted["a"].delete_marker
    assert deleted["b"].delete_marker and deleted["b"].delete_marker_version_id
    assert [v.body for v in emulator.store.versions_of("many-1", "a")] == [b"2"]
    # oss2 sends the key-only form; in a versioned bucket it leaves a delete marker.
    quiet = _bucket(emulator, "many-1").batch_delete_objects(["a"])
    assert quiet.deleted_keys == ["a"]
    assert emulator.store.versions_of("many-1", "a")[0].is_delete_marker
