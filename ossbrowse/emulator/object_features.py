"""Object operations beyond read, write and delete: AppendObject, PutSymlink / GetSymlink,
Put/Get/DeleteObjectTagging and RestoreObject (docs/emulator-conformance.md §4).

Each change goes through the store, so it is journalled like any other write: an append or a
new symlink is a version, tags and restore state replace the addressed version in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import quote, unquote
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from ossbrowse.emulator.errors import EC, OssError, invalid_argument
from ossbrowse.emulator.messages import Context, Response
from ossbrowse.emulator.model import (
    NoSuchKeyError,
    NoSuchVersionError,
    NotAppendableError,
    ObjectVersion,
    PositionNotEqualToLengthError,
)
from ossbrowse.emulator.new_object import (
    check_digests,
    check_forbid_overwrite,
    new_object_attributes,
    storage_class_and_acl,
)
from ossbrowse.emulator.object_errors import object_errors
from ossbrowse.emulator.object_state import (
    COLD_CLASSES,
    DAY,
    RESTORE_SECONDS,
    check_tags,
    decode_tags,
    encode_tags,
    http_date,
    restore_state,
    sse_headers,
)
from ossbrowse.emulator.routing import check_object_name, first, version_id_param
from ossbrowse.emulator.store import Store
from ossbrowse.emulator.xmlgen import XML_DECLARATION, element

XML = ("Content-Type", "application/xml")
_POSITION = "position"


def _malformed(detail: str, ec: str | None = None) -> OssError:
    return OssError(
        400,
        "MalformedXML",
        f"The XML you provided was not well-formed: {detail}",
        ec or EC["MalformedXML"],
    )


def _parse(body: bytes, root: str, ec: str | None = None) -> Element | None:
    """The root element of a small XML request body (parsed safely), None when empty."""
    if not body.strip():
        return None
    try:
        element_ = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise _malformed(str(exc), ec) from None
    if element_.tag != root:
        raise _malformed(f"expected <{root}>, got <{element_.tag}>", ec)
    return element_


class ObjectFeatures:
    """Handlers for the object operations in :data:`OPERATIONS`."""

    OPERATIONS = frozenset(
        {
            "AppendObject",
            "PutSymlink",
            "GetSymlink",
            "PutObjectTagging",
            "GetObjectTagging",
            "DeleteObjectTagging",
            "RestoreObject",
        }
    )

    def __init__(self, store: Store) -> None:
        self.store = store

    def handle(self, ctx: Context) -> Response:
        """Dispatch one of :data:`OPERATIONS`."""
        handlers: dict[str, Callable[[Context], Response]] = {
            "AppendObject": self.append_object,
            "PutSymlink": self.put_symlink,
            "GetSymlink": self.get_symlink,
            "PutObjectTagging": self.put_tagging,
            "GetObjectTagging": self.get_tagging,
            "DeleteObjectTagging": self.delete_tagging,
            "RestoreObject": self.restore_object,
        }
        assert ctx.operation is not None
        return handlers[ctx.operation](ctx)

    @staticmethod
    def _where(ctx: Context) -> tuple[str, str]:
        bucket, key = ctx.target.bucket, ctx.target.key
        assert bucket is not None and key is not None
        return bucket, key

    def _version_header(self, bucket: str, version: ObjectVersion) -> list[tuple[str, str]]:
        if self.store.bucket_info(bucket).versioning is None:
            return []
        return [("x-oss-version-id", version.version_id)]

    def _update(
        self, ctx: Context, change: Callable[[ObjectVersion], ObjectVersion]
    ) -> ObjectVersion:
        bucket, key = self._where(ctx)
        version_id = version_id_param(ctx.query)
        with object_errors(ctx.method, key, version_id):
            return self.store.update_version(bucket, key, version_id, change)

    def _read(self, ctx: Context) -> ObjectVersion:
        bucket, key = self._where(ctx)
        version_id = version_id_param(ctx.query)
        with object_errors(ctx.method, key, version_id):
            return self.store.get_object(bucket, key, version_id)

    # -- AppendObject -------------------------------------------------------------------------

    def append_object(self, ctx: Context) -> Response:
        """``POST /key?append&position=N``: create an Appendable object or add to its end."""
        bucket, key = self._where(ctx)
        text = first(ctx.query, _POSITION)
        if text is None or text == "":
            raise OssError(
                400,
                "MissingArgument",
                "Missing Some Required Arguments.",
                EC["MissingPosition"],
                (("ArgumentName", _POSITION),),
            )
        if not text.isascii() or not text.isdigit():
            raise OssError(
                400,
                "InvalidArgument",
                "The position must be a non-negative integer.",
                EC["InvalidPosition"],
                (("ArgumentName", _POSITION), ("ArgumentValue", text)),
            )
        h = ctx.headers
        body = ctx.request.body
        check_digests(h, body)
        info = self.store.bucket_info(bucket)
        attributes: dict[str, Any] = {}
        if not self._appendable_exists(bucket, key):
            # Only the first append sets the object's settings; later ones ignore (and do not
            # check) those headers, as OSS does (oss2's test_append_object_with_tagging_wrong_num).
            storage_class, acl = storage_class_and_acl(h, info.storage_class)
            attributes = new_object_attributes(h, storage_class, acl)
        try:
            version = self.store.append_object(bucket, key, int(text), body, **attributes)
        except PositionNotEqualToLengthError as exc:
            raise OssError(
                409,
                "PositionNotEqualToLength",
                "Position is not equal to file length",
                EC["PositionNotEqualToLength"],
                (),
                (("x-oss-next-append-position", str(exc.length)),),
            ) from None
        except NotAppendableError:
            raise OssError(
                409,
                "ObjectNotAppendable",
                "The object is not appendable",
                EC["ObjectNotAppendable"],
            ) from None
        headers = [
            ("ETag", version.etag),
            ("x-oss-next-append-position", str(version.size)),
            ("x-oss-hash-crc64ecma", str(version.crc64)),
            *sse_headers(version),
        ]
        if info.versioning is not None:
            headers.append(("x-oss-version-id", version.version_id))
        return Response(200, headers)

    def _appendable_exists(self, bucket: str, key: str) -> bool:
        try:
            return self.store.get_object(bucket, key).object_type == "Appendable"
        except (NoSuchKeyError, NoSuchVersionError):
            return False

    # -- symlinks -----------------------------------------------------------------------------

    def put_symlink(self, ctx: Context) -> Response:
        """``PUT /key?symlink`` with ``x-oss-symlink-target`` (percent-encoded or plain)."""
        bucket, key = self._where(ctx)
        h = ctx.headers
        raw = h.get("x-oss-symlink-target")
        if not raw:
            raise invalid_argument(
                "x-oss-symlink-target is required.", "x-oss-symlink-target", raw or ""
            )
        target = check_object_name(unquote(raw))
        info = self.store.bucket_info(bucket)
        storage_class, acl = storage_class_and_acl(h, info.storage_class)
        check_forbid_overwrite(self.store, bucket, key, h)
        attributes = new_object_attributes(h, storage_class, acl)
        version = self.store.put_object(
            bucket, key, b"", object_type="Symlink", symlink_target=target, **attributes
        )
        headers = [("ETag", version.etag)]
        if info.versioning is not None:
            headers.append(("x-oss-version-id", version.version_id))
        return Response(200, headers)

    def get_symlink(self, ctx: Context) -> Response:
        """``GET /key?symlink``: the target (percent-encoded, ``/`` kept), ETag, metadata."""
        bucket, _ = self._where(ctx)
        version = self._read(ctx)
        if version.object_type != "Symlink" or version.symlink_target is None:
            raise OssError(
                400, "NotSymlink", "The specified object is not a symlink.", EC["NotSymlink"]
            )
        headers = [
            ("x-oss-symlink-target", quote(version.symlink_target, safe="/")),
            ("ETag", version.etag),
            ("Last-Modified", http_date(version.last_modified)),
            *self._version_header(bucket, version),
            *((f"x-oss-meta-{name}", value) for name, value in version.user_meta),
        ]
        return Response(200, headers)

    # -- tags ---------------------------------------------------------------------------------

    def put_tagging(self, ctx: Context) -> Response:
        """``PUT /key?tagging``: replace the version's tag set."""
        bucket, _ = self._where(ctx)
        root = _parse(ctx.request.body, "Tagging")
        if root is None:
            raise _malformed("the request has no <Tagging> document")
        tags: list[tuple[str, str]] = []
        for tag in root.iterfind("./TagSet/Tag"):
            key = tag.findtext("Key")
            if key is None:
                raise _malformed("a <Tag> has no <Key>")
            tags.append((key, tag.findtext("Value") or ""))
        stored = encode_tags(check_tags(tags))
        version = self._update(ctx, lambda v: replace(v, tagging=stored))
        return Response(200, self._version_header(bucket, version))

    def get_tagging(self, ctx: Context) -> Response:
        """``GET /key?tagging``: the version's tag set as XML."""
        bucket, _ = self._where(ctx)
        version = self._read(ctx)
        tags = "".join(
            f"<Tag>{element('Key', k)}{element('Value', v)}</Tag>"
            for k, v in decode_tags(version.tagging)
        )
        body = f"{XML_DECLARATION}<Tagging><TagSet>{tags}</TagSet></Tagging>".encode()
        return Response(200, [XML, *self._version_header(bucket, version)], body)

    def delete_tagging(self, ctx: Context) -> Response:
        """``DELETE /key?tagging``: remove every tag of the version."""
        bucket, _ = self._where(ctx)
        version = self._update(ctx, lambda v: replace(v, tagging=None))
        return Response(204, self._version_header(bucket, version))

    # -- RestoreObject ------------------------------------------------------------------------

    def restore_object(self, ctx: Context) -> Response:
        """``POST /key?restore``: frozen → restoring (202); restoring → 409; restored → the
        restored copy is kept ``Days`` more from now (200). Timed by the emulator clock."""
        bucket, _ = self._where(ctx)
        now = int(ctx.now)
        days_text, tier, job = _restore_request(ctx.request.body)
        outcome: list[int] = []

        def change(v: ObjectVersion) -> ObjectVersion:
            if v.storage_class not in COLD_CLASSES:
                raise OssError(
                    400,
                    "OperationNotSupported",
                    "The operation is not supported for this resource",
                    EC["OperationNotSupported"],
                )
            days = _restore_days(v.storage_class, days_text)
            if job and v.storage_class == "Archive":
                # Archive has one restore speed: oss2's own tests expect MalformedXml here.
                raise _malformed("JobParameters apply to ColdArchive and DeepColdArchive only")
            tiers = RESTORE_SECONDS[v.storage_class]
            if tier not in tiers:
                raise _bad_tier(tier)
            state, _ = restore_state(v, now)
            if state == "restoring":
                raise OssError(
                    409,
                    "RestoreAlreadyInProgress",
                    "The restore operation is in progress.",
                    EC["RestoreAlreadyInProgress"],
                )
            if state == "restored":
                outcome.append(200)
                ready = v.restore_ready if v.restore_ready is not None else now
                return replace(v, restore_ready=ready, restore_until=now + days * DAY)
            outcome.append(202)
            ready = now + tiers[tier]
            return replace(v, restore_ready=ready, restore_until=ready + days * DAY)

        version = self._update(ctx, change)
        headers = self._version_header(bucket, version)
        if job:
            headers.append(("x-oss-object-restore-priority", tier))
        return Response(outcome[0], headers)


