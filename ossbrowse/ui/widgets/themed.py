"""Theme colours for Rich renderables (tables), which cannot use Textual's ``$variables``.

Widgets that draw Rich tables look their colours up here when they render, and render again
when the theme changes, so light and dark themes both read well.
"""

from __future__ import annotations

from textual.widget import Widget

_FALLBACKS = {
    "text-success": "green",
    "text-error": "red",
    "text-warning": "yellow",
    "text-primary": "blue",
    "text-accent": "magenta",
    "text-muted": "bright_black",
}


def tone(widget: Widget, name: str) -> str:
    """A Rich colour for theme variable ``name`` (e.g. ``text-success``) in the current theme."""
    value = widget.app.theme_variables.get(name, "")
    if value.startswith("#"):
        return value
    return _FALLBACKS.get(name, "default")
