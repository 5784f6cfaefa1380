"""OSS service errors as the emulator raises them, and their XML documents.

Every failure inside the emulator is an :class:`OssError`; the server turns it into the
response OSS would send: an XML ``<Error>`` body (GET, PUT, DELETE) or, for HEAD, no body and
the same document base64-encoded in ``x-oss-err`` next to ``x-oss-ec`` (docs/oss-protocol.md §3).

EC values come from docs/oss-protocol.md §3 and OSS's published error pages (``0002-00000069``
expired URL, ``0002-00000226`` signing region, ...). Where OSS publishes none for a situation
the emulator uses a value in the same family, listed in :data:`EC`.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field

from ossbrowse.emulator.xmlgen import XML_DECLARATION, element

RECOMMEND_DOC = "https://api.aliyun.com/troubleshoot?q="

# Error sub-codes by situation.
EC: dict[str, str] = {
    "NoSuchKey": "0026-00000001",
    "NoSuchBucket": "0015-00000101",
    # The OSS page for 0026-00000001 lists NoSuchVersion beside NoSuchKey under that EC.
    "NoSuchVersion": "0026-00000001",
    "MethodNotAllowed": "0026-00000003",
    "PreconditionFailed": "0026-00000004",
    "BucketNotEmpty": "0015-00000301",
    "InvalidBucketName": "0015-00000001",
    "InvalidObjectName": "0016-00000002",
    "InvalidObjectNameSlash": "0016-00000005",
    "SignatureDoesNotMatch": "0002-00000040",
    "RequestTimeTooSkewed": "0002-00000504",
    "InvalidAccessKeyId": "0002-00000001",
    "InvalidStsAccessKeyId": "0002-00000002",
    "InvalidSecurityToken": "0002-00000006",
    "AccessDeniedAnonymous": "0003-00000001",
    "AccessDeniedDate": "0002-00000017",
    "RequestExpired": "0002-00000069",
    "InvalidExpires": "0002-00000070",
    "PresignNotYetValid": "0002-00000235",
    "PresignExpiresRange": "0002-00000232",
    "InvalidSigningRegion": "0002-00000226",
    "InvalidAuthorization": "0002-00000012",
    "InvalidArgument": "0017-00000001",
    "InvalidDigest": "0016-00000401",
    "MalformedXML": "0017-00000101",
    "EntityTooLarge": "0016-00000801",
    "NotImplemented": "0017-00000208",
    "Internal": "0000-00000000",
    "InvalidObjectState": "0016-00000404",
    # AppendObject: position missing (0016-00000501) or not a number (0016-00000502) are
    # documented; the two conflicts are in the same family, their values unverified.
    "MissingPosition": "0016-00000501",
    "InvalidPosition": "0016-00000502",
    "PositionNotEqualToLength": "0016-00000503",
    "ObjectNotAppendable": "0016-00000504",
    # Symlinks: both documented (0026-00000012 target missing, 0043-00000101 not a symlink).
    "SymlinkTargetNotExist": "0026-00000012",
    "NotSymlink": "0043-00000101",
    # RestoreObject: Days out of range (Archive 0016-00000708, cold 0016-00000704), a bad Tier
    # (0016-00000703) and an unknown element (0016-00000714) are documented; the rest are not.
    "RestoreDaysArchive": "0016-00000708",
    "RestoreDaysCold": "0016-00000704",
    "RestoreTier": "0016-00000703",
    "RestoreMalformed": "0016-00000714",
    "RestoreAlreadyInProgress": "0016-00000701",
    "OperationNotSupported": "0016-00000702",
    # Tags, encryption and lifecycle: values in the same families, unverified.
    "InvalidTag": "0017-00000301",
    "InvalidEncryptionAlgorithm": "0016-00000601",
    "NoSuchLifecycle": "0034-00000001",
}


@dataclass
class OssError(Exception):
    """An OSS error response: status, Code, Message, EC and extra elements/headers."""

    status: int
    code: str
    message: str
    ec: str
    extra: Sequence[tuple[str, str]] = ()
    headers: Sequence[tuple[str, str]] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        super().__init__(f"{self.status} {self.code}: {self.message}")

    def document(self, request_id: str, host_id: str) -> bytes:
        """The XML error document OSS sends for this error."""
        parts = [
            XML_DECLARATION,
            "<Error>",
            element("Code", self.code),
            element("Message", self.message),
            element("RequestId", request_id),
            element("HostId", host_id),
        ]
        parts.extend(element(name, value) for name, value in self.extra)
        parts.append(element("EC", self.ec))
        parts.append(element("RecommendDoc", RECOMMEND_DOC + self.ec))
        parts.append("</Error>")
        return "\n".join(parts).encode("utf-8")

    def encoded_document(self, request_id: str, host_id: str) -> str:
        """The ``x-oss-err`` header value: base64 of :meth:`document`."""
        return base64.b64encode(self.document(request_id, host_id)).decode("ascii")


def no_such_bucket(bucket: str) -> OssError:
    """404 NoSuchBucket."""
    return OssError(
        404,
        "NoSuchBucket",
        "The specified bucket does not exist.",
        EC["NoSuchBucket"],
        (("BucketName", bucket),),
    )


def no_such_key(key: str, headers: Sequence[tuple[str, str]] = ()) -> OssError:
    """404 NoSuchKey (also when the current version is a delete marker)."""
    return OssError(
        404,
        "NoSuchKey",
        "The specified key does not exist.",
        EC["NoSuchKey"],
        (("Key", key),),
        tuple(headers),
    )


def invalid_argument(
    message: str, name: str | None = None, value: str | None = None, ec: str | None = None
) -> OssError:
    """400 InvalidArgument, optionally naming the argument and its value."""
    extra: list[tuple[str, str]] = []
    if name is not None:
        extra.append(("ArgumentName", name))
        extra.append(("ArgumentValue", value or ""))
    return OssError(400, "InvalidArgument", message, ec or EC["InvalidArgument"], tuple(extra))


def access_denied(message: str, ec: str, extra: Sequence[tuple[str, str]] = ()) -> OssError:
    """403 AccessDenied."""
    return OssError(403, "AccessDenied", message, ec, tuple(extra))


def not_implemented(what: str) -> OssError:
    """501 NotImplemented: an OSS feature the emulator does not serve."""
    return OssError(
        501,
        "NotImplemented",
        f"{what} is not implemented by the ossbrowse emulator.",
        EC["NotImplemented"],
    )
