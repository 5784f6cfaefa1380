"""Text from the network, made safe to put on a terminal: no control characters, bounded length.

Error documents, exception messages and URLs all end up on screen or in a log; a terminal may
act on control characters, and a hostile server may send megabytes.
"""

from __future__ import annotations

import re

CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls except tab and newline, DEL, and C1 controls: a terminal may act on them."""


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in "…" when it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
