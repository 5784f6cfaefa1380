"""The one request path every operation uses: sign, send, retry, deadline, timing, redaction.

:class:`RequestPath` turns ``send(method, bucket, key, query=..., headers=...)`` into an
:class:`Exchange`: the answer (status, headers, body) or the absence of one (a
:class:`TransportFailure`), every attempt with its own network timings, and the decoded OSS error
for a 4xx/5xx. It never raises for anything the network or the server does.

- **Sync, on purpose, and lean.** Each request takes a kept-alive connection for itself
  (:mod:`ossbrowse.oss.connections`), so threads never queue on a shared pool's lock, and drives
  it from the calling thread through httpcore directly (:mod:`ossbrowse.oss.lines`): the
  headers are built and signed once as ``httpx.Headers``, and no ``httpx.Request``, URL parse,
  pool or ``httpx.Response`` is made per request (through a proxy, or an injected transport,
  httpx's transport is used as before). Measured here, ``httpx.AsyncClient`` costs 2.2-2.6x the
  CPU of the sync path per request and collapses under concurrency. The TUI calls it from a
  thread worker; the CLI calls it directly; bulk work runs it from a thread pool.
- **Timing at the transport.** httpx's ``trace`` extension timestamps the connection (TCP +
  TLS), the wait for the first byte and the end of the body; signing, result building and UI
  work are outside the measured span. Each attempt says whether its connection was new or
  reused.
- **No request runs for ever.** Each attempt has an overall deadline (connect + read timeout
  unless given), enforced on every socket operation by :mod:`ossbrowse.oss.deadline`.
- **Retries** only where repeating can help (no connection, a broken one, 5xx), with capped
  exponential back-off, each attempt recorded.
- **Nothing is built until it is used**: no connection pool (and no TLS context) for a dry run,
  no TLS context at all for an ``http://`` endpoint; httpcore (which ``import httpx`` does not
  load) is imported with :mod:`ossbrowse.oss.deadline` only when a request is sent.
"""

from __future__ import annotations

import logging
import os
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx

from .addressing import Endpoint, is_ip_or_localhost, object_url
from .connections import ConnectionSet
from .profile import Profile
from .redact import Redactor
from .results import Attempt, ServiceError, TransportFailure
from .signing import Credentials, OssV1Auth, OssV4Auth, V4KeyCache, utc_now

if TYPE_CHECKING:  # lines imports httpcore: loaded only once something is sent
    from .lines import HttpxLine, Origin

__all__ = [
    "BACKOFF_BASE_S",
    "BACKOFF_CAP_S",
    "DEFAULT_MAX_BODY",
    "RETRYABLE_FAILURES",
    "CaBundleError",
    "Exchange",
    "RequestPath",
    "SignedRequest",
    "TlsContexts",
    "backoff_seconds",
]

log = logging.getLogger(__name__)

# Failures worth another try: the request never reached the server, or the connection broke.
RETRYABLE_FAILURES = frozenset({"refused", "connect_timeout", "reset", "protocol"})
_PROXY_KINDS = frozenset({"refused", "connect_timeout", "dns", "proxy", "reset", "protocol"})
BACKOFF_BASE_S = 0.2
BACKOFF_CAP_S = 5.0
DEFAULT_MAX_BODY = 32 * 1024 * 1024
"""The most body bytes read from one answer (listings are far smaller)."""


def backoff_seconds(attempt: int) -> float:
    """Exponential back-off before retry number ``attempt`` (1-based), capped."""
    return min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2.0 ** (attempt - 1))


