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
from datetime import UTC, datetime

from ossbrowse.emulator.actions import actions_of, served_operation
from ossbrowse.emulator.auth import Authenticator, AuthRequest
from ossbrowse.emulator.bucket_ops import BucketOps
from ossbrowse.emulator.errors import EC, OssError, no_such_bucket
from ossbrowse.emulator.messages import Context, Request, Response
from ossbrowse.emulator.object_ops import ObjectOps
from ossbrowse.emulator.routing import Target, resolve
from ossbrowse.emulator.store import BucketNotEmptyError, NoSuchBucketError, Store
from ossbrowse.oss.canonical import parse_query
from ossbrowse.oss.httpdates import format_http_date


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
        self.buckets = BucketOps(store, region)
        self.objects = ObjectOps(store)

    def request_id(self, now: float) -> str:
        """24 upper-case hex digits: seconds, then a counter (deterministic) or random bits."""
        if self._deterministic:
            with self._sequence_lock:
                tail = f"{next(self._sequence):016X}"
        else:
            tail = secrets.token_hex(8).upper()
        return f"{int(now) & 0xFFFFFFFF:08X}{tail}"

    def handle(self, request: Request) -> Response:
        """Answer one request; never raises."""
        started = time.perf_counter()
        now = self._clock()
        request_id = self.request_id(now)
        bucket: str | None = None
        try:
            target = resolve(request.headers.get("host", ""), request.raw_path, self._bases)
            bucket = target.bucket
            query = parse_query(request.raw_query)
            if bucket is not None and not _creates_bucket(request.method, target, query):
                # OSS finds the bucket before it checks who asks: a request to a bucket that
                # does not exist is 404 NoSuchBucket even with an unknown AccessKeyId.
                self._require_bucket(bucket)
            identity = self.auth.authenticate(
                AuthRequest(request.method, target.bucket, target.key, query, request.headers)
            )
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

    def _require_bucket(self, bucket: str) -> None:
        try:
            self.store.bucket_info(bucket)
        except NoSuchBucketError:
            raise no_such_bucket(bucket) from None

    def render_error(self, error: OssError, request: Request) -> Response:
        """The complete response for an error found before the request reached :meth:`handle`."""
        started = time.perf_counter()
        now = self._clock()
        request_id = self.request_id(now)
        return self._finish(self._error(error, request, request_id, None), now, request_id, started)

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
    """Whether the request is PutBucket, the one bucket request for a bucket not there yet."""
    return method == "PUT" and target.key is None and not actions_of(query)
