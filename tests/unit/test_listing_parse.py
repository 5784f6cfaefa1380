"""Reading listing documents: exact keys, pages and markers; refusing what is not a listing."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote_plus, unquote_plus
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ossbrowse.emulator import xmlgen
from ossbrowse.emulator.listing import ListPage, ListQuery
from ossbrowse.emulator.model import ObjectVersion
from ossbrowse.oss.listing import (
    MAX_LISTING_BYTES,
    CommonPrefix,
    DeleteMarker,
    ListingError,
    VersionEntry,
    parse_list_buckets,
    parse_list_object_versions,
    parse_list_objects_v2,
)

# As OSS documents the answer to GET /?list-type=2&encoding-type=url&delimiter=/ (shape), with
# names percent-encoded.
V2_ENCODED = b"""<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult>
  <Name>examplebucket</Name>
  <Prefix>dir%2F</Prefix>
  <StartAfter>dir%2Fa%2Bb</StartAfter>
  <MaxKeys>2</MaxKeys>
  <Delimiter>%2F</Delimiter>
  <EncodingType>url</EncodingType>
  <IsTruncated>true</IsTruncated>
  <NextContinuationToken>CgJiYw%3D%3D</NextContinuationToken>
  <KeyCount>3</KeyCount>
  <Contents>
    <Key>dir%2Fhello%20world%2B1.txt</Key>
    <LastModified>2026-03-14T09:26:53.000Z</LastModified>
    <ETag>"5B3C1A2E053D763E1B002CC607C5A0FE"</ETag>
    <Type>Normal</Type>
    <Size>344606</Size>
    <StorageClass>Standard</StorageClass>
    <Owner><ID>1</ID><DisplayName>1</DisplayName></Owner>
  </Contents>
  <Contents>
    <Key>dir%2F%E7%9B%AE%E5%BD%95+%25%01.txt</Key>
    <LastModified>2026-03-14T09:26:54.000Z</LastModified>
    <ETag>"A-3"</ETag>
    <Type>Multipart</Type>
    <Size>0</Size>
    <StorageClass>Archive</StorageClass>
    <RestoreInfo>ongoing-request="true"</RestoreInfo>
  </Contents>
  <CommonPrefixes><Prefix>dir%2Fsub%20dir%2F</Prefix></CommonPrefixes>
