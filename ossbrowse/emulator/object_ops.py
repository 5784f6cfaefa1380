"""Object operations: PutObject, GetObject, HeadObject, GetObjectMeta, DeleteObject.

Response headers follow docs/oss-protocol.md §2; conditional GET/HEAD uses the same RFC 7232 §6
evaluation as the rest of ossbrowse (:func:`ossbrowse.oss.conditions.evaluate_preconditions`).
Delete markers answer as OSS documents: 404 NoSuchKey with ``x-oss-delete-marker: true`` when
the current version is a marker, 405 MethodNotAllowed with ``Allow: DELETE`` when a versionId
names one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from ossbrowse.emulator.errors import EC, OssError, invalid_argument, no_such_key, not_implemented
from ossbrowse.emulator.messages import Context, Response
from ossbrowse.emulator.routing import version_id_param
from ossbrowse.emulator.store import (
    DeleteMarkerAddressedError,
    NoSuchKeyError,
    NoSuchVersionError,
    ObjectVersion,
    Store,
    content_md5,
)
from ossbrowse.oss.canonical import UNSIGNED_PAYLOAD
from ossbrowse.oss.conditions import evaluate_preconditions
from ossbrowse.oss.httpdates import format_http_date

STORAGE_CLASSES = ("Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive")
OBJECT_ACLS = ("default", "private", "public-read", "public-read-write")
_FROZEN = ("Archive", "ColdArchive", "DeepColdArchive")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# Headers that turn PutObject into another operation (CopyObject) or ask for something the
# emulator does not do (encryption, tags, callbacks): refused rather than silently dropped.
_UNSUPPORTED_PUT_HEADERS = (
    "x-oss-copy-source",
    "x-oss-server-side-encryption",
    "x-oss-server-side-data-encryption",
    "x-oss-server-side-encryption-key-id",
    "x-oss-tagging",
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


def _marker_headers(marker: ObjectVersion) -> list[tuple[str, str]]:
    return [("x-oss-delete-marker", "true"), ("x-oss-version-id", marker.version_id)]


class ObjectOps:
    """Handlers for requests that name a key."""

    def __init__(self, store: Store) -> None:
        self.store = store

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
        raise not_implemented(f"{ctx.method} on an object")

    # -- reading ----------------------------------------------------------------------------------

    def _lookup(self, ctx: Context) -> tuple[ObjectVersion, bool]:
        """The addressed version and whether the bucket is versioned; maps store errors."""
        bucket, key = ctx.target.bucket, ctx.target.key
        assert bucket is not None and key is not None
        version_id = version_id_param(ctx.query)
        versioned = self.store.bucket_info(bucket).versioning is not None
        try:
            return self.store.get_object(bucket, key, version_id), versioned
        except NoSuchKeyError as exc:
            raise no_such_key(key, _marker_headers(exc.marker) if exc.marker else ()) from None
        except NoSuchVersionError:
            raise OssError(
                404,
                "NoSuchVersion",
                "The specified version does not exist.",
                EC["NoSuchVersion"],
                (("Key", key), ("VersionId", version_id or "")),
            ) from None
        except DeleteMarkerAddressedError as exc:
            raise OssError(
                405,
                "MethodNotAllowed",
                "The specified method is not allowed against this resource.",
                EC["MethodNotAllowed"],
                (("Method", ctx.method), ("ResourceType", "DeleteMarker")),
                (*_marker_headers(exc.marker), ("Allow", "DELETE")),
            ) from None

    @staticmethod
    def _validators(v: ObjectVersion, versioned: bool) -> list[tuple[str, str]]:
        headers = [("ETag", v.etag), ("Last-Modified", _http_date(v.last_modified))]
        if versioned:
            headers.append(("x-oss-version-id", v.version_id))
        return headers

    def get_object(self, ctx: Context, *, head: bool) -> Response:
        """GetObject / HeadObject / GetObjectMeta, with conditions, versionId and Range."""
        v, versioned = self._lookup(ctx)
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
        if (
            not head
            and v.storage_class in _FROZEN
            and (v.restore is None or 'ongoing-request="true"' in v.restore)
        ):
            raise OssError(
                403,
                "InvalidObjectState",
                f"The operation is not valid for the object's state: it is {v.storage_class} "
                "and not restored.",
                "0026-00000010",
            )
        headers = self._object_headers(v, versioned)
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

    def _object_headers(self, v: ObjectVersion, versioned: bool) -> list[tuple[str, str]]:
        headers = [("Content-Type", v.content_type), ("Accept-Ranges", "bytes")]
        headers += self._validators(v, versioned)
        headers += [
            ("x-oss-object-type", v.object_type),
            ("x-oss-storage-class", v.storage_class),
            ("x-oss-hash-crc64ecma", str(v.crc64)),
        ]
        if v.content_md5:
            headers.append(("Content-MD5", v.content_md5))
        for name, value in (
            ("Cache-Control", v.cache_control),
            ("Content-Disposition", v.content_disposition),
            ("Content-Encoding", v.content_encoding),
            ("Expires", v.expires),
            ("x-oss-restore", v.restore),
        ):
            if value:
                headers.append((name, value))
        headers += [(f"x-oss-meta-{name}", value) for name, value in v.user_meta]
        return headers

    # -- writing ----------------------------------------------------------------------------------

    def _check_digests(self, ctx: Context) -> None:
        body = ctx.request.body
        md5 = ctx.headers.get("content-md5")
        if md5 is not None:
            try:
                valid = len(base64.b64decode(md5, validate=True)) == 16
            except (binascii.Error, ValueError):
                valid = False
            if not valid or md5 != content_md5(body):
                raise OssError(
                    400,
                    "InvalidDigest",
                    "The Content-MD5 you specified is not valid.",
                    EC["InvalidDigest"],
                )
        sha = ctx.headers.get("x-oss-content-sha256")
        if sha and sha != UNSIGNED_PAYLOAD and sha.lower() != hashlib.sha256(body).hexdigest():
            raise invalid_argument(
                "x-oss-content-sha256 does not match the body.",
                "x-oss-content-sha256",
                sha,
                "0002-00000214",
            )

    def put_object(self, ctx: Context) -> Response:
        """PutObject with HTTP metadata, x-oss-meta-*, storage class and ACL."""
        bucket, key = ctx.target.bucket, ctx.target.key
        assert bucket is not None and key is not None
        h = ctx.headers
        self._check_digests(ctx)
        info = self.store.bucket_info(bucket)
        # Without x-oss-storage-class a new object gets its bucket's storage class.
        storage_class = h.get("x-oss-storage-class", info.storage_class)
        if storage_class not in STORAGE_CLASSES:
            raise invalid_argument(
                "The storage class is not valid.", "x-oss-storage-class", storage_class
            )
        acl = h.get("x-oss-object-acl", "default")
        if acl not in OBJECT_ACLS:
            raise invalid_argument("The object ACL is not valid.", "x-oss-object-acl", acl)
        if h.get("x-oss-forbid-overwrite", "").lower() == "true":
            try:
                self.store.get_object(bucket, key)
            except NoSuchKeyError:
                pass
            else:
                raise OssError(
                    409,
                    "FileAlreadyExists",
                    "The object you specified already exists.",
                    "0016-00000905",
                )
        meta = tuple(
            (name[len("x-oss-meta-") :], value)
            for name, value in sorted(h.items())
            if name.startswith("x-oss-meta-")
        )
        version = self.store.put_object(
            bucket,
            key,
            ctx.request.body,
            content_type=h.get("content-type") or "application/octet-stream",
            cache_control=h.get("cache-control"),
            content_disposition=h.get("content-disposition"),
            content_encoding=h.get("content-encoding"),
            expires=h.get("expires"),
            user_meta=meta,
            storage_class=storage_class,
            acl=acl,
        )
        headers = [
            ("ETag", version.etag),
            ("x-oss-hash-crc64ecma", str(version.crc64)),
            ("Content-MD5", version.content_md5 or ""),
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
