"""Mapping a request that got no HTTP answer to one line a person can act on.

:func:`transport_failure` turns an httpx/OS exception (DNS, refused, timeouts, TLS, resets,
proxies, broken HTTP) into a :class:`TransportFailure`. Exception texts may quote URLs with
signatures or tokens in them, so every message is cleaned and redacted.
"""

from __future__ import annotations

import re
import socket
import ssl

import httpx

from ossbrowse.oss.redact import NO_SECRETS, Redactor
from ossbrowse.oss.results import TransportFailure
from ossbrowse.oss.safetext import one_line, shorten

_DNS_WORDS = (
    "name or service not known",
    "nodename nor servname",
    "getaddrinfo failed",
    "temporary failure in name resolution",
    "no address associated",
    "name resolution",
    "no such host",
)
_URL_RE = re.compile(r"https?://[^\s'\"<>]+")


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions that caused it, outermost first (bounded, cycle-safe)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 16:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _target(exc: BaseException) -> tuple[str, str]:
    """("host", "host:port") of the request that failed, when httpx knows it."""
    try:
        url = exc.request.url  # type: ignore[attr-defined]
    except (AttributeError, RuntimeError):
        return "the server", "the server"
    host = url.host or "the server"
    port = url.port or (443 if url.scheme == "https" else 80)
    return host, f"{host}:{port}"


def _one_line(text: str, redactor: Redactor, limit: int = 200) -> str:
    # Secrets are masked before the text is cut, so a cut never leaves part of one behind.
    text = redactor.text(_URL_RE.sub(lambda m: redactor.url(m.group(0)), text))
    text = " ".join(one_line(text).split())
    return shorten(text, limit)


def _detail(chain: list[BaseException], redactor: Redactor) -> str:
    """The most specific non-empty message in the chain."""
    for item in reversed(chain):
        if isinstance(item, ssl.SSLCertVerificationError) and item.verify_message:
            return item.verify_message
        text = str(item).strip().rstrip(".")
        if text:
            return _one_line(text, redactor)
    return type(chain[0]).__name__


def _kind(exc: BaseException, chain: list[BaseException]) -> str:
    text = " ".join(str(item).lower() for item in chain)
    if any(isinstance(item, httpx.ProxyError) for item in chain):
        return "proxy"
    if any(isinstance(item, ssl.SSLError) for item in chain) or "[ssl" in text:
        return "tls"
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return "connect_timeout"
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout):
        return "read_timeout"
    if any(isinstance(item, socket.gaierror) for item in chain) or any(
        word in text for word in _DNS_WORDS
    ):
        return "dns"
    if any(isinstance(item, ConnectionRefusedError) for item in chain) or (
        "connection refused" in text or "errno 111" in text or "errno 61]" in text
    ):
        return "refused"
    if any(isinstance(item, ConnectionResetError | BrokenPipeError) for item in chain) or (
        "reset by peer" in text or "disconnected" in text or "broken pipe" in text
    ):
        return "reset"
    if isinstance(exc, httpx.TimeoutException):
        return "read_timeout"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return "reset"
    if isinstance(exc, httpx.ProtocolError):
        return "protocol"
    if isinstance(exc, TimeoutError):
        return "connect_timeout"
    return "other"


def transport_failure(exc: BaseException, redactor: Redactor = NO_SECRETS) -> TransportFailure:
    """Name a request that got no HTTP answer, in one line a person can act on.

    Kinds: ``dns``, ``refused``, ``connect_timeout``, ``read_timeout``, ``tls``, ``reset``,
    ``proxy``, ``protocol``, ``other``. The message never contains a secret: secret query
    values are hidden by name, and ``redactor`` masks the profile's secrets wherever they are.
    """
    chain = _chain(exc)
    kind = _kind(exc, chain)
    host, where = _target(exc)
    detail = _detail(chain, redactor)
    cert_error = next((e for e in chain if isinstance(e, ssl.SSLCertVerificationError)), None)
    if isinstance(exc, httpx.WriteTimeout):
        message = f"Timed out sending the request to {where} — try a larger --read-timeout."
    elif isinstance(exc, httpx.PoolTimeout):
        message = "Timed out waiting for a free connection — too many requests at once."
    else:
        message = {
            "dns": f"Cannot resolve {host} (DNS lookup failed: {detail}) — check the endpoint "
            "or region spelling and the network.",
            "refused": f"Connection refused by {where} — is the endpoint right and the service "
            "running?",
            "connect_timeout": f"Timed out connecting to {where} — the host may be unreachable "
            "or a firewall drops the traffic (try a larger --connect-timeout).",
            "read_timeout": f"Connected to {where}, but no answer came in time — the server is "
            "slow or stuck (try a larger --read-timeout).",
            "tls": (
                f"The TLS certificate of {host} could not be verified ({detail}) — check the "
                "endpoint; use --skip-verify-cert only for a server you trust."
                if cert_error is not None
                else f"TLS handshake with {where} failed ({detail})."
            ),
            "reset": f"The connection to {where} was closed before the answer was complete "
            f"({detail}) — the server or something in between dropped it.",
            "proxy": f"The proxy failed the request to {where} ({detail}) — check --proxy or "
            "the HTTP(S)_PROXY environment variables.",
            "protocol": f"{where} did not answer with valid HTTP ({detail}).",
            "other": f"The request to {where} failed: {detail}.",
        }[kind]
    return TransportFailure(kind=kind, message=_one_line(message, redactor, 400))