</ListBucketResult>"""


def test_v2_url_encoded_names_are_decoded_exactly() -> None:
    page = parse_list_objects_v2(V2_ENCODED, request_id="RID")
    # "+" is a space, as S3 servers write it and the Go SDK reads it; OSS writes "%2B" for "+".
    assert [o.key for o in page.objects] == ["dir/hello world+1.txt", "dir/目录 %\x01.txt"]
    assert page.prefixes == (CommonPrefix("dir/sub dir/"),)
    assert (page.prefix, page.delimiter, page.start_after) == ("dir/", "/", "dir/a+b")
    assert page.is_truncated and page.next_continuation_token == "CgJiYw=="
    first, second = page.objects
    assert first.size == 344606 and first.etag == '"5B3C1A2E053D763E1B002CC607C5A0FE"'
    assert first.last_modified == datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)
    assert (first.storage_class, first.object_type) == ("Standard", "Normal")
    assert second.restore_info == 'ongoing-request="true"'
    assert (page.max_keys, page.key_count, page.request_id) == (2, 3, "RID")


def test_v2_without_encoding_keeps_percent_signs() -> None:
    body = V2_ENCODED.replace(b"<EncodingType>url</EncodingType>", b"")
    page = parse_list_objects_v2(body)
    assert page.objects[0].key == "dir%2Fhello%20world%2B1.txt"


def test_namespaced_s3_document_reads_the_same() -> None:
    body = V2_ENCODED.replace(
        b"<ListBucketResult>",
        b'<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    )
    assert parse_list_objects_v2(body).objects == parse_list_objects_v2(V2_ENCODED).objects


def test_documents_in_other_encodings_read_the_same() -> None:
    # UTF-8 without a DOCTYPE is read by the C parser; these go to defusedxml: both agree.
    text = V2_ENCODED.decode().replace("%E7%9B%AE%E5%BD%95", "é")
    utf8 = parse_list_objects_v2(text.encode())
    assert utf8.objects[1].key == "dir/é %\x01.txt"
    latin1 = text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")
    utf16 = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    for body in (latin1, utf16, text.replace("<?xml", "<!-- a comment --><?xml", 0).encode()):
        assert parse_list_objects_v2(body).objects == utf8.objects


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16", "ISO-8859-1"])
def test_a_doctype_is_refused_in_any_encoding(encoding: str) -> None:
    body = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        "<ListBucketResult><Name>&b;</Name><IsTruncated>false</IsTruncated></ListBucketResult>"
    ).encode(encoding)
    with pytest.raises(ListingError, match="DTD or entities"):
        parse_list_objects_v2(body)


def test_fields_are_leaves_read_first_wins_with_or_without_namespaces() -> None:
    body = V2_ENCODED.replace(
        b"<Key>dir%2Fhello%20world%2B1.txt</Key>",
        b"<Key>dir%2Fhello%20world%2B1.txt</Key><Key>second</Key><ETag>x<i/></ETag>",
    ).replace(b'<ETag>"5B3C1A2E053D763E1B002CC607C5A0FE"</ETag>', b"")
    spaced = body.replace(b"<ListBucketResult>", b'<ListBucketResult xmlns="urn:x">')
    for document in (body, spaced):
        first = parse_list_objects_v2(document).objects[0]
        # The first <Key> counts; an element with children is not a value.
        assert (first.key, first.etag) == ("dir/hello world+1.txt", None)


def test_last_page_has_no_token() -> None:
    body = V2_ENCODED.replace(b"<IsTruncated>true", b"<IsTruncated>false")
    assert parse_list_objects_v2(body).next_continuation_token is None


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            V2_ENCODED.replace(b"<NextContinuationToken>CgJiYw%3D%3D</NextContinuationToken>", b""),
            "no <NextContinuationToken>",
        ),
        (V2_ENCODED.replace(b"<IsTruncated>true</IsTruncated>", b""), "<IsTruncated> is missing"),
        (V2_ENCODED.replace(b"<IsTruncated>true", b"<IsTruncated>yes"), "not true or false"),
        (V2_ENCODED.replace(b"<Size>0</Size>", b"<Size>big</Size>"), "not a number"),
        (V2_ENCODED.replace(b"<Key>dir%2Fhello%20world%2B1.txt</Key>", b""), "no <Key>"),
        (V2_ENCODED.replace(b"2026-03-14T09:26:53.000Z", b"yesterday"), "ISO 8601"),
        (V2_ENCODED.replace(b"%E7%9B%AE", b"%FF%FE"), "not UTF-8"),
        (V2_ENCODED.replace(b"<EncodingType>url", b"<EncodingType>base64"), "EncodingType"),
        (b"<Error><Code>AccessDenied</Code></Error>", "expected <ListBucketResult>"),
        (b"<ListBucketResult>", "not well-formed"),
        (b"", "not well-formed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
            b"<ListBucketResult>&a;</ListBucketResult>",
            "DTD or entities",
        ),
    ],
)
def test_unreadable_listings_are_refused(body: bytes, words: str) -> None:
    with pytest.raises(ListingError) as info:
        parse_list_objects_v2(body)
    assert words in str(info.value)


def test_oversized_listing_is_refused_before_parsing() -> None:
    with pytest.raises(ListingError, match="at most"):
        parse_list_objects_v2(b" " * (MAX_LISTING_BYTES + 1))


VERSIONS = b"""<?xml version="1.0" encoding="UTF-8"?>
<ListVersionsResult>
  <Name>b</Name><Prefix>toto</Prefix><KeyMarker>a%2Bb</KeyMarker><VersionIdMarker>v0</VersionIdMarker>
  <MaxKeys>3</MaxKeys><Delimiter></Delimiter><EncodingType>url</EncodingType>
  <IsTruncated>true</IsTruncated>
  <NextKeyMarker>toto-1</NextKeyMarker><NextVersionIdMarker>v9</NextVersionIdMarker>
  <DeleteMarker>
    <Key>toto</Key><VersionId>v3</VersionId><IsLatest>true</IsLatest>
    <LastModified>2026-03-14T09:26:55.000Z</LastModified>
  </DeleteMarker>
  <Version>
    <Key>toto</Key><VersionId>v2</VersionId><IsLatest>false</IsLatest>
    <LastModified>2026-03-14T09:26:54.000Z</LastModified><ETag>"E2"</ETag>
    <Type>Normal</Type><Size>2</Size><StorageClass>Standard</StorageClass>
  </Version>
  <Version>
    <Key>toto-1</Key><VersionId>v9</VersionId><IsLatest>true</IsLatest>
    <LastModified>2026-03-14T09:26:53.000Z</LastModified><ETag>"E9"</ETag>
    <Size>9</Size><StorageClass>IA</StorageClass>
  </Version>
