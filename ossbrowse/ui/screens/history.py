"""The probe history of the active profile and endpoint: search, send again, compare two probes.

The list shows the newest probe first, each with its time and request id. Typing in the search
box keeps the probes whose object, outcome, ETag, request id or conditions contain the text.
Enter dismisses with the probe's form values (the head screen fills the form and sends);
``space`` marks a probe for comparison and ``d`` compares the marked one with the highlighted one
(two probes of the same object), side by side (:class:`CompareScreen`).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList

from ossbrowse.history_store import HistoryEntry
from ossbrowse.ui.formatting import reason_phrase
from ossbrowse.ui.literal import (
    LiteralInput,
    LiteralStatic,
    LiteralTable,
    notify,
    option,
    plain,
    template,
)
from ossbrowse.ui.screens.dialog import Dialog

CONDITION_HEADERS = ("If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since")
FORM_OF_HEADER = {h: h.lower().replace("-", "_") for h in CONDITION_HEADERS}


def status_words(entry: HistoryEntry) -> str:
    """``304 Not Modified``, or ``--- No answer``."""
    if entry.status is None:
        return "--- No answer"
    return f"{entry.status} {reason_phrase(entry.status)}"


def shown_time(entry: HistoryEntry) -> str:
    """The entry's time as shown: ``2026-03-14 10:00:00 UTC``."""
    return entry.time.replace("T", " ").replace("Z", " UTC")


def conditions_text(entry: HistoryEntry) -> str:
    """The conditions sent, e.g. ``If-None-Match: "abc"``."""
    return ", ".join(
        f"{h}: {entry.form[FORM_OF_HEADER[h]]}"
        for h in CONDITION_HEADERS
        if entry.form.get(FORM_OF_HEADER[h])
    )


def describe(entry: HistoryEntry, *, marked: bool = False) -> Content:
    """Time, status and object; then the request id and ETag; then the conditions sent."""
    conditions = conditions_text(entry)
    details = f"request id {entry.request_id or '-'}"
    if entry.etag:
        details += f" · ETag {entry.etag}"
    return Content.assemble(
        ("● " if marked else "  ", "bold $accent"),
        plain(shown_time(entry), "dim"),
        "  ",
        # A column of 20, and a space after a longer status ("412 Precondition Failed").
        (status_words(entry).ljust(19) + " ", "bold"),
        plain(entry.target, limit=80, middle=True),
        "\n    ",
        plain(details, "dim", limit=160),
        "\n    " if conditions else "",
        plain(conditions, "dim", limit=160),
    )


def matches(entry: HistoryEntry, text: str) -> bool:
    """True when ``text`` (any case) is in the probe's object, outcome, ids or conditions."""
    needle = text.strip().lower()
    if not needle:
        return True
    haystack = " ".join(
        [
            entry.target,
            status_words(entry),
            entry.outcome,
            entry.etag or "",
            entry.request_id or "",
            entry.version_id or "",
            conditions_text(entry),
            shown_time(entry),
        ]
    )
    return needle in haystack.lower()


