"""The :class:`Emulator`: a local OSS-compatible server run in a background thread.

Usable as a context manager (tests, ``ossbrowse demo``) or started and stopped by hand
(``ossbrowse emulator``). It binds 127.0.0.1 on a free port by default.
"""

from __future__ import annotations

import os
import secrets
import string
import threading
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

from ossbrowse.emulator.app import OssApp
from ossbrowse.emulator.auth import Authenticator
from ossbrowse.emulator.persist import Persistence
from ossbrowse.emulator.routing import base_hosts
from ossbrowse.emulator.server import EmulatorHTTPServer, Limits
from ossbrowse.emulator.store import Store
from ossbrowse.oss.profile import Profile
from ossbrowse.oss.secret import Secret
from ossbrowse.oss.validation import check_region

_KEY_ALPHABET = string.ascii_letters + string.digits


def generate_access_key_id() -> str:
    """A random AccessKeyId shaped like Alibaba Cloud's (24 characters, ``LTAI5t`` prefix)."""
    return "LTAI5tEmu" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(15))


def generate_access_key_secret() -> str:
    """A random AccessKey secret (30 URL-safe characters, like real ones).

    Never starting with "-": pasted after ``-k`` on a command line, such a value would be read
    as a flag (argparse refuses it; only ``-k=VALUE`` works).
    """
    while True:
        secret = secrets.token_urlsafe(23)[:30]
        if not secret.startswith("-"):
            return secret


class Emulator:
    """A local OSS emulator.

    ``clock`` returns the current POSIX time (default :func:`time.time`); it drives Date
    headers, signature skew checks and Last-Modified of new objects, and when given makes
    request ids deterministic. ``sts_tokens`` maps a security token to the (AccessKeyId,
    AccessKeySecret) issued with it. Without credentials a random key pair is generated
    (``generated_credentials`` is then True).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        region: str = "cn-hangzhou",
        access_key_id: str | None = None,
        access_key_secret: str | None = None,
        data_dir: str | os.PathLike[str] | None = None,
        demo_data: bool = False,
        allow_anonymous: bool = False,
        clock: Callable[[], float] | None = None,
        sts_tokens: Mapping[str, tuple[str, str]] | None = None,
        limits: Limits | None = None,
    ) -> None:
        check_region(region)
        if (access_key_id is None) != (access_key_secret is None):
            raise ValueError("give both access_key_id and access_key_secret, or neither")
        if access_key_id == "" or access_key_secret == "":
            # Never silently replaced by a generated one: the caller meant some value.
            raise ValueError("access_key_id and access_key_secret must not be empty")
        self.generated_credentials = access_key_id is None
        self._access_key_id = access_key_id or generate_access_key_id()
        self._access_key_secret = access_key_secret or generate_access_key_secret()
        self._host = host
        self._requested_port = port
        self._region = region
        self._clock = clock or time.time
        self._deterministic = clock is not None
        self._limits = limits or Limits()
        self.allow_anonymous = allow_anonymous
        persistence = Persistence(data_dir) if data_dir is not None else None
        try:
            self._store = Store(clock=self._clock, persistence=persistence)
            if demo_data:
                from ossbrowse.emulator.demo import populate

                populate(self._store, region=region)
        except BaseException:
            # No emulator exists to stop: release the journal and the directory lock now, so
            # the directory can be opened again (and no file handle is left to the collector).
            if persistence is not None:
                persistence.close()
            raise
        self._authenticator = Authenticator(
            region=region,
            access_key_id=self._access_key_id,
            access_key_secret=self._access_key_secret,
            sts_tokens=sts_tokens,
            allow_anonymous=allow_anonymous,
            clock=self._clock,
        )
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._lock = threading.Lock()

    # -- properties -----------------------------------------------------------------------------

    @property
    def host(self) -> str:
        """The address the server binds."""
        return self._host

    @property
    def port(self) -> int:
        """The bound port (the one the OS chose for port 0); 0 before start()."""
        return self._server.server_address[1] if self._server else 0

    @property
    def endpoint(self) -> str:
        """``http://HOST:PORT`` for clients on this machine."""
        host = self._host
        if host in ("0.0.0.0", ""):  # noqa: S104 (describing, not binding)
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def region(self) -> str:
        """The region clients must sign V4 requests for."""
        return self._region

    @property
    def access_key_id(self) -> str:
        """The AccessKeyId the emulator accepts."""
        return self._access_key_id

    @property
    def access_key_secret(self) -> str:
        """The AccessKey secret the emulator accepts (never print it unless generated)."""
        return self._access_key_secret

    def profile(self, **changes: Any) -> Profile:
        """A profile that talks to this emulator: its key pair, region and endpoint, no retries.

        ``changes`` override any field (``name``, ``sign_version="v1"``, a wrong
        ``access_key_secret``, an ``sts_token``, another ``endpoint``...).
        """
        fields: dict[str, Any] = {
            "access_key_id": self.access_key_id,
            "access_key_secret": Secret(self.access_key_secret),
            "region": self.region,
            "endpoint": self.endpoint,
            # A local server either answers or is down: retrying only slows a failure down.
            "retry_times": 0,
        }
        fields.update(changes)
        return Profile(**fields)

    @property
    def store(self) -> Store:
        """The object store (seed it directly in tests)."""
        return self._store

    @property
    def limits(self) -> Limits:
        """What clients may make this emulator do (connections, deadlines, body size)."""
        return self._limits

    @property
    def max_connections(self) -> int:
        """How many connections may be open at once (the limit, fitted to RLIMIT_NOFILE)."""
        return self._limits.connection_cap()

    def open_connections(self) -> int:
        """How many client connections are open now."""
        return self._server.open_connections() if self._server else 0

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._thread is not None and self._thread.is_alive()

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Emulator:
        """Bind and serve in a daemon thread; returns self."""
        with self._lock:
            if self._stopped:
                raise RuntimeError("this emulator was stopped; create a new one")
            if self._server is not None:
                return self
            label = "localhost" if self._host in ("127.0.0.1", "::1", "localhost") else self._host
            app = OssApp(
                store=self._store,
                authenticator=self._authenticator,
                region=self._region,
                clock=self._clock,
                bases=base_hosts(self._host, self._region),
                host_label=label,
                deterministic_ids=self._deterministic,
            )
            server = EmulatorHTTPServer((self._host, self._requested_port), app, self._limits)
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"ossbrowse-emulator:{server.server_address[1]}",
                daemon=True,
            )
            thread.start()
            self._server, self._thread = server, thread
            return self

    def stop(self) -> None:
        """Stop serving, close the socket and every connection, join the threads. Idempotent."""
        with self._lock:
            server, thread = self._server, self._thread
            self._stopped = True
            if server is not None:
                server.shutdown()
                server.server_close()
                server.close_connections()
            if thread is not None:
                thread.join(10)
            self._store.close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<Emulator {self.endpoint} region={self._region} {state}>"
