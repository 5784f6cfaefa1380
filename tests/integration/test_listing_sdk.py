"""``ossbrowse ls`` and the client's listings agree with the official SDK's paginators.

The same emulator data is listed by ``alibabacloud-oss-v2`` (ListObjectsV2Paginator,
ListObjectVersionsPaginator, ListBucketsPaginator) and by ``ossbrowse ls --output-format
jsonl``: keys with spaces, ``+``, ``%``, unicode and ``..`` segments, and enough keys (2,600)
for several pages at every page size tried.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

import alibabacloud_oss_v2 as oss
import pytest

from ossbrowse.cli import main
from ossbrowse.emulator import Emulator
from ossbrowse.emulator.demo import DEMO_BUCKET, DEMO_TOTO_KEY

BUCKET = "listing-check"
ODD_KEYS = [
    "dir/a b.txt",
    "dir/a+b.txt",
    "dir/100%.txt",
    "dir/%2F not a slash",
    "dir/目录/说明.txt",
    "dir/café",
    "dir/../up",
    "dir/./here",
    "dir/sub/..",
    "dir/trailing space ",
    "dir/q?x=1&y=2#frag",
    "a/b/c/d/e.txt",
    "top.txt",
]
BULK = [f"bulk/{i:05d}" for i in range(2600)]


def _sdk(emulator: Emulator) -> oss.Client:
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(
        emulator.access_key_id, emulator.access_key_secret
    )
    cfg.region = emulator.region
    cfg.endpoint = emulator.endpoint
    return oss.Client(cfg)


@pytest.fixture
def seeded(emulator: Emulator) -> Emulator:
    """A versioned bucket: odd keys put by the SDK, 2,600 bulk keys, versions and markers."""
    client = _sdk(emulator)
    client.put_bucket(oss.PutBucketRequest(bucket=BUCKET))
    client.put_bucket_versioning(
        oss.PutBucketVersioningRequest(
            bucket=BUCKET,
            versioning_configuration=oss.VersioningConfiguration(status="Enabled"),
        )
    )
    for key in ODD_KEYS:
        if {".", ".."} & set(key.split("/")):
            # The SDK's HTTP stack drops dot segments from the path: store these directly.
            emulator.store.put_object(BUCKET, key, key.encode())
        else:
            client.put_object(oss.PutObjectRequest(bucket=BUCKET, key=key, body=key.encode()))
    for key in BULK:  # the store directly: 2,600 HTTP PUTs would only slow the test down
        emulator.store.put_object(BUCKET, key, key.encode())
    client.put_object(oss.PutObjectRequest(bucket=BUCKET, key="dir/a b.txt", body=b"v2"))
    client.delete_object(oss.DeleteObjectRequest(bucket=BUCKET, key="dir/a+b.txt"))
    return emulator


def ls(emulator: Emulator, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    """Run ``ossbrowse ls ... --output-format jsonl``; (exit status, records, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    argv = ["ls", *args, "--output-format", "jsonl", "-e", emulator.endpoint]
    argv += ["--region", emulator.region, "-i", emulator.access_key_id]
    argv += ["-k", emulator.access_key_secret]
    with redirect_stdout(out), redirect_stderr(err):
        status = main(argv)
    return status, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def _iso(moment: Any) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("page_size", [1000, 333])
def test_objects_agree_with_the_sdk_paginator(seeded: Emulator, page_size: int) -> None:
    paginator = _sdk(seeded).list_objects_v2_paginator(limit=page_size)
    theirs = [
        {
            "key": o.key,
            "size": o.size,
            "etag": o.etag,
            "last_modified": _iso(o.last_modified),
            "storage_class": o.storage_class,
        }
        for page in paginator.iter_page(oss.ListObjectsV2Request(bucket=BUCKET))
        for o in page.contents or []
    ]
    status, records, err = ls(seeded, f"oss://{BUCKET}", "--page-size", str(page_size))
    assert status == 0, err
    ours = [{k: r[k] for k in theirs[0]} for r in records]
    assert ours == theirs
    assert len(ours) == len(BULK) + len(ODD_KEYS) - 1  # one odd key is deleted
    assert {r["key"] for r in records} >= set(ODD_KEYS) - {"dir/a+b.txt"}


def test_one_level_agrees_with_the_sdk(seeded: Emulator) -> None:
    request = oss.ListObjectsV2Request(bucket=BUCKET, prefix="dir/", delimiter="/")
    objects, prefixes = [], []
    for page in _sdk(seeded).list_objects_v2_paginator(limit=3).iter_page(request):
        objects += [o.key for o in page.contents or []]
        prefixes += [p.prefix for p in page.common_prefixes or []]
    status, records, err = ls(seeded, f"oss://{BUCKET}/dir/", "-d", "--page-size", "3")
    assert status == 0, err
    assert [r["key"] for r in records if r["type"] == "object"] == objects
    assert [r["key"] for r in records if r["type"] == "prefix"] == prefixes
    assert set(prefixes) == {"dir/../", "dir/./", "dir/sub/", "dir/目录/"}
    # One merged listing in key order, as the server sorted it.
    assert [r["key"] for r in records] == sorted(objects + prefixes)


@pytest.mark.parametrize("page_size", [1000, 7])
def test_versions_agree_with_the_sdk_paginator(seeded: Emulator, page_size: int) -> None:
    request = oss.ListObjectVersionsRequest(bucket=BUCKET, prefix="dir/")
    theirs = []
    for page in _sdk(seeded).list_object_versions_paginator(limit=page_size).iter_page(request):
        theirs += [(v.key, v.version_id, v.is_latest, False) for v in page.version or []]
        theirs += [(m.key, m.version_id, m.is_latest, True) for m in page.delete_marker or []]
    status, records, err = ls(
        seeded, f"oss://{BUCKET}/dir/", "--all-versions", "--page-size", str(page_size)
    )
    assert status == 0, err
    ours = [(r["key"], r["version_id"], r["is_latest"], r["is_delete_marker"]) for r in records]
    assert sorted(ours) == sorted(theirs)
    assert ("dir/a+b.txt", True, True) in {(k, latest, dm) for k, _, latest, dm in ours}
    assert [k for k, *_ in ours] == sorted(k for k, *_ in ours)  # key order kept


def test_buckets_agree_with_the_sdk_paginator(make_emulator: Callable[..., Emulator]) -> None:
    emulator = make_emulator()
    client = _sdk(emulator)
    names = ["b-three", "a-one", "c-two", "d-four", "e-five"]
    for name in names:
        client.put_bucket(oss.PutBucketRequest(bucket=name))
    paginator = client.list_buckets_paginator(limit=2)
    theirs = [b.name for p in paginator.iter_page(oss.ListBucketsRequest()) for b in p.buckets]
    status, records, err = ls(emulator, "--page-size", "2")
    assert status == 0, err
    assert [r["name"] for r in records] == theirs == sorted(names)
    assert all(r["region"] == emulator.region for r in records)


def test_versions_of_exactly_toto(demo_emulator: Emulator) -> None:
    request = oss.ListObjectVersionsRequest(bucket=DEMO_BUCKET, prefix=DEMO_TOTO_KEY)
    sdk_entries = []
    for page in _sdk(demo_emulator).list_object_versions_paginator().iter_page(request):
        sdk_entries += [(v.key, v.version_id, False) for v in page.version or []]
        sdk_entries += [(m.key, m.version_id, True) for m in page.delete_marker or []]
    assert {k for k, *_ in sdk_entries} == {
        DEMO_TOTO_KEY,
        f"{DEMO_TOTO_KEY}-1",
        f"{DEMO_TOTO_KEY}-10",
    }
    status, records, err = ls(
        demo_emulator,
        f"oss://{DEMO_BUCKET}/{DEMO_TOTO_KEY}",
        "--all-versions",
        "--exact-key",
        "--page-size",
        "2",
    )
    assert status == 0, err
    assert {r["key"] for r in records} == {DEMO_TOTO_KEY}
    ours = sorted((r["key"], r["version_id"], r["is_delete_marker"]) for r in records)
    assert ours == sorted(e for e in sdk_entries if e[0] == DEMO_TOTO_KEY)
    assert [r["is_delete_marker"] for r in records] == [False, True, False, False]
    assert [r["is_latest"] for r in records] == [True, False, False, False]
