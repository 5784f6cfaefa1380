"""The guided demo's panel: what the last step showed, and what the next key press does."""

from __future__ import annotations

from textual.content import Content

from ossbrowse.ui.guide import Guide
from ossbrowse.ui.literal import LiteralStatic, plain


class GuidePanel(LiteralStatic):
    """Two short paragraphs above the form: the last step's sentence, then the next step."""

    DEFAULT_CSS = """
    GuidePanel {
        height: auto;
        padding: 0 1;
        border-left: thick $accent;
        background: $accent 15%;
        color: $foreground;
    }
    """

    def show(self, guide: Guide, *, busy: str | None = None) -> None:
        """Show ``guide``'s last sentence and its next step (or ``busy``, while one runs)."""
        # The sentences hold ETags and keys from the server: shown literally.
        self.update(
            Content.assemble(
                plain(guide.said),
                "\n",
                plain(busy, "italic") if busy else plain(guide.prompt(), "bold"),
            )
        )
