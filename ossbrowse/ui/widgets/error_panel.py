"""The decoded error: what OSS said (Code, Message, EC, RequestId...) and what it means.

HEAD answers carry no body, so the error document comes from ``x-oss-err``; the core decodes it
into a :class:`ServiceError`. Here it is laid out for a person: for SignatureDoesNotMatch our
string to sign beside the server's with the differing lines marked, for RequestTimeTooSkewed
the skew, for a wrong region the region to use. A request with no answer gets one line.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from ossbrowse.oss.results import HeadResult, ServiceError, TransportFailure
from ossbrowse.ui.formatting import differing_lines, format_skew, safe
from ossbrowse.ui.literal import LiteralStatic, LiteralTable, rich_plain
from ossbrowse.ui.widgets.themed import tone

# Shown in their own rows or side by side; the rest of the document is listed after them.
_SHOWN_FIELDS = {
    "Code",
    "Message",
    "EC",
    "RequestId",
    "HostId",
    "RecommendDoc",
    "StringToSign",
    "StringToSignBytes",
    "CanonicalRequest",
    "CanonicalRequestBytes",
}


class ErrorPanel(LiteralStatic):
    """The decoded service error or transport failure of the last result."""

    DEFAULT_CSS = """
    ErrorPanel {
        height: auto;
        margin: 1 0 0 0;
        padding: 0 1;
        border-left: thick $error;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._result: HeadResult | None = None

    def on_mount(self) -> None:
        """Re-render with the new colours when the theme changes."""
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._render_result())

    def show_result(self, result: HeadResult) -> None:
        """Show ``result``'s error or failure; hide the panel when it has neither."""
        self._result = result
        # Every error document is decoded and shown the same way, a 412's too (the result pane
        # puts it after the conditions table, which explains that outcome).
        self.display = result.error is not None or result.failure is not None
        self._render_result()

    def _render_result(self) -> None:
        result = self._result
        if result is None:
            return
        if result.failure is not None:
            self.update(self._failure(result.failure))
        elif result.error is not None:
            self.update(self._error(result.error))

    def _failure(self, failure: TransportFailure) -> RenderableType:
        line = Text("No answer ", style=f"bold {tone(self, 'text-error')}")
        line.append(f"({failure.kind}): ", style="bold")
        line.append(safe(failure.message, 500))
        return line

    def _error(self, error: ServiceError) -> RenderableType:
        title = Text("What OSS said", style=f"bold {tone(self, 'text-error')}")
        if error.status:
            title.append(f"  HTTP {error.status}", style="dim")
        grid = LiteralTable.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for label, value in (
            ("Code", error.code),
            ("Message", error.message),
            ("EC", error.ec),
            ("RequestId", error.request_id),
            ("HostId", error.host_id),
            ("RecommendDoc", error.recommend_doc),
        ):
            if value:
                grid.add_row(label, rich_plain(value, limit=500))
        for name, value in error.fields:
            if name not in _SHOWN_FIELDS and value:
                grid.add_row(rich_plain(name, "dim", limit=40), rich_plain(value, limit=300))
        parts: list[RenderableType] = [title, grid]
        warn = tone(self, "text-warning")
        if error.skew_seconds is not None:
            parts.append(
                Text(
                    f"Clock skew: {format_skew(error.skew_seconds)}. OSS refuses "
                    "requests more than 15 minutes off; fix the system clock.",
                    style=f"bold {warn}",
                )
            )
        if error.region_hint:
            parts.append(
                Text(
                    f"Wrong region: this bucket is in {safe(error.region_hint)}; "
                    f"use --region {safe(error.region_hint)} (and its endpoint).",
                    style=f"bold {warn}",
                )
            )
        if error.decode_problem:
            parts.append(
                Text(
                    f"The error document could not be read: {safe(error.decode_problem, 300)}",
                    style="italic",
                )
            )
        parts += self._side_by_side(
            "StringToSign", error.our_string_to_sign, error.server_string_to_sign
        )
        parts += self._side_by_side(
            "Canonical request", error.our_canonical_request, error.server_canonical_request
        )
        return Group(*parts)

    def _side_by_side(self, what: str, ours: str | None, theirs: str | None) -> list[LiteralTable]:
        """Ours beside the server's, lines that differ marked; nothing unless the server sent it."""
        if theirs is None:
            return []
        ours = ours or ""
        differ = differing_lines(ours, theirs)
        mark = f"bold {tone(self, 'text-error')}"
        table = LiteralTable(
            box=None, padding=(0, 1), expand=True, header_style="bold", title_justify="left"
        )
        table.add_column(f"Our {what}", ratio=1, overflow="fold")
        table.add_column(f"Server's {what}", ratio=1, overflow="fold")
        columns = []
        for text in (ours, theirs):
            cell = Text()
            for index, line in enumerate(text.split("\n")):
                if index:
                    cell.append("\n")
                cell.append(safe(line, 2000) or " ", style=mark if index in differ else "")
            columns.append(cell)
        table.add_row(*columns)
        if not differ:
            table.caption = "Both are the same: the secret itself is probably wrong."
        return [table]
