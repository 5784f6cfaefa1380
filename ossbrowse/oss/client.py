"""OssClient: thin operations on the one request path: the signed HEAD as a HeadResult, listings.

Every operation goes through :class:`ossbrowse.oss.transport.RequestPath` (sign, send, retry,
deadline, timing at the transport, redaction) and only turns its :class:`Exchange` into a result.
The client is synchronous and thread-safe: the CLI calls it directly, the TUI from a thread
worker, bulk work from a thread pool. HTTP answers of any status, and the absence of an answer,
become results; only programming errors raise.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime

import httpx

from .. import __version__
from .addressing import (
    Endpoint,
    effective_style,
    endpoint_for_region,
    parse_endpoint,
    region_mismatch,
)
from .conditions import request_headers
from .httpdates import parse_http_date
from .list_ops import ListOperations
from .listing import MAX_LISTING_BYTES
from .paging import ListingFailed, Query, Response
from .profile import ConfigError, Profile, check_usable
from .results import HeadRequest, HeadResult, Outcome, PreparedHead
from .transport import Exchange, RequestPath
from .validation import InputError, has_dot_segments

log = logging.getLogger(__name__)

_OUTCOMES = {
    200: Outcome.OK,
    304: Outcome.NOT_MODIFIED,
    412: Outcome.PRECONDITION_FAILED,
    404: Outcome.NOT_FOUND,
}


def _outcome(status: int) -> Outcome:
    """Any 2xx is a success, as the exit status says; 304/412/404 are named outcomes."""
    if 200 <= status < 300:
        return Outcome.OK
    return _OUTCOMES.get(status, Outcome.ERROR)


class OssClient(ListOperations):
    """Signed requests for one profile: ``head_object`` and the listings, on one request path."""

    def __init__(
        self,
        profile: Profile,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] | None = None,
        timer: Callable[[], float] | None = None,
        keepalive_s: float | None = None,
        listing_transport: httpx.BaseTransport | None = None,
    ) -> None:
        """``transport`` replaces the network; ``clock`` signs requests, ``sleep`` waits between
        retries and ``timer`` measures; tests and screenshots inject them to be deterministic.
        ``keepalive_s`` is how long an idle connection is kept for the next request (default:
        the profile's ``keepalive``).
        ``listing_transport`` serves when ``transport`` is not given: listings and HEADs share
        one request path."""
        check_usable(profile)
        self.profile = profile
        self._settings: dict[str, object] = {
            "transport": transport,
            "clock": clock,
            "sleep": sleep,
            "timer": timer,
            "keepalive_s": keepalive_s,
            "listing_transport": listing_transport,
        }
        try:
            self.endpoint: Endpoint = parse_endpoint(
                profile.endpoint or endpoint_for_region(profile.region or "")
            )
        except InputError as exc:
            raise ConfigError(str(exc)) from None
        if profile.sign_version == "v4" and profile.region:
            problem = region_mismatch(self.endpoint, profile.region)
            if problem:
                raise ConfigError(f"Region mismatch: {problem}.")
        self.style = effective_style(self.endpoint, profile.addressing_style)
        self.requests = RequestPath(
            profile,
            self.endpoint,
            http=transport if transport is not None else listing_transport,
            clock=clock,
            sleep=sleep,
            timer=timer or time.perf_counter,
            keepalive_s=keepalive_s,
            user_agent=f"ossbrowse/{__version__}",
        )
        """The request path every operation uses (see :mod:`ossbrowse.oss.transport`)."""
        self.redactor = self.requests.redactor
        """Masks this profile's secrets; what shows or writes this client's results uses it."""
        try:
            self.requests.check_proxy()
        except ValueError as exc:  # e.g. an unusable proxy URL in the environment
            raise ConfigError(
                f"Cannot set up the HTTP client: {self.redactor.text(str(exc))}"
            ) from None

    def fork(self) -> OssClient:
        """A client of the same profile and settings with connections of its own.

        Bulk HEAD gives each worker thread one, so a worker's connections are closed when it
        ends. (Threads may also share one client: each request takes a connection for itself,
        see :mod:`ossbrowse.oss.connections`, so they never queue on each other.) With an
        injected transport there are no connections of our own to split: the client itself is
        returned (close a fork only when it is not the client).
        """
        if self._settings["transport"] is not None or self._settings["listing_transport"]:
            return self
        fork = OssClient(self.profile, **self._settings)  # type: ignore[arg-type]
        fork.requests.tls = self.requests.tls  # the CA store is loaded once, not per fork
        return fork

    @property
    def endpoint_label(self) -> str:
        """The endpoint as shown to users, e.g. ``https://oss-cn-hangzhou.aliyuncs.com``."""
        return str(self.endpoint)

    def prepare(self, request: HeadRequest) -> PreparedHead:
        """Sign ``request`` without sending it; what ``--dry-run`` prints."""
        signed = self.requests.prepare(
            "HEAD",
            request.bucket,
            request.key,
            query=_version_query(request),
            headers=request_headers(request),
        )
        return PreparedHead(
            method=signed.method,
            url=signed.url,
            headers=signed.headers,
            canonical_request=signed.canonical_request,
            string_to_sign=signed.string_to_sign,
        )

    def head_object(self, request: HeadRequest) -> HeadResult:
        """HEAD the object. Any HTTP status or network failure comes back as a result."""
        exchange = self.requests.send(
            "HEAD",
            request.bucket,
            request.key,
            query=_version_query(request),
            headers=request_headers(request),
        )
        if exchange.status is None:
            return self._no_answer(request, exchange)
        return self._result(request, exchange)

    def _warnings(self, request: HeadRequest) -> list[str]:
        # What reading the input assumed or changed comes first: it is about what was sent.
        warnings = list(request.notes)
        if self.profile.skip_verify_cert:
            warnings.append("TLS certificate verification is off (--skip-verify-cert).")
        return warnings

    def _no_answer(self, request: HeadRequest, exchange: Exchange) -> HeadResult:
        from .explain import explain  # only once an answer is read: a dry run never loads it

        assert exchange.failure is not None
        checks, _ = explain(request, None, None, None)
        return HeadResult(
            request=request,
            url=exchange.url,
            status=None,
            outcome=Outcome.NO_ANSWER,
            elapsed_ms=exchange.elapsed_ms,
            attempts=exchange.attempts,
            conditions=checks,
            summary=exchange.failure.message,
            failure=exchange.failure,
            warnings=tuple(self._warnings(request)),
            sign_version=self.profile.sign_version,
        )

    def _result(self, request: HeadRequest, exchange: Exchange) -> HeadResult:
        # Reading answers (the error document parser loads XML) is not needed to sign a request:
        # imported here, so `head --dry-run` starts without them.
        from .errors import error_headline
        from .explain import explain

        status = exchange.status
        assert status is not None
        items = exchange.headers.multi_items()
        headers = tuple((name, self.redactor.text(value)) for name, value in items)
        # Read by name once, as httpx.Headers.get reads them (repeated names joined by ", "),
        # without decoding every header again for each name looked up.
        response_headers: dict[str, str] = {}
        for name, value in items:
            joined = response_headers.get(name)
            response_headers[name] = value if joined is None else f"{joined}, {value}"
        etag = response_headers.get("etag")
        last_modified = response_headers.get("last-modified")
        checks, summary = explain(request, status, etag, last_modified)
        error = exchange.error
        if error is not None:
            delete_marker = response_headers.get("x-oss-delete-marker") == "true"
            if status == 404 and not delete_marker:
                # NoSuchBucket, NoSuchKey and NoSuchVersion are three different mistakes.
                summary = f"{error_headline(error)}. {summary}"
                if has_dot_segments(request.key):
                    summary += (
                        " The key holds a '.' or '..' segment: OSS does not resolve them (keys "
                        "are names, not paths), so it looked for the key exactly as typed."
                    )
            elif status not in (404, 412):
                summary = f"{error.summary.rstrip('.')}. {summary}".strip()
            if delete_marker:
                marker = response_headers.get("x-oss-version-id", "")
                summary = (
                    f"The {'version asked for' if status == 405 else 'current version'} is a "
                    f"delete marker{f' ({marker})' if marker else ''}: "
                    f"OSS answered {status} {error.code}. {summary}"
                ).strip()
        warnings = self._warnings(request) + _header_warnings(status, response_headers)
        return HeadResult(
            request=request,
            url=exchange.url,
            status=status,
            outcome=_outcome(status),
            headers=headers,
            etag=etag,
            version_id=response_headers.get("x-oss-version-id"),
            request_id=response_headers.get("x-oss-request-id"),
            last_modified=last_modified,
            elapsed_ms=exchange.elapsed_ms,
            attempts=exchange.attempts,
            conditions=checks,
            summary=summary,
            error=error,
            warnings=tuple(warnings),
            sign_version=self.profile.sign_version,
        )

    # -- listings: one signed GET per page (the operations are in list_ops.ListOperations) ------

    def _fetch_listing(self, operation: str, bucket: str | None, query: Query) -> Response:
        """One signed GET for a listing page on the request path; failures raise ListingFailed.

        The body is read up to one byte past the listing cap, so the parser can refuse an
        oversized document by its size.
        """
        exchange = self.requests.send(
            "GET", bucket, None, query=query, max_body=MAX_LISTING_BYTES + 1
        )
        if exchange.status is None:
            assert exchange.failure is not None
            failure = exchange.failure
            raise ListingFailed(operation, failure.message, failure=failure)
        if 200 <= exchange.status < 300:
            return Response(exchange.body, exchange.headers.get("x-oss-request-id"))
        assert exchange.error is not None
        error = exchange.error
        raise ListingFailed(operation, error.summary, status=exchange.status, error=error)

    def close(self) -> None:
        """Close the connection pool."""
        self.requests.close()

    def __enter__(self) -> OssClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _version_query(request: HeadRequest) -> list[tuple[str, str]]:
    return [("versionId", request.version_id)] if request.version_id else []


def _header_warnings(status: int, headers: Mapping[str, str]) -> list[str]:
    """Say what is malformed in the answer rather than failing on it (``headers`` by
    lower-case name)."""
    warnings = []
    for name in ("last-modified", "date"):
        value = headers.get(name)
        # The same strict reading the explanation uses, so a date it cannot read is reported.
        if value is not None and parse_http_date(value) is None:
            shown = value if len(value) <= 60 else value[:57] + "..."
            warnings.append(f"{name.title()} is not an HTTP date: {shown!r}")
    if status == 200 and "etag" not in headers:
        warnings.append("The server sent no ETag.")
    return warnings
