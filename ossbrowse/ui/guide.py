"""The guided demo's story: five steps, each one key, each with a sentence saying what it shows.

1. a plain HEAD: **200**, and the object's ETag;
2. that ETag as If-None-Match: **304**, the copy a cache holds is still good;
3. the object is rewritten (a real PUT: a new version, a new ETag);
4. the same If-None-Match probe again: **200** with the new ETag;
5. If-Match with the old ETag: **412**.

:class:`Guide` is the state of that walk-through, without any widget: which step is next, the
form values its probe sends, and the sentence for the answer it got. The screen
(:mod:`ossbrowse.ui.screens.guided`) sends the probes and calls the rewrite. An answer that is
not the one the story expects is said as it is, never dressed up as the expected one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from ossbrowse.ui.fields import CONDITION_IDS


class Rewritten(Protocol):
    """What the rewrite's PUT answered."""

    @property
    def etag(self) -> str:
        """The new ETag."""
        ...

    @property
    def version_id(self) -> str | None:
        """The new version's id (None in an unversioned bucket)."""
        ...


class Kind(StrEnum):
    """What a step does."""

    PROBE = "probe"
    """Send a HEAD from the form."""
    REWRITE = "rewrite"
    """Write new content to the object."""


@dataclass(frozen=True)
class Step:
    """One step of the story."""

    kind: Kind
    does: str
    """What the step's key does, completing "Press space to …"."""
    expect: int | None = None
    """The status the story expects (a probe)."""
    condition: str | None = None
    """The form field the probe fills with the first ETag; None: an unconditional HEAD."""
    shows: str = ""
    """What the expected answer shows; ``{old}`` is the first ETag, ``{etag}`` the answer's."""


STEPS: tuple[Step, ...] = (
    Step(
        Kind.PROBE,
        "send a plain HEAD (no conditions)",
        expect=200,
        shows="200 OK: the object exists. Its ETag {etag} names this exact content.",
    ),
    Step(
        Kind.PROBE,
        "send it again with that ETag as If-None-Match, as a cache revalidating its copy would",
        expect=304,
        condition="if-none-match",
        shows="304 Not Modified: the object's ETag still equals {old}, so OSS sends no body "
        "and a cache keeps the copy it has.",
    ),
    Step(Kind.REWRITE, "rewrite the object (a PUT with new content: a new version)"),
    Step(
        Kind.PROBE,
        "send the same If-None-Match probe again, with the ETag the cache still holds",
        expect=200,
        condition="if-none-match",
        shows="200 OK: {old} no longer matches (the ETag is now {etag}), so OSS sends the "
        "object again and the cache refreshes its copy.",
    ),
    Step(
        Kind.PROBE,
        "send If-Match with the old ETag, as a client checking that its copy is current would",
        expect=412,
        condition="if-match",
        shows="412 Precondition Failed: If-Match asks for {old}, but the object has changed "
        "since; OSS refuses rather than answer about content the client does not have.",
    ),
)


class Guide:
    """Where the guided demo is, and what it has learnt (the ETags before and after)."""

    def __init__(self, bucket: str, key: str, rewrite: Callable[[], Rewritten]) -> None:
        """``rewrite`` writes new content to ``bucket``/``key`` (blocking; may raise)."""
        self.bucket = bucket
        self.key = key
        self.rewrite = rewrite
        self.index = 0
        """The next step (0 to len(STEPS) - 1)."""
        self.old_etag: str | None = None
        """The ETag of the first answer."""
        self.new_etag: str | None = None
        """The ETag after the rewrite."""
        self.said = f"This walk-through HEADs {bucket}/{key} five times, one key per step."
        """The sentence about the last step (or the introduction)."""

    @property
    def step(self) -> Step:
        """The next step."""
        return STEPS[self.index]

    @property
    def position(self) -> str:
        """E.g. ``Step 2 of 5``."""
        return f"Step {self.index + 1} of {len(STEPS)}"

    def prompt(self) -> str:
        """What the next key press does."""
        return f"{self.position}: press space to {self.step.does}."

    def form(self) -> dict[str, str]:
        """The form of the next probe, by field id: the object, one condition at most."""
        step = self.step
        values = {"bucket": self.bucket, "key": self.key, "version-id": ""}
        values.update(dict.fromkeys(CONDITION_IDS, ""))
        if step.condition is not None:
            values[step.condition] = self.old_etag or ""
        return values

    def answered(self, status: int | None, etag: str | None, summary: str) -> str:
        """Say what the probe's answer shows, and move on (step 1 again without an ETag)."""
        step = self.step
        first = self.index == 0
        if first:
            self.old_etag = etag if status == 200 else None
        elif status == 200 and etag:
            self.new_etag = etag
        if status != step.expect:
            got = "no answer" if status is None else str(status)
            self.said = f"Expected {step.expect} here, but got {got}: {summary}"
        else:
            self.said = step.shows.format(old=self.old_etag, etag=etag or self.new_etag)
        if first and self.old_etag is None:
            self.said += " Without an ETag the story cannot go on: press space to try again."
            return self.said
        self._advance()
        return self.said

    def rewritten(self, result: Rewritten) -> str:
        """Say what the rewrite did, and move on."""
        self.new_etag = result.etag
        version = f"version {result.version_id}" if result.version_id else "new content"
        self.said = (
            f"{self.key} was rewritten by a PUT: {version}, ETag {result.etag}. "
            f"A cache still holds {self.old_etag}."
        )
        self._advance()
        return self.said

    def _advance(self) -> None:
        self.index += 1
        if self.index == len(STEPS):
            self.said += " That is the whole story; space starts it again."
            self.index = 0
