"""The crash report the TUI prints after an unhandled exception, made unable to carry a secret.

Textual's own report is a Rich traceback with every frame's local variables. A frame of the
signer or of the config reader holds a secret's text (the signer needs the text itself), and
crash reports are pasted into bug reports and chats. This report keeps what helps find the bug,
the exception, each frame and its code, but never prints local variables, and the exception
texts pass the redactor.
"""

from __future__ import annotations

from types import TracebackType

import rich
from rich.traceback import Trace, Traceback

from ossbrowse.oss.redact import Redactor


def _redact_trace(trace: Trace, redactor: Redactor) -> None:
    for stack in trace.stacks:
        stack.exc_value = redactor.text(stack.exc_value)
        stack.notes = [redactor.text(note) for note in stack.notes]
        for frame in stack.frames:
            frame.locals = None  # extracted without locals; make sure none slip in
        for group_member in stack.exceptions:
            _redact_trace(group_member, redactor)


def crash_traceback(
    exc_type: type[BaseException],
    exc_value: BaseException,
    traceback: TracebackType | None,
    redactor: Redactor,
) -> Traceback:
    """A Rich traceback of the exception without local variables and with ``redactor``'s
    secrets (the session's) masked."""
    trace = Traceback.extract(exc_type, exc_value, traceback, show_locals=False)
    _redact_trace(trace, redactor)
    return Traceback(trace, width=None, show_locals=False, suppress=[rich])
