"""Widgets of the TUI: the request form, the result pane and its parts, the header line."""
