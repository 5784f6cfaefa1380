"""What a request that creates an object says about it: the checks and settings PutObject,
AppendObject (its first append) and PutSymlink share.

Storage class and ACL (400 for values OSS does not know), ``x-oss-forbid-overwrite``
(409 FileAlreadyExists), the HTTP metadata, ``x-oss-meta-*``, ``x-oss-tagging`` and the
server-side encryption headers, and the body digests (``Content-MD5``, ``x-oss-content-sha256``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from typing import Any

from ossbrowse.emulator.errors import EC, OssError, invalid_argument
from ossbrowse.emulator.model import NoSuchKeyError, content_md5
from ossbrowse.emulator.object_state import sse_settings, tags_from_header
from ossbrowse.emulator.store import Store
from ossbrowse.oss.canonical import UNSIGNED_PAYLOAD

STORAGE_CLASSES = ("Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive")
OBJECT_ACLS = ("default", "private", "public-read", "public-read-write")


def storage_class_and_acl(headers: Mapping[str, str], bucket_class: str) -> tuple[str, str]:
    """The new object's storage class (its bucket's when none is named) and ACL, checked."""
    storage_class = headers.get("x-oss-storage-class", bucket_class)
    if storage_class not in STORAGE_CLASSES:
        raise invalid_argument(
            "The storage class is not valid.", "x-oss-storage-class", storage_class
        )
    acl = headers.get("x-oss-object-acl", "default")
    if acl not in OBJECT_ACLS:
        raise invalid_argument("The object ACL is not valid.", "x-oss-object-acl", acl)
    return storage_class, acl


def check_forbid_overwrite(store: Store, bucket: str, key: str, headers: Mapping[str, str]) -> None:
    """409 FileAlreadyExists when ``x-oss-forbid-overwrite: true`` and the key exists."""
    if headers.get("x-oss-forbid-overwrite", "").lower() != "true":
        return
    try:
        store.get_object(bucket, key)
    except NoSuchKeyError:
        return
    raise OssError(
        409, "FileAlreadyExists", "The object you specified already exists.", "0016-00000905"
    )


def new_object_attributes(
    headers: Mapping[str, str], storage_class: str, acl: str
) -> dict[str, Any]:
    """The ObjectVersion fields a creating request sets from its headers (checked)."""
    meta = tuple(
        (name[len("x-oss-meta-") :], value)
        for name, value in sorted(headers.items())
        if name.startswith("x-oss-meta-")
    )
    tagging = headers.get("x-oss-tagging")
    return {
        "content_type": headers.get("content-type") or "application/octet-stream",
        "cache_control": headers.get("cache-control"),
        "content_disposition": headers.get("content-disposition"),
        "content_encoding": headers.get("content-encoding"),
        "expires": headers.get("expires"),
        "user_meta": meta,
        "storage_class": storage_class,
        "acl": acl,
        "tagging": tags_from_header(tagging) if tagging is not None else None,
        **sse_settings(headers),
    }


def check_digests(headers: Mapping[str, str], body: bytes) -> None:
    """400 when ``Content-MD5`` or ``x-oss-content-sha256`` does not match ``body``."""
    md5 = headers.get("content-md5")
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
    sha = headers.get("x-oss-content-sha256")
    if sha and sha != UNSIGNED_PAYLOAD and sha.lower() != hashlib.sha256(body).hexdigest():
        raise invalid_argument(
            "x-oss-content-sha256 does not match the body.",
            "x-oss-content-sha256",
            sha,
            "0002-00000214",
        )
