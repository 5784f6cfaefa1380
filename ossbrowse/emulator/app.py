"""The emulator's request handling, independent of the HTTP server: Request in, Response out.

Order for every request: address (bucket/key, 400 for bad names), authenticate (nothing is read
or changed before this passes), dispatch, and shape any error as OSS does: an XML body, or on
HEAD no body but ``x-oss-ec`` and the base64 document in ``x-oss-err``. Every response carries
``x-oss-request-id``, ``Date``, ``Server: AliyunOSS`` and ``x-oss-server-time``.
"""

from __future__ import annotations

import itertools
import secrets
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from ossbrowse.emulator.actions import actions_of, served_operation
from ossbrowse.emulator.auth import Authenticator, AuthRequest
from ossbrowse.emulator.auth_common import Identity
from ossbrowse.emulator.bucket_ops import BucketOps
from ossbrowse.emulator.errors import EC, OssError, no_such_bucket
from ossbrowse.emulator.messages import Context, Request, Response
from ossbrowse.emulator.model import DamagedObjectError
from ossbrowse.emulator.object_ops import ObjectOps
from ossbrowse.emulator.routing import Target, resolve
from ossbrowse.emulator.store import BucketNotEmptyError, NoSuchBucketError, Store
from ossbrowse.oss.canonical import parse_query
from ossbrowse.oss.httpdates import format_http_date


@dataclass(frozen=True)
class Admission:
    """A request addressed and authenticated from its line and headers."""

    target: Target
    query: list[tuple[str, str]]
    identity: Identity


