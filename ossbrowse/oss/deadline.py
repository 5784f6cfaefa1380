"""An overall deadline per request attempt, enforced below httpcore on every socket operation.

httpx's timeouts bound each read, not the exchange: a server that sends endless ``100 Continue``
lines, or drips one header line per second, never lets a read time out and keeps a request
running for ever. :class:`DeadlineBackend` wraps httpcore's sync network backend so that every
connect, TLS handshake, read and write waits at most ``min(its own timeout, time left)``, and
raises a timeout once the deadline has passed. The deadline is per thread (set by the request
path around one attempt with :func:`attempt_deadline`), so threads sharing one connection pool
each keep their own.
"""

from __future__ import annotations

import threading
import time
import typing
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import httpcore
from httpcore import NetworkBackend, NetworkStream

__all__ = ["DeadlineBackend", "attempt_deadline", "deadline_passed"]

_local = threading.local()


@contextmanager
def attempt_deadline(seconds: float | None) -> Iterator[None]:
    """Give socket operations of this thread ``seconds`` in all (None: no overall deadline)."""
    _local.deadline = None if seconds is None else time.monotonic() + seconds
    _local.passed = False
    try:
        yield
    finally:
        _local.deadline = None


def deadline_passed() -> bool:
    """Whether the last attempt of this thread was stopped by its deadline."""
    return bool(getattr(_local, "passed", False))


def _bounded(timeout: float | None, error: type[Exception], what: str) -> float | None:
    """``timeout`` cut to the time left; raises ``error`` when no time is left."""
    deadline: float | None = getattr(_local, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        _local.passed = True
        raise error(f"the overall deadline passed while {what}")
    return left if timeout is None else min(timeout, left)


def _check_after(exc: Exception) -> None:
    """A timeout that ended at the deadline is the deadline's doing: say so."""
    deadline: float | None = getattr(_local, "deadline", None)
    if deadline is not None and time.monotonic() >= deadline:
        _local.passed = True
    raise exc


class _DeadlineStream(NetworkStream):
    def __init__(self, inner: NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        timeout = _bounded(timeout, httpcore.ReadTimeout, "reading the answer")
        try:
            return self._inner.read(max_bytes, timeout)
        except httpcore.ReadTimeout as exc:
            _check_after(exc)
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        timeout = _bounded(timeout, httpcore.WriteTimeout, "sending the request")
        try:
            self._inner.write(buffer, timeout)
        except httpcore.WriteTimeout as exc:
            _check_after(exc)
            raise

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> NetworkStream:
        timeout = _bounded(timeout, httpcore.ConnectTimeout, "negotiating TLS")
        try:
            return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout))
        except httpcore.ConnectTimeout as exc:
            _check_after(exc)
            raise

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(NetworkBackend):
    """httpcore's sync backend with the calling thread's deadline applied to every operation."""

    def __init__(self, inner: NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> NetworkStream:
        timeout = _bounded(timeout, httpcore.ConnectTimeout, "connecting")
        try:
            stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        except httpcore.ConnectTimeout as exc:
            _check_after(exc)
            raise
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> NetworkStream:
        timeout = _bounded(timeout, httpcore.ConnectTimeout, "connecting")
        return _DeadlineStream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
