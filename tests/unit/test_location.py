"""Pasted locations: oss://bucket/key and OSS URLs split into bucket, key, endpoint, region."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ossbrowse.oss.addressing import Endpoint, object_url
from ossbrowse.oss.location import (
    Location,
    format_oss_uri,
    looks_like_location,
    parse_location,
)
from ossbrowse.oss.validation import InputError


@pytest.mark.parametrize(
    ("text", "bucket", "key"),
    [
        ("oss://demo-bucket", "demo-bucket", ""),
        ("oss://demo-bucket/", "demo-bucket", ""),
        ("oss://demo-bucket/reports/", "demo-bucket", "reports/"),
        ("oss://demo-bucket/reports/q3.csv", "demo-bucket", "reports/q3.csv"),
        # Literal in oss://, as ossutil reads it: nothing is decoded.
        ("oss://demo-bucket/a%20b+c.txt", "demo-bucket", "a%20b+c.txt"),
        ("oss://demo-bucket/a/../b", "demo-bucket", "a/../b"),
        ("OSS://demo-bucket/x#y?z", "demo-bucket", "x#y?z"),
        ("  oss://demo-bucket/目录/说明.txt\n", "demo-bucket", "目录/说明.txt"),
        ("oss://demo-bucket/trailing space ", "demo-bucket", "trailing space "),
    ],
)
def test_oss_uri(text: str, bucket: str, key: str) -> None:
    location = parse_location(text)
    assert location == Location(bucket, key)
    assert location.endpoint is None and location.region is None


@pytest.mark.parametrize(
    ("text", "bucket", "key", "endpoint", "region", "style"),
    [
        (
            "https://examplebucket.oss-cn-hangzhou.aliyuncs.com/dir/hello%20world%2B1.txt",
            "examplebucket",
            "dir/hello world+1.txt",
            "https://oss-cn-hangzhou.aliyuncs.com",
            "cn-hangzhou",
            "virtual",
        ),
        (
            "https://oss-cn-hangzhou.aliyuncs.com/examplebucket/dir/a+b.txt",
            "examplebucket",
            "dir/a+b.txt",
            "https://oss-cn-hangzhou.aliyuncs.com",
            "cn-hangzhou",
            "path",
        ),
        (
            "http://examplebucket.oss-cn-beijing-internal.aliyuncs.com/k",
            "examplebucket",
            "k",
            "http://oss-cn-beijing-internal.aliyuncs.com",
            "cn-beijing",
            "virtual",
        ),
        (
            "https://examplebucket.oss-accelerate.aliyuncs.com/k",
            "examplebucket",
            "k",
            "https://oss-accelerate.aliyuncs.com",
            None,
            "virtual",
        ),
        (
            "https://examplebucket.oss-accelerate-overseas.aliyuncs.com/k",
            "examplebucket",
            "k",
            "https://oss-accelerate-overseas.aliyuncs.com",
            None,
            "virtual",
        ),
        (
            "https://examplebucket.cn-hangzhou.oss.aliyuncs.com/k",
            "examplebucket",
            "k",
            "https://cn-hangzhou.oss.aliyuncs.com",
            "cn-hangzhou",
            "virtual",
        ),
        (
            "https://examplebucket.oss-cn-hangzhou.aliyuncs.com/",
            "examplebucket",
            "",
            "https://oss-cn-hangzhou.aliyuncs.com",
            "cn-hangzhou",
            "virtual",
        ),
        (
            "https://examplebucket.oss-cn-hangzhou.aliyuncs.com",
            "examplebucket",
            "",
            "https://oss-cn-hangzhou.aliyuncs.com",
            "cn-hangzhou",
            "virtual",
        ),
        (
            "http://127.0.0.1:9000/demo-bucket/docs/%E7%9B%AE%E5%BD%95/a%2Fb",
            "demo-bucket",
            "docs/目录/a/b",
            "http://127.0.0.1:9000",
            None,
            "path",
        ),
        (
            "https://examplebucket.oss-cn-hangzhou.aliyuncs.com/a/%2E%2E/b/../c",
            "examplebucket",
            "a/../b/../c",
            "https://oss-cn-hangzhou.aliyuncs.com",
            "cn-hangzhou",
            "virtual",
        ),
        (
            "HTTPS://ExampleBucket.OSS-cn-hangzhou.aliyuncs.com/Key",
            "examplebucket",
            "Key",
            "https://oss-cn-hangzhou.aliyuncs.com",
            "cn-hangzhou",
            "virtual",
        ),
    ],
)
def test_oss_url(
    text: str, bucket: str, key: str, endpoint: str, region: str | None, style: str
) -> None:
    location = parse_location(text)
    assert (location.bucket, location.key) == (bucket, key)
    assert (location.endpoint, location.region, location.addressing_style) == (
        endpoint,
        region,
        style,
    )


def test_url_version_id_and_presign_query() -> None:
    location = parse_location(
        "https://b-1.oss-cn-hangzhou.aliyuncs.com/k.txt?versionId=CAEQ%2B1&x-oss-expires=60"
    )
    assert (location.bucket, location.key, location.version_id) == ("b-1", "k.txt", "CAEQ+1")


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("", "location", "empty"),
        ("demo-bucket/key", "location", "oss://"),
        ("s3://demo-bucket/key", "location", "oss://"),
        ("oss://", "location", "no bucket"),
        ("oss:///key", "location", "no bucket"),
        ("oss://Demo_Bucket/key", "bucket", "lower-case"),
        ("oss://ab/key", "bucket", "3 to 63"),
        ("oss://demo-bucket//key", "key", "must not start"),
        ("https://example.com/bucket/key", "location", "not an OSS host"),
        ("https://a.b.oss-cn-hangzhou.aliyuncs.com/k", "location", "not an OSS endpoint"),
        ("https://oss-cn-hangzhou.aliyuncs.com/", "location", "no bucket"),
        ("https://b-1.oss-cn-hangzhou.aliyuncs.com/a%zzb", "location", "%XX"),
        ("https://b-1.oss-cn-hangzhou.aliyuncs.com/a%ffb", "location", "UTF-8"),
        ("https://b-1.oss-cn-hangzhou.aliyuncs.com/a#b", "location", "%23"),
        ("https://user:pw@b-1.oss-cn-hangzhou.aliyuncs.com/a", "location", "credentials"),
        ("http://127.0.0.1:99999/b-1/k", "location", "not a valid URL"),
    ],
)
def test_bad_locations_name_the_field(text: str, field: str, words: str) -> None:
    with pytest.raises(InputError) as info:
        parse_location(text)
    assert info.value.field == field
    assert words in info.value.message


def test_field_name_is_the_callers() -> None:
    with pytest.raises(InputError) as info:
        parse_location("nonsense", field="bucket")
    assert info.value.field == "bucket"


def test_looks_like_location() -> None:
    assert looks_like_location("oss://b/k")
    assert looks_like_location("HTTPS://x")
    assert not looks_like_location("my-bucket")
    assert not looks_like_location("dir/oss://x")


def test_uri_and_prefix() -> None:
    assert parse_location("oss://demo-bucket/reports/").is_prefix
    assert parse_location("oss://demo-bucket").is_prefix
    assert not parse_location("oss://demo-bucket/reports/q3.csv").is_prefix
    assert Location("demo-bucket", "a b").uri == "oss://demo-bucket/a b"
    assert format_oss_uri("demo-bucket") == "oss://demo-bucket"


# -- round trips ------------------------------------------------------------------------------

buckets = st.from_regex(r"\A[a-z0-9][a-z0-9-]{1,20}[a-z0-9]\Z")
# Any key OSS accepts: control characters included (OSS stores them; the explorer lists them),
# no surrogates (a key is UTF-8).
keys = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFFF),
    min_size=1,
    max_size=80,
).filter(lambda k: k[0] not in "/\\")
segments = st.sampled_from(["..", ".", "a b", "+", "%", "%41", "目录", "x"])
dotted_keys = st.lists(segments, min_size=1, max_size=5).map("/".join)


@given(bucket=buckets, key=keys | dotted_keys)
def test_oss_uri_round_trip(bucket: str, key: str) -> None:
    assert parse_location(format_oss_uri(bucket, key)) == Location(bucket, key)


@given(
    bucket=buckets,
    key=keys | dotted_keys,
    style=st.sampled_from(["virtual", "path"]),
    host=st.sampled_from(
        [
            "oss-cn-hangzhou.aliyuncs.com",
            "oss-ap-southeast-1-internal.aliyuncs.com",
            "cn-shanghai.oss.aliyuncs.com",
        ]
    ),
)
def test_url_round_trip(bucket: str, key: str, style: str, host: str) -> None:
    """Whatever our own addressing builds for a key, pasting it back gives the same key."""
    url = object_url(Endpoint("https", host), bucket, key, style=style)
    location = parse_location(url)
    assert (location.bucket, location.key, location.addressing_style) == (bucket, key, style)
    assert location.endpoint == f"https://{host}"
    assert location.region in ("cn-hangzhou", "ap-southeast-1", "cn-shanghai")


@given(bucket=buckets, key=keys | dotted_keys)
def test_loopback_url_round_trip(bucket: str, key: str) -> None:
    url = object_url(Endpoint("http", "127.0.0.1", 9000), bucket, key, style="virtual")
    location = parse_location(url)
    assert (location.bucket, location.key) == (bucket, key)
    assert location.endpoint == "http://127.0.0.1:9000"
