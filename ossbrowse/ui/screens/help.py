"""The help screen (F1): every key as currently bound, the palette, the mouse, the rules."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll

from ossbrowse.oss.explain import RULES
from ossbrowse.ui.literal import LiteralStatic, LiteralTable
from ossbrowse.ui.screens.dialog import Dialog

ABOUT = """\
Mouse: click a field to edit it, HEAD ▶ to send, a header row to select it (then v copies \
it), a key in the footer to run it; the wheel scrolls the result.
Command palette: ctrl+p lists every action below, and Theme, Keys, Screenshot, Quit.
Quick probes (m n l u x) send exactly the one condition they name, from the last answer, and \
clear the other conditions (the probe before stays in the history, h); edit the form and press \
Enter to send several at once. They are offered only when the last answer has what they need \
(no ETag after a 404 or no answer). One-letter keys never act while the focus is on the form \
(a field or the HEAD button): Esc leaves a field, a send leaves the form, e (or a click) \
returns to it.
Themes: t switches between light and dark; the palette's "Change theme" offers the others. \
The theme picked is kept for the next run (TEXTUAL_THEME overrides it for one run).
Badge colours: 200 green, 304 blue, 412 amber, 404 violet, 403 red, other errors crimson, \
no answer grey.
Copying uses your terminal (OSC 52). If nothing arrives, o shows the copied text to select.
History: h lists the probes of this profile at this endpoint, newest first (kept across runs \
in history.jsonl); type to search, Enter sends one again, space marks one and d compares it \
with the highlighted one."""


class HelpScreen(Dialog[None]):
    """Keys and how to use the app."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "Close", id="close-help", tooltip="Close the help"),
    ]

    DEFAULT_CSS = """
    HelpScreen > VerticalScroll { width: 96%; max-width: 120; height: 92%; }
    """

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        """One scrollable page."""
        with VerticalScroll():
            yield LiteralStatic(self._page(), id="help-text")

    def _page(self) -> RenderableType:
        keys = LiteralTable(box=None, padding=(0, 2), show_header=False)
        keys.add_column(style="bold", no_wrap=True)
        keys.add_column()
        for key, text in self.keys:
            keys.add_row(key, text)
        rules = LiteralTable(box=None, padding=(0, 2), show_header=False)
        rules.add_column(style="bold", no_wrap=True)
        rules.add_column()
        for header, rule in RULES.items():
            rules.add_row(header, rule)
        return Group(
            Text("ossbrowse: HEAD an object, see the outcome and why", style="bold"),
            Text("Esc closes this page.", style="dim"),
            Text(""),
            Text("Keys", style="bold underline"),
            keys,
            Text(""),
            Text(ABOUT),
            Text(""),
            Text("The rules OSS applies (RFC 7232 §6 order)", style="bold underline"),
            rules,
        )