def _bad_tier(tier: str) -> OssError:
    return invalid_argument(
        "The Tier is not valid for this storage class.", "Tier", tier, EC["RestoreTier"]
    )


def _restore_request(body: bytes) -> tuple[str | None, str, bool]:
    """(Days as sent, Tier, whether JobParameters were sent) of a RestoreRequest body; no body
    is 1 day at Standard."""
    root = _parse(body, "RestoreRequest", EC["RestoreMalformed"])
    if root is None:
        return None, "Standard", False
    for child in root:
        if child.tag not in ("Days", "JobParameters"):
            raise _malformed(f"unknown element <{child.tag}>", EC["RestoreMalformed"])
    tier = root.findtext("./JobParameters/Tier")
    if tier is not None and tier not in ("Expedited", "Standard", "Bulk"):
        raise _bad_tier(tier)
    return root.findtext("Days"), tier or "Standard", root.find("JobParameters") is not None


def _restore_days(storage_class: str, text: str | None) -> int:
    """Days the restored copy is kept: 1 to 7 for Archive, 1 to 365 for the colder classes."""
    high, ec = (7, EC["RestoreDaysArchive"]) if storage_class == "Archive" else (365, None)
    ec = ec or EC["RestoreDaysCold"]
    if text is None:
        return 1
    value = text.strip()
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= high:
        raise invalid_argument(
            f"Days must be an integer from 1 to {high} for {storage_class} objects.",
            "Days",
            text,
            ec,
        )
    return int(value)
