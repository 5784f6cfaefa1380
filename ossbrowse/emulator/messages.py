"""The emulator's request and response values, independent of the HTTP server.

The server turns bytes on the wire into a :class:`Request` and a :class:`Response` back into
bytes; everything in between (:mod:`ossbrowse.emulator.app`) is plain function calls, so it can
be tested without sockets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ossbrowse.emulator.auth import Identity
from ossbrowse.emulator.routing import Target


@dataclass(frozen=True)
class Request:
    """One HTTP request as received."""

    method: str
    raw_path: str  # still percent-encoded, without the query
    raw_query: str
    headers: dict[str, str]  # lower-case names; repeated headers joined with ","
    body: bytes = b""


@dataclass(frozen=True)
class Context:
    """A request after addressing and authentication, as operations see it."""

    request: Request
    target: Target
    query: Sequence[tuple[str, str]]
    identity: Identity
    now: float
    # The served operation (ossbrowse.emulator.actions.SERVED) or None without a sub-resource
    # match: a method the level does not serve.
    operation: str | None = None

    @property
    def method(self) -> str:
        """The HTTP method, upper case."""
        return self.request.method

    @property
    def headers(self) -> dict[str, str]:
        """Request headers with lower-case names."""
        return self.request.headers

    def has(self, name: str) -> bool:
        """Whether the query carries ``name`` (with or without a value)."""
        return any(key == name for key, _ in self.query)


@dataclass
class Response:
    """An HTTP response. ``content_length`` overrides len(body) (HEAD of an object)."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    content_length: int | None = None
