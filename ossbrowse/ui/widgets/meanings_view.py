"""What OSS's own headers mean for the object shown: one sentence per header, under the table.

The sentences come from :func:`ossbrowse.oss.meaning.explain_headers` (the same ones
``ossbrowse head`` prints), computed for the session's clock when the answer is shown, so
"restored until …, in 3 days" is true at that moment. Names and values came from the server:
they are assembled as plain text, never parsed as markup.
"""

from __future__ import annotations

from datetime import datetime

from textual.content import Content

from ossbrowse.oss.meaning import HeaderMeaning, explain_headers
from ossbrowse.ui.formatting import safe
from ossbrowse.ui.literal import LiteralStatic

_HIGHLIGHT = {"frozen", "expired"}
"""States a user must not miss: a GET of the object fails right now."""


class MeaningsView(LiteralStatic):
    """The explained headers of the last result, or nothing when none applies."""

    DEFAULT_CSS = """
    MeaningsView { height: auto; margin: 1 0 0 0; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.meanings: tuple[HeaderMeaning, ...] = ()
        """What is shown, for tests and copy actions."""

    def show_headers(self, headers: tuple[tuple[str, str], ...], now: datetime) -> None:
        """Explain ``headers`` as of ``now``; hide the view when nothing needs explaining."""
        self.meanings = explain_headers(headers, now=now)
        self.display = bool(self.meanings)
        lines: list[Content] = [Content.assemble(("What the headers mean", "bold"))]
        for meaning in self.meanings:
            alarming = dict(meaning.facts).get("state") in _HIGHLIGHT
            lines.append(
                Content.assemble(
                    (safe(meaning.header, 60), "bold $text-accent"),
                    "  ",
                    (safe(meaning.meaning, 600), "bold $text-error" if alarming else ""),
                )
            )
        self.update(Content("\n").join(lines))
