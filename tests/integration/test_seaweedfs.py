"""Second opinion on conditional outcomes: the same matrix against SeaweedFS and the emulator.

SeaweedFS is a real object store with correct RFC 7232 handling (test-oracles.md §2). It speaks
S3, but in anonymous mode it ignores ``Authorization``, so our OSS-signed HEADs reach it as they
are. Each case is built relative to each server's own ETag and Last-Modified, and the two status
codes must agree. Known, documented deviations of SeaweedFS from OSS are left out of the matrix
(unparsable dates: SeaweedFS answers 400, OSS ignores the header).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import oss2
import pytest

from ossbrowse.emulator import Emulator
from ossbrowse.oss.client import OssClient
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.httpdates import format_http_date, parse_http_date
from ossbrowse.oss.profile import Profile

pytestmark = pytest.mark.seaweedfs
BUCKET = "conditional-matrix"
KEY = "hello.txt"
BODY = b"hello, conditional world\n"


@pytest.fixture(scope="module")
def matrix_seaweedfs(seaweedfs: str) -> str:
    """The shared SeaweedFS with this matrix's bucket and object."""
    assert httpx.put(f"{seaweedfs}/{BUCKET}").status_code in (200, 409)
    assert httpx.put(f"{seaweedfs}/{BUCKET}/{KEY}", content=BODY).status_code == 200
    return seaweedfs


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


def _profile(endpoint: str, emu: Emulator) -> Profile:
    return emu.profile(name="matrix", endpoint=endpoint)


# Each case names the headers relative to the object: "etag" is its ETag, "other" a different
# one; dates are Last-Modified plus an offset in seconds.
CASES: list[dict[str, object]] = [
    {},
    {"if_match": "etag"},
    {"if_match": "other"},
    {"if_match": "*"},
    {"if_none_match": "etag"},
    {"if_none_match": "other"},
    {"if_none_match": "*"},
    {"if_modified_since": -3600},
    {"if_modified_since": 0},
    {"if_modified_since": 3600},
    {"if_unmodified_since": -3600},
    {"if_unmodified_since": 0},
    {"if_unmodified_since": 3600},
    {"if_match": "etag", "if_unmodified_since": -3600},
    {"if_match": "other", "if_unmodified_since": 3600},
    {"if_none_match": "other", "if_modified_since": 3600},
    {"if_none_match": "etag", "if_modified_since": -3600},
    {"if_match": "etag", "if_none_match": "etag"},
    {"if_match": "etag", "if_none_match": "other", "if_modified_since": 0},
    {"if_unmodified_since": 3600, "if_modified_since": -3600},
]


def _fields(case: dict[str, object], etag: str, last_modified: str) -> dict[str, str]:
    moment = parse_http_date(last_modified)
    assert moment is not None
    fields: dict[str, str] = {}
    for name, value in case.items():
        if isinstance(value, int):
            fields[name] = format_http_date(moment + timedelta(seconds=value))
        else:
            fields[name] = {"etag": etag, "other": '"0123456789ABCDEF0123456789ABCDEF"'}.get(
                str(value), str(value)
            )
    return fields


def _statuses(endpoint: str, emu: Emulator) -> list[int | None]:
    with OssClient(_profile(endpoint, emu)) as client:
        base = client.head_object(build_head_request(bucket=BUCKET, key=KEY))
        assert base.status == 200 and base.etag and base.last_modified
        statuses = []
        for case in CASES:
            fields = _fields(case, base.etag, base.last_modified)
            result = client.head_object(build_head_request(bucket=BUCKET, key=KEY, **fields))
            statuses.append(result.status)
        return statuses


def test_conditional_matrix_agrees_with_seaweedfs(
    matrix_seaweedfs: str, emulator: Emulator
) -> None:
    # The emulator gets the same object, put by the official SDK.
    bucket = oss2.Bucket(
        oss2.AuthV4(emulator.access_key_id, emulator.access_key_secret),
        emulator.endpoint,
        BUCKET,
        region=emulator.region,
        is_path_style=True,
    )
    bucket.create_bucket()
    bucket.put_object(KEY, BODY)
    # Whole seconds matter: make sure neither object is younger than the current second.
    time.sleep(1.1)
    theirs = _statuses(matrix_seaweedfs, emulator)
    ours = _statuses(emulator.endpoint, emulator)
    table = "\n".join(
        f"{c}: seaweedfs {t}, emulator {o}" for c, t, o in zip(CASES, theirs, ours, strict=True)
    )
    assert theirs == ours, table
    # And the matrix is not trivially uniform: all three outcomes occur.
    assert {200, 304, 412} <= set(ours), table
