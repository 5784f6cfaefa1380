"""Which OSS operations the emulator serves, and 501 NotImplemented for every other one.

OSS selects an operation by method plus a query *sub-resource* (``?acl``, ``?tagging``,
``?uploads``, ...). A server that ignored a sub-resource it does not know would do a different
operation than the one asked for: ``DELETE /key?tagging`` would delete the object,
``GET /bucket?acl`` would list it. So every query name that names an OSS operation or
sub-resource is checked against the table of served operations before anything is dispatched,
and a request that matches none is answered 501 NotImplemented.

The names come from the official SDKs' V1 signing list (:data:`ossbrowse.oss.canonical.
V1_SUBRESOURCES`, the sub-resources OSS defines) plus the operations of the API reference and
the SDKs that are selected by a query name outside that list (``regions``, ``accessmonitor``,
the vector APIs, ...). Any other ``x-oss-*`` query name that does not authenticate a presigned
URL is treated as an operation too (the Go SDK signs every ``x-oss-*`` parameter, as OSS gives
them meaning). Ordinary parameters (``prefix``, ``max-keys``, ...) are not operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ossbrowse.emulator.errors import not_implemented
from ossbrowse.oss.canonical import V1_SUBRESOURCES

# Operations selected by a query name that the SDKs do not sign as a V1 sub-resource
# (oss2 api.py constants, alibabacloud-oss-v2 operation parameters, the API reference).
_API_ACTIONS = frozenset(
    """regions accessmonitor objectInfo x-oss-process x-oss-async-process cleanRestoredObject
    seal deleteVectorIndex deleteVectors getVectorIndex getVectors listVectorIndexes listVectors
    putVectorIndex putVectorIndexFusion putVectors queryVectors queryVectorsFusion
    eventnotification responseHeader""".split()
)

ACTIONS = V1_SUBRESOURCES | _API_ACTIONS

# Present on any request without selecting an operation: authentication (the STS token of a
# V1 presigned URL) and billing (the emulator has one account, so who pays changes nothing).
NEUTRAL = frozenset({"security-token", "x-oss-request-payer"})

# The query parameters of presigned URLs (V1 and V4): they authenticate, nothing else.
PRESIGN_PARAMETERS = frozenset(
    """OSSAccessKeyId Expires Signature x-oss-signature-version x-oss-credential x-oss-date
    x-oss-expires x-oss-signature x-oss-additional-headers x-oss-security-token""".split()
)

RESPONSE_OVERRIDES = frozenset(
    """response-content-type response-content-language response-expires response-cache-control
    response-content-disposition response-content-encoding""".split()
)


@dataclass(frozen=True)
class Served:
    """One served operation: the sub-resources it needs and those it also accepts."""

    name: str
    level: str  # "service", "bucket" or "object"
    methods: frozenset[str]
    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()

    def matches(self, level: str, method: str, actions: frozenset[str]) -> bool:
        """Whether a request at ``level`` with ``method`` and ``actions`` is this operation."""
        return (
            level == self.level
            and method in self.methods
            and self.required <= actions <= self.required | self.optional
        )


def _op(
    name: str, level: str, methods: str, required: str = "", optional: Sequence[str] = ()
) -> Served:
    return Served(
        name, level, frozenset(methods.split()), frozenset(required.split()), frozenset(optional)
    )


SERVED: tuple[Served, ...] = (
    _op("ListBuckets", "service", "GET HEAD"),
    _op("PutBucket", "bucket", "PUT"),
    _op("DeleteBucket", "bucket", "DELETE"),
    _op("ListObjects", "bucket", "GET HEAD", optional=("continuation-token",)),
    _op("PutBucketVersioning", "bucket", "PUT", "versioning"),
    _op("GetBucketVersioning", "bucket", "GET HEAD", "versioning"),
    _op("ListObjectVersions", "bucket", "GET HEAD", "versions"),
    _op("GetBucketLocation", "bucket", "GET HEAD", "location"),
    _op("GetBucketInfo", "bucket", "GET HEAD", "bucketInfo"),
    _op("DeleteMultipleObjects", "bucket", "POST", "delete"),
    _op("PutBucketLifecycle", "bucket", "PUT", "lifecycle"),
    _op("GetBucketLifecycle", "bucket", "GET", "lifecycle"),
    _op("DeleteBucketLifecycle", "bucket", "DELETE", "lifecycle"),
    _op("PutObject", "object", "PUT"),
    _op("GetObject", "object", "GET HEAD", optional=("versionId", *RESPONSE_OVERRIDES)),
    _op("GetObjectMeta", "object", "HEAD", "objectMeta", ("versionId",)),
    _op("DeleteObject", "object", "DELETE", optional=("versionId",)),
    _op("AppendObject", "object", "POST", "append", ("position",)),
    _op("PutSymlink", "object", "PUT", "symlink"),
    _op("GetSymlink", "object", "GET", "symlink", ("versionId",)),
    _op("PutObjectTagging", "object", "PUT", "tagging", ("versionId",)),
    _op("GetObjectTagging", "object", "GET", "tagging", ("versionId",)),
    _op("DeleteObjectTagging", "object", "DELETE", "tagging", ("versionId",)),
    _op("RestoreObject", "object", "POST", "restore", ("versionId",)),
)


def actions_of(query: Sequence[tuple[str, str]]) -> frozenset[str]:
    """The query names of a request that select an OSS operation or sub-resource."""
    return frozenset(
        name
        for name, _ in query
        if name not in NEUTRAL
        and (
            name in ACTIONS
            or (name.lower().startswith("x-oss-") and name not in PRESIGN_PARAMETERS)
        )
    )


def served_operation(level: str, method: str, query: Sequence[tuple[str, str]]) -> str | None:
    """The served operation a request is, or None when no sub-resource is asked for at all.

    Raises 501 NotImplemented when the request names a sub-resource (or a combination) that no
    served operation accepts with this method. A request without any sub-resource whose method
    has no operation at this level is left to the caller (405 at the service, 501 elsewhere).
    """
    actions = actions_of(query)
    for op in SERVED:
        if op.matches(level, method, actions):
            return op.name
    if not actions:
        return None
    where = {"service": "the service", "bucket": "a bucket", "object": "an object"}[level]
    raise not_implemented(f"{method} with ?{', '.join(sorted(actions))} on {where}")
