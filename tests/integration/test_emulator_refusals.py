"""On the wire, through the official SDKs: refusals, one Content-Length, bucket-first errors,
UTF-8 metadata (issue 15).
"""

from __future__ import annotations

import socket

import alibabacloud_oss_v2 as oss
import oss2
import pytest

from ossbrowse.emulator import Emulator
from ossbrowse.emulator.listing import ListQuery
from ossbrowse.emulator.messages import Response
from ossbrowse.emulator.object_ops import ObjectOps

BUCKET, KEY = "refuse-1", "dir/k.txt"


@pytest.fixture
def seeded(emulator: Emulator) -> Emulator:
    emulator.store.create_bucket(BUCKET, region=emulator.region)
    emulator.store.put_object(BUCKET, KEY, b"0123456789", content_type="text/plain")
    return emulator


def _oss2(emu: Emulator, version: str, bucket: str = BUCKET, ak: str | None = None) -> oss2.Bucket:
    auth = oss2.make_auth(ak or emu.access_key_id, emu.access_key_secret, version)
    return oss2.Bucket(auth, emu.endpoint, bucket, region=emu.region)


def _v2(emu: Emulator, version: str, ak: str | None = None) -> oss.Client:
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(
        ak or emu.access_key_id, emu.access_key_secret
    )
    cfg.region = emu.region
    cfg.endpoint = emu.endpoint
    cfg.signature_version = version
    return oss.Client(cfg)


