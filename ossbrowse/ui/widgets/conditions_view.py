"""The conditions table: each If-* header sent, the object's value, the rule and the verdict.

Below the table, one line per condition says what was compared and what followed (from the
core's ``explain``). When a 304 or 412 did not carry the object's value, a hint offers the key
that fetches it with an unconditional HEAD.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from ossbrowse.oss.results import HeadResult, Outcome, Verdict
from ossbrowse.ui.formatting import SHORT_RULES, VERDICT_MARKS, safe
from ossbrowse.ui.literal import LiteralStatic, LiteralTable, rich_plain
from ossbrowse.ui.widgets.themed import tone

_VERDICT_TONES = {
    Verdict.PASSED: "text-success",
    Verdict.FAILED: "text-error",
    Verdict.IGNORED: "text-muted",
    Verdict.UNKNOWN: "text-warning",
}


def needs_fetch(result: HeadResult) -> bool:
    """True when a 304/412 left some condition without the object's value to compare."""
    return result.outcome in (Outcome.NOT_MODIFIED, Outcome.PRECONDITION_FAILED) and any(
        check.object_value is None for check in result.conditions
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
        self._result, self._fetched = result, fetched
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
        table.add_column("Sent", ratio=3, overflow="fold")
        table.add_column("Object's value", ratio=3, overflow="fold")
        table.add_column("Rule", ratio=3)
        table.add_column("Verdict", no_wrap=True)
        for check in result.conditions:
            mark, _ = VERDICT_MARKS[check.verdict]
            style = f"bold {tone(self, _VERDICT_TONES[check.verdict])}"
            table.add_row(
                check.header,
                rich_plain(check.sent, limit=200),
                rich_plain(check.object_value, limit=200)
                if check.object_value is not None
                else Text("not in the answer" if result.status else "—", style="dim italic"),
                Text(SHORT_RULES.get(check.header, check.rule), style="dim"),
                Text(mark, style=style),
            )
        parts: list[RenderableType] = [title, table]
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
