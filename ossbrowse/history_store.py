"""The probe history on disk: one JSON line per probe in the user data directory.

Every probe the TUI or ``ossbrowse head`` sends is kept as a :class:`HistoryEntry` (the form's
values, the outcome, status, ETag, Last-Modified, version, request id, time, elapsed time, each
condition's verdict, the profile name and the endpoint) and appended to ``history.jsonl``.
Nothing secret is written: no header of the request, no URL, no signature, no credential; the
one free-text field (the summary) goes through the redactor first.

The file is shared by every ossbrowse process of the user:

* an entry is appended with one ``write`` on a descriptor opened with ``O_APPEND``, so lines of
  two processes never interleave, while holding an exclusive lock on ``history.lock``;
* compaction (dropping the oldest entries past the limit) and setting a corrupt file aside happen
  under the same lock and replace the file atomically, so no appended entry is lost.

Entries are read back by profile and endpoint (:meth:`HistoryStore.load`) and re-validated: a
line that is not a valid entry makes the whole file suspect, so it is renamed aside (the valid
entries are kept) and the caller gets a warning to show. A file that cannot be read or written
never stops the program: the history stays in memory and the warning says why.

Where: ``$OSSBROWSE_DATA_DIR`` when set (tests point it at a temporary directory), else the
platform's user data directory (``platformdirs``). How many entries each profile and endpoint
keeps: ``$OSSBROWSE_HISTORY_LIMIT`` (default :data:`DEFAULT_LIMIT`); the whole file keeps at most
:data:`KEYS_KEPT` times as many.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import MISSING, asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ossbrowse.oss.conditions import REQUEST_FIELDS, build_head_request
from ossbrowse.oss.httpdates import format_http_date
from ossbrowse.oss.redact import NO_SECRETS, Redactor
from ossbrowse.oss.results import HeadRequest, HeadResult, Outcome, Verdict
from ossbrowse.oss.validation import InputErrors

try:  # POSIX; elsewhere O_APPEND alone keeps lines whole and compaction is best effort
    import fcntl
except ImportError:  # pragma: no cover - not on the platforms CI runs
    fcntl = None  # type: ignore[assignment]

DATA_DIR_VARIABLE = "OSSBROWSE_DATA_DIR"
LIMIT_VARIABLE = "OSSBROWSE_HISTORY_LIMIT"
DEFAULT_LIMIT = 500
"""Entries kept per profile and endpoint."""
KEYS_KEPT = 10
"""The whole file keeps at most this many times the limit: the oldest entries go first,
whatever their profile and endpoint (each ``ossbrowse demo`` run has an endpoint of its own)."""
FILE_NAME = "history.jsonl"
LOCK_NAME = "history.lock"

FORM_FIELDS = REQUEST_FIELDS
"""The form's fields, as ``build_head_request`` names them."""


def data_dir() -> Path:
    """Where ossbrowse keeps its data: ``$OSSBROWSE_DATA_DIR`` or the user data directory."""
    configured = os.environ.get(DATA_DIR_VARIABLE)
    if configured:
        return Path(configured)
    from platformdirs import user_data_path

    return user_data_path("ossbrowse")


