"""The probe history (kept in memory): pick an earlier request to send it again."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList

from ossbrowse.oss.conditions import request_headers
from ossbrowse.oss.results import HeadRequest, HeadResult
from ossbrowse.ui.formatting import badge_text
from ossbrowse.ui.literal import LiteralStatic, option, plain, template
from ossbrowse.ui.screens.dialog import Dialog


def describe(result: HeadResult) -> Content:
    """One line: status, object, and the conditions sent."""
    digits, words = badge_text(result)
    request = result.request
    target = f"{request.bucket}/{request.key}"
    if request.version_id:
        target += f"?versionId={request.version_id}"
    conditions = ", ".join(f"{name}: {value}" for name, value in request_headers(request).items())
    return Content.assemble(
        (f"{digits} {words}".ljust(24), "bold"),
        plain(target, limit=80),
        ("  " if conditions else "", "dim"),
        plain(conditions, "dim", limit=120),
    )


class HistoryScreen(Dialog[HeadRequest | None]):
    """Earlier probes, newest first; dismisses with the request to send again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="close-history", tooltip="Close"),
    ]

    DEFAULT_CSS = """
    HistoryScreen > Vertical { width: 96%; max-width: 140; height: auto; max-height: 80%; }
    HistoryScreen OptionList { height: auto; max-height: 20; }
    """

    def __init__(self, results: list[HeadResult]) -> None:
        super().__init__()
        self.results = list(reversed(results))

    def compose(self) -> ComposeResult:
        """The list, or a word that it is empty."""
        with Vertical():
            yield LiteralStatic(
                template("[b]History[/b] (this session only; nothing is written to disk)")
            )
            if self.results:
                yield LiteralStatic(
                    "Enter sends the probe again, Esc closes.",
                    id="history-help",
                    classes="dialog-help",
                )
                yield OptionList(
                    *(option(describe(r), id=str(i)) for i, r in enumerate(self.results)),
                    id="history",
                )
            else:
                yield LiteralStatic(
                    "No probes yet. Esc closes.", id="history-help", classes="dialog-help"
                )

    def on_mount(self) -> None:
        """Focus the list."""
        if self.results:
            self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Dismiss with the chosen request."""
        self.dismiss(self.results[int(event.option.id or 0)].request)

    def action_cancel(self) -> None:
        """Close without sending."""
        self.dismiss(None)
