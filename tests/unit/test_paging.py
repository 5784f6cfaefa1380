"""Paging: the query of each page, going on while truncated, stopping right, refusing loops."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ossbrowse.emulator import xmlgen
from ossbrowse.emulator.listing import ListPage, ListQuery, VersionPage
from ossbrowse.emulator.model import ObjectVersion
from ossbrowse.oss.paging import (
    ListingFailed,
    Response,
    bucket_pages,
    key_version_pages,
    object_pages,
    version_pages,
)
from ossbrowse.oss.validation import InputError


class Script:
    """A fetch that answers with the given bodies in turn and records what was asked."""

    def __init__(self, *bodies: bytes) -> None:
        self.bodies = list(bodies)
        self.calls: list[tuple[str, str | None, dict[str, str]]] = []

    def __call__(
        self, operation: str, bucket: str | None, query: Sequence[tuple[str, str]]
    ) -> Response:
        self.calls.append((operation, bucket, dict(query)))
        return Response(self.bodies.pop(0), request_id=f"R{len(self.calls)}")


def _objects(keys: list[str], *, truncated: bool, token: str = "") -> bytes:
    entries = [ObjectVersion(key=k, version_id="null", last_modified=0, etag='"E"') for k in keys]
    return xmlgen.list_objects_v2(
        "b-1",
        ListQuery(max_keys=2, url_encoded=True),
        ListPage(entries, [], truncated, entries[-1].key if entries else ""),
        token,
    )


def _versions(
    entries: list[tuple[str, str, bool]], *, truncated: bool, next_key: str = "", next_id: str = ""
) -> bytes:
    rows = [
        (
            ObjectVersion(
                key=k, version_id=v, last_modified=0, etag='"E"', is_delete_marker=marker
            ),
            i == 0,
        )
        for i, (k, v, marker) in enumerate(entries)
    ]
    return xmlgen.list_versions(
        "b-1",
        ListQuery(prefix="toto", max_keys=2, url_encoded=True),
        VersionPage(rows, [], truncated, next_key, next_id),
    )


def test_objects_go_on_while_truncated_and_ask_for_the_page_size() -> None:
    fetch = Script(
        _objects(["a", "b"], truncated=True, token="T1"),
        _objects(["c", "d"], truncated=True, token="T2"),
        _objects(["e"], truncated=False),
    )
    pages = list(object_pages(fetch, "b-1", prefix="", page_size=2))
    assert [o.key for p in pages for o in p.objects] == ["a", "b", "c", "d", "e"]
    queries = [q for _, _, q in fetch.calls]
    assert [q.get("continuation-token") for q in queries] == [None, "T1", "T2"]
    for operation, bucket, query in fetch.calls:
        assert (operation, bucket) == ("ListObjectsV2", "b-1")
        assert query["max-keys"] == "2"  # never OSS's silent default of 100
        assert query["encoding-type"] == "url" and query["list-type"] == "2"
    assert [p.request_id for p in pages] == ["R1", "R2", "R3"]


def test_pages_are_fetched_only_when_asked_for() -> None:
    fetch = Script(_objects(["a"], truncated=True, token="T1"), _objects(["b"], truncated=False))
    pages = object_pages(fetch, "b-1", page_size=1)
    assert fetch.calls == []
    next(pages)
    assert len(fetch.calls) == 1


def test_query_carries_prefix_delimiter_and_start_after() -> None:
    fetch = Script(_objects([], truncated=False))
    list(object_pages(fetch, "b-1", prefix="dir/", delimiter="/", start_after="dir/k"))
    query = fetch.calls[0][2]
    assert (query["prefix"], query["delimiter"], query["start-after"]) == ("dir/", "/", "dir/k")
    assert query["max-keys"] == "1000"


def test_a_server_that_does_not_move_is_reported() -> None:
    fetch = Script(
        _objects(["a"], truncated=True, token="T1"), _objects(["a"], truncated=True, token="T1")
    )
    pages = object_pages(fetch, "b-1", page_size=1)
    next(pages)
    with pytest.raises(ListingFailed) as info:
        next(pages)
    assert "same position" in info.value.message and info.value.problem


def test_an_unreadable_answer_is_a_listing_failure() -> None:
    with pytest.raises(ListingFailed) as info:
        list(object_pages(Script(b"<html>busy</html>"), "b-1"))
    assert info.value.operation == "ListObjectsV2"
    assert "expected <ListBucketResult>" in str(info.value)
    assert not info.value.no_answer


@pytest.mark.parametrize("size", [0, -1, 1001, True])
def test_page_size_is_checked_before_anything_is_sent(size: int) -> None:
    fetch = Script()
    with pytest.raises(InputError) as info:
        object_pages(fetch, "b-1", page_size=size)
    assert info.value.field == "page_size"
    with pytest.raises(InputError):
        bucket_pages(fetch, page_size=size)
    assert fetch.calls == []


def test_bad_bucket_is_refused_before_anything_is_sent() -> None:
    fetch = Script()
    with pytest.raises(InputError) as info:
        object_pages(fetch, "Bad_Bucket")
    assert info.value.field == "bucket"
    with pytest.raises(InputError):
        version_pages(fetch, "b-1", version_id_marker="v1")
    assert fetch.calls == []


def test_versions_page_with_both_markers() -> None:
    fetch = Script(
        _versions(
            [("a", "v2", False), ("a", "v1", False)], truncated=True, next_key="a", next_id="v1"
        ),
        _versions([("b", "v3", True)], truncated=False),
    )
    pages = list(version_pages(fetch, "b-1", page_size=2))
    assert [(v.key, v.version_id) for p in pages for v in p.versions] == [
        ("a", "v2"),
        ("a", "v1"),
        ("b", "v3"),
    ]
    second = fetch.calls[1][2]
    assert (second["key-marker"], second["version-id-marker"]) == ("a", "v1")
    assert "versions" in second and second["encoding-type"] == "url"


def test_versions_of_exactly_one_key_stop_at_the_next_key() -> None:
    fetch = Script(
        _versions(
            [("toto", "v3", True), ("toto", "v2", False), ("toto-1", "v9", False)],
            truncated=True,
            next_key="toto-1",
            next_id="v9",
        ),
    )
    pages = list(key_version_pages(fetch, "b-1", "toto", page_size=3))
    assert [(v.key, v.version_id, v.is_delete_marker) for p in pages for v in p.versions] == [
        ("toto", "v3", True),
        ("toto", "v2", False),
    ]
    assert len(fetch.calls) == 1  # toto-1's versions are never fetched
    assert fetch.calls[0][2]["prefix"] == "toto"
    assert not pages[-1].is_truncated


def test_versions_of_one_key_across_pages() -> None:
    fetch = Script(
        _versions(
            [("toto", "v5", False), ("toto", "v4", False)],
            truncated=True,
            next_key="toto",
            next_id="v4",
        ),
        _versions(
            [("toto", "v3", True), ("toto-10", "v1", False)],
            truncated=True,
            next_key="toto-10",
            next_id="v1",
        ),
    )
    pages = list(key_version_pages(fetch, "b-1", "toto", page_size=2))
    assert [v.version_id for p in pages for v in p.versions] == ["v5", "v4", "v3"]
    assert pages[0].is_truncated and pages[0].next_version_id_marker == "v4"
    assert (fetch.calls[1][2]["key-marker"], fetch.calls[1][2]["version-id-marker"]) == (
        "toto",
        "v4",
    )


def test_bucket_pages_follow_next_marker() -> None:
    first = (
        b"<ListAllMyBucketsResult><IsTruncated>true</IsTruncated><NextMarker>b-2</NextMarker>"
        b"<Buckets><Bucket><Name>b-1</Name></Bucket><Bucket><Name>b-2</Name></Bucket></Buckets>"
        b"</ListAllMyBucketsResult>"
    )
    last = (
        b"<ListAllMyBucketsResult><IsTruncated>false</IsTruncated>"
        b"<Buckets><Bucket><Name>b-3</Name></Bucket></Buckets></ListAllMyBucketsResult>"
    )
    fetch = Script(first, last)
    names = [b.name for p in bucket_pages(fetch, page_size=2) for b in p.buckets]
    assert names == ["b-1", "b-2", "b-3"]
    assert [(op, bucket, q.get("marker")) for op, bucket, q in fetch.calls] == [
        ("ListBuckets", None, None),
        ("ListBuckets", None, "b-2"),
    ]