def history_limit() -> int:
    """Entries kept per profile and endpoint: ``$OSSBROWSE_HISTORY_LIMIT`` or the default.

    A value that is not a positive whole number is ignored (the default applies).
    """
    text = os.environ.get(LIMIT_VARIABLE, "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else DEFAULT_LIMIT


@dataclass(frozen=True)
class HistoryEntry:
    """One probe as kept in the history: what was asked, what came back, where and when."""

    time: str
    """When the answer came, ISO 8601 in UTC (``2026-03-14T10:00:00Z``)."""
    profile: str
    endpoint: str
    form: dict[str, str]
    """The form's text for the probe, keyed by :data:`FORM_FIELDS` (dates as HTTP dates)."""
    outcome: str
    status: int | None
    etag: str | None = None
    last_modified: str | None = None
    version_id: str | None = None
    """The version that answered (``x-oss-version-id``)."""
    request_id: str | None = None
    elapsed_ms: float = 0.0
    size: str | None = None
    """``Content-Length``: the object's size in bytes."""
    storage_class: str | None = None
    verdicts: dict[str, str] | None = None
    """Each condition sent (``If-Match``...) and its verdict (``passed``, ``failed``...)."""
    summary: str = ""

    @property
    def target(self) -> str:
        """``bucket/key`` (and ``?versionId=`` when one was asked for)."""
        text = f"{self.form.get('bucket', '')}/{self.form.get('key', '')}"
        version = self.form.get("version_id")
        return f"{text}?versionId={version}" if version else text

    @property
    def when(self) -> datetime:
        """:attr:`time` as an aware datetime."""
        return datetime.fromisoformat(self.time.replace("Z", "+00:00"))

    def request(self) -> HeadRequest:
        """The request this probe sent (the form re-validated)."""
        return build_head_request(**self.form)

    def same_object(self, other: HistoryEntry) -> bool:
        """True when both probes asked about the same bucket, key and version."""
        return all(self.form.get(f) == other.form.get(f) for f in ("bucket", "key", "version_id"))

    def to_json(self) -> str:
        """One line of JSON (no line break inside)."""
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> HistoryEntry:
        """Parse and re-validate one line; raises ValueError when it is not a valid entry."""
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not JSON: {exc.msg}") from None
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return cls.from_data(data)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> HistoryEntry:
        """Re-validate one parsed line; raises ValueError when it is not a valid entry."""
        known = {f.name for f in fields(cls)}
        # Fields a newer ossbrowse added are ignored, so an older one can still read the file.
        try:
            entry = cls(**{k: v for k, v in data.items() if k in known})
        except TypeError:
            missing = sorted({f.name for f in fields(cls) if f.default is MISSING} - set(data))
            raise ValueError(f"missing {', '.join(missing)}") from None
        entry._check()
        return entry

    def _check(self) -> None:
        def text(name: str, value: object, *, optional: bool = True) -> None:
            if not (isinstance(value, str) or (optional and value is None)):
                raise ValueError(f"{name} is not text")

        for name in ("time", "profile", "endpoint", "outcome", "summary"):
            text(name, getattr(self, name), optional=False)
        for name in ("etag", "last_modified", "version_id", "request_id", "size", "storage_class"):
            text(name, getattr(self, name))
        try:
            when = self.when
        except ValueError:
            raise ValueError("time is not an ISO 8601 time") from None
        if when.tzinfo is None:
            raise ValueError("time has no time zone")
        if self.outcome not in {o.value for o in Outcome}:
            raise ValueError(f"unknown outcome {self.outcome!r}")
        if self.status is not None and (
            isinstance(self.status, bool)
            or not isinstance(self.status, int)
            or not 100 <= self.status <= 599
        ):
            raise ValueError("status is not an HTTP status")
        if isinstance(self.elapsed_ms, bool) or not isinstance(self.elapsed_ms, int | float):
            raise ValueError("elapsed_ms is not a number")
        if not isinstance(self.form, dict) or set(self.form) != set(FORM_FIELDS):
            raise ValueError("form does not hold the form's fields")
        for name, value in self.form.items():
            text(f"form.{name}", value, optional=False)
        verdicts = self.verdicts or {}
        if not isinstance(verdicts, dict) or not all(
            isinstance(k, str) and v in {x.value for x in Verdict} for k, v in verdicts.items()
        ):
            raise ValueError("verdicts are not header: verdict pairs")
        try:
            self.request()
        except InputErrors as errors:
            raise ValueError(f"the form is not a valid request: {errors}") from None


def form_text(request: HeadRequest) -> dict[str, str]:
    """The form's text for ``request``, as the user would type it (dates as HTTP dates)."""

    def date(value: datetime | None) -> str:
        return format_http_date(value) if value is not None else ""

    return {
        "bucket": request.bucket,
        "key": request.key,
        "version_id": request.version_id or "",
        "if_match": request.if_match or "",
        "if_none_match": request.if_none_match or "",
        "if_modified_since": date(request.if_modified_since),
        "if_unmodified_since": date(request.if_unmodified_since),
    }


def entry_for(
    result: HeadResult,
    *,
    profile: str,
    endpoint: str,
    time: datetime,
    redactor: Redactor = NO_SECRETS,
) -> HistoryEntry:
    """The history entry of ``result``, answered at ``time``, sent with ``profile``.

    ``redactor`` (the client's) masks any secret echoed in the summary.
    """
    return HistoryEntry(
        time=time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        profile=profile,
        endpoint=endpoint,
        form=form_text(result.request),
        outcome=result.outcome.value,
        status=result.status,
        etag=result.etag,
        last_modified=result.last_modified,
        version_id=result.version_id,
        request_id=result.request_id,
        elapsed_ms=round(result.elapsed_ms, 1),
        size=result.header("content-length") if result.status == 200 else None,
        storage_class=result.header("x-oss-storage-class"),
        verdicts={c.header: c.verdict.value for c in result.conditions} or None,
        summary=redactor.text(result.summary),
    )


@dataclass(frozen=True)
class Loaded:
    """What :meth:`HistoryStore.load` found."""

    entries: list[HistoryEntry]
    """The profile and endpoint's entries, oldest first."""
    warning: str | None = None
    """Something the user should know (a file set aside, a file that cannot be read)."""


@dataclass
class _Scan:
    """One read of the file, for one profile and endpoint."""

    lines: list[bytes]
    """Every non-empty line, in order."""
    mine: list[int] = field(default_factory=list)
    """The indexes in :attr:`lines` of the profile and endpoint's valid entries."""
    entries: list[HistoryEntry] = field(default_factory=list)
    """Those entries, in the same order."""
    bad: dict[int, str] = field(default_factory=dict)
    """The index of each invalid line, and why it is invalid."""


class HistoryStore:
    """The history file in ``directory`` (default :func:`data_dir`), ``limit`` per key."""

    def __init__(self, directory: Path | None = None, *, limit: int | None = None) -> None:
        self.directory = directory if directory is not None else data_dir()
        self.limit = limit if limit is not None else history_limit()
        self.path = self.directory / FILE_NAME
        self._lock_path = self.directory / LOCK_NAME

    # -- reading ----------------------------------------------------------------------------

    def load(self, profile: str, endpoint: str) -> Loaded:
        """The entries of ``profile`` at ``endpoint`` (the newest ``limit``), oldest first.

        Those entries are re-validated in full; of the other lines only the profile and
        endpoint are read (they are judged when their own profile loads them). A file with an
        invalid line is set aside (renamed ``history-corrupt-<time>-<pid>.jsonl``) and rewritten
        with its valid lines; never raises for the file's content or access.
        """
        key = (profile, endpoint)
        try:
            with self._locked():
                scan = self._scan(key)
                warning = None
                if scan.bad:
                    warning = self._set_aside(scan)
                elif len(scan.mine) > self.limit:
                    self._trim(scan)
        except OSError as exc:
            return Loaded([], self._unreadable(exc))
        return Loaded(scan.entries[-self.limit :], warning)

    def _scan(self, key: tuple[str, str]) -> _Scan:
        """The file's lines, ``key``'s valid entries, and what is wrong with the bad lines.

        Raises OSError when the file exists but cannot be read.
        """
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            data = b""
        scan = _Scan([line for line in data.split(b"\n") if line.strip()])
        # The key as JSON text: a line without both is another profile's (read no further).
        spelled = [json.dumps(part, ensure_ascii=False).encode() for part in key]
        for index, raw in enumerate(scan.lines):
            try:
                if not all(part in raw for part in spelled):
                    # Another profile's entry: judged in full when that profile loads it; here
                    # only what no entry can look like (a torn or foreign line) is refused.
                    if not (raw.startswith(b"{") and raw.rstrip().endswith(b"}")):
                        raise ValueError("not a JSON object")
                    raw.decode("utf-8")
                    continue
                parsed = json.loads(raw)
                if not isinstance(parsed, dict):
                    raise ValueError("not an object")
                if (parsed.get("profile"), parsed.get("endpoint")) == key:
                    scan.entries.append(HistoryEntry.from_data(parsed))
                    scan.mine.append(index)
            except (ValueError, TypeError) as exc:  # ValueError: also a line that is not UTF-8
                scan.bad[index] = str(exc)
        return scan

    # -- writing ----------------------------------------------------------------------------

    def append(self, entry: HistoryEntry) -> str | None:
        """Append ``entry``; None, or why it could not be written (the caller shows it)."""
        line = (entry.to_json() + "\n").encode("utf-8")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with self._locked():
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, line)  # one write: a whole line or nothing
                finally:
                    os.close(fd)
                self._compact_if_needed(entry)
        except OSError as exc:
            return f"The probe could not be added to the history file {self.path} ({_why(exc)})."
        return None

    def _compact_if_needed(self, entry: HistoryEntry) -> None:
        """Drop the oldest entries of ``entry``'s profile and endpoint past the limit, and the
        oldest of the whole file past :data:`KEYS_KEPT` times the limit (each with some slack,
        to rewrite rarely)."""
        data = self.path.read_bytes()
        cap = self.limit * KEYS_KEPT
        if data.count(b"\n") > cap + cap // 10:
            # Many profiles and endpoints (each demo run has its own port): the oldest go,
            # whoever wrote them.
            lines = [line for line in data.split(b"\n") if line.strip()]
            data = b"".join(line + b"\n" for line in lines[-cap:])
            self._replace(data)
        # A cheap count first: the profile and endpoint as every entry spells them (a line that
        # merely contains the same text only costs a scan).
        fragment = _key_fragment(entry.profile, entry.endpoint)
        if data.count(fragment) <= self.limit + self.limit // 10:
            return
        scan = self._scan((entry.profile, entry.endpoint))
        if len(scan.mine) > self.limit + self.limit // 10:
            self._trim(scan)

    def _trim(self, scan: _Scan) -> None:
        """Rewrite the file without the oldest of the scanned key's entries past the limit.

        Only that key's entries are dropped; every other line is kept byte for byte (another
        process may keep another limit for its own, a newer ossbrowse may write more fields).
        """
        dropped = set(scan.mine[: max(0, len(scan.mine) - self.limit)])
        self._replace(
            b"".join(line + b"\n" for i, line in enumerate(scan.lines) if i not in dropped)
        )

    def _replace(self, data: bytes) -> None:
        """Replace the file's content at once (readers see the old file or the new one)."""
        temporary = self.path.with_name(f"{FILE_NAME}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        os.replace(temporary, self.path)

    def _unreadable(self, exc: OSError) -> str:
        """Set an unreadable file aside so that new entries can be written; say what was done."""
        why = _why(exc)
        try:
            aside = self._aside_path()
            os.replace(self.path, aside)
        except OSError:
            return (
                f"The history file {self.path} cannot be read ({why}); earlier probes are not "
                "shown and new ones may not be kept."
            )
        return (
            f"The history file {self.path} could not be read ({why}). It was set aside as "
            f"{aside}; a new history starts."
        )

    def _aside_path(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        return self.path.with_name(f"history-corrupt-{stamp}-{os.getpid()}.jsonl")

    def _set_aside(self, scan: _Scan) -> str:
        """Rename the file aside and write back its valid lines; say what was done."""
        aside = self._aside_path()
        os.replace(self.path, aside)
        self._replace(
            b"".join(line + b"\n" for i, line in enumerate(scan.lines) if i not in scan.bad)
        )
        bad = [f"line {i + 1}: {why}" for i, why in scan.bad.items()]
        shown = "; ".join(bad[:3]) + (f"; and {len(bad) - 3} more" if len(bad) > 3 else "")
        kept = len(scan.lines) - len(bad)
        return (
            f"The history file had {len(bad)} unreadable line(s) ({shown}). It was set aside as "
            f"{aside}; its {kept} valid entries were kept."
        )

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the history's lock file (exclusive) while the body runs."""
        if fcntl is None or not self.directory.is_dir():
            yield  # nothing to protect yet (no directory), or no locks on this platform
            return
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock


def _key_fragment(profile: str, endpoint: str) -> bytes:
    """How every entry of ``profile`` at ``endpoint`` spells them (see :meth:`to_json`)."""
    spell = json.dumps(profile, ensure_ascii=False), json.dumps(endpoint, ensure_ascii=False)
    return f',"profile":{spell[0]},"endpoint":{spell[1]},'.encode()


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