</ListVersionsResult>"""


def test_versions_keep_document_order_with_delete_markers() -> None:
    page = parse_list_object_versions(VERSIONS)
    assert [(v.key, v.version_id, v.is_delete_marker, v.is_latest) for v in page.versions] == [
        ("toto", "v3", True, True),
        ("toto", "v2", False, False),
        ("toto-1", "v9", False, True),
    ]
    assert isinstance(page.versions[0], DeleteMarker)
    assert isinstance(page.versions[1], VersionEntry) and page.versions[1].size == 2
    assert (page.next_key_marker, page.next_version_id_marker) == ("toto-1", "v9")
    assert (page.key_marker, page.version_id_marker) == ("a+b", "v0")


def test_truncated_versions_need_a_next_key_marker() -> None:
    with pytest.raises(ListingError, match="NextKeyMarker"):
        parse_list_object_versions(VERSIONS.replace(b"<NextKeyMarker>toto-1</NextKeyMarker>", b""))


BUCKETS = b"""<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult>
  <Prefix>demo</Prefix><Marker></Marker><MaxKeys>1</MaxKeys>
  <IsTruncated>true</IsTruncated><NextMarker>demo-bucket</NextMarker>
  <Owner><ID>512</ID><DisplayName>owner</DisplayName></Owner>
  <Buckets>
    <Bucket>
      <CreationDate>2014-02-17T18:12:43.000Z</CreationDate>
      <ExtranetEndpoint>oss-cn-shanghai.aliyuncs.com</ExtranetEndpoint>
      <IntranetEndpoint>oss-cn-shanghai-internal.aliyuncs.com</IntranetEndpoint>
      <Location>oss-cn-shanghai</Location>
      <Name>demo-bucket</Name>
      <StorageClass>Standard</StorageClass>
    </Bucket>
  </Buckets>
</ListAllMyBucketsResult>"""


def test_buckets_page() -> None:
    page = parse_list_buckets(BUCKETS)
    (bucket,) = page.buckets
    assert (bucket.name, bucket.region, bucket.storage_class) == (
        "demo-bucket",
        "cn-shanghai",
        "Standard",
    )
    assert bucket.creation_date == datetime(2014, 2, 17, 18, 12, 43, tzinfo=UTC)
    assert page.is_truncated and page.next_marker == "demo-bucket"
    assert (page.owner_id, page.prefix) == ("512", "demo")


def test_untruncated_bucket_list_without_paging_elements() -> None:
    body = b"<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>"
    page = parse_list_buckets(body)
    assert page.buckets == () and not page.is_truncated and page.next_marker is None


# Keys OSS accepts (no surrogates); control characters included: encoding-type=url carries them.
keys = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFFF),
    min_size=1,
    max_size=60,
)


@given(st.lists(keys, min_size=1, max_size=20, unique=True), keys)
def test_any_key_round_trips_through_an_encoded_listing(names: list[str], prefix: str) -> None:
    entries = [
        ObjectVersion(key=name, version_id="null", last_modified=0, etag='"E"')
        for name in sorted(names)
    ]
    body = xmlgen.list_objects_v2(
        "b",
        ListQuery(prefix=prefix, delimiter="/", url_encoded=True),
        ListPage(entries, [prefix], False, ""),
        "",
    )
    page = parse_list_objects_v2(body)
    assert [o.key for o in page.objects] == sorted(names)
    assert page.prefix == prefix and page.prefixes == (CommonPrefix(prefix),)


@given(
    st.text(alphabet=st.sampled_from("%+aZ09fF/ é目"), min_size=1, max_size=30)
    | keys.map(quote_plus)
)
def test_names_decode_as_unquote_plus_does(value: str) -> None:
    body = V2_ENCODED.replace(b"dir%2Fhello%20world%2B1.txt", escape(value).encode(), 1)
    try:
        expected = unquote_plus(value, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        with pytest.raises(ListingError, match="not UTF-8"):
            parse_list_objects_v2(body)
    else:
        assert parse_list_objects_v2(body).objects[0].key == expected
