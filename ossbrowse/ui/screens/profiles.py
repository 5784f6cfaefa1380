"""The profile switcher: the ossutil profiles by name; picking one switches the app to it.

In the demo the list starts with the demo's own profile (the emulator's built-in key pair,
in no config file), so the switcher says what is active and what picking another would do.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList

from ossbrowse.ui.literal import LiteralStatic, option, template
from ossbrowse.ui.screens.dialog import Dialog

DEMO_CHOICE = "\x00demo"
"""The id the switcher dismisses with for the demo's own profile (no file profile has it)."""


class ProfileScreen(Dialog[str | None]):
    """Pick a profile; dismisses with its name (:data:`DEMO_CHOICE` for the demo's), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="close-profiles", tooltip="Close")
    ]

    DEFAULT_CSS = """
    ProfileScreen > Vertical { width: 70; max-width: 90%; height: auto; max-height: 80%; }
    ProfileScreen OptionList { height: auto; max-height: 16; }
    """

    def __init__(
        self,
        names: list[str],
        current: str,
        where: str,
        *,
        flags: list[str] | None = None,
        demo: str | None = None,
    ) -> None:
        """``current`` is the active profile's name (or :data:`DEMO_CHOICE`); ``flags`` the
        command-line flags that stay in force; ``demo`` describes the demo's profile."""
        super().__init__()
        self.names = names
        self.current = current
        self.where = where
        self.flags = flags or []
        self.demo = demo

    def compose(self) -> ComposeResult:
        """What is active, the list of names, or why there is none."""
        with Vertical():
            yield LiteralStatic(template("[b]Switch profile[/b]"))
            if self.demo is not None:
                then = (
                    f" Picking another uses that profile of {self.where} against its own "
                    "endpoint (the emulator keeps running; pick demo to come back)."
                    if self.names
                    else ""
                )
                yield LiteralStatic(self.demo + then, id="profiles-demo", classes="dialog-help")
            if self.flags:
                yield LiteralStatic(
                    f"Set on the command line, kept for any profile: {' '.join(self.flags)}",
                    id="profiles-flags",
                    classes="dialog-help",
                )
            choices = ([DEMO_CHOICE] if self.demo is not None else []) + self.names
            if self.names:
                yield LiteralStatic(
                    f"From {self.where}. Enter picks, Esc closes.",
                    id="profiles-help",
                    classes="dialog-help",
                )
            elif self.demo is not None:
                yield LiteralStatic(
                    f"F2 switches to a profile of {self.where}, which does not exist or has "
                    "no profiles: nothing else to switch to. Create one with `ossutil "
                    "config`, or start ossbrowse with -c/--config-file. Esc closes.",
                    id="profiles-help",
                    classes="dialog-help",
                )
            else:
                yield LiteralStatic(
                    f"No profiles: {self.where} does not exist or has no sections. Create it "
                    "with `ossutil config`, or point -c/--config-file or OSSUTIL_CONFIG_FILE "
                    "at one. Esc closes.",
                    id="profiles-help",
                    classes="dialog-help",
                )
            if choices:
                yield OptionList(
                    *(option(self._prompt(name), id=name) for name in choices), id="profiles"
                )

    def _prompt(self, name: str) -> str:
        shown = "demo (the local emulator)" if name == DEMO_CHOICE else name
        return f"{shown}  (active)" if name == self.current else shown

    def on_mount(self) -> None:
        """Start on the active profile."""
        found = self.query(OptionList)
        if not found:
            return
        options = found.first()
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        if self.current in ids:
            options.highlighted = ids.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Dismiss with the chosen name."""
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without switching."""
        self.dismiss(None)
