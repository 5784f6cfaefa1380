"""The fallback for terminals that ignore OSC 52: the copied text, ready to select by hand."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Button, TextArea

from ossbrowse.ui.literal import LiteralStatic, template
from ossbrowse.ui.screens.dialog import Dialog


class CopiedScreen(Dialog[None]):
    """Shows the last copied text in a read-only text area."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="close-copied", tooltip="Close")
    ]

    DEFAULT_CSS = """
    CopiedScreen > Vertical { width: 90%; max-width: 110; height: auto; max-height: 90%; }
    CopiedScreen TextArea { height: auto; max-height: 24; }
    CopiedScreen Button { margin: 1 0 0 0; }
    """

    def __init__(self, what: str, text: str) -> None:
        super().__init__()
        self.what = what
        self.text = text

    def compose(self) -> ComposeResult:
        """Title, the text, how to select it, a close button."""
        with Vertical():
            yield LiteralStatic(template("[b]Copied $what[/b]", what=self.what))
            yield LiteralStatic(
                "Sent to the terminal's clipboard (OSC 52). If it did not arrive, select the "
                "text below (shift+drag in most terminals, or F7 to select all, then ctrl+c).",
                id="copied-help",
                classes="dialog-help",
            )
            yield TextArea(self.text, read_only=True, soft_wrap=True, id="copied-text")
            yield Button("Close", id="close", compact=True)

    def on_mount(self) -> None:
        """Focus the text so it can be selected from the keyboard."""
        self.query_one(TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Close."""
        self.dismiss(None)