def _raw_head(emu: Emulator, target: str) -> tuple[str, list[tuple[str, str]]]:
    """Status line and header lines of a HEAD, read byte for byte (no client merging)."""
    from email.utils import formatdate

    from ossbrowse.oss.signing import v1_signature, v1_string_to_sign

    date = formatdate(usegmt=True)
    query = [(q, "") for q in target.partition("?")[2].split("&") if q]
    sts = v1_string_to_sign("HEAD", {}, BUCKET, KEY, query, date)
    auth = f"OSS {emu.access_key_id}:{v1_signature(emu.access_key_secret, sts)}"
    request = (
        f"HEAD {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nDate: {date}\r\n"
        f"Authorization: {auth}\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((emu.host, emu.port), timeout=10) as sock:
        sock.sendall(request.encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    status, *lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    return status, [(n.strip().lower(), v.strip()) for n, _, v in (x.partition(":") for x in lines)]


@pytest.mark.parametrize("version", ["v1", "v4"])
def test_delete_cors_is_refused_and_the_object_stays(seeded: Emulator, version: str) -> None:
    # A DELETE with a sub-resource the emulator does not serve must not delete the bucket.
    bucket = _oss2(seeded, version)
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        bucket.delete_bucket_cors()
    assert (caught.value.status, caught.value.code) == (501, "NotImplemented")
    assert bucket.get_object(KEY).read() == b"0123456789"


def test_acl_and_bucket_subresources_are_refused_through_oss2(seeded: Emulator) -> None:
    bucket = _oss2(seeded, "v1")
    refused = [
        lambda: bucket.get_object_acl(KEY),
        lambda: bucket.put_object_acl(KEY, oss2.OBJECT_ACL_PRIVATE),
        lambda: bucket.get_bucket_acl(),
        lambda: bucket.put_bucket_acl(oss2.BUCKET_ACL_PUBLIC_READ),
        lambda: bucket.get_bucket_stat(),
        lambda: bucket.get_bucket_cors(),
        lambda: bucket.get_bucket_website(),
        lambda: bucket.get_bucket_referer(),
        lambda: bucket.get_bucket_policy(),
        lambda: bucket.get_bucket_encryption(),
        lambda: oss2.Service(bucket.auth, seeded.endpoint).describe_regions(),
    ]
    for call in refused:
        with pytest.raises(oss2.exceptions.ServerError) as caught:
            call()
        assert (caught.value.status, caught.value.code) == (501, "NotImplemented")
    assert bucket.get_object(KEY).read() == b"0123456789"


def test_head_refusal_carries_the_document_in_x_oss_err(seeded: Emulator) -> None:
    client = _v2(seeded, "v4")
    with pytest.raises(oss.exceptions.OperationError) as caught:
        client.invoke_operation(
            oss.OperationInput(
                op_name="HeadTagging",
                method="HEAD",
                bucket=BUCKET,
                key=KEY,
                parameters={"tagging": ""},
            )
        )
    error = caught.value.unwrap()
    assert (error.status_code, error.code) == (501, "NotImplemented")


def test_get_object_meta_sends_one_content_length(seeded: Emulator) -> None:
    status, headers = _raw_head(seeded, f"/{BUCKET}/{KEY}?objectMeta")
    assert status.startswith("HTTP/1.1 200")
    assert [v for n, v in headers if n == "content-length"] == ["10"]
    result = _oss2(seeded, "v4").get_object_meta(KEY)
    assert result.content_length == 10


def test_no_handler_can_send_a_second_content_length(
    seeded: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: ObjectOps, ctx: object, *, head: bool) -> Response:
        return Response(200, [("Content-Length", "3")], content_length=10)

    monkeypatch.setattr(ObjectOps, "get_object", broken)
    status, headers = _raw_head(seeded, f"/{BUCKET}/{KEY}")
    assert status.startswith("HTTP/1.1 500")
    assert len([v for n, v in headers if n == "content-length"]) == 1


@pytest.mark.parametrize("version", ["v1", "v4"])
def test_a_missing_bucket_is_404_even_with_an_unknown_access_key(
    seeded: Emulator, version: str
) -> None:
    stranger = _oss2(seeded, version, bucket="no-such-bucket-1", ak="LTAI5tNobodyKnowsThisKey")
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        stranger.get_object(KEY)
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        stranger.get_object_meta(KEY)
    # The bucket exists: now the key is checked.
    known = _oss2(seeded, version, ak="LTAI5tNobodyKnowsThisKey")
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        known.get_object(KEY)
    assert (caught.value.status, caught.value.code) == (403, "InvalidAccessKeyId")
    # Creating a bucket, or setting its ACL, still needs a known key (OSS checks the caller
    # first for these two, as alibabacloud-oss-v2's suite expects).
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        stranger.create_bucket()
    assert caught.value.code == "InvalidAccessKeyId"
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        stranger.put_bucket_acl(oss2.BUCKET_ACL_PRIVATE)
    assert caught.value.code == "InvalidAccessKeyId"
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        stranger.get_bucket_acl()


@pytest.mark.parametrize("version", ["v1", "v4"])
def test_utf8_user_metadata_round_trips_with_oss2(seeded: Emulator, version: str) -> None:
    bucket = _oss2(seeded, version)
    bucket.put_object("meta.txt", b"x", headers={"x-oss-meta-city": "杭州 Zürich".encode()})
    value = bucket.head_object("meta.txt").headers["x-oss-meta-city"]
    # requests reads header bytes as ISO-8859-1; OSS sends the UTF-8 bytes back.
    assert value.encode("iso-8859-1").decode("utf-8") == "杭州 Zürich"
    stored = seeded.store.get_object(BUCKET, "meta.txt")
    assert stored.user_meta == (("city", "杭州 Zürich"),)


@pytest.mark.parametrize("version", ["v1", "v4"])
def test_utf8_user_metadata_verifies_with_the_v2_sdk(seeded: Emulator, version: str) -> None:
    # The v2 SDK sends header text as ISO-8859-1 (requests), so only such characters go out;
    # it signs their UTF-8 form, which the emulator reads the value back as.
    client = _v2(seeded, version)
    client.put_object(
        oss.PutObjectRequest(bucket=BUCKET, key="meta2.txt", body=b"x", metadata={"city": "Zürich"})
    )
    stored = seeded.store.get_object(BUCKET, "meta2.txt")
    assert stored.user_meta == (("city", "Zürich"),)


def test_a_get_announcing_a_body_it_never_sends_is_answered(seeded: Emulator) -> None:
    """oss2's own suite sends GET with Content-Length: 9 and no body; OSS answers it."""
    bucket = _oss2(seeded, "v4")
    url = bucket.sign_url("GET", KEY, 60, headers={"Content-Length": "9"})
    result = bucket.get_object_with_url(url, headers={"Content-Length": "9"})
    assert result.read() == b"0123456789"


@pytest.mark.parametrize("version", ["v1", "v4"])
def test_batch_delete_of_names_with_control_characters(seeded: Emulator, version: str) -> None:
    key = "ctl/a\x01b\x0cc\x1f.txt"
    seeded.store.put_object(BUCKET, key, b"x")
    seeded.store.put_object(BUCKET, "ctl/plain", b"x")
    # oss2 sends the control characters raw inside the XML document.
    result = _oss2(seeded, version).batch_delete_objects([key, "ctl/plain"])
    assert sorted(result.deleted_keys) == sorted([key, "ctl/plain"])
    listed = seeded.store.list_objects(BUCKET, ListQuery(prefix="ctl/")).entries
    assert [v.key for v in listed] == []


def test_batch_delete_with_character_references_from_the_v2_sdk(seeded: Emulator) -> None:
    key = "ctl/\x02\x07name"
    seeded.store.put_object(BUCKET, key, b"x")
    # alibabacloud-oss-v2 writes them as &#02; references.
    result = _v2(seeded, "v4").delete_multiple_objects(
        oss.DeleteMultipleObjectsRequest(
            bucket=BUCKET, encoding_type="url", objects=[oss.DeleteObject(key=key)]
        )
    )
    assert [d.key for d in result.deleted_objects] == [key]
    assert seeded.store.list_objects(BUCKET, ListQuery(prefix="ctl/")).entries == []
