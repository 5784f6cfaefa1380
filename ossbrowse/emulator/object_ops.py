"""Object operations: PutObject, GetObject, HeadObject, GetObjectMeta, DeleteObject.

Response headers follow docs/oss-protocol.md §2; conditional GET/HEAD uses the same RFC 7232 §6
evaluation as the rest of ossbrowse (:func:`ossbrowse.oss.conditions.evaluate_preconditions`).
Delete markers answer as OSS documents: 404 NoSuchKey with ``x-oss-delete-marker: true`` when
the current version is a marker, 405 MethodNotAllowed with ``Allow: DELETE`` when a versionId
names one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from ossbrowse.emulator.errors import EC, OssError, not_implemented
from ossbrowse.emulator.messages import Context, Response
from ossbrowse.emulator.new_object import (
    check_digests,
    check_forbid_overwrite,
    new_object_attributes,
    storage_class_and_acl,
)
from ossbrowse.emulator.object_errors import object_errors
from ossbrowse.emulator.object_features import ObjectFeatures
from ossbrowse.emulator.object_state import (
    decode_tags,
    expiration_header,
    readable,
    restore_header,
    sse_headers,
)
from ossbrowse.emulator.routing import version_id_param
from ossbrowse.emulator.store import (
    NoSuchKeyError,
    NoSuchVersionError,
    ObjectVersion,
    Store,
)
from ossbrowse.oss.conditions import evaluate_preconditions
from ossbrowse.oss.httpdates import format_http_date

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# Headers that turn PutObject into another operation (CopyObject) or ask for something the
# emulator does not do (callbacks): refused rather than silently dropped.
_UNSUPPORTED_PUT_HEADERS = (
    "x-oss-copy-source",
    "x-oss-callback",
    "x-oss-callback-var",
)


def _http_date(posix: float) -> str:
    return format_http_date(datetime.fromtimestamp(int(posix), UTC))


# GetObject's response-* parameters and the header each one sets in the answer.
RESPONSE_OVERRIDES = {
    "response-content-type": "Content-Type",
    "response-content-language": "Content-Language",
    "response-expires": "Expires",
    "response-cache-control": "Cache-Control",
    "response-content-disposition": "Content-Disposition",
    "response-content-encoding": "Content-Encoding",
}


def _override(
    headers: list[tuple[str, str]], query: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    """``headers`` with each header a ``response-*`` parameter names replaced by its value."""
    replaced = {
        RESPONSE_OVERRIDES[name].lower(): (RESPONSE_OVERRIDES[name], value)
        for name, value in query
        if name in RESPONSE_OVERRIDES
    }
    if not replaced:
        return headers
    kept = [(n, v) for n, v in headers if n.lower() not in replaced]
    return kept + list(replaced.values())


class ObjectOps:
    """Handlers for requests that name a key."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.features = ObjectFeatures(store)

    def handle(self, ctx: Context) -> Response:
        """Dispatch an object-level request by its served operation."""
        operation = ctx.operation
        if operation == "PutObject":
            for header in _UNSUPPORTED_PUT_HEADERS:
                if header in ctx.headers:
                    raise not_implemented(f"PutObject with {header}")
            return self.put_object(ctx)
        if operation in ("GetObject", "GetObjectMeta"):
            return self.get_object(ctx, head=ctx.method == "HEAD")
        if operation == "DeleteObject":
            return self.delete_object(ctx)
        if operation in self.features.OPERATIONS:
            return self.features.handle(ctx)
        raise not_implemented(f"{ctx.method} on an object")

    # -- reading ----------------------------------------------------------------------------------

    def _lookup(self, ctx: Context) -> tuple[ObjectVersion, bool]:
        """The addressed version and whether the bucket is versioned; maps store errors."""
        bucket, key = ctx.target.bucket, ctx.target.key
        assert bucket is not None and key is not None
        version_id = version_id_param(ctx.query)
        versioned = self.store.bucket_info(bucket).versioning is not None
        with object_errors(ctx.method, key, version_id):
            return self.store.get_object(bucket, key, version_id), versioned

    def _through_symlink(self, bucket: str, link: ObjectVersion) -> ObjectVersion:
        """What GET and HEAD of a symlink describe: the target's content, size, ETag and storage
        class, under the link's key, version, metadata and tags, with the later Last-Modified.

        A missing target (or one that is itself a symlink) is 404 SymlinkTargetNotExist.
        """
        target_key = link.symlink_target or ""
        try:
            target = self.store.get_object(bucket, target_key)
        except (NoSuchKeyError, NoSuchVersionError):
            target = None
        if target is None or target.object_type == "Symlink":
            raise OssError(
                404,
                "SymlinkTargetNotExist",
                "The symlink target object does not exist.",
                EC["SymlinkTargetNotExist"],
                (("SymlinkTarget", target_key),),
            )
        return replace(
            target,
            key=link.key,
            version_id=link.version_id,
            object_type="Symlink",
            last_modified=max(link.last_modified, target.last_modified),
            user_meta=link.user_meta,
            tagging=link.tagging,
            symlink_target=link.symlink_target,
        )

    @staticmethod
    def _validators(v: ObjectVersion, versioned: bool) -> list[tuple[str, str]]:
        headers = [("ETag", v.etag), ("Last-Modified", _http_date(v.last_modified))]
        if versioned:
            headers.append(("x-oss-version-id", v.version_id))
        return headers

    def get_object(self, ctx: Context, *, head: bool) -> Response:
        """GetObject / HeadObject / GetObjectMeta, with conditions, versionId and Range."""
        v, versioned = self._lookup(ctx)
        bucket = ctx.target.bucket
        assert bucket is not None
        if v.object_type == "Symlink":
            v = self._through_symlink(bucket, v)
        if ctx.operation == "GetObjectMeta":
            # The object's size is the message's Content-Length (a HEAD): one header, set by
            # the HTTP layer from content_length.
            return Response(200, self._validators(v, versioned), content_length=v.size)
        h = ctx.headers
        status = evaluate_preconditions(
            etag=v.etag,
            last_modified=datetime.fromtimestamp(v.last_modified, UTC),
            if_match=h.get("if-match"),
            if_none_match=h.get("if-none-match"),
            if_modified_since=h.get("if-modified-since"),
            if_unmodified_since=h.get("if-unmodified-since"),
        )
        if status == 304:
            headers = self._validators(v, versioned)
            headers += [
                (n, x) for n, x in (("Cache-Control", v.cache_control), ("Expires", v.expires)) if x
            ]
            return Response(304, headers)
        if status == 412:
            raise OssError(
                412,
                "PreconditionFailed",
                "At least one of the pre-conditions you specified did not hold.",
                EC["PreconditionFailed"],
                (),
                self._validators(v, versioned),
            )
        if not head and not readable(v, ctx.now):
            raise OssError(
                403,
                "InvalidObjectState",
                f"The operation is not valid for the object's state: it is {v.storage_class} "
                "and not restored.",
                EC["InvalidObjectState"],
            )
        headers = self._object_headers(v, versioned, ctx.now)
        lifecycle = self.store.bucket_info(bucket).lifecycle
        if lifecycle and self._is_current(bucket, v):
            expires = expiration_header(v, lifecycle)
            if expires:
                headers.append(("x-oss-expiration", expires))
        body, status = v.body, 200
        range_header = h.get("range")
        if range_header and not head:
            body, status, extra = self._range(v, range_header)
            headers += extra
        headers = _override(headers, ctx.query)
        if head:
            return Response(200, headers, content_length=v.size)
        return Response(status, headers, body)

    @staticmethod
    def _range(v: ObjectVersion, header: str) -> tuple[bytes, int, list[tuple[str, str]]]:
        match = _RANGE.match(header.strip())
        size = v.size
        if not match or (not match.group(1) and not match.group(2)):
            return v.body, 200, []  # OSS ignores a range it cannot parse
        first, last = match.group(1), match.group(2)
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
            if last and int(last) < start:
                return v.body, 200, []
        else:
            start, end = max(size - int(last), 0), size - 1
        if start >= size:
            raise OssError(
                416,
                "InvalidRange",
                "The requested range cannot be satisfied.",
                "0026-00000006",
                (),
                (("Content-Range", f"bytes */{size}"),),
            )
        return v.body[start : end + 1], 206, [("Content-Range", f"bytes {start}-{end}/{size}")]

    def _is_current(self, bucket: str, v: ObjectVersion) -> bool:
        versions = self.store.versions_of(bucket, v.key)
        return bool(versions) and versions[0].version_id == v.version_id

    def _object_headers(
        self, v: ObjectVersion, versioned: bool, now: float
    ) -> list[tuple[str, str]]:
        headers = [("Content-Type", v.content_type), ("Accept-Ranges", "bytes")]
        headers += self._validators(v, versioned)
        headers += [
            ("x-oss-object-type", v.object_type),
            ("x-oss-storage-class", v.storage_class),
            ("x-oss-hash-crc64ecma", str(v.crc64)),
        ]
        if v.content_md5:
            headers.append(("Content-MD5", v.content_md5))
        if v.object_type == "Appendable":
            headers.append(("x-oss-next-append-position", str(v.size)))
        for name, value in (
            ("Cache-Control", v.cache_control),
            ("Content-Disposition", v.content_disposition),
            ("Content-Encoding", v.content_encoding),
            ("Expires", v.expires),
            ("x-oss-restore", restore_header(v, now)),
        ):
            if value:
                headers.append((name, value))
        headers += sse_headers(v)
        tags = decode_tags(v.tagging)
        if tags:
            headers.append(("x-oss-tagging-count", str(len(tags))))
        headers += [(f"x-oss-meta-{name}", value) for name, value in v.user_meta]
        return headers

    # -- writing ----------------------------------------------------------------------------------

    def put_object(self, ctx: Context) -> Response:
        """PutObject with HTTP metadata, x-oss-meta-*, storage class and ACL."""
        bucket, key = ctx.target.bucket, ctx.target.key
        assert bucket is not None and key is not None
        h = ctx.headers
        check_digests(h, ctx.request.body)
        info = self.store.bucket_info(bucket)
        storage_class, acl = storage_class_and_acl(h, info.storage_class)
        check_forbid_overwrite(self.store, bucket, key, h)
        version = self.store.put_object(
            bucket, key, ctx.request.body, **new_object_attributes(h, storage_class, acl)
        )
        headers = [
            ("ETag", version.etag),
            ("x-oss-hash-crc64ecma", str(version.crc64)),
            ("Content-MD5", version.content_md5 or ""),
            *sse_headers(version),
        ]
        if info.versioning is not None:
            headers.append(("x-oss-version-id", version.version_id))
        return Response(200, headers)

    def delete_object(self, ctx: Context) -> Response:
        """DeleteObject: a delete marker in a versioned bucket; a versionId removes that one."""
        bucket, key = ctx.target.bucket, ctx.target.key
        assert bucket is not None and key is not None
        version_id = version_id_param(ctx.query)
        result = self.store.delete_object(bucket, key, version_id)
        headers: list[tuple[str, str]] = []
        if result.delete_marker:
            headers.append(("x-oss-delete-marker", "true"))
        if result.version_id is not None:
            headers.append(("x-oss-version-id", result.version_id))
        return Response(204, headers)
