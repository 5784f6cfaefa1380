"""The outcome badge: the status in big digits on a colour that says what happened.

Meant to be read from across a room: 200 green, 304 blue, 412 amber, 404 violet, 403 red, other
errors crimson, no answer grey (five rows tall in presenter mode). The colours are theme
variables (see ``OssBrowseApp``), so a theme can change them and light and dark themes both read
well.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Digits

from ossbrowse.oss.results import HeadResult
from ossbrowse.ui.formatting import BADGE_CLASSES, badge_class, badge_text
from ossbrowse.ui.literal import LiteralStatic
from ossbrowse.ui.widgets.big_digits import BigDigits


class OutcomeBadge(Horizontal):
    """Big status digits and the reason phrase, coloured by outcome."""

    DEFAULT_CSS = """
    OutcomeBadge {
        width: auto;
        height: 3;
        padding: 0 2;
        background: $panel;
        color: $foreground;
        Digits { width: auto; }
        BigDigits { display: none; }
        #badge-words { width: auto; max-width: 16; padding: 0 0 0 2; text-style: bold; }
        &.-ok { background: $outcome-ok; color: $outcome-text; }
        &.-not-modified { background: $outcome-not-modified; color: $outcome-text; }
        &.-precondition-failed { background: $outcome-precondition-failed; color: $outcome-text; }
        &.-not-found { background: $outcome-not-found; color: $outcome-text; }
        &.-forbidden { background: $outcome-forbidden; color: $outcome-text; }
        &.-error { background: $outcome-error; color: $outcome-text; }
        &.-no-answer { background: $outcome-no-answer; color: $outcome-text; }
    }
    """

    def compose(self) -> ComposeResult:
        """The digits and the words beside them."""
        yield Digits("", id="badge-digits")
        yield BigDigits(id="badge-big")  # shown instead in presenter mode (see app.tcss)
        yield LiteralStatic(id="badge-words")

    def show_result(self, result: HeadResult) -> None:
        """Show the status and outcome of ``result``."""
        digits, words = badge_text(result)
        shown = self.query_one(Digits)
        if shown.value != digits:  # the same status again draws nothing
            shown.update(digits)
        self.query_one(BigDigits).show(digits)
        # Break the phrase over the badge's three rows: "Precondition / Failed".
        self.query_one("#badge-words", LiteralStatic).update("\n".join(words.split(" ", 2)))
        wanted = badge_class(result)
        for name in BADGE_CLASSES:
            self.set_class(name == wanted, name)