@dataclass(frozen=True)
class SignedRequest:
    """A request signed and not sent: what ``--dry-run`` shows (secrets redacted)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    canonical_request: str | None
    string_to_sign: str | None


@dataclass(frozen=True)
class Exchange:
    """What one ``send`` came to: the final attempt's answer, or why there was none.

    ``headers`` and ``body`` are the server's, unredacted (operations parse them); show them
    only through the request path's :class:`~ossbrowse.oss.redact.Redactor`. Everything else
    here is safe to show.
    """

    method: str
    url: str
    """The URL requested, secrets redacted."""
    status: int | None
    """None when no HTTP answer came (see ``failure``)."""
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes = b""
    attempts: tuple[Attempt, ...] = ()
    """Every try, in order, each with its own network timings."""
    failure: TransportFailure | None = None
    error: ServiceError | None = None
    """The decoded OSS error document for a status of 400 or more."""
    signed_at: datetime | None = None
    string_to_sign: str | None = None
    """What the final attempt signed, redacted (compare it with a server's StringToSign)."""
    canonical_request: str | None = None

    @property
    def elapsed_ms(self) -> float:
        """The network time of the final attempt (what answered), measured at the transport."""
        return self.attempts[-1].elapsed_ms if self.attempts else 0.0

    @property
    def reused(self) -> bool | None:
        """Whether the final attempt went over a kept-alive connection (None: not known)."""
        return self.attempts[-1].reused if self.attempts else None


class _Trace:
    """Timestamps of httpcore's trace events for one attempt, read with the client's timer."""

    __slots__ = ("_timer", "connect_end", "connect_start", "first_byte", "sent")

    def __init__(self, timer: Callable[[], float]) -> None:
        self._timer = timer
        self.connect_start: float | None = None
        self.connect_end: float | None = None
        self.sent: float | None = None
        self.first_byte: float | None = None

    def __call__(self, name: str, info: Mapping[str, Any]) -> None:
        # Names are "<layer>.<step>.<phase>", e.g. "connection.connect_tcp.started".
        if name.endswith(".started"):
            if name.endswith("connect_tcp.started") and self.connect_start is None:
                self.connect_start = self._timer()
        elif name.endswith(".complete"):
            if name.endswith(("connect_tcp.complete", "start_tls.complete")):
                self.connect_end = self._timer()
            elif name.endswith(("send_request_headers.complete", "send_request_body.complete")):
                self.sent = self._timer()
            elif name.endswith("receive_response_headers.complete"):
                self.first_byte = self._timer()

    def attempt(
        self, number: int, status: int | None, failure: str | None, start: float, end: float
    ) -> Attempt:
        traced = self.sent is not None or self.connect_start is not None
        connect_ms = None
        if self.connect_start is not None and self.connect_end is not None:
            connect_ms = (self.connect_end - self.connect_start) * 1000
        wait_ms = None
        if self.sent is not None and self.first_byte is not None:
            wait_ms = (self.first_byte - self.sent) * 1000
        return Attempt(
            number,
            status,
            failure,
            (end - start) * 1000,
            connect_ms=connect_ms,
            wait_ms=wait_ms,
            reused=(self.connect_start is None) if traced else None,
        )


class CaBundleError(ValueError):
    """The CA bundle named by SSL_CERT_FILE or SSL_CERT_DIR cannot be loaded."""


def _verifying_context(verify: bool) -> ssl.SSLContext:
    """httpx's context: certifi's CA bundle, or the one SSL_CERT_FILE / SSL_CERT_DIR names.

    Raises CaBundleError (not an OSError from the ssl module, which would escape as a traceback)
    when the bundle named cannot be loaded.
    """
    try:
        return httpx.create_ssl_context(verify=verify)
    except OSError as exc:  # ssl.SSLError too: a file that holds no certificate
        # As httpx reads them: SSL_CERT_FILE first, SSL_CERT_DIR only without it.
        named = [name for name in ("SSL_CERT_FILE", "SSL_CERT_DIR") if os.environ.get(name)]
        where = f"{named[0]}={os.environ[named[0]]}" if named else "the CA bundle"
        reason = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or str(exc)
        raise CaBundleError(
            f"cannot load the CA certificates of {where} ({reason}) — point it at a PEM file "
            "of CA certificates, or unset it to use the bundled ones."
        ) from None


class TlsContexts:
    """The TLS context every connection of a client uses, and its forks', built once on first use.

    Loading the CA store costs about 55 ms of CPU: not once per connection, nor once per
    bulk HEAD worker (each has a fork of the client). Thread-safe.
    """

    def __init__(self, *, verify: bool) -> None:
        self._verify = verify
        self._contexts: dict[bool, ssl.SSLContext] = {}
        self._lock = threading.Lock()

    def context(self, scheme: str) -> ssl.SSLContext:
        """The context for connections to a ``scheme`` server (``http``: one through a proxy)."""
        tls = scheme == "https"
        found = self._contexts.get(tls)
        if found is None:
            with self._lock:
                found = self._contexts.get(tls)
                if found is None:
                    if tls:
                        found = _verifying_context(self._verify)
                    else:
                        # No TLS to the server: skip loading the CA store. A context with no
                        # CA loaded still verifies, so it could never accept a certificate by
                        # mistake.
                        found = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                    self._contexts[tls] = found
        return found


class RequestPath:
    """Signs, sends and retries requests for one profile and endpoint; thread-safe.

    ``http`` replaces the network (tests pass ``httpx.MockTransport`` or a wrapper around a real
    ``httpx.HTTPTransport``); ``clock`` signs, ``sleep`` waits between retries and ``timer``
    measures, so tests can make all three deterministic.
    """

    def __init__(
        self,
        profile: Profile,
        endpoint: Endpoint,
        *,
        http: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] | None = None,
        timer: Callable[[], float] | None = None,
        keepalive_s: float | None = None,
        user_agent: str = "ossbrowse",
    ) -> None:
        assert profile.access_key_id and profile.access_key_secret  # check_usable ran
        self.profile = profile
        self.endpoint = endpoint
        self.redactor = Redactor.for_profile(profile)
        """Masks this profile's secrets in everything the path shows, logs or returns."""
        self._credentials = Credentials(
            profile.access_key_id, profile.access_key_secret, profile.sts_token
        )
        self._keys = V4KeyCache(self._credentials.access_key_secret)
        self._clock = clock or utc_now
        self._sleep = sleep or time.sleep
        self._timer = timer or time.perf_counter
        self._keepalive_s = profile.keepalive if keepalive_s is None else keepalive_s
        self._user_agent = user_agent
        self._given = http
        self._loopback = is_ip_or_localhost(endpoint.host)
        # Connections per (proxy, scheme://netloc); the Host header and origin per netloc.
        self._pools: dict[tuple[str | None, str], ConnectionSet[Any]] = {}
        self._hosts: dict[str, str] = {}
        self._origins: dict[str, Origin] = {}
        self._given_as_line: HttpxLine | None = None
        self.tls = TlsContexts(verify=not profile.skip_verify_cert)
        """The TLS contexts this path's connections use; a fork of the client shares them."""
        self._lock = threading.Lock()
        timeout = httpx.Timeout(
            connect=profile.connect_timeout,
            read=profile.read_timeout,
            write=profile.read_timeout,
            pool=profile.connect_timeout,
        )
        self._timeout = timeout.as_dict()
        self.deadline_s = profile.connect_timeout + profile.read_timeout
        """The overall deadline of one attempt, from the connect and read timeouts."""

    # -- building and signing -------------------------------------------------------------

    def url(self, bucket: str | None, key: str | None, query: Sequence[tuple[str, str]]) -> str:
        """The URL of ``bucket``/``key`` with ``query``, in the profile's addressing style.

        No bucket is the service itself (ListBuckets); no key is the bucket (listings).
        """
        return object_url(
            self.endpoint, bucket or "", key or "", style=self.profile.addressing_style, query=query
        )

    def _signer(self, bucket: str | None, key: str | None) -> OssV4Auth | OssV1Auth:
        if self.profile.sign_version == "v1":
            return OssV1Auth(self._credentials, bucket, key, clock=self._clock)
        return OssV4Auth(
            self._credentials,
            self.profile.region or "",
            bucket,
            key,
            clock=self._clock,
            keys=self._keys,
        )

    def _host(self, prefix: str) -> str:
        """The Host header for ``scheme://netloc`` as httpx writes it (read once per netloc)."""
        host = self._hosts.get(prefix)
        if host is None:
            host = self._hosts[prefix] = httpx.URL(prefix + "/").netloc.decode("ascii")
        return host

    def _signed(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        bucket: str | None,
        key: str | None,
    ) -> tuple[httpx.Headers, OssV4Auth | OssV1Auth]:
        """The headers to send for ``url``, signed: Host, the caller's, User-Agent, then what
        the signer adds (the order and bytes an ``httpx.Request`` would have)."""
        prefix, target = _split(url)
        sent = httpx.Headers([("Host", self._host(prefix)), *(headers or {}).items()])
        sent["User-Agent"] = self._user_agent
        signer = self._signer(bucket, key)
        signer.sign_headers(method, sent, target.partition("?")[2])
        return sent, signer

    def prepare(
        self,
        method: str,
        bucket: str | None,
        key: str | None,
        *,
        query: Sequence[tuple[str, str]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> SignedRequest:
        """Sign without sending (nothing network-related is built)."""
        url = self.url(bucket, key, query)
        sent, signer = self._signed(method, url, headers, bucket, key)
        return SignedRequest(
            method=method,
            url=self.redactor.url(str(httpx.URL(url))),
            headers=tuple(self.redactor.headers(sent)),
            canonical_request=self._redacted(signer.canonical_request),
            string_to_sign=self._redacted(signer.string_to_sign),
        )

    # -- the network ----------------------------------------------------------------------

    def _proxy_for(self, scheme: str, host: str) -> str | None:
        """The proxy for a URL: --proxy, the environment's (only when allowed), or none."""
        proxy = self.profile.proxy
        if proxy and proxy != "env":
            return proxy
        # Environment proxies apply only when asked (--proxy env) or by default for remote
        # hosts; a loopback endpoint (the demo emulator) never goes through a proxy.
        if proxy != "env" and self._loopback:
            return None
        found = urllib.request.getproxies()
        if not found or urllib.request.proxy_bypass(host):
            return None
        return found.get(scheme) or found.get("all")

    def check_proxy(self) -> None:
        """Raise ValueError when the proxy requests would use cannot be used (cheap: builds
        nothing), so an unusable proxy is a configuration error before anything is sent."""
        if self._given is None:
            proxy = self._proxy_for(self.endpoint.scheme, self.endpoint.host)
            if proxy is not None:
                httpx.Proxy(proxy)

    def _line_set(self, prefix: str) -> ConnectionSet[Any]:
        """The connections to ``scheme://netloc`` (through its proxy, if any) to take one from.

        Raises ValueError for an unusable proxy URL.
        """
        from .lines import Origin

        origin = self._origins.get(prefix)
        if origin is None:
            origin = self._origins[prefix] = Origin(prefix)
        proxy = self._proxy_for(origin.scheme, origin.host)
        found = self._pools.get((proxy, prefix))
        if found is None:
            with self._lock:
                found = self._pools.get((proxy, prefix))
                if found is None:
                    if proxy is not None:
                        httpx.Proxy(proxy)  # an unusable proxy URL raises ValueError here
                    found = self._pools[(proxy, prefix)] = ConnectionSet(
                        self._line_maker(origin, proxy), self._keepalive_s
                    )
        return found

    def _line_maker(self, origin: Origin, proxy: str | None) -> Callable[[], Any]:
        from .deadline import DeadlineBackend
        from .lines import DirectLine, HttpxLine

        if proxy is not None:
            return lambda: HttpxLine(self._make_transport(origin.scheme, proxy), resend_stale=True)
        tls = self.tls.context(origin.scheme) if origin.scheme == "https" else None
        backend = DeadlineBackend()
        return lambda: DirectLine(
            origin, ssl_context=tls, keepalive_s=self._keepalive_s, network_backend=backend
        )

    def _make_transport(self, scheme: str, proxy: str) -> httpx.BaseTransport:
        """A transport of one connection through ``proxy`` (httpcore's proxy classes)."""
        transport = httpx.HTTPTransport(
            verify=self.tls.context(scheme),
            proxy=proxy,
            trust_env=False,  # the environment's proxy was chosen above, by our rules
            limits=httpx.Limits(
                max_connections=1,
                max_keepalive_connections=1,
                keepalive_expiry=self._keepalive_s,
            ),
        )
        # httpx builds the httpcore pool; give it the backend that enforces each attempt's
        # overall deadline (httpx.HTTPTransport takes no backend argument).
        from .deadline import DeadlineBackend

        transport._pool._network_backend = DeadlineBackend(transport._pool._network_backend)
        return transport

    def send(
        self,
        method: str,
        bucket: str | None,
        key: str | None,
        *,
        query: Sequence[tuple[str, str]] = (),
        headers: Mapping[str, str] | None = None,
        deadline_s: float | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        retry: bool = True,
    ) -> Exchange:
        """Send one signed request, retrying where that can help; never raises for I/O.

        ``query`` is sent (and signed) in order; ``headers`` are added before signing.
        ``deadline_s`` bounds each attempt (default: connect + read timeout). At most
        ``max_body`` bytes of the body are read (a caller that must refuse a longer answer
        asks for one byte more than it accepts and checks the length).
        """
        from . import deadline  # imports httpcore: only once something is sent
        from .lines import Answer

        url = self.url(bucket, key, query)
        prefix, target = _split(url)
        shown_url = self.redactor.url(url)
        attempts: list[Attempt] = []
        waited = 0.0
        retries = self.profile.retry_times if retry else 0
        for number in range(1, retries + 2):
            trace = _Trace(self._timer)
            sent, signer = self._signed(method, url, headers, bucket, key)
            try:
                lines = None if self._given is not None else self._line_set(prefix)
                line = lines.take() if lines is not None else self._given_line()
            except ValueError as exc:  # e.g. an unusable proxy URL in the environment
                message = self.redactor.text(str(exc))
                kind = "tls" if isinstance(exc, CaBundleError) else "proxy"
                return Exchange(
                    method=method,
                    url=shown_url,
                    status=None,
                    attempts=tuple(attempts),
                    failure=TransportFailure(kind, f"Cannot set up the connection: {message}"),
                )
            extensions = {"timeout": self._timeout, "trace": trace}
            start = self._timer()
            failure: TransportFailure | None = None
            answer: Answer | None = None
            with deadline.attempt_deadline(deadline_s or self.deadline_s):
                try:
                    answer = line.exchange(method, url, target, sent, extensions, max_body)
                except (httpx.HTTPError, ssl.SSLError, OSError) as exc:
                    failure = self._failure(exc, method, prefix)
                finally:
                    if lines is not None:
                        lines.give_back(line)
            end = self._timer()
            if failure is not None and lines is not None and lines.closed:
                # close() shut the connection down under this request: say so, and do not
                # retry on the connections of a client being closed.
                failure = TransportFailure(
                    "other", "The request was cancelled: the client was closed while it was sent."
                )
                retries = 0
            if failure is not None:
                attempt = trace.attempt(number, None, failure.kind, start, end)
                attempts.append(_with_wait(attempt, waited))
                log.info(
                    "%s %s attempt %d: no answer: %s", method, shown_url, number, failure.message
                )
                if failure.kind in RETRYABLE_FAILURES and number <= retries:
                    waited = backoff_seconds(number)
                    self._sleep(waited)
                    continue
                return Exchange(
                    method=method,
                    url=shown_url,
                    status=None,
                    attempts=tuple(attempts),
                    failure=failure,
                    signed_at=signer.signed_at,
                    string_to_sign=self._redacted(signer.string_to_sign),
                    canonical_request=self._redacted(signer.canonical_request),
                )
            assert answer is not None
            status, received, body = answer
            attempts.append(_with_wait(trace.attempt(number, status, None, start, end), waited))
            _log_exchange(method, url, sent, status, received, attempts[-1], self.redactor)
            if status >= 500 and number <= retries:
                waited = backoff_seconds(number)
                self._sleep(waited)
                continue
            error = None
            if status >= 400:
                # Decoding error documents loads the XML parser: not before one is read, so
                # signing alone (`head --dry-run`) starts without it.
                from .errors import decode_service_error

                error = decode_service_error(
                    status,
                    received,
                    body,
                    sent_at=signer.signed_at,
                    our_string_to_sign=self._redacted(signer.string_to_sign),
                    our_canonical_request=self._redacted(signer.canonical_request),
                    region=self.profile.region,
                    redactor=self.redactor,
                )
            return Exchange(
                method=method,
                url=shown_url,
                status=status,
                headers=received,
                body=body,
                attempts=tuple(attempts),
                error=error,
                signed_at=signer.signed_at,
                string_to_sign=self._redacted(signer.string_to_sign),
                canonical_request=self._redacted(signer.canonical_request),
            )
        raise AssertionError("unreachable: the loop always returns")  # pragma: no cover

    def _failure(self, exc: BaseException, method: str, prefix: str) -> TransportFailure:
        from . import deadline  # loaded by send() already
        from .transport_errors import transport_failure  # only when something failed

        proxy = self._proxy_used(prefix)
        if proxy is None and isinstance(exc, httpx.RequestError) and not _has_request(exc):
            # httpx.Client attaches the request to its exceptions, a transport driven directly
            # does not: without it the message says "the server" instead of host:port. (Through
            # a proxy it is left out: what was refused or timed out may be the proxy.)
            exc.request = httpx.Request(method, prefix + "/")
        failure = transport_failure(exc, self.redactor)

        if deadline.deadline_passed():
            failure = TransportFailure(
                "read_timeout",
                f"No complete answer within the {self.deadline_s:g} s deadline of one attempt "
                "(connect + read timeout) — the server is too slow or never finishes its "
                "answer (try a larger --read-timeout).",
            )
        if proxy is None or failure.kind not in _PROXY_KINDS:
            return failure
        # Name the proxy, without its password: it may be what failed (one from the
        # environment too, which the user may not know applies).
        shown = httpx.URL(proxy).copy_with(username=None, password=None)
        return TransportFailure(failure.kind, f"{failure.message} (through proxy {shown})")

    def _proxy_used(self, prefix: str) -> str | None:
        """The proxy requests to ``scheme://netloc`` go through (None: direct, or injected)."""
        origin = self._origins.get(prefix)
        if self._given is not None or origin is None:
            return None
        return self._proxy_for(origin.scheme, origin.host)

    def _redacted(self, text: str | None) -> str | None:
        """V4 signs the STS token as a header, so what was signed can hold a secret."""
        return None if text is None else self.redactor.text(text)

    def _given_line(self) -> HttpxLine:
        from .lines import HttpxLine

        assert self._given is not None
        if self._given_as_line is None:
            self._given_as_line = HttpxLine(self._given)
        return self._given_as_line

    def close(self) -> None:
        """Close every connection (the injected transport too)."""
        with self._lock:
            pools = list(self._pools.values())
            self._pools.clear()
        for pool in pools:
            pool.close()
        if self._given is not None:
            self._given.close()


def _has_request(exc: httpx.RequestError) -> bool:
    try:
        exc.request  # noqa: B018 - the property raises when no request was attached
    except RuntimeError:
        return False
    return True


def _split(url: str) -> tuple[str, str]:
    """``scheme://netloc`` and the target (path and query) of a URL ``object_url`` built."""
    cut = url.index("/", url.index("://") + 3)
    return url[:cut], url[cut:]


def _with_wait(attempt: Attempt, waited: float) -> Attempt:
    if not waited:
        return attempt
    return Attempt(
        attempt.number,
        attempt.status,
        attempt.failure,
        attempt.elapsed_ms,
        waited_ms=waited * 1000,
        connect_ms=attempt.connect_ms,
        wait_ms=attempt.wait_ms,
        reused=attempt.reused,
    )


def _log_exchange(
    method: str,
    url: str,
    sent: httpx.Headers,
    status: int,
    received: httpx.Headers,
    attempt: Attempt,
    redactor: Redactor,
) -> None:
    """Log what was sent and received; every value passes through the redactor."""
    if not log.isEnabledFor(logging.INFO):
        return
    log.info(
        "%s %s attempt %d: %d in %.1f ms",
        method,
        redactor.url(str(httpx.URL(url))),
        attempt.number,
        status,
        attempt.elapsed_ms,
    )
    if log.isEnabledFor(logging.DEBUG):
        for name, value in redactor.headers(sent):
            log.debug("> %s: %s", name, value)
        for name, value in redactor.headers(received):
            log.debug("< %s: %s", name, value)
