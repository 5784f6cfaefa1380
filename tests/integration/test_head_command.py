"""`ossbrowse head` end to end against the emulator on 127.0.0.1, as a script would use it.

The outcomes asserted here are the ones docs/oss-protocol.md documents; the emulator's own fidelity
is checked separately with the official SDKs as clients.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import yaml
from faultserver import fault_server

from ossbrowse import cli
from ossbrowse.emulator import Emulator
from ossbrowse.emulator.clock import ManualClock
from ossbrowse.emulator.demo import (
    DEMO_BUCKET,
    DEMO_DELETED_KEY,
    DEMO_KEY,
    DEMO_MULTIPART_KEY,
    DEMO_VERSIONED_KEY,
)
from ossbrowse.oss.httpdates import format_http_date, parse_http_date

STS_TOKEN = "STS.CanaryTokenForHeadCommand-0123456789"
DRY_RUN_SECRET = "DryRunCanarySecret-0123456789"


Head = Callable[..., tuple[int, dict[str, Any]]]


@pytest.fixture
def head(demo_emulator: Emulator, capsys: pytest.CaptureFixture[str]) -> Head:
    def run(
        *args: str, endpoint: str | None = None, secret: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        argv = ["head", "-e", endpoint or demo_emulator.endpoint, "--region", "cn-hangzhou"]
        argv += ["-i", demo_emulator.access_key_id]
        argv += ["-k", secret or demo_emulator.access_key_secret, "--output-format", "json", *args]
        code = cli.main(argv)
        out, err = capsys.readouterr()
        assert demo_emulator.access_key_secret not in out + err and STS_TOKEN not in out + err
        return code, json.loads(out)

    return run


def test_200_then_304_then_412(head: Head) -> None:
    code, first = head("--bucket", DEMO_BUCKET, "--key", DEMO_KEY)
    assert (code, first["status"], first["outcome"]) == (0, 200, "ok")
    etag = first["etag"]
    assert etag.startswith('"') and first["headers"]["x-oss-hash-crc64ecma"].isdigit()

    code, second = head(
        "--bucket", DEMO_BUCKET, "--key", DEMO_KEY, "--if-none-match", etag.strip('"')
    )
    assert (code, second["status"], second["outcome"]) == (4, 304, "not_modified")
    assert second["conditions"][0]["header"] == "If-None-Match"
    assert "matched" in second["summary"]

    code, third = head("--bucket", DEMO_BUCKET, "--key", DEMO_KEY, "--if-match", '"0000"')
    assert (code, third["status"], third["outcome"]) == (5, 412, "precondition_failed")
    assert third["conditions"][0]["verdict"] == "failed"


def test_dates_one_second_granularity_and_equal_means_304(head: Head) -> None:
    _, base = head("--bucket", DEMO_BUCKET, "--key", DEMO_KEY)
    modified = parse_http_date(base["last_modified"])
    assert modified is not None

    def since(delta: int) -> str:
        return format_http_date(modified + timedelta(seconds=delta))

    assert head("--bucket", DEMO_BUCKET, "--key", DEMO_KEY, "--if-modified-since", since(0))[0] == 4
    assert (
        head("--bucket", DEMO_BUCKET, "--key", DEMO_KEY, "--if-modified-since", since(-1))[0] == 0
    )
    # ISO 8601 input is accepted and sent as an HTTP date.
    iso = (modified - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    code, data = head("--bucket", DEMO_BUCKET, "--key", DEMO_KEY, "--if-unmodified-since", iso)
    assert code == 5
    assert data["conditions"][0]["sent"].endswith("GMT")
    assert (
        head("--bucket", DEMO_BUCKET, "--key", DEMO_KEY, "--if-unmodified-since", since(0))[0] == 0
    )


def test_versions_and_delete_markers(head: Head, demo_emulator: Emulator) -> None:
    import oss2

    bucket = oss2.Bucket(
        oss2.AuthV4(demo_emulator.access_key_id, demo_emulator.access_key_secret),
        demo_emulator.endpoint,
        DEMO_BUCKET,
        region=demo_emulator.region,
        is_path_style=True,
    )
    versions = bucket.list_object_versions(prefix=DEMO_VERSIONED_KEY).versions
    older = [v for v in versions if v.key == DEMO_VERSIONED_KEY and not v.is_latest]
    assert older, "the demo data has several versions of one key"
    code, data = head(
        "--bucket", DEMO_BUCKET, "--key", DEMO_VERSIONED_KEY, "--version-id", older[0].versionid
    )
    assert code == 0 and data["version_id"] == older[0].versionid

    code, data = head("--bucket", DEMO_BUCKET, "--key", DEMO_DELETED_KEY)
    assert (code, data["status"], data["outcome"]) == (2, 404, "not_found")
    assert data["error"]["code"] == "NoSuchKey"
    assert data["headers"].get("x-oss-delete-marker") == "true"
    assert "current version is a delete marker" in data["summary"]
    marker = data["headers"]["x-oss-version-id"]
    code, data = head("--bucket", DEMO_BUCKET, "--key", DEMO_DELETED_KEY, "--version-id", marker)
    assert (code, data["status"]) == (2, 405)
    assert data["error"]["code"] == "MethodNotAllowed"
    assert "version asked for is a delete marker" in data["summary"]
    assert data["headers"]["allow"] == "DELETE"


def test_multipart_etag_is_named(head: Head) -> None:
    code, data = head("--bucket", DEMO_BUCKET, "--key", DEMO_MULTIPART_KEY)
    assert code == 0
    assert "multipart" in data["etag_kind"] and "-" in data["etag"]


def test_v1_signing(head: Head) -> None:
    code, data = head("--bucket", DEMO_BUCKET, "--key", DEMO_KEY, "--sign-version", "v1")
    assert (code, data["status"], data["sign_version"]) == (0, 200, "v1")


def test_wrong_secret_shows_both_strings_to_sign(head: Head) -> None:
    code, data = head("--bucket", DEMO_BUCKET, "--key", DEMO_KEY, secret="not-the-secret-at-all")
    assert code == 2 and data["status"] == 403
    error = data["error"]
    assert error["code"] == "SignatureDoesNotMatch"
    assert error["server_string_to_sign"] == error["our_string_to_sign"]
    assert error["ec"] == "0002-00000040"


def test_wrong_region_is_named(head: Head) -> None:
    code, data = head("--bucket", DEMO_BUCKET, "--key", DEMO_KEY, "--region", "cn-beijing")
    assert code == 2
    assert data["error"]["region_hint"] == "cn-hangzhou"


def test_clock_skew_is_measured(
    make_emulator: Callable[..., Emulator], capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = make_emulator(demo_data=True, clock=ManualClock(time.time() + 3600))
    argv = ["head", "--bucket", DEMO_BUCKET, "--key", DEMO_KEY, "-e", emulator.endpoint]
    argv += ["--region", "cn-hangzhou", "-i", emulator.access_key_id]
    argv += ["-k", emulator.access_key_secret]
    code = cli.main([*argv, "--output-format", "yaml"])
    data = yaml.safe_load(capsys.readouterr().out)
    assert code == 2
    assert data["error"]["code"] == "RequestTimeTooSkewed"
    assert 3500 < data["error"]["skew_seconds"] < 3700


def test_sts_token(
    make_emulator: Callable[..., Emulator], capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = make_emulator(
        demo_data=True, sts_tokens={STS_TOKEN: ("STS.TempKeyId", "TempSecret-0123456789")}
    )
    base = ["head", "--bucket", DEMO_BUCKET, "--key", DEMO_KEY, "-e", emulator.endpoint]
    base += ["--region", "cn-hangzhou", "-i", "STS.TempKeyId", "-k", "TempSecret-0123456789"]
    for version in ("v4", "v1"):
        code = cli.main([*base, "-t", STS_TOKEN, "--sign-version", version])
        out = capsys.readouterr().out
        assert code == 0, out
        assert STS_TOKEN not in out and "TempSecret-0123456789" not in out


def test_dry_run_sends_nothing_and_shows_no_secret(capsys: pytest.CaptureFixture[str]) -> None:
    with fault_server() as server:
        code = cli.main(["head", "--bucket", "b-u-c", "--key", "k", "-e", server.endpoint,
                         "--region", "cn-hangzhou", "-i", "LTAI5tDry", "-k", DRY_RUN_SECRET,
                         "-t", STS_TOKEN, "--if-match", "abc", "-n"])  # fmt: skip
        out = capsys.readouterr().out
        assert server.seen == []
    assert code == 0
    assert "HEAD http://127.0.0.1:" in out and "/b-u-c/k" in out
    assert "String to sign:\nOSS4-HMAC-SHA256\n" in out  # one line of the string per line
    assert "Canonical request:\nHEAD\n/b-u-c/k\n" in out
    assert 'if-match: "abc"' in out.lower()
    assert DRY_RUN_SECRET not in out and STS_TOKEN not in out
