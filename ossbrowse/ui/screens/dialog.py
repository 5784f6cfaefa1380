"""The look every dialog shares: centred, framed, on the surface colour, muted help lines.

A dialog subclasses :class:`Dialog` and puts its content in one container; its own CSS only
sizes that container (``MyDialog > Vertical { width: 60; }``). Help lines take the class
``dialog-help``.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A modal screen in the house style; dismisses with a ``ResultT``."""

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > * { border: thick $primary; background: $surface; padding: 0 1; }
    Dialog .dialog-help { color: $text-muted; }
    """
