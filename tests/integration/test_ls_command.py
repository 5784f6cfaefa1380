"""``ossbrowse ls`` end to end against the demo emulator, as a script would use it.

Exit statuses: 0 listed, 1 bad input (nothing sent), 2 the server answered with an error,
3 no answer. Output formats: raw (ossutil-like columns), json (one document, streamed) and
jsonl (one record per line).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ossbrowse import cli
from ossbrowse.emulator import Emulator
from ossbrowse.emulator.demo import (
    DEMO_BUCKET,
    DEMO_BULK_COUNT,
    DEMO_BULK_PREFIX,
    DEMO_DELETED_KEY,
    DEMO_KEY,
)

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def demo() -> Iterator[Emulator]:
    """One demo emulator for the module: the tests here only read."""
    with Emulator(demo_data=True) as emulator:
        yield emulator


@pytest.fixture
def run(demo: Emulator, capsys: pytest.CaptureFixture[str]) -> Run:
    def run_ls(*args: str, endpoint: str | None = "", secret: str | None = None) -> Any:
        argv = ["ls", "--region", "cn-hangzhou", "-i", demo.access_key_id]
        argv += ["-k", secret or demo.access_key_secret]
        if endpoint is not None:
            argv += ["-e", endpoint or demo.endpoint]
        argv += args  # last, so a test's flag wins over the defaults above
        code = cli.main(argv)
        out, err = capsys.readouterr()
        assert demo.access_key_secret not in out + err
        return code, out, err

    return run_ls


def records(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_buckets(run: Run) -> None:
    code, out, err = run("--output-format", "jsonl")
    assert code == 0, err
    assert [r["name"] for r in records(out)] == ["demo-bucket", "demo-unversioned"]
    assert records(out)[0]["uri"] == "oss://demo-bucket"


def test_whole_bulk_prefix_pages_through_every_object(run: Run) -> None:
    code, out, err = run(f"oss://{DEMO_BUCKET}/{DEMO_BULK_PREFIX}", "--output-format", "jsonl")
    assert code == 0, err
    keys = [r["key"] for r in records(out)]
    assert len(keys) == DEMO_BULK_COUNT == len(set(keys))
    assert keys == sorted(keys) and keys[-1] == f"{DEMO_BULK_PREFIX}item-09999.txt"
    first = records(out.split("\n", 1)[0])[0]
    assert set(first) >= {"key", "size", "last_modified", "etag", "storage_class"}
    assert first["size"] == 2 and first["etag"].startswith('"')


def test_one_level_lists_folders_and_objects(run: Run) -> None:
    code, out, err = run(f"oss://{DEMO_BUCKET}", "-d", "--output-format", "jsonl")
    assert code == 0, err
    listed = [(r["type"], r["key"]) for r in records(out)]
    assert ("prefix", "bulk/") in listed and ("object", DEMO_KEY) in listed
    assert ("prefix", "reports/") in listed
    assert all("/" not in k[:-1] for _, k in listed)  # nothing deeper than one level


def test_limited_num_and_start_after(run: Run) -> None:
    code, out, _ = run(
        f"oss://{DEMO_BUCKET}/bulk/", "--limited-num", "5", "--output-format", "jsonl"
    )
    assert code == 0
    assert [r["key"] for r in records(out)] == [f"bulk/item-{i:05d}.txt" for i in range(5)]
    code, out, _ = run(
        f"oss://{DEMO_BUCKET}/bulk/",
        "--start-after",
        "bulk/item-09997.txt",
        "--output-format",
        "jsonl",
    )
    assert [r["key"] for r in records(out)] == ["bulk/item-09998.txt", "bulk/item-09999.txt"]


def test_raw_output_looks_like_ossutil(run: Run) -> None:
    code, out, _ = run(f"oss://{DEMO_BUCKET}/reports/")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("LastModifiedTime") and lines[0].endswith("ObjectName")
    assert lines[1].endswith("oss://demo-bucket/reports/q3.csv")
    assert lines[-1] == "Object Number is: 1"  # q2.csv is deleted: not listed
    code, out, _ = run(f"oss://{DEMO_BUCKET}/bulk/", "--limited-num", "3")
    assert "Object Number is: 3" in out and "stopped at --limited-num 3" in out


def test_all_versions_show_delete_markers(run: Run) -> None:
    code, out, err = run(
        f"oss://{DEMO_BUCKET}/reports/", "--all-versions", "--output-format", "jsonl"
    )
    assert code == 0, err
    rows = records(out)
    q2 = [r for r in rows if r["key"] == DEMO_DELETED_KEY]
    assert [(r["is_delete_marker"], r["is_latest"]) for r in q2] == [(True, True), (False, False)]
    assert all(r["version_id"] for r in rows)
    assert len([r for r in rows if r["key"] == "reports/q3.csv"]) == 3


def test_json_is_one_document(run: Run) -> None:
    code, out, _ = run(f"oss://{DEMO_BUCKET}/photos/", "--output-format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["kind"] == "objects" and document["bucket"] == DEMO_BUCKET
    assert document["count"] == 4 == len(document["entries"]) and document["complete"]


def test_no_such_bucket_is_a_server_error_and_json_stays_valid(run: Run) -> None:
    code, out, err = run("oss://no-such-bucket-here", "--output-format", "json")
    assert code == 2
    assert "NoSuchBucket" in err
    document = json.loads(out)
    assert document["complete"] is False and "NoSuchBucket" in document["error"]


def test_wrong_secret_is_a_server_error_without_the_secret(run: Run) -> None:
    code, out, err = run(f"oss://{DEMO_BUCKET}", secret="WrongSecretCanary-000000000000")
    assert code == 2
    assert "SignatureDoesNotMatch" in err
    assert "WrongSecretCanary" not in out + err


def test_wrong_region_says_so(run: Run) -> None:
    argv_region = ["--region", "cn-beijing"]
    code, _, err = run(f"oss://{DEMO_BUCKET}", *argv_region)
    assert code in (1, 2)
    assert "region" in err.lower()


def test_no_answer_is_exit_3(run: Run) -> None:
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    code, _, err = run(f"oss://{DEMO_BUCKET}", "--retry-times", "0", endpoint=endpoint)
    assert code == 3
    assert "ListObjectsV2" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["oss://Bad_Bucket/x"], "bucket:"),
        (["s3://demo-bucket/x"], "location: must start with oss://"),
        (["https://example.com/demo-bucket/x"], "location: host example.com"),
        (["oss://demo-bucket", "--page-size", "1001"], "--page-size"),
        (["oss://demo-bucket", "--limited-num", "0"], "--limited-num"),
        (["--all-versions"], "--all-versions: needs an oss://BUCKET"),
        (["oss://demo-bucket/dir/", "--all-versions", "--exact-key"], "--exact-key"),
    ],
)
def test_bad_input_is_exit_1_and_sends_nothing(run: Run, args: list[str], words: str) -> None:
    # The endpoint does not listen: had anything been sent, the exit status would be 3.
    code, out, err = run(*args, endpoint=f"http://127.0.0.1:{_closed_port()}")
    assert code == 1, err
    assert words in err and "nothing was sent" in err
    assert out == ""


def test_url_location_names_the_endpoint(run: Run, demo: Emulator) -> None:
    url = f"{demo.endpoint}/{DEMO_BUCKET}/photos/2026/"
    code, out, err = run(url, "--output-format", "jsonl", endpoint=None)
    assert code == 0, err
    assert len(records(out)) == 3


def test_url_location_conflicting_with_endpoint_flag(run: Run, demo: Emulator) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/{DEMO_BUCKET}/photos/"
    code, _, err = run(url)
    assert code == 1
    assert "location: the URL names endpoint" in err


def test_a_failure_before_any_page_prints_no_table(run: Run) -> None:
    code, out, err = run("oss://no-such-bucket-here")
    assert (code, out) == (2, "")
    assert "404 NoSuchBucket" in err


def test_each_page_is_printed_before_the_next_is_asked_for() -> None:
    """Streaming: what a page holds is on the output before the writer asks for the next page
    (which ls fetches meanwhile, one page ahead: tests/integration/test_ls_pages.py)."""
    import argparse
    import io

    from ossbrowse.cli_ls import _Writer
    from ossbrowse.oss.listing import ObjectEntry, ObjectPage
    from ossbrowse.oss.location import Location

    out = io.StringIO()

    def page(keys: list[str], truncated: bool) -> ObjectPage:
        objects = tuple(ObjectEntry(k, 1, None, '"E"', "Standard") for k in keys)
        return ObjectPage("b-1", "", "", objects, (), truncated, "T" if truncated else None)

    def pages() -> Iterator[ObjectPage]:
        yield page(["a", "b"], True)
        assert [json.loads(x)["key"] for x in out.getvalue().splitlines()] == ["a", "b"]
        yield page(["c"], False)

    args = argparse.Namespace(
        output_format="jsonl", limited_num=None, all_versions=False, dirs=False
    )
    _Writer(out, args, Location("b-1")).write(pages())
    assert [json.loads(x)["key"] for x in out.getvalue().splitlines()] == ["a", "b", "c"]
