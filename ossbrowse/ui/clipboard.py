"""Copying: through the terminal (OSC 52), with an on-screen fallback.

``App.copy_to_clipboard`` asks the terminal to set the clipboard, which works over SSH and in
tmux with ``set-clipboard on`` but silently does nothing in terminals without OSC 52. There is
no way to know, so every copy also keeps the text, and ``o`` shows it in a dialog where it can
be selected by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ossbrowse.ui.literal import notify

if TYPE_CHECKING:
    from textual.app import App


def copy_text(app: App[object], text: str, what: str) -> None:
    """Copy ``text`` (described as ``what``, e.g. "the ETag") and remember it for ``o``."""
    app.copy_to_clipboard(text)
    setattr(app, "last_copied", (what, text))  # noqa: B010 - any App can hold it
    notify(
        app,
        f"Copied {what}. Not in your clipboard? Press o to show it and select it by hand.",
        title="Copied",
        timeout=5,
    )
