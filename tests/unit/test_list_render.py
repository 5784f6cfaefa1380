"""Listing records and raw lines: the documented fields, exact keys, nothing a terminal acts on."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ossbrowse.oss.list_render import jsonl_line, raw_header, raw_line, record
from ossbrowse.oss.listing import Bucket, CommonPrefix, DeleteMarker, ObjectEntry, VersionEntry

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
