"""``ossbrowse head`` takes a location: ``oss://bucket/key`` or an OSS URL, as an argument or
in ``--bucket``; a flag that says otherwise is refused, naming the flag."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ossbrowse import cli
from ossbrowse.emulator import Emulator
from ossbrowse.emulator.demo import DEMO_BUCKET, DEMO_KEY

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def demo() -> Iterator[Emulator]:
    with Emulator(demo_data=True) as emulator:
        yield emulator


@pytest.fixture
def head(demo: Emulator, capsys: pytest.CaptureFixture[str]) -> Run:
    def run_head(*args: str) -> Any:
        argv = ["head", *args, "--region", "cn-hangzhou", "-i", demo.access_key_id]
        argv += ["-k", demo.access_key_secret, "--output-format", "json"]
        code = cli.main(argv)
        out, err = capsys.readouterr()
        return code, out, err

    return run_head


def test_head_takes_a_location(head: Run, demo: Emulator) -> None:
    code, out, err = head(f"oss://{DEMO_BUCKET}/{DEMO_KEY}", "-e", demo.endpoint)
    assert code == 0, err
    assert json.loads(out)["request"]["key"] == DEMO_KEY
    code, out, err = head(
        "--bucket", f"{demo.endpoint}/{DEMO_BUCKET}/docs/c%2B%2B%20notes%2Btips.txt"
    )
    assert code == 0, err
    assert json.loads(out)["request"]["key"] == "docs/c++ notes+tips.txt"


def test_head_location_conflicts_name_the_flag(head: Run, demo: Emulator) -> None:
    code, out, err = head(
        f"oss://{DEMO_BUCKET}/{DEMO_KEY}", "--key", "other.txt", "-e", demo.endpoint
    )
    assert code == 1 and out == ""
    assert "--key: is 'other.txt', but the location names 'hello.txt'" in err
    code, _, err = head("oss://Bad_Bucket/k", "-e", demo.endpoint)
    assert code == 1 and "--bucket:" in err


def test_url_version_id_is_used(head: Run, demo: Emulator) -> None:
    _, out, _ = head(f"oss://{DEMO_BUCKET}/reports/q3.csv", "-e", demo.endpoint)
    version = json.loads(out)["version_id"]
    url = f"{demo.endpoint}/{DEMO_BUCKET}/reports/q3.csv?versionId={version}"
    code, out, err = head(url)
    assert code == 0, err
    assert json.loads(out)["request"]["version_id"] == version


def test_no_bucket_at_all_is_refused(head: Run, demo: Emulator) -> None:
    code, out, err = head("-e", demo.endpoint)
    assert (code, out) == (1, "")
    assert "--bucket: is required" in err and "--key: is required" in err
