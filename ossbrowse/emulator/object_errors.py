"""The OSS errors for a store lookup of one object version (shared by every object handler).

Delete markers answer as OSS documents: 404 NoSuchKey with ``x-oss-delete-marker: true`` when
the current version is a marker, 405 MethodNotAllowed with ``Allow: DELETE`` when a versionId
names one (docs/oss-protocol.md §3).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ossbrowse.emulator.errors import EC, OssError, no_such_key
from ossbrowse.emulator.model import (
    DeleteMarkerAddressedError,
    NoSuchKeyError,
    NoSuchVersionError,
    ObjectVersion,
)


def marker_headers(marker: ObjectVersion) -> list[tuple[str, str]]:
    """The headers that say an answer concerns a delete marker."""
    return [("x-oss-delete-marker", "true"), ("x-oss-version-id", marker.version_id)]


@contextmanager
def object_errors(method: str, key: str, version_id: str | None) -> Iterator[None]:
    """Turn the store's lookup errors raised inside the block into OSS errors."""
    try:
        yield
    except NoSuchKeyError as exc:
        raise no_such_key(key, marker_headers(exc.marker) if exc.marker else ()) from None
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
            (("Method", method), ("ResourceType", "DeleteMarker")),
            (*marker_headers(exc.marker), ("Allow", "DELETE")),
        ) from None
