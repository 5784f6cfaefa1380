"""Endpoints, addressing styles and the exact bytes of the URL httpx sends."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ossbrowse.oss.addressing import (
    effective_style,
    encode_key,
    endpoint_for_region,
    object_url,
    parse_endpoint,
    region_mismatch,
    region_of_endpoint,
)
from ossbrowse.oss.canonical import parse_query
from ossbrowse.oss.validation import InputError


def test_endpoint_from_region() -> None:
    assert endpoint_for_region("cn-hangzhou") == "oss-cn-hangzhou.aliyuncs.com"
    assert (
        endpoint_for_region("cn-hangzhou", internal=True) == "oss-cn-hangzhou-internal.aliyuncs.com"
    )


@pytest.mark.parametrize(
    ("text", "scheme", "host", "port"),
    [
        ("oss-cn-hangzhou.aliyuncs.com", "https", "oss-cn-hangzhou.aliyuncs.com", None),
        ("http://127.0.0.1:9000", "http", "127.0.0.1", 9000),
        ("https://OSS.Example.com/", "https", "oss.example.com", None),
        ("localhost:8080", "https", "localhost", 8080),
        ("http://[::1]:9000", "http", "::1", 9000),
    ],
)
def test_parse_endpoint(text: str, scheme: str, host: str, port: int | None) -> None:
    ep = parse_endpoint(text)
    assert (ep.scheme, ep.host, ep.port) == (scheme, host, port)


@pytest.mark.parametrize(
    "text", ["", "ftp://x", "http://h/path", "http://user:pw@h", "http://h:notaport", "http://"]
)
def test_bad_endpoints_name_the_field(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_endpoint(text)
    assert info.value.field == "endpoint"


def test_styles() -> None:
    remote = parse_endpoint("oss-cn-hangzhou.aliyuncs.com")
    assert object_url(remote, "b", "k.txt") == "https://b.oss-cn-hangzhou.aliyuncs.com/k.txt"
    assert (
        object_url(remote, "b", "k.txt", style="path")
        == "https://oss-cn-hangzhou.aliyuncs.com/b/k.txt"
    )
    cname = parse_endpoint("https://static.example.com")
    assert object_url(cname, "b", "k.txt", style="cname") == "https://static.example.com/k.txt"
    # An IP or localhost endpoint cannot carry a bucket subdomain: path style is automatic.
    local = parse_endpoint("http://127.0.0.1:9000")
    assert effective_style(local, "virtual") == "path"
    assert object_url(local, "b", "k") == "http://127.0.0.1:9000/b/k"
    with pytest.raises(InputError):
        effective_style(remote, "sideways")


def test_key_and_query_encoding_is_strict() -> None:
    url = object_url(
        parse_endpoint("http://127.0.0.1:1"),
        "b",
        "dir/a b+c%d~e*f/../g/./目",
        query=[("versionId", "CAEQ+/= *")],
    )
    assert url == (
        "http://127.0.0.1:1/b/dir/a%20b%2Bc%25d~e%2Af/%2E%2E/g/%2E/%E7%9B%AE"
        "?versionId=CAEQ%2B%2F%3D%20%2A"
    )


keys = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)


@settings(max_examples=300, deadline=None)
@given(key=keys, version_id=st.text(min_size=1, max_size=30).filter(lambda s: "\x00" not in s))
def test_httpx_sends_exactly_the_url_we_built(key: str, version_id: str) -> None:
    """httpx must not normalise dot segments or re-encode anything we signed."""
    url = object_url(
        parse_endpoint("http://127.0.0.1:1"), "b", key, query=[("versionId", version_id)]
    )
    request = httpx.Request("HEAD", url)
    assert request.url.raw_path.decode("ascii") == url.split("127.0.0.1:1", 1)[1]
    # And the server-side decoding gives back the same key and version id.
    from urllib.parse import unquote

    assert unquote(request.url.raw_path.decode().split("?")[0][len("/b/") :]) == key
    assert parse_query(request.url.query) == [("versionId", version_id)]


@pytest.mark.parametrize(
    ("raw", "pairs"),
    [
        ("acl", [("acl", "")]),  # a bare sub-resource
        ("versionId=&acl", [("versionId", ""), ("acl", "")]),
        ("a=1&&b=2&", [("a", "1"), ("b", "2")]),  # empty parts are skipped
        ("prefix=a+b&marker=a%2Bb", [("prefix", "a b"), ("marker", "a+b")]),  # + is a space
        ("k=%E4%B8%AD=%3D", [("k", "中==")]),  # the first = splits, the rest is the value
        (b"delimiter=%2F", [("delimiter", "/")]),
    ],
)
def test_parse_query_reads_a_query_as_oss_does(raw: str | bytes, pairs: list) -> None:
    assert parse_query(raw) == pairs


def test_encode_key_only_touches_dot_segments() -> None:
    assert encode_key("a/./b/../c/.d/..e") == "a/%2E/b/%2E%2E/c/.d/..e"


def test_region_mismatch_is_named() -> None:
    assert region_of_endpoint("oss-cn-beijing.aliyuncs.com") == "cn-beijing"
    assert region_of_endpoint("bucket.oss-cn-beijing-internal.aliyuncs.com") == "cn-beijing"
    assert region_of_endpoint("oss-accelerate.aliyuncs.com") is None
    assert region_of_endpoint("127.0.0.1") is None
    message = region_mismatch(parse_endpoint("oss-cn-beijing.aliyuncs.com"), "cn-hangzhou")
    assert message and "cn-beijing" in message and "--region cn-beijing" in message
    assert region_mismatch(parse_endpoint("oss-cn-hangzhou.aliyuncs.com"), "cn-hangzhou") is None


@pytest.mark.parametrize("style", ["virtual", "path", "cname"])
def test_no_bucket_addresses_the_service(style: str) -> None:
    endpoint = parse_endpoint("oss-cn-hangzhou.aliyuncs.com")
    url = object_url(endpoint, "", "", style=style, query=[("max-keys", "10")])
    assert url == "https://oss-cn-hangzhou.aliyuncs.com/?max-keys=10"
