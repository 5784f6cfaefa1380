"""The emulator store: OSS versioning semantics, delete markers and listings."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ossbrowse.emulator.listing import ListQuery
from ossbrowse.emulator.store import (
    BucketNotEmptyError,
    DeleteMarkerAddressedError,
    NoSuchBucketError,
    NoSuchKeyError,
    NoSuchVersionError,
    Store,
    make_etag,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_767_225_600.7

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store() -> Store:
    s = Store(clock=Clock())
    s.create_bucket("plain", region="cn-hangzhou")
    s.create_bucket("versioned", region="cn-hangzhou")
    s.set_versioning("versioned", "Enabled")
    return s


def test_put_computes_etag_crc_md5_and_whole_second_time(store: Store) -> None:
    v = store.put_object("plain", "k", b"hello")
    assert v.etag == '"5D41402ABC4B2A76B9719D911017C592"' == make_etag(b"hello")
    assert v.crc64 == 11177612005948864433
    assert v.content_md5 == "XUFAKrxLKna5cZ2REBfFkg=="
    assert v.last_modified == 1_767_225_600
    assert v.version_id == "null"


def test_multipart_objects_keep_their_etag_and_have_no_content_md5(store: Store) -> None:
    v = store.put_object("plain", "m", b"x" * 10, etag='"ABC-3"', object_type="Multipart")
    assert (v.etag, v.content_md5, v.object_type) == ('"ABC-3"', None, "Multipart")


def test_unversioned_put_replaces_and_delete_removes(store: Store) -> None:
    store.put_object("plain", "k", b"one")
    store.put_object("plain", "k", b"two")
    assert [v.body for v in store.versions_of("plain", "k")] == [b"two"]
    result = store.delete_object("plain", "k")
    assert (result.version_id, result.delete_marker) == (None, False)
    with pytest.raises(NoSuchKeyError) as err:
        store.get_object("plain", "k")
    assert err.value.marker is None
    assert store.delete_object("plain", "never-existed").delete_marker is False


def test_enabled_versioning_keeps_versions_and_adds_markers(store: Store) -> None:
    v1 = store.put_object("versioned", "k", b"one")
    v2 = store.put_object("versioned", "k", b"two")
    assert v1.version_id != v2.version_id and v1.version_id.startswith("CAEQ")
    assert store.get_object("versioned", "k").body == b"two"
    assert store.get_object("versioned", "k", v1.version_id).body == b"one"

    deleted = store.delete_object("versioned", "k")
    assert deleted.delete_marker
    with pytest.raises(NoSuchKeyError) as err:
        store.get_object("versioned", "k")
    assert err.value.marker is not None and err.value.marker.version_id == deleted.version_id
    with pytest.raises(DeleteMarkerAddressedError):
        store.get_object("versioned", "k", deleted.version_id)
    with pytest.raises(NoSuchVersionError):
        store.get_object("versioned", "k", "CAEQnope")

    removed = store.delete_object("versioned", "k", deleted.version_id)
    assert (removed.version_id, removed.delete_marker) == (deleted.version_id, True)
    assert store.get_object("versioned", "k").body == b"two"
    assert [v.body for v in store.versions_of("versioned", "k")] == [b"two", b"one"]


def test_suspended_versioning_uses_a_single_null_version(store: Store) -> None:
    kept = store.put_object("versioned", "k", b"kept")
    store.set_versioning("versioned", "Suspended")
    store.put_object("versioned", "k", b"a")
    store.put_object("versioned", "k", b"b")
    ids = [v.version_id for v in store.versions_of("versioned", "k")]
    assert ids == ["null", kept.version_id]
    marker = store.delete_object("versioned", "k")
    assert (marker.version_id, marker.delete_marker) == ("null", True)
    ids = [(v.version_id, v.is_delete_marker) for v in store.versions_of("versioned", "k")]
    assert ids == [("null", True), (kept.version_id, False)]


def test_version_ids_are_deterministic() -> None:
    def ids() -> list[str]:
        s = Store(clock=Clock())
        s.create_bucket("b-1", region="r")
        s.set_versioning("b-1", "Enabled")
        return [s.put_object("b-1", f"k{i % 2}", b"x").version_id for i in range(4)]

    first = ids()
    assert first == ids() and len(set(first)) == 4
    assert all(v.isalnum() for v in first)  # safe unencoded in any query


def test_buckets(store: Store) -> None:
    assert [b.name for b in store.list_buckets()] == ["plain", "versioned"]
    store.create_bucket("plain", region="cn-hangzhou")  # idempotent for the owner
    store.put_object("versioned", "k", b"x")
    store.delete_object("versioned", "k")
    store.delete_object("versioned", "k", store.versions_of("versioned", "k")[1].version_id)
    with pytest.raises(BucketNotEmptyError):  # the delete marker still counts
        store.delete_bucket("versioned")
    for v in store.versions_of("versioned", "k"):
        store.delete_object("versioned", "k", v.version_id)
    store.delete_bucket("versioned")
    with pytest.raises(NoSuchBucketError):
        store.bucket_info("versioned")
    with pytest.raises(NoSuchBucketError):
        store.put_object("versioned", "k", b"x")


def _names(page: object) -> tuple[list[str], list[str]]:
    return [e.key for e in page.entries], page.prefixes  # type: ignore[attr-defined]


def test_listing_with_delimiter_prefix_and_pages(store: Store) -> None:
    for key in ["a/1", "a/2", "a/b/3", "b", "c/1", "c/2", "d"]:
        store.put_object("versioned", key, b"x")
    store.delete_object("versioned", "c/1")
    store.delete_object("versioned", "c/2")  # c/ has only delete markers: not listed
    page = store.list_objects("versioned", ListQuery(delimiter="/"))
    assert _names(page) == (["b", "d"], ["a/"])
    page = store.list_objects("versioned", ListQuery(prefix="a/", delimiter="/"))
    assert _names(page) == (["a/1", "a/2"], ["a/b/"])

    # Pages of 1 walk entries and prefixes in order without repeating a prefix.
    seen: list[str] = []
    after = ""
    while True:
        page = store.list_objects("versioned", ListQuery(delimiter="/", after=after, max_keys=1))
        keys, prefixes = _names(page)
        seen += keys + prefixes
        if not page.truncated:
            break
        after = page.last
    assert seen == ["a/", "b", "d"]
    assert store.list_objects("versioned", ListQuery(max_keys=0)).entries == []
    assert _names(store.list_objects("versioned", ListQuery(after="a/b/3"))) == (["b", "d"], [])


def test_listing_a_page_from_a_large_prefix(store: Store) -> None:
    for i in range(5000):
        store.put_object("plain", f"p/{i:05d}", b"")
    page = store.list_objects("plain", ListQuery(prefix="p/", after="p/02500", max_keys=1000))
    keys = [e.key for e in page.entries]
    assert keys == [f"p/{i:05d}" for i in range(2501, 3501)] and page.truncated
    assert page.last == "p/03500"


def test_version_listing_pages(store: Store) -> None:
    ids = {
        key: [store.put_object("versioned", key, key.encode()).version_id for _ in range(n)]
        for key, n in (("a", 2), ("b", 3))
    }
    marker = store.delete_object("versioned", "a").version_id
    rows: list[tuple[str, str, bool]] = []
    key_marker = version_marker = ""
    while True:
        page = store.list_versions(
            "versioned",
            ListQuery(key_marker=key_marker, version_id_marker=version_marker, max_keys=2),
        )
        rows += [(v.key, v.version_id, latest) for v, latest in page.entries]
        if not page.truncated:
            break
        key_marker, version_marker = page.next_key_marker, page.next_version_id_marker
    assert rows == [
        ("a", marker, True),
        ("a", ids["a"][1], False),
        ("a", ids["a"][0], False),
        ("b", ids["b"][2], True),
        ("b", ids["b"][1], False),
        ("b", ids["b"][0], False),
    ]


def test_concurrent_writers_never_lose_or_tear(store: Store) -> None:
    def writer(n: int) -> None:
        for i in range(200):
            store.put_object("versioned", f"k{n}", bytes([n]) * (i + 1))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n in range(8):
        versions = store.versions_of("versioned", f"k{n}")
        assert len(versions) == 200
        assert all(v.etag == make_etag(v.body) for v in versions)
        assert len({v.version_id for v in versions}) == 200


@settings(max_examples=150, deadline=None)
@given(
    keys=st.sets(st.text(alphabet="ab/.", min_size=1, max_size=6), max_size=30),
    deleted=st.sets(st.integers(0, 29), max_size=10),
    prefix=st.sampled_from(["", "a", "a/", "b/", "/"]),
    delimiter=st.sampled_from(["", "/", "."]),
    page_size=st.integers(1, 7),
)
def test_paging_matches_a_naive_listing(
    keys: set[str], deleted: set[int], prefix: str, delimiter: str, page_size: int
) -> None:
    store = Store(clock=Clock())
    store.create_bucket("prop", region="r")
    store.set_versioning("prop", "Enabled")
    ordered = sorted(keys)
    for key in ordered:
        store.put_object("prop", key, b"x")
    live = [k for i, k in enumerate(ordered) if i not in deleted]
    for key in set(ordered) - set(live):
        store.delete_object("prop", key)

    expected: list[str] = []
    for key in live:
        if not key.startswith(prefix):
            continue
        cut = key.find(delimiter, len(prefix)) if delimiter else -1
        item = key[: cut + len(delimiter)] if cut >= 0 else key
        if item not in expected:
            expected.append(item)

    seen: list[str] = []
    after = ""
    for _ in range(100):
        page = store.list_objects(
            "prop", ListQuery(prefix=prefix, delimiter=delimiter, after=after, max_keys=page_size)
        )
        items = sorted([e.key for e in page.entries] + page.prefixes)
        assert len(items) <= page_size
        seen += items
        if not page.truncated:
            break
        after = page.last
    assert seen == sorted(expected)
