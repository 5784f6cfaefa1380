"""Screens of the TUI: the head screen and its modal dialogs."""
