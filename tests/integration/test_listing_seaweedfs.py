"""A plain listing agrees with SeaweedFS, a real object store speaking the same ListObjectsV2 XML.

The same keys (spaces, ``+``, ``%``, unicode; 260 of them, listed 100 per page) are put into
SeaweedFS and into the emulator; ``ossbrowse ls`` must list the same keys, sizes and ETags from
both, recursively and one level deep. (ETags are compared ignoring case: OSS writes the MD5
in upper case, S3 servers in lower case.)
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from ossbrowse.cli import main
from ossbrowse.emulator import Emulator

pytestmark = pytest.mark.seaweedfs
BUCKET = "listing-agreement"
KEYS = [
    "plain.txt",
    "dir/a b.txt",
    "dir/a+b.txt",
    "dir/100%.txt",
    "dir/目录/说明.txt",
    "dir/café",
    "dir/sub/deeper/x",
    *[f"many/{i:04d}.bin" for i in range(253)],
]


@pytest.fixture(scope="module")
def listing_seaweedfs(seaweedfs: str) -> str:
    assert httpx.put(f"{seaweedfs}/{BUCKET}").status_code in (200, 409)
    with httpx.Client() as client:
        for key in KEYS:
            url = f"{seaweedfs}/{BUCKET}/{quote(key)}"
            assert client.put(url, content=key.encode()).status_code == 200, key
    return seaweedfs


def ls(endpoint: str, emulator: Emulator, *args: str) -> list[dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    argv = ["ls", *args, "--output-format", "jsonl", "-e", endpoint, "--region", emulator.region]
    argv += ["-i", emulator.access_key_id, "-k", emulator.access_key_secret, "--page-size", "100"]
    with redirect_stdout(out), redirect_stderr(err):
        status = main(argv)
    assert status == 0, err.getvalue()
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_ls_agrees_with_seaweedfs(listing_seaweedfs: str, emulator: Emulator) -> None:
    emulator.store.create_bucket(BUCKET, region=emulator.region)
    for key in KEYS:
        emulator.store.put_object(BUCKET, key, key.encode())

    def shape(records: list[dict[str, Any]]) -> list[tuple[str, str, Any, Any]]:
        # OSS writes the MD5 ETag in upper case, S3 servers in lower case.
        return [(r["type"], r["key"], r["size"], (r["etag"] or "").upper()) for r in records]

    theirs = ls(listing_seaweedfs, emulator, f"oss://{BUCKET}")
    ours = ls(emulator.endpoint, emulator, f"oss://{BUCKET}")
    assert len(theirs) == len(KEYS)
    assert shape(ours) == shape(theirs)
    assert [r["key"] for r in theirs] == sorted(KEYS)

    theirs = ls(listing_seaweedfs, emulator, f"oss://{BUCKET}/dir/", "-d")
    ours = ls(emulator.endpoint, emulator, f"oss://{BUCKET}/dir/", "-d")
    assert shape(ours) == shape(theirs)
    assert ("prefix", "dir/sub/") in {(r["type"], r["key"]) for r in theirs}
