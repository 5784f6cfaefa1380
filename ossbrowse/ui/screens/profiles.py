"""The profile switcher: the ossutil profiles by name; picking one switches the app to it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList

from ossbrowse.ui.literal import LiteralStatic, option, template
from ossbrowse.ui.screens.dialog import Dialog


class ProfileScreen(Dialog[str | None]):
    """Pick a profile; dismisses with its name, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="close-profiles", tooltip="Close")
    ]

    DEFAULT_CSS = """
    ProfileScreen > Vertical { width: 60; max-width: 90%; height: auto; max-height: 80%; }
    ProfileScreen OptionList { height: auto; max-height: 16; }
    """

    def __init__(self, names: list[str], current: str, where: str) -> None:
        super().__init__()
        self.names = names
        self.current = current
        self.where = where

    def compose(self) -> ComposeResult:
        """The list of names, or why there is none."""
        with Vertical():
            yield LiteralStatic(template("[b]Switch profile[/b]"))
            if self.names:
                yield LiteralStatic(
                    f"From {self.where}. Enter picks, Esc closes.",
                    id="profiles-help",
                    classes="dialog-help",
                )
                yield OptionList(
                    *(
                        option(f"{name}  (active)" if name == self.current else name, id=name)
                        for name in self.names
                    ),
                    id="profiles",
                )
            else:
                yield LiteralStatic(
                    f"No profiles: {self.where} does not exist or has no sections. Create it "
                    "with `ossutil config`, or point -c/--config-file or OSSUTIL_CONFIG_FILE "
                    "at one. Esc closes.",
                    id="profiles-help",
                    classes="dialog-help",
                )

    def on_mount(self) -> None:
        """Start on the active profile."""
        if self.names:
            options = self.query_one(OptionList)
            if self.current in self.names:
                options.highlighted = self.names.index(self.current)
            options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Dismiss with the chosen name."""
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without switching."""
        self.dismiss(None)
