"""Watching a precondition: what changed between two answers to the same probe, in words.

A watch sends the same HEAD again and again. While nothing changes each tick answers the same
(a 304, or the same 200); this module tells a change from a repeat (:func:`observation`), puts
the change in one sentence (:func:`describe_change`, e.g. "If-Match would now fail (412
Precondition Failed): the ETag changed at 14:02:07 UTC from "a" to "b""), tells a failed tick
(no answer, 5xx) from an answer (:func:`is_failure`) and how long to wait after failures
(:func:`backoff`). Shared by the head screen's watch and ``ossbrowse head --watch``; no I/O.
"""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus

from ossbrowse.oss.results import HeadResult, Outcome, Verdict

DEFAULT_INTERVAL = 5.0
"""Seconds between ticks unless the user says otherwise."""
MAX_BACKOFF = 60.0
"""The longest wait between ticks after failures."""

Observation = tuple[object, ...]


def observation(result: HeadResult) -> Observation:
    """What a tick is compared on: outcome, status, the object's values, each verdict."""
    return (
        result.outcome,
        result.status,
        result.etag,
        result.last_modified,
        result.version_id,
        tuple((c.header, c.verdict) for c in result.conditions),
    )


def is_failure(result: HeadResult) -> bool:
    """True for a tick that says nothing about the object: no answer, or a 5xx."""
    return result.outcome is Outcome.NO_ANSWER or (
        result.status is not None and result.status >= 500
    )


def backoff(interval: float, failures: int) -> float:
    """The wait after ``failures`` failed ticks in a row: doubling, at most :data:`MAX_BACKOFF`."""
    if failures <= 0:
        return interval
    return min(max(interval, MAX_BACKOFF), interval * float(1 << min(failures, 16)))


def status_text(result: HeadResult) -> str:
    """``304 Not Modified`` or ``no answer``."""
    if result.status is None:
        return "no answer"
    try:
        phrase = HTTPStatus(result.status).phrase
    except ValueError:
        phrase = "Error" if result.status >= 400 else "Response"
    return f"{result.status} {phrase}"


def clock_text(at: datetime) -> str:
    """``14:02:07 UTC``."""
    return at.astimezone(UTC).strftime("%H:%M:%S UTC")


def change_headline(before: HeadResult, after: HeadResult) -> str:
    """What the change means for the probe, e.g. ``If-Match would now fail (412 Precondition
    Failed)``; the first part of :func:`describe_change`."""
    verdicts_before = {c.header: c.verdict for c in before.conditions}
    flips = [
        f"{c.header} would now {'pass' if c.verdict is Verdict.PASSED else 'fail'}"
        for c in after.conditions
        if c.verdict in (Verdict.PASSED, Verdict.FAILED)
        and verdicts_before.get(c.header) not in (None, c.verdict)
    ]
    if flips:
        return f"{' and '.join(flips)} ({status_text(after)})"
    if before.outcome is not after.outcome or before.status != after.status:
        return f"The answer is now {status_text(after)} (was {status_text(before)})"
    return f"Still {status_text(after)}, but the object changed"


def describe_change(before: HeadResult, after: HeadResult, at: datetime) -> str:
    """One sentence: how the answer changed from ``before`` to ``after`` (seen at ``at``)."""
    headline = change_headline(before, after)
    # Each reason as (what happened, details): the time goes right after the first one's.
    reasons: list[tuple[str, str]] = []
    for label, old, new in (
        ("the ETag", before.etag, after.etag),
        ("Last-Modified", before.last_modified, after.last_modified),
        ("the version", before.version_id, after.version_id),
    ):
        if old != new and new is not None and old is not None:
            reasons.append((f"{label} changed", f"from {old} to {new}"))
        elif old != new and new is not None:
            reasons.append((f"{label} is now {new}", ""))
    if after.outcome is Outcome.NOT_FOUND and before.outcome is not Outcome.NOT_FOUND:
        reasons.append(("the object is gone", ""))
    when = f"at {clock_text(at)}"
    if not reasons:
        return f"{headline} {when}."
    (what, details), *rest = reasons
    first = f"{what} {when} {details}".rstrip()
    return f"{headline}: {first}" + "".join(f"; {w} {d}".rstrip() for w, d in rest) + "."
