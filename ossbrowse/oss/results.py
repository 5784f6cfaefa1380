"""The models that flow through ossbrowse: a HEAD request, its result, and their parts.

These are plain frozen dataclasses with no I/O, shared by the client, the headless command and
the TUI, so the two front ends can never disagree about an outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Outcome(StrEnum):
    """What a HEAD came to, as a user would name it."""

    OK = "ok"
    """200: the object exists and every condition passed."""
    NOT_MODIFIED = "not_modified"
    """304: If-None-Match matched, or If-Modified-Since was not older than the object."""
    PRECONDITION_FAILED = "precondition_failed"
    """412: If-Match did not match, or the object changed after If-Unmodified-Since."""
    NOT_FOUND = "not_found"
    """404: no such bucket or key (or the current version is a delete marker)."""
    ERROR = "error"
    """Any other status from the server (403, 400, 405, 5xx...)."""
    NO_ANSWER = "no_answer"
    """No HTTP answer at all: DNS, refused, TLS, timeout, reset."""


class Verdict(StrEnum):
    """How one conditional header fared."""

    PASSED = "passed"
    FAILED = "failed"
    IGNORED = "ignored"
    """Not evaluated: masked by another header (RFC 7232 §6) or an unparsable date."""
    UNKNOWN = "unknown"
    """The response did not say enough to judge (no ETag or Last-Modified came back)."""


@dataclass(frozen=True)
class HeadRequest:
    """A validated HEAD request. Build it with ``conditions.build_head_request``.

    Header values are stored exactly as they will be sent: ETags quoted (unless ``*`` or weak),
    dates as timezone-aware UTC datetimes that are sent in RFC 1123 form.
    """

    bucket: str
    key: str
    version_id: str | None = None
    if_match: str | None = None
    if_none_match: str | None = None
    if_modified_since: datetime | None = None
    if_unmodified_since: datetime | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)
    """What reading the input assumed or changed, one sentence each naming its field (a date
    read as UTC, a weekday corrected, a key's ``..`` segment that OSS does not resolve). They are
    shown as warnings with the result; two requests that send the same thing are equal."""

    @property
    def has_conditions(self) -> bool:
        """True when at least one conditional header is set."""
        return any(
            v is not None
            for v in (
                self.if_match,
                self.if_none_match,
                self.if_modified_since,
                self.if_unmodified_since,
            )
        )

    def unconditional(self) -> HeadRequest:
        """The same object (and version) with every condition removed."""
        return HeadRequest(bucket=self.bucket, key=self.key, version_id=self.version_id)


@dataclass(frozen=True)
class ConditionCheck:
    """One conditional header sent, and why it passed or failed."""

    header: str
    """Canonical header name, e.g. ``If-Match``."""
    sent: str
    """The value on the wire."""
    object_value: str | None
    """The object's ETag or Last-Modified when known."""
    rule: str
    """The rule in words, e.g. "passes when the object's ETag equals one of the values"."""
    verdict: Verdict
    explanation: str
    """One sentence: what was compared and what followed."""


@dataclass(frozen=True)
class ServiceError:
    """An error answer from OSS, decoded from ``x-oss-err`` / ``x-oss-ec`` (or a body)."""

    status: int
    code: str
    message: str
    ec: str | None = None
    request_id: str | None = None
    host_id: str | None = None
    recommend_doc: str | None = None
    fields: tuple[tuple[str, str], ...] = ()
    """Every element of the error document, in order (e.g. StringToSign, Key, Method)."""
    server_string_to_sign: str | None = None
    our_string_to_sign: str | None = None
    server_canonical_request: str | None = None
    our_canonical_request: str | None = None
    skew_seconds: float | None = None
    """For RequestTimeTooSkewed: server time minus our time, from the response Date."""
    region_hint: str | None = None
    """For a wrong region: the region the server expects, when it can be derived."""
    decode_problem: str | None = None
    """Why the error document could not be read, when it could not."""

    @property
    def summary(self) -> str:
        """A one-line description, e.g. ``403 SignatureDoesNotMatch: The request signature...``."""
        text = f"{self.status} {self.code}"
        if self.message:
            text += f": {self.message}"
        return text


@dataclass(frozen=True)
class TransportFailure:
    """No HTTP answer: the request never got a response."""

    kind: str
    """One of ``dns``, ``refused``, ``connect_timeout``, ``read_timeout``, ``tls``, ``reset``,
    ``proxy``, ``protocol``, ``other``."""
    message: str
    """One line a human can act on. Never contains a secret."""


@dataclass(frozen=True)
class Attempt:
    """One try of the request: the client retries connection failures and 5xx.

    Times are the network exchange measured at the transport (signing and result building are
    not in them): ``elapsed_ms`` from handing the request to the connection pool to the last
    byte of the answer (or the failure).
    """

    number: int
    status: int | None
    failure: str | None
    elapsed_ms: float
    waited_ms: float = 0.0
    """Back-off slept before this attempt."""
    connect_ms: float | None = None
    """Opening the connection (TCP, and TLS for https); None when a kept-alive one was used."""
    wait_ms: float | None = None
    """From the request sent to the first byte of the answer (the server's think time)."""
    reused: bool | None = None
    """True: a kept-alive connection carried it; False: a new one; None: not known."""


@dataclass(frozen=True)
class HeadResult:
    """Everything a HEAD produced. 304 and 412 are results here, not exceptions."""

    request: HeadRequest
    url: str
    """The URL requested, without any credential in it."""
    status: int | None
    outcome: Outcome
    headers: tuple[tuple[str, str], ...] = ()
    """Every response header, in the order received (names as sent by the server)."""
    etag: str | None = None
    version_id: str | None = None
    request_id: str | None = None
    last_modified: str | None = None
    elapsed_ms: float = 0.0
    """The network time of the attempt that answered, measured at the transport."""
    attempts: tuple[Attempt, ...] = ()
    conditions: tuple[ConditionCheck, ...] = ()
    summary: str = ""
    """One sentence saying what decided the outcome."""
    error: ServiceError | None = None
    failure: TransportFailure | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    """Things the user should know: TLS verification off, malformed headers, ..."""
    sign_version: str = "v4"

    @property
    def connection_reused(self) -> bool | None:
        """Whether the answering attempt used a kept-alive connection (None: not known)."""
        return self.attempts[-1].reused if self.attempts else None

    @property
    def retries(self) -> int:
        """How many extra attempts were made after the first."""
        return max(0, len(self.attempts) - 1)

    def header(self, name: str) -> str | None:
        """The first response header with this name (case-insensitive), or None."""
        lower = name.lower()
        for key, value in self.headers:
            if key.lower() == lower:
                return value
        return None


@dataclass(frozen=True)
class PreparedHead:
    """A signed request that was not sent (``--dry-run``). Secrets are redacted."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    canonical_request: str | None
    string_to_sign: str | None
