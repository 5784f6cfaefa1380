"""The conditions table: each If-* header sent, the object's value, the rule and the verdict.

Below the table, one line per condition says what was compared and what followed (from the
core's ``explain``). When a 304 or 412 did not carry the object's value, a hint offers the key
that fetches it with an unconditional HEAD.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text

from ossbrowse.oss.results import HeadResult, Outcome, Verdict
from ossbrowse.oss.safetext import shorten
from ossbrowse.ui.formatting import SHORT_RULES, VERDICT_MARKS, safe
from ossbrowse.ui.literal import LiteralStatic, LiteralTable, OneLine, rich_plain
from ossbrowse.ui.widgets.themed import tone

_VERDICT_TONES = {
    Verdict.PASSED: "text-success",
    Verdict.FAILED: "text-error",
    Verdict.IGNORED: "text-muted",
    Verdict.UNKNOWN: "text-warning",
}


@dataclass(frozen=True)
class _Row:
    """One condition's values as sent and found, and their cells in the table."""

    header: str
    sent: str
    object_value: str | None
    sent_cell: OneLine
    value_cell: OneLine | None


class _FullValues:
    """The full values of each row the table had to cut (rendered after the table, so the
    cells know whether they were cut at this width)."""

    def __init__(self, rows: list[_Row]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """One line per cut row: the header, the value sent and the object's value, whole."""
        for row in self.rows:
            if not (row.sent_cell.cut or (row.value_cell is not None and row.value_cell.cut)):
                continue
            line = Text(f"{row.header} ", style="bold")
            line.append("sent ", style="dim")
            line.append_text(rich_plain(row.sent, limit=300))
            if row.object_value is not None:
                line.append("  object's ", style="dim")
                line.append_text(rich_plain(row.object_value, limit=300))
            yield line


def needs_fetch(result: HeadResult) -> bool:
    """True when a 304/412 left some condition without the object's value to compare."""
    return result.outcome in (Outcome.NOT_MODIFIED, Outcome.PRECONDITION_FAILED) and any(
        check.object_value is None for check in result.conditions
    )


def _shown_of(result: HeadResult, fetched: HeadResult | None) -> tuple[object, ...]:
    """Everything of ``result`` and ``fetched`` that :meth:`ConditionsView._build` reads."""
    return (
        result.conditions,
        result.summary,
        result.status,
        result.outcome,
        bool(result.etag or result.last_modified),
        fetched is not None,
        fetched.request_id if fetched is not None else None,
    )


class ConditionsView(LiteralStatic):
    """The per-condition table and explanations of the last result."""

    DEFAULT_CSS = """
    ConditionsView { height: auto; margin: 1 0 0 0; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._result: HeadResult | None = None
        self._fetched: HeadResult | None = None

    def on_mount(self) -> None:
        """Re-render with the new colours when the theme changes."""
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._render_result())

    def show_result(self, result: HeadResult, fetched: HeadResult | None = None) -> None:
        """Show ``result``'s conditions; ``fetched`` is the unconditional HEAD that filled them."""
        unchanged = self._result is not None and _shown_of(self._result, self._fetched) == (
            _shown_of(result, fetched)
        )
        self._result, self._fetched = result, fetched
        if not unchanged:  # the same conditions again (most sends) draw nothing new
            self._render_result()

    def _render_result(self) -> None:
        if self._result is not None:
            self.update(self._build(self._result))

    def _build(self, result: HeadResult) -> RenderableType:
        title = Text("Conditions", style="bold")
        if not result.conditions:
            note = Text(" none sent", style="dim")
            if result.etag or result.last_modified:
                note.append(
                    " · m/n: ETag as If-Match/If-None-Match · l/u: Last-Modified as "
                    "If-Modified-Since/If-Unmodified-Since"
                )
            return Text.assemble(title, note)
        table = LiteralTable(
            box=None, padding=(0, 1), show_edge=False, expand=True, header_style="bold"
        )
        table.add_column("Header", no_wrap=True)
        # ETags and dates stay on one line, cut in the middle when narrow; the full values
        # follow the table for each row that was cut.
        table.add_column("Sent", ratio=3, no_wrap=True)
        table.add_column("Object's value", ratio=3, no_wrap=True)
        table.add_column("Rule", ratio=3)
        table.add_column("Verdict", no_wrap=True)
        rows: list[_Row] = []
        for check in result.conditions:
            mark, _ = VERDICT_MARKS[check.verdict]
            style = f"bold {tone(self, _VERDICT_TONES[check.verdict])}"
            sent = OneLine(shorten(check.sent, 200, middle=True))
            value = (
                OneLine(shorten(check.object_value, 200, middle=True))
                if check.object_value is not None
                else None
            )
            rows.append(_Row(check.header, check.sent, check.object_value, sent, value))
            table.add_row(
                check.header,
                sent,
                value
                if value is not None
                else Text("not in the answer" if result.status else "—", style="dim italic"),
                Text(SHORT_RULES.get(check.header, check.rule), style="dim"),
                Text(mark, style=style),
            )
        parts: list[RenderableType] = [title, table, _FullValues(rows)]
        for check in result.conditions:
            if check.explanation.rstrip(".") in result.summary:
                continue  # the summary already says it
            line = Text(f"{check.header}: ", style="bold")
            line.append(safe(check.explanation))
            parts.append(line)
        if self._fetched is not None:
            parts.append(
                Text(
                    "Object's values from an unconditional HEAD"
                    + (
                        f" (request id {safe(self._fetched.request_id)})"
                        if self._fetched.request_id
                        else ""
                    ),
                    style="italic dim",
                )
            )
        elif needs_fetch(result):
            hint = Text("The answer did not carry the object's value: press ", style="italic")
            hint.append("f", style=f"bold {tone(self, 'text-accent')}")
            hint.append(" to fetch it with an unconditional HEAD.", style="italic")
            parts.append(hint)
        return Group(*parts)
