"""Listing records and raw lines: the documented fields, exact keys, nothing a terminal acts on."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from ossbrowse.oss.list_render import (
    iso,
    json_items,
    jsonl_line,
    jsonl_lines,
    raw_header,
    raw_line,
    record,
)
from ossbrowse.oss.listing import Bucket, CommonPrefix, DeleteMarker, ObjectEntry, VersionEntry
from ossbrowse.oss.safetext import escape_unsafe_json

WHEN = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)


def test_object_record_has_the_documented_fields() -> None:
    entry = ObjectEntry("dir/a b+c.txt", 12, WHEN, '"E1"', "IA", "Normal")
    assert record(entry, "b-1") == {
        "type": "object",
        "key": "dir/a b+c.txt",
        "size": 12,
        "last_modified": "2026-03-14T09:26:53Z",
        "etag": '"E1"',
        "storage_class": "IA",
        "object_type": "Normal",
        "uri": "oss://b-1/dir/a b+c.txt",
    }


def test_version_and_marker_records() -> None:
    version = record(VersionEntry("k", "v2", False, WHEN, 3, '"E"', "Standard"))
    assert version["type"] == "version"
    assert (version["version_id"], version["is_latest"], version["is_delete_marker"]) == (
        "v2",
        False,
        False,
    )
    marker = record(DeleteMarker("k", "v3", True, WHEN))
    assert marker["type"] == "delete_marker" and marker["is_delete_marker"] is True
    assert marker["size"] is None and marker["etag"] is None and marker["is_latest"] is True


def test_prefix_and_bucket_records() -> None:
    assert record(CommonPrefix("dir/"), "b-1")["key"] == "dir/"
    bucket = record(Bucket("b-1", "cn-hangzhou", WHEN, "Standard"))
    assert bucket["name"] == "b-1" and bucket["region"] == "cn-hangzhou"


def test_jsonl_keeps_any_key_exactly() -> None:
    key = "a\nb\x1b[31m\x9b\u202e目录 %2F+"
    line = jsonl_line(ObjectEntry(key, 0, None, None, None))
    assert json.loads(line)["key"] == key
    for char in ("\n", "\x1b", "\x9b", "\u202e"):  # exact, yet nothing acts on a terminal
        assert char not in line


def test_raw_line_cannot_act_on_the_terminal() -> None:
    line = raw_line(ObjectEntry("evil\x1b[2J\nkey", 5, WHEN, '"E"', "Standard"), "b-1", "objects")
    assert "\x1b" not in line and "\n" not in line
    assert line.endswith("oss://b-1/evil\\x1b[2J\\x0akey")


def test_raw_columns_line_up_with_the_header() -> None:
    header = raw_header("versions")
    line = raw_line(VersionEntry("k", "v1", True, WHEN, 7, '"E"', "Standard"), "b-1", "versions")
    marker = raw_line(DeleteMarker("k", "v2", False, WHEN), "b-1", "versions")
    start = header.index("ObjectName")
    assert line.index("oss://") == marker.index("oss://") == start
    folder = raw_line(CommonPrefix("dir/"), "b-1", "versions")
    assert folder.index("oss://") == start


# The object fast paths write by hand what the general code builds: the general code is the
# oracle (a version entry takes the general path and, listed as "objects", shows the same line).
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
moments = st.none() | st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=8))]))
objects = st.builds(
    ObjectEntry,
    key=texts.filter(bool),
    size=st.integers(min_value=0, max_value=2**63),
    last_modified=moments,
    etag=st.none() | texts,
    storage_class=st.none() | texts,
    object_type=st.none() | texts,
    restore_info=st.none() | texts,
)


@given(objects, st.sampled_from([None, "", "b-1"]))
def test_object_jsonl_is_the_encoded_record(entry: ObjectEntry, bucket: str | None) -> None:
    general = escape_unsafe_json(json.dumps(record(entry, bucket), ensure_ascii=False))
    assert jsonl_line(entry, bucket) == general
    assert jsonl_lines([entry, entry], bucket) == f"{general}\n{general}\n"


@given(objects, st.sampled_from(["", "b-1"]))
def test_object_raw_line_is_the_general_line(entry: ObjectEntry, bucket: str) -> None:
    key, size, when, etag, storage = entry[:5]
    same = VersionEntry(key, "v", True, when, size, etag, storage)
    assert raw_line(entry, bucket, "objects") == raw_line(same, bucket, "objects")


@given(st.datetimes(timezones=st.just(UTC)))
def test_times_read_as_strftime_writes_them(moment: datetime) -> None:
    assert iso(moment) == moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    line = raw_line(ObjectEntry("k", 1, moment, None, None), "b", "objects")
    assert line.startswith(moment.strftime("%Y-%m-%d %H:%M:%S +0000 UTC"))


def test_json_items_continue_the_array() -> None:
    a, b = ObjectEntry("a", 1, WHEN, None, None), ObjectEntry("b", 2, WHEN, None, None)
    opening = json_items([a], "b-1", first=True)
    text = "[" + opening + json_items([b], "b-1", first=False) + json_items([], "b-1", first=False)
    assert json.loads(text + "\n]") == [record(a, "b-1"), record(b, "b-1")]
    assert opening.startswith("\n  {")
