"""Service- and bucket-level operations: ListBuckets, Put/DeleteBucket, versioning, listings."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from ossbrowse.emulator import xmlgen
from ossbrowse.emulator.batch_delete import delete_multiple
from ossbrowse.emulator.errors import EC, OssError, invalid_argument, not_implemented
from ossbrowse.emulator.lifecycle import no_such_lifecycle, parse_lifecycle, render_lifecycle
from ossbrowse.emulator.listing import ListQuery
from ossbrowse.emulator.messages import Context, Response
from ossbrowse.emulator.new_object import STORAGE_CLASSES
from ossbrowse.emulator.object_state import restore_header
from ossbrowse.emulator.routing import first, int_param
from ossbrowse.emulator.store import Store

XML = ("Content-Type", "application/xml")
DEFAULT_MAX_KEYS = 100
MAX_KEYS = 1000
MAX_LISTING_ARGUMENT_BYTES = 1024


def _restore_at(ctx: Context) -> xmlgen.RestoreOf:
    """Each listed object's RestoreInfo as of the request (restores are timed by the clock)."""
    return lambda version: restore_header(version, ctx.now)


def _malformed(detail: str) -> OssError:
    return OssError(
        400,
        "MalformedXML",
        f"The XML you provided was not well-formed: {detail}",
        EC["MalformedXML"],
    )


def _parse_xml(body: bytes, root: str) -> Element | None:
    """The root element of a small XML request body (parsed safely), or None if empty."""
    if not body.strip():
        return None
    try:
        element = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise _malformed(str(exc)) from None
    if element.tag != root:
        raise _malformed(f"expected <{root}>, got <{element.tag}>")
    return element


def _url_encoded(ctx: Context) -> bool:
    encoding = first(ctx.query, "encoding-type")
    if encoding in (None, ""):
        return False
    if encoding != "url":
        raise invalid_argument("The encoding-type must be url.", "encoding-type", encoding)
    return True


def encode_token(last: str) -> str:
    """An opaque continuation token for a page that ended at ``last``."""
    return base64.urlsafe_b64encode(last.encode("utf-8")).decode("ascii")


def decode_token(token: str) -> str:
    """The position a continuation token stands for; 400 InvalidArgument if it is not ours."""
    try:
        position = base64.b64decode(token.encode("ascii"), altchars=b"-_", validate=True)
        if not position:
            raise ValueError("empty token")
        return position.decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise invalid_argument(
            "The continuation token provided is incorrect.", "continuation-token", token
        ) from None


def check_listing_arguments(query: Sequence[tuple[str, str]], names: Sequence[str]) -> None:
    """400 InvalidArgument, as OSS answers, for a listing argument OSS refuses.

    Prefixes, markers and tokens must be shorter than 1024 bytes (an object name is at most
    1023), and a delimiter is a single character.
    """
    for name in names:
        value = first(query, name)
        if value is None:
            continue
        if len(value.encode("utf-8")) >= MAX_LISTING_ARGUMENT_BYTES:
            raise invalid_argument(
                f"The {name} is too long: it must be shorter than "
                f"{MAX_LISTING_ARGUMENT_BYTES} bytes.",
                name,
                value[:64],
            )
        if name == "delimiter" and len(value) > 1:
            raise invalid_argument("The delimiter must be one character.", name, value)


