"""Messages the head screen posts about a request's life: started, completed, cancelled.

Each carries the sequence number of the request it belongs to, so a late answer to a request
the user already cancelled or replaced can be recognised and dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from textual.message import Message

from ossbrowse.oss.results import HeadRequest, HeadResult


class Purpose(StrEnum):
    """Why a HEAD was sent."""

    SEND = "send"
    """The user's own request, from the form."""
    FETCH = "fetch"
    """An unconditional HEAD of the same object, to learn its ETag and Last-Modified."""


@dataclass
class HeadStarted(Message):
    """A HEAD request left the form and is in flight."""

    seq: int
    request: HeadRequest
    purpose: Purpose


@dataclass
class HeadCompleted(Message):
    """A HEAD came back (any status, or no answer at all)."""

    seq: int
    result: HeadResult
    purpose: Purpose


@dataclass
class HeadCancelled(Message):
    """The user cancelled the request in flight; its answer will never be shown."""

    seq: int


@dataclass
class ProfileSwitched(Message):
    """The app now talks with another profile."""

    name: str
    usable: bool