class OssApp:
    """Routes requests to bucket and object operations and renders OSS-shaped errors."""

    def __init__(
        self,
        *,
        store: Store,
        authenticator: Authenticator,
        region: str,
        clock: Callable[[], float],
        bases: Iterable[str],
        host_label: str,
        deterministic_ids: bool = False,
    ) -> None:
        self.store = store
        self.auth = authenticator
        self.region = region
        self._clock = clock
        self._bases = tuple(bases)
        self._host_label = host_label
        self._deterministic = deterministic_ids
        self._sequence = itertools.count(1)
        self._sequence_lock = threading.Lock()
        self.buckets = BucketOps(
            store, region, public_access_blocked=not authenticator.allow_anonymous
        )
        self.objects = ObjectOps(store)

    def request_id(self, now: float) -> str:
        """24 upper-case hex digits: seconds, then a counter (deterministic) or random bits."""
        if self._deterministic:
            with self._sequence_lock:
                tail = f"{next(self._sequence):016X}"
        else:
            tail = secrets.token_hex(8).upper()
        return f"{int(now) & 0xFFFFFFFF:08X}{tail}"

    def _target(self, request: Request) -> Target:
        """The bucket and key ``request`` addresses; raises OssError for bad names."""
        return resolve(request.headers.get("host", ""), request.raw_path, self._bases)

    def _authenticate(self, request: Request, target: Target) -> Admission:
        """Authenticate ``request`` from its line and headers; raises OssError."""
        query = parse_query(request.raw_query)
        if target.bucket is not None and not _creates_bucket(request.method, target, query):
            # OSS finds the bucket before it checks who asks: a request to a bucket that
            # does not exist is 404 NoSuchBucket even with an unknown AccessKeyId.
            self._require_bucket(target.bucket)
        identity = self.auth.authenticate(
            AuthRequest(request.method, target.bucket, target.key, query, request.headers)
        )
        return Admission(target, query, identity)

    def handle(self, request: Request, admission: Admission | None = None) -> Response:
        """Answer one request; never raises. ``admission`` is :meth:`admit`'s, if it ran."""
        started = time.perf_counter()
        now = self._clock()
        request_id = self.request_id(now)
        bucket: str | None = None
        try:
            if admission is None:
                target = self._target(request)
                bucket = target.bucket
                admission = self._authenticate(request, target)
            target, query, identity = admission.target, admission.query, admission.identity
            bucket = target.bucket
            level = "service" if bucket is None else "bucket" if target.key is None else "object"
            operation = served_operation(level, request.method, query)
            ctx = Context(request, target, query, identity, now, operation)
            ops = self.objects if target.key is not None else self.buckets
            response = self._mapped(ops.handle, ctx)
        except OssError as error:
            response = self._error(error, request, request_id, bucket)
        except Exception:  # a bug in the emulator: answer like OSS would, keep serving
            traceback.print_exc(file=sys.stderr)
            internal = OssError(
                500, "InternalError", "We encountered an internal error.", "0000-00000000"
            )
            response = self._error(internal, request, request_id, bucket)
        return self._finish(response, now, request_id, started)

    def admit(self, request: Request) -> Admission | Response:
        """Address and authenticate from the request line and headers alone, before the
        server reads any body: the admission for :meth:`handle`, or the error response."""
        bucket: str | None = None
        try:
            target = self._target(request)
            bucket = target.bucket
            return self._authenticate(request, target)
        except OssError as error:
            return self.render_error(error, request, bucket)

    def _require_bucket(self, bucket: str) -> None:
        try:
            self.store.bucket_info(bucket)
        except NoSuchBucketError:
            raise no_such_bucket(bucket) from None

    def render_error(
        self, error: OssError, request: Request, bucket: str | None = None
    ) -> Response:
        """The complete response for an error found before the request reached :meth:`handle`."""
        started = time.perf_counter()
        now = self._clock()
        request_id = self.request_id(now)
        response = self._error(error, request, request_id, bucket)
        return self._finish(response, now, request_id, started)

    @staticmethod
    def _finish(response: Response, now: float, request_id: str, started: float) -> Response:
        elapsed_ms = int((time.perf_counter() - started) * 1000)
        response.headers[:0] = [
            ("Server", "AliyunOSS"),
            ("Date", format_http_date(datetime.fromtimestamp(int(now), UTC))),
            ("x-oss-request-id", request_id),
        ]
        response.headers.append(("x-oss-server-time", str(elapsed_ms)))
        return response

    @staticmethod
    def _mapped(handler: Callable[[Context], Response], ctx: Context) -> Response:
        try:
            return handler(ctx)
        except NoSuchBucketError as exc:
            raise no_such_bucket(exc.bucket) from None
        except DamagedObjectError as exc:
            # Logged (the operator can restore the file); the client gets no bytes at all.
            version = exc.version
            print(
                f"error: {ctx.target.bucket}/{version.key!r} version {version.version_id}: "
                f"blob {version.damaged_blob} does not match its digest; answered 500",
                file=sys.stderr,
            )
            raise OssError(
                500, "InternalError", "We encountered an internal error.", "0000-00000000"
            ) from None
        except BucketNotEmptyError as exc:
            raise OssError(
                409,
                "BucketNotEmpty",
                "The bucket you tried to delete is not empty.",
                EC["BucketNotEmpty"],
                (("BucketName", exc.bucket),),
            ) from None

    def _error(
        self, error: OssError, request: Request, request_id: str, bucket: str | None
    ) -> Response:
        host_id = f"{bucket}.{self._host_label}" if bucket else self._host_label
        document = error.document(request_id, host_id)
        headers = [("Content-Type", "application/xml"), ("x-oss-ec", error.ec), *error.headers]
        if request.method == "HEAD":
            headers.append(("x-oss-err", error.encoded_document(request_id, host_id)))
            return Response(error.status, headers, b"", content_length=0)
        return Response(error.status, headers, document)


def _creates_bucket(method: str, target: Target, query: list[tuple[str, str]]) -> bool:
    """Whether OSS authenticates the request before looking the bucket up.

    PutBucket (it creates the bucket) and PutBucketAcl (which OSS also accepts for a bucket not
    there yet) answer InvalidAccessKeyId for an unknown key; every other bucket request answers
    NoSuchBucket first (alibabacloud-oss-v2's integration suite expects exactly this split).
    """
    return method == "PUT" and target.key is None and actions_of(query) <= {"acl"}