class BucketOps:
    """Handlers for requests with no key."""

    def __init__(self, store: Store, region: str, *, public_access_blocked: bool = True) -> None:
        self.store = store
        self.region = region
        # What GetBucketInfo reports: OSS blocks public access on new buckets; the emulator
        # serves anonymous requests only when started with allow_anonymous.
        self.public_access_blocked = public_access_blocked

    def handle(self, ctx: Context) -> Response:
        """Dispatch a service- or bucket-level request by its served operation."""
        bucket = ctx.target.bucket
        operation = ctx.operation
        if operation == "ListBuckets":
            return self.list_buckets(ctx)
        if bucket is None:
            raise OssError(
                405,
                "MethodNotAllowed",
                "The specified method is not allowed against this resource.",
                EC["MethodNotAllowed"],
                (("Method", ctx.method), ("ResourceType", "Service")),
            )
        if operation == "PutBucket":
            return self.put_bucket(ctx, bucket)
        if operation == "DeleteBucket":
            self.store.delete_bucket(bucket)
            return Response(204)
        if operation == "PutBucketVersioning":
            return self.put_versioning(ctx, bucket)
        if operation == "GetBucketVersioning":
            info = self.store.bucket_info(bucket)
            return Response(200, [XML], xmlgen.versioning(info.versioning))
        if operation == "GetBucketInfo":
            info = self.store.bucket_info(bucket)
            body = xmlgen.bucket_info(
                name=info.name,
                region=info.region,
                created=info.created,
                storage_class=info.storage_class,
                acl=info.acl,
                versioning=info.versioning,
                block_public_access=self.public_access_blocked,
            )
            return Response(200, [XML], body)
        if operation == "PutBucketLifecycle":
            self.store.set_lifecycle(bucket, parse_lifecycle(ctx.request.body))
            return Response(200)
        if operation == "GetBucketLifecycle":
            rules = self.store.bucket_info(bucket).lifecycle
            if not rules:
                raise no_such_lifecycle(bucket)
            return Response(200, [XML], render_lifecycle(rules))
        if operation == "DeleteBucketLifecycle":
            self.store.set_lifecycle(bucket, ())
            return Response(204)
        if operation == "DeleteMultipleObjects":
            return delete_multiple(self.store, ctx, bucket)
        if operation == "ListObjectVersions":
            return self.list_versions(ctx, bucket)
        if operation == "GetBucketLocation":
            self.store.bucket_info(bucket)
            body = (
                f"{xmlgen.XML_DECLARATION}<LocationConstraint>oss-{self.region}"
                "</LocationConstraint>"
            ).encode()
            return Response(200, [XML], body)
        if operation == "ListObjects":
            if first(ctx.query, "list-type") == "2":
                return self.list_objects_v2(ctx, bucket)
            if ctx.has("continuation-token"):
                raise not_implemented("continuation-token without list-type=2")
            return self.list_objects_v1(ctx, bucket)
        raise not_implemented(f"{ctx.method} on a bucket")

    # -- service and bucket -----------------------------------------------------------------------

    def list_buckets(self, ctx: Context) -> Response:
        """ListBuckets: ``prefix``, ``marker`` (names after it), ``max-keys`` (1 to 1000)."""
        q = ctx.query
        prefix = first(q, "prefix") or ""
        marker = first(q, "marker") or ""
        max_keys = int_param(q, "max-keys", default=DEFAULT_MAX_KEYS, low=1, high=MAX_KEYS)
        check_listing_arguments(q, ("prefix", "marker"))
        matching = [
            b for b in self.store.list_buckets() if b.name.startswith(prefix) and b.name > marker
        ]
        page = matching[:max_keys]
        truncated = len(matching) > max_keys
        body = xmlgen.list_buckets(
            [(b.name, b.region, b.created, b.storage_class) for b in page],
            prefix=prefix,
            marker=marker,
            max_keys=max_keys,
            truncated=truncated,
            next_marker=page[-1].name if truncated else "",
        )
        return Response(200, [XML], body)

    def put_bucket(self, ctx: Context, bucket: str) -> Response:
        """PutBucket; the body (CreateBucketConfiguration) is optional."""
        config = _parse_xml(ctx.request.body, "CreateBucketConfiguration")
        storage_class = "Standard"
        if config is not None:
            storage_class = (config.findtext("StorageClass") or "Standard").strip()
            if storage_class not in STORAGE_CLASSES:
                raise invalid_argument(
                    "The storage class is not valid.", "StorageClass", storage_class
                )
        acl = ctx.headers.get("x-oss-acl", "private")
        if acl not in ("private", "public-read", "public-read-write"):
            raise invalid_argument("The x-oss-acl value is not valid.", "x-oss-acl", acl)
        self.store.create_bucket(bucket, region=self.region, acl=acl, storage_class=storage_class)
        return Response(200, [("Location", f"/{bucket}")])

    def put_versioning(self, ctx: Context, bucket: str) -> Response:
        """PutBucketVersioning: Status Enabled or Suspended."""
        root = _parse_xml(ctx.request.body, "VersioningConfiguration")
        status = root.findtext("Status") if root is not None else None
        if status not in ("Enabled", "Suspended"):
            raise _malformed("Status must be Enabled or Suspended")
        self.store.set_versioning(bucket, status)
        return Response(200)

    # -- listings ---------------------------------------------------------------------------------

    def list_objects_v2(self, ctx: Context, bucket: str) -> Response:
        """ListObjectsV2: prefix, delimiter, max-keys, continuation-token, start-after."""
        q = ctx.query
        check_listing_arguments(q, ("prefix", "delimiter", "start-after", "continuation-token"))
        url_encoded = _url_encoded(ctx)
        prefix = first(q, "prefix") or ""
        delimiter = first(q, "delimiter") or ""
        max_keys = int_param(q, "max-keys", default=DEFAULT_MAX_KEYS, low=0, high=MAX_KEYS)
        token = first(q, "continuation-token") or ""
        start_after = first(q, "start-after") or ""
        after = decode_token(token) if token else start_after
        query = ListQuery(
            prefix=prefix,
            delimiter=delimiter,
            max_keys=max_keys,
            url_encoded=url_encoded,
            after=after,
            start_after=start_after,
            continuation_token=token,
            fetch_owner=first(q, "fetch-owner") == "true",
        )
        page = self.store.list_objects(bucket, query)
        next_token = encode_token(page.last) if page.truncated else ""
        body = xmlgen.list_objects_v2(bucket, query, page, next_token, _restore_at(ctx))
        return Response(200, [XML], body)

    def list_objects_v1(self, ctx: Context, bucket: str) -> Response:
        """ListObjects (V1): prefix, delimiter, marker, max-keys."""
        q = ctx.query
        check_listing_arguments(q, ("prefix", "delimiter", "marker"))
        url_encoded = _url_encoded(ctx)
        prefix = first(q, "prefix") or ""
        delimiter = first(q, "delimiter") or ""
        marker = first(q, "marker") or ""
        max_keys = int_param(q, "max-keys", default=DEFAULT_MAX_KEYS, low=0, high=MAX_KEYS)
        query = ListQuery(
            prefix=prefix,
            delimiter=delimiter,
            max_keys=max_keys,
            url_encoded=url_encoded,
            after=marker,
            marker=marker,
        )
        page = self.store.list_objects(bucket, query)
        body = xmlgen.list_objects_v1(bucket, query, page, _restore_at(ctx))
        return Response(200, [XML], body)

    def list_versions(self, ctx: Context, bucket: str) -> Response:
        """ListObjectVersions: prefix, delimiter, key-marker, version-id-marker, max-keys."""
        q = ctx.query
        check_listing_arguments(q, ("prefix", "delimiter", "key-marker", "version-id-marker"))
        url_encoded = _url_encoded(ctx)
        prefix = first(q, "prefix") or ""
        delimiter = first(q, "delimiter") or ""
        key_marker = first(q, "key-marker") or ""
        version_id_marker = first(q, "version-id-marker") or ""
        max_keys = int_param(q, "max-keys", default=DEFAULT_MAX_KEYS, low=0, high=MAX_KEYS)
        if version_id_marker and not key_marker:
            raise invalid_argument(
                "A version-id-marker cannot be specified without a key-marker.",
                "version-id-marker",
                version_id_marker,
            )
        query = ListQuery(
            prefix=prefix,
            delimiter=delimiter,
            max_keys=max_keys,
            url_encoded=url_encoded,
            key_marker=key_marker,
            version_id_marker=version_id_marker,
        )
        page = self.store.list_versions(bucket, query)
        body = xmlgen.list_versions(bucket, query, page, _restore_at(ctx))
        return Response(200, [XML], body)
