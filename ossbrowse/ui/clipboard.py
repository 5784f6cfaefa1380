"""Copying: through the terminal (OSC 52), with an on-screen fallback.

``App.copy_to_clipboard`` asks the terminal to set the clipboard, which works over SSH and in
tmux with ``set-clipboard on`` but silently does nothing in terminals without OSC 52. There is
no way to know, so every copy also keeps the text in the session, and ``o`` shows it in a
dialog where it can be selected by hand.
"""

from __future__ import annotations

from textual.widget import Widget

from ossbrowse.ui.literal import notify
from ossbrowse.ui.session import Copied, Session


def copy_text(node: Widget, session: Session, text: str, what: str) -> None:
    """Copy ``text`` (described as ``what``, e.g. "the ETag") and keep it for ``o``."""
    node.app.copy_to_clipboard(text)
    session.copied = Copied(what, text)
    notify(
        node,
        f"Copied {what}. Not in your clipboard? Press o to show it and select it by hand "
        "(Esc first when you are in a field: there o types).",
        title="Copied",
        timeout=5,
    )
