"""OssClient: the signed HEAD, with timeouts, bounded retries and timing, as a HeadResult; listings.

One pooled ``httpx.AsyncClient`` serves every request. HTTP answers of any status, and the
absence of an answer, become a :class:`HeadResult`; only programming errors raise. Retries are
made only where repeating can help (connection failures and 5xx), each one recorded.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import httpx

from .. import __version__
from . import redact
from .addressing import (
    Endpoint,
    effective_style,
    endpoint_for_region,
    is_ip_or_localhost,
    object_url,
    parse_endpoint,
    region_mismatch,
)
from .conditions import explain, parse_http_date, request_headers
from .errors import decode_service_error, transport_failure
from .list_ops import ListOperations
from .listing import MAX_LISTING_BYTES
from .paging import ListingFailed, Query, Response
from .profile import ConfigError, Profile, check_usable
from .results import (
    Attempt,
    HeadRequest,
    HeadResult,
    Outcome,
    PreparedHead,
    TransportFailure,
)
from .signing import Credentials, OssV1Auth, OssV4Auth, utc_now
from .validation import InputError

log = logging.getLogger(__name__)

# Failures worth another try: the request never reached the server, or the connection broke.
RETRYABLE_FAILURES = frozenset({"refused", "connect_timeout", "reset", "protocol"})
_PROXY_KINDS = frozenset({"refused", "connect_timeout", "dns", "proxy", "reset", "protocol"})
BACKOFF_BASE_S = 0.2
BACKOFF_CAP_S = 5.0

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


def backoff_seconds(attempt: int) -> float:
    """Exponential back-off before retry number ``attempt`` (1-based), capped."""
    return min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2.0 ** (attempt - 1))


class OssClient(ListOperations):
    """Sends signed HEAD requests for one profile."""

    def __init__(
        self,
        profile: Profile,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        timer: Callable[[], float] | None = None,
        listing_transport: httpx.BaseTransport | None = None,
    ) -> None:
        """``clock`` signs requests, ``sleep`` waits between retries and ``timer`` measures
        elapsed time; tests and screenshots inject them to be deterministic, and
        ``listing_transport`` for the listings' synchronous pool."""
        check_usable(profile)
        assert profile.access_key_id and profile.access_key_secret  # checked above
        self.profile = profile
        self._credentials = Credentials(
            profile.access_key_id, profile.access_key_secret, profile.sts_token
        )
        redact.register_secret(profile.access_key_secret)
        if profile.sts_token:
            redact.register_secret(profile.sts_token)
        if profile.proxy and profile.proxy != "env":
            try:
                redact.register_secret(httpx.URL(profile.proxy).password)
            except (httpx.InvalidURL, ValueError):
                pass  # check_usable has already refused an unusable proxy
        self._clock = clock or utc_now
        self._sleep = sleep or asyncio.sleep
        self._timer = timer or time.perf_counter
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
        self._http = self._make_http(transport)
        self._listing_transport = listing_transport

    def _http_settings(self) -> dict[str, Any]:
        """What every connection of this client shares: TLS, proxy, timeouts, User-Agent."""
        profile = self.profile
        verify: ssl.SSLContext | bool = not profile.skip_verify_cert
        proxy = profile.proxy if profile.proxy not in (None, "", "env") else None
        # Environment proxies apply only when asked (--proxy env) or by default for remote
        # hosts; a loopback endpoint (the demo emulator) never goes through a proxy.
        trust_env = proxy is None and not is_ip_or_localhost(self.endpoint.host)
        if profile.proxy == "env":
            trust_env = True
        timeout = httpx.Timeout(
            connect=profile.connect_timeout,
            read=profile.read_timeout,
            write=profile.read_timeout,
            pool=profile.connect_timeout,
        )
        return {
            "verify": verify,
            "proxy": proxy,
            "trust_env": trust_env,
            "timeout": timeout,
            "follow_redirects": False,
            "headers": {"User-Agent": f"ossbrowse/{__version__}"},
        }

    def _make_http(self, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
        try:
            return httpx.AsyncClient(transport=transport, **self._http_settings())
        except ValueError as exc:  # e.g. an unusable proxy URL in the environment
            raise ConfigError(
                f"Cannot set up the HTTP client: {redact.redact_text(str(exc))}"
            ) from None

    @property
    def endpoint_label(self) -> str:
        """The endpoint as shown to users, e.g. ``https://oss-cn-hangzhou.aliyuncs.com``."""
        return str(self.endpoint)

    def url_for(self, request: HeadRequest) -> str:
        """The URL a HEAD of ``request`` goes to."""
        query = [("versionId", request.version_id)] if request.version_id else []
        return object_url(
            self.endpoint,
            request.bucket,
            request.key,
            style=self.profile.addressing_style,
            query=query,
        )

    def _auth(self, request: HeadRequest) -> OssV4Auth | OssV1Auth:
        if self.profile.sign_version == "v1":
            return OssV1Auth(self._credentials, request.bucket, request.key, clock=self._clock)
        return OssV4Auth(
            self._credentials,
            self.profile.region or "",
            request.bucket,
            request.key,
            clock=self._clock,
        )

    def prepare(self, request: HeadRequest) -> PreparedHead:
        """Sign ``request`` without sending it; what ``--dry-run`` prints."""
        http_request = self._http.build_request(
            "HEAD", self.url_for(request), headers=request_headers(request)
        )
        auth = self._auth(request)
        auth.sign(http_request)
        return PreparedHead(
            method="HEAD",
            url=redact.redact_url(str(http_request.url)),
            headers=tuple(redact.redact_headers(http_request.headers)),
            canonical_request=_redacted(auth.canonical_request),
            string_to_sign=_redacted(auth.string_to_sign),
        )

    async def head_object(self, request: HeadRequest) -> HeadResult:
        """HEAD the object. Any HTTP status or network failure comes back as a result."""
        url = self.url_for(request)
        headers = request_headers(request)
        attempts: list[Attempt] = []
        started = self._timer()
        waited = 0.0
        for number in range(1, self.profile.retry_times + 2):
            auth = self._auth(request)
            t0 = self._timer()
            try:
                response = await self._http.head(url, headers=headers, auth=auth)
            except (httpx.HTTPError, ssl.SSLError, OSError) as exc:
                failure = self._via_proxy(transport_failure(exc))
                log.info(
                    "HEAD %s attempt %d: no answer: %s",
                    redact.redact_url(url),
                    number,
                    failure.message,
                )
                attempts.append(
                    Attempt(number, None, failure.kind, self._ms(t0), waited_ms=waited * 1000)
                )
                if failure.kind in RETRYABLE_FAILURES and number <= self.profile.retry_times:
                    waited = backoff_seconds(number)
                    await self._sleep(waited)
                    continue
                return self._no_answer(request, url, failure, attempts, started)
            attempts.append(
                Attempt(number, response.status_code, None, self._ms(t0), waited_ms=waited * 1000)
            )
            _log_exchange(response, attempts[-1])
            if response.status_code >= 500 and number <= self.profile.retry_times:
                waited = backoff_seconds(number)
                await self._sleep(waited)
                continue
            return self._result(request, url, response, auth, attempts, started)
        raise AssertionError("unreachable: the loop always returns")  # pragma: no cover

    def _via_proxy(self, failure: TransportFailure) -> TransportFailure:
        """Name the proxy when the connection went through one: it may be what failed."""
        proxy = self.profile.proxy
        if not proxy or proxy == "env" or failure.kind not in _PROXY_KINDS:
            return failure
        shown = httpx.URL(proxy).copy_with(username=None, password=None)
        return TransportFailure(failure.kind, f"{failure.message} (through proxy {shown})")

    def _warnings(self) -> list[str]:
        warnings = []
        if self.profile.skip_verify_cert:
            warnings.append("TLS certificate verification is off (--skip-verify-cert).")
        return warnings

    def _no_answer(
        self,
        request: HeadRequest,
        url: str,
        failure: TransportFailure,
        attempts: list[Attempt],
        started: float,
    ) -> HeadResult:
        checks, _ = explain(request, None, None, None)
        return HeadResult(
            request=request,
            url=redact.redact_url(url),
            status=None,
            outcome=Outcome.NO_ANSWER,
            elapsed_ms=self._ms(started),
            attempts=tuple(attempts),
            conditions=checks,
            summary=failure.message,
            failure=failure,
            warnings=tuple(self._warnings()),
            sign_version=self.profile.sign_version,
        )

    def _result(
        self,
        request: HeadRequest,
        url: str,
        response: httpx.Response,
        auth: OssV4Auth | OssV1Auth,
        attempts: list[Attempt],
        started: float,
    ) -> HeadResult:
        status = response.status_code
        headers = tuple(
            (name, redact.redact_text(value)) for name, value in response.headers.multi_items()
        )
        etag = response.headers.get("etag")
        last_modified = response.headers.get("last-modified")
        checks, summary = explain(request, status, etag, last_modified)
        error = None
        if status >= 400:
            error = decode_service_error(
                status,
                response.headers,
                response.content,
                sent_at=auth.signed_at,
                our_string_to_sign=_redacted(auth.string_to_sign),
                our_canonical_request=_redacted(auth.canonical_request),
                region=self.profile.region,
            )
            if status not in (404, 412):
                summary = f"{error.summary.rstrip('.')}. {summary}".strip()
            if response.headers.get("x-oss-delete-marker") == "true":
                marker = response.headers.get("x-oss-version-id", "")
                summary = (
                    f"The {'version asked for' if status == 405 else 'current version'} is a "
                    f"delete marker{f' ({marker})' if marker else ''}: "
                    f"OSS answered {status} {error.code}. {summary}"
                ).strip()
        warnings = self._warnings() + _header_warnings(response)
        return HeadResult(
            request=request,
            url=redact.redact_url(url),
            status=status,
            outcome=_outcome(status),
            headers=headers,
            etag=etag,
            version_id=response.headers.get("x-oss-version-id"),
            request_id=response.headers.get("x-oss-request-id"),
            last_modified=last_modified,
            elapsed_ms=self._ms(started),
            attempts=tuple(attempts),
            conditions=checks,
            summary=summary,
            error=error,
            warnings=tuple(warnings),
            sign_version=self.profile.sign_version,
        )

    # -- listings: one signed GET per page (the operations are in list_ops.ListOperations) ------

    _listing_http: httpx.Client | None = None
    _listing_sleep: Callable[[float], None] = staticmethod(time.sleep)
    """Waits between retries of a listing page; tests replace it to stay quick."""

    def listing_url(self, bucket: str | None, query: Query) -> str:
        """The URL of a listing: the bucket (virtual/path/cname) or, for None, the service."""
        return object_url(
            self.endpoint, bucket or "", "", style=self.profile.addressing_style, query=query
        )

    def _listing_auth(self, bucket: str | None) -> OssV4Auth | OssV1Auth:
        if self.profile.sign_version == "v1":
            return OssV1Auth(self._credentials, bucket, None, clock=self._clock)
        return OssV4Auth(
            self._credentials, self.profile.region or "", bucket, None, clock=self._clock
        )

    def _fetch_listing(self, operation: str, bucket: str | None, query: Query) -> Response:
        """One signed GET for a listing page, with the HEAD's timeouts, retries and redaction.

        A synchronous connection pool (made on first use) serves listings, so that pages can
        be fetched one at a time from any thread. The body is read up to the listing cap.
        """
        if self._listing_http is None:
            try:
                self._listing_http = httpx.Client(
                    transport=self._listing_transport, **self._http_settings()
                )
            except ValueError as exc:
                raise ConfigError(
                    f"Cannot set up the HTTP client: {redact.redact_text(str(exc))}"
                ) from None
        http = self._listing_http
        url = self.listing_url(bucket, query)
        waited = 0.0
        for number in range(1, self.profile.retry_times + 2):
            auth = self._listing_auth(bucket)
            t0 = self._timer()
            try:
                with http.stream("GET", url, auth=auth) as response:
                    body = _read_capped(response, MAX_LISTING_BYTES + 1)
            except (httpx.HTTPError, ssl.SSLError, OSError) as exc:
                failure = self._via_proxy(transport_failure(exc))
                log.info(
                    "GET %s attempt %d: no answer: %s",
                    redact.redact_url(url),
                    number,
                    failure.message,
                )
                if failure.kind in RETRYABLE_FAILURES and number <= self.profile.retry_times:
                    waited = backoff_seconds(number)
                    self._listing_sleep(waited)
                    continue
                raise ListingFailed(operation, failure.message, failure=failure) from None
            attempt = Attempt(
                number, response.status_code, None, self._ms(t0), waited_ms=waited * 1000
            )
            _log_exchange(response, attempt)
            if response.status_code >= 500 and number <= self.profile.retry_times:
                waited = backoff_seconds(number)
                self._listing_sleep(waited)
                continue
            request_id = response.headers.get("x-oss-request-id")
            if 200 <= response.status_code < 300:
                return Response(body, request_id)
            error = decode_service_error(
                response.status_code,
                response.headers,
                body,
                sent_at=auth.signed_at,
                our_string_to_sign=_redacted(auth.string_to_sign),
                our_canonical_request=_redacted(auth.canonical_request),
                region=self.profile.region,
            )
            raise ListingFailed(operation, error.summary, status=response.status_code, error=error)
        raise AssertionError("unreachable: the loop always returns or raises")  # pragma: no cover

    def close(self) -> None:
        """Close the listings' connection pool (HEAD's pool closes with ``aclose``)."""
        if self._listing_http is not None:
            self._listing_http.close()
            self._listing_http = None

    def __enter__(self) -> OssClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ms(self, since: float) -> float:
        return (self._timer() - since) * 1000

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> OssClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _log_exchange(response: httpx.Response, attempt: Attempt) -> None:
    """Log what was sent and received; every value passes through the redactor."""
    request = response.request
    log.info(
        "HEAD %s attempt %d: %d in %.1f ms",
        redact.redact_url(str(request.url)),
        attempt.number,
        response.status_code,
        attempt.elapsed_ms,
    )
    if log.isEnabledFor(logging.DEBUG):
        for name, value in redact.redact_headers(request.headers):
            log.debug("> %s: %s", name, redact.redact_text(value))
        for name, value in response.headers.multi_items():
            log.debug("< %s: %s", name, redact.redact_text(redact.redact_header(name, value)))


def _read_capped(response: httpx.Response, limit: int) -> bytes:
    """At most ``limit`` bytes of the body: a hostile server cannot make us hold more."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(chunks)[:limit]


def _redacted(text: str | None) -> str | None:
    """V4 signs the STS token as a header, so what was signed can hold a secret."""
    return None if text is None else redact.redact_text(text)


def _header_warnings(response: httpx.Response) -> list[str]:
    """Say what is malformed in the answer rather than failing on it."""
    warnings = []
    for name in ("last-modified", "date"):
        value = response.headers.get(name)
        # The same strict reading the explanation uses, so a date it cannot read is reported.
        if value is not None and parse_http_date(value) is None:
            shown = value if len(value) <= 60 else value[:57] + "..."
            warnings.append(f"{name.title()} is not an HTTP date: {shown!r}")
    if response.status_code == 200 and "etag" not in response.headers:
        warnings.append("The server sent no ETag.")
    return warnings