class HistoryScreen(Dialog[dict[str, str] | None]):
    """The probes, newest first; dismisses with the form values of the probe to send again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="close-history", tooltip="Close"),
        Binding("space", "mark", "Mark", id="history-mark", tooltip="Mark a probe to compare"),
        Binding(
            "d", "compare", "Compare", id="history-compare", tooltip="Compare with the marked probe"
        ),
    ]

    DEFAULT_CSS = """
    HistoryScreen > Vertical { width: 96%; max-width: 150; height: auto; max-height: 90%; }
    HistoryScreen OptionList { height: auto; max-height: 24; }
    HistoryScreen Input { margin: 0 0 1 0; }
    """

    def __init__(self, entries: list[HistoryEntry], where: str = "") -> None:
        super().__init__()
        self.entries = list(reversed(entries))
        """Every probe, newest first."""
        self.shown: list[HistoryEntry] = list(self.entries)
        """Those the search keeps, in the list's order."""
        self.marked: HistoryEntry | None = None
        self.where = where

    def compose(self) -> ComposeResult:
        """The search box and the list, or a word that it is empty."""
        with Vertical():
            yield LiteralStatic(template("[b]History[/b] $where", where=self.where))
            if self.entries:
                yield LiteralStatic(
                    "Type to search. Enter sends the probe again; space marks one, d compares "
                    "it with the highlighted one (same object). Esc closes.",
                    id="history-help",
                    classes="dialog-help",
                )
                yield LiteralInput(
                    placeholder="search: key, status, ETag, request id…", id="history-search"
                )
                yield OptionList(id="history")
            else:
                yield LiteralStatic(
                    "No probes yet. Esc closes.", id="history-help", classes="dialog-help"
                )

    def on_mount(self) -> None:
        """Fill the list and focus it."""
        if self.entries:
            self._refill()
            self.query_one(OptionList).focus()

    def _refill(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(
            option(describe(e, marked=e is self.marked), id=str(i))
            for i, e in enumerate(self.shown)
        )
        if self.shown:
            options.highlighted = min(highlighted or 0, len(self.shown) - 1)

    @on(Input.Changed, "#history-search")
    def _search(self, event: Input.Changed) -> None:
        self.shown = [e for e in self.entries if matches(e, event.value)]
        self._refill()

    @on(Input.Submitted, "#history-search")
    def _search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(OptionList).focus()

    @property
    def highlighted(self) -> HistoryEntry | None:
        """The probe under the cursor."""
        if not self.entries:
            return None
        index = self.query_one(OptionList).highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Dismiss with the chosen probe's form values."""
        self.dismiss(dict(self.shown[int(event.option.id or 0)].form))

    def action_mark(self) -> None:
        """Mark (or unmark) the highlighted probe for comparison."""
        entry = self.highlighted
        if entry is None:
            return
        self.marked = None if entry is self.marked else entry
        self._refill()

    def action_compare(self) -> None:
        """Compare the marked probe with the highlighted one."""
        entry = self.highlighted
        if entry is None:
            return
        if self.marked is None or self.marked is entry:
            notify(
                self,
                "Mark one probe with space, then highlight another of the same object and press d.",
                title="Compare",
                severity="warning",
            )
            return
        if not self.marked.same_object(entry):
            notify(
                self,
                f"These probes are of different objects ({self.marked.target} and "
                f"{entry.target}); compare two probes of the same object.",
                title="Compare",
                severity="warning",
            )
            return
        # The list is newest first (times can be equal to the second): lower means newer.
        position = {id(e): i for i, e in enumerate(self.entries)}
        newer, older = sorted((self.marked, entry), key=lambda e: position[id(e)])
        self.app.push_screen(CompareScreen(older, newer))

    def action_cancel(self) -> None:
        """Close without sending."""
        self.dismiss(None)


UNKNOWN = "-"
"""A value the answer did not carry (a 304 or 412 may not say the size or storage class)."""
ALWAYS_COMPARED = ("Outcome",)
"""Rows where an unknown value on one side still counts as a change."""


def compare_rows(older: HistoryEntry, newer: HistoryEntry) -> list[tuple[str, str, str, bool]]:
    """(what, older value, newer value, changed) for each thing two probes can differ in.

    A value one answer did not carry (``-``) is not a change: a 304 says nothing of the size.
    """
    rows: list[tuple[str, str, str]] = [
        ("Time", shown_time(older), shown_time(newer)),
        ("Outcome", status_words(older), status_words(newer)),
        ("ETag", older.etag or UNKNOWN, newer.etag or UNKNOWN),
        ("Last-Modified", older.last_modified or UNKNOWN, newer.last_modified or UNKNOWN),
        ("Size", _size(older), _size(newer)),
        ("Version", older.version_id or UNKNOWN, newer.version_id or UNKNOWN),
        ("Storage class", older.storage_class or UNKNOWN, newer.storage_class or UNKNOWN),
    ]
    for header in CONDITION_HEADERS:
        field = FORM_OF_HEADER[header]
        if older.form.get(field) or newer.form.get(field):
            rows.append(
                (f"{header} sent", older.form[field] or "not sent", newer.form[field] or "not sent")
            )
            rows.append((f"{header} verdict", _verdict(older, header), _verdict(newer, header)))
    rows.append(("Request id", older.request_id or UNKNOWN, newer.request_id or UNKNOWN))

    def changed(what: str, a: str, b: str) -> bool:
        if a == b or what in ("Time", "Request id"):
            return False
        return what in ALWAYS_COMPARED or what.startswith("If-") or UNKNOWN not in (a, b)

    return [(what, a, b, changed(what, a, b)) for what, a, b in rows]


def _label(what: str) -> str:
    """The row's label on screen: ``If-Match`` for what was sent, an indented verdict below."""
    if what.endswith(" sent"):
        return what.removesuffix(" sent")
    return "└ verdict" if what.endswith(" verdict") else what


def _size(entry: HistoryEntry) -> str:
    return f"{int(entry.size):,} bytes" if entry.size and entry.size.isdigit() else UNKNOWN


def _verdict(entry: HistoryEntry, header: str) -> str:
    return (entry.verdicts or {}).get(header, "not sent")


class CompareScreen(Dialog[None]):
    """Two probes of one object side by side, what changed highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="close-compare", tooltip="Close"),
    ]

    DEFAULT_CSS = """
    CompareScreen > Vertical { width: 100%; max-width: 150; height: auto; max-height: 90%; }
    """

    def __init__(self, older: HistoryEntry, newer: HistoryEntry) -> None:
        super().__init__()
        self.older, self.newer = older, newer
        self.rows = compare_rows(older, newer)

    @property
    def changed(self) -> list[str]:
        """What differs between the two probes (e.g. ``ETag``, ``If-Match verdict``)."""
        return [what for what, _, _, changed in self.rows if changed]

    def compose(self) -> ComposeResult:
        """A title, a table (changed rows marked and coloured) and a line saying what changed."""
        table = LiteralTable(expand=True, box=None, padding=(0, 1))
        # Wide enough for the marker, the longest label and a space (ratio columns take the rest).
        label_width = max(len(_label(what)) for what, *_ in self.rows) + 3
        table.add_column("", no_wrap=True, min_width=label_width)
        for heading in ("Older", "Newer"):
            table.add_column(heading, ratio=1, overflow="fold")
        for what, a, b, changed in self.rows:
            style = "bold yellow" if changed else ""
            table.add_row(("≠ " if changed else "  ") + _label(what), a, b, style=style)
        with Vertical():
            yield LiteralStatic(template("[b]Compare[/b] $target", target=self.older.target))
            yield LiteralStatic(table, id="compare-table")
            what_changed = self.changed
            yield LiteralStatic(
                "Changed: " + ", ".join(what_changed) if what_changed else "Nothing changed.",
                id="compare-summary",
            )
            yield LiteralStatic("Esc closes.", classes="dialog-help")

    def action_close(self) -> None:
        """Back to the history."""
        self.dismiss(None)
