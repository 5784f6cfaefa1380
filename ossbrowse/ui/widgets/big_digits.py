"""Outcome digits five rows tall, for presenter mode: a status read from the back of a room."""

from __future__ import annotations

from ossbrowse.ui.literal import LiteralStatic

# Five rows of five columns per character; statuses are digits, "no answer" is dashes.
FONT: dict[str, tuple[str, ...]] = {
    "0": ("█████", "█   █", "█   █", "█   █", "█████"),
    "1": ("  █  ", " ██  ", "  █  ", "  █  ", " ███ "),
    "2": ("█████", "    █", "█████", "█    ", "█████"),
    "3": ("█████", "    █", " ████", "    █", "█████"),
    "4": ("█   █", "█   █", "█████", "    █", "    █"),
    "5": ("█████", "█    ", "█████", "    █", "█████"),
    "6": ("█████", "█    ", "█████", "█   █", "█████"),
    "7": ("█████", "    █", "   █ ", "  █  ", "  █  "),
    "8": ("█████", "█   █", "█████", "█   █", "█████"),
    "9": ("█████", "█   █", "█████", "    █", "█████"),
    "-": ("     ", "     ", "█████", "     ", "     "),
}
ROWS = 5


def big_text(text: str) -> str:
    """``text`` in the five-row font, one space between characters (others drawn as ``?``)."""
    glyphs = [FONT.get(char, FONT_UNKNOWN) for char in text]
    return "\n".join(" ".join(glyph[row] for glyph in glyphs) for row in range(ROWS))


FONT_UNKNOWN = ("█████", "    █", "  ██ ", "     ", "  █  ")


class BigDigits(LiteralStatic):
    """A status in the five-row font."""

    DEFAULT_CSS = """
    BigDigits { width: auto; height: 5; }
    """

    def show(self, text: str) -> None:
        """Draw ``text`` (our own badge digits, e.g. ``412`` or ``---``)."""
        self.update(big_text(text))
