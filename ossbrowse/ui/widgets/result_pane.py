"""The result pane: outcome badge, ETag, summary, error, conditions and headers of one HEAD.

Before the first answer it shows how to start (or, for a profile that cannot send, what to
set); while a request is in flight a status line says so and how to cancel. Once the form no
longer asks for what the shown answer answered, the screen marks it stale: dimmed, under a line
that says which probe it belongs to, until the next answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content

from ossbrowse.oss.meaning import etag_kind
from ossbrowse.oss.results import HeadRequest, HeadResult, Outcome
from ossbrowse.ui.formatting import attempts_text, timing_text
from ossbrowse.ui.literal import LiteralStatic, plain
from ossbrowse.ui.widgets.conditions_view import ConditionsView
from ossbrowse.ui.widgets.error_panel import ErrorPanel
from ossbrowse.ui.widgets.headers_table import HeadersTable
from ossbrowse.ui.widgets.meanings_view import MeaningsView
from ossbrowse.ui.widgets.outcome_badge import OutcomeBadge


@dataclass(frozen=True)
class Shown:
    """What the pane shows: the result, and the unconditional HEAD that completed it."""

    result: HeadResult
    fetched: HeadResult | None = None


def probe_text(request: HeadRequest) -> str:
    """The probe ``request`` made, in a few words: ``bucket/key (version v) with If-Match``."""
    text = f"{request.bucket}/{request.key}"
    if request.version_id:
        text += f" (version {request.version_id})"
    sent = [
        header
        for header, value in (
            ("If-Match", request.if_match),
            ("If-None-Match", request.if_none_match),
            ("If-Modified-Since", request.if_modified_since),
            ("If-Unmodified-Since", request.if_unmodified_since),
        )
        if value is not None
    ]
    return f"{text} with {', '.join(sent)}" if sent else text


class ResultPane(VerticalScroll):
    """Everything about the last HEAD, scrollable."""

    DEFAULT_CSS = """
    ResultPane {
        height: 1fr;
        padding: 0 1;
        #result-top { height: auto; }
        #facts { width: 1fr; height: auto; padding: 0 0 0 2; }
        #summary { margin: 1 0 0 0; text-style: bold; }
        #status { color: $text-warning; text-style: bold; }
        #warnings { color: $text-warning; }
        #placeholder { margin: 1 0; }
        #stale { color: $text-warning; text-style: bold; }
    }
    ResultPane.-stale {
        #result-top, #summary, #warnings, #error-panel, #conditions, #headers, #meanings {
            opacity: 45%;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown: Shown | None = None
        """The result on screen, or None before the first answer."""

    def compose(self) -> ComposeResult:
        """All parts; those without content are hidden."""
        yield LiteralStatic(id="placeholder")
        yield LiteralStatic(id="status")
        yield LiteralStatic(id="stale")
        with Horizontal(id="result-top"):
            yield OutcomeBadge(id="badge")
            yield LiteralStatic(id="facts")
        yield LiteralStatic(id="summary")
        yield LiteralStatic(id="warnings")
        yield ErrorPanel(id="error-panel")
        yield ConditionsView(id="conditions")
        yield HeadersTable(id="headers")
        yield MeaningsView(id="meanings")

    def on_mount(self) -> None:
        """Nothing to show yet."""
        self._show_parts(False)
        self.query_one("#status").display = False
        self.query_one("#stale").display = False

    def _show_parts(self, visible: bool) -> None:
        for selector in ("#result-top", "#summary", "#conditions", "#headers", "#meanings"):
            self.query_one(selector).display = visible
        if not visible:
            self.query_one("#warnings").display = False
            self.query_one("#error-panel").display = False
        self.query_one("#placeholder").display = not visible

    def show_placeholder(self, content: Content | str) -> None:
        """Show guidance instead of a result (before the first answer)."""
        self.query_one("#placeholder", LiteralStatic).update(content)
        if self.shown is None:
            self._show_parts(False)

    @property
    def status_shown(self) -> bool:
        """True while the line about a request in flight (or cancelled) is shown."""
        return bool(self.query_one("#status").display)

    def show_status(self, text: str | None) -> None:
        """Show (or clear, with None) the line about a request in flight or cancelled.

        ``text`` may hold the user's bucket and key: it is shown literally.
        """
        status = self.query_one("#status", LiteralStatic)
        if not text:
            # Clearing a line that is not shown changes nothing: no re-layout for it.
            status.display = False
            return
        status.update(plain(text))
        status.display = True

    @property
    def stale(self) -> bool:
        """True while the shown answer belongs to another probe than the form's."""
        return self.has_class("-stale")

    def mark_stale(self, stale: bool) -> None:
        """Dim the shown answer and say which probe it is for (``stale``), or undo that."""
        stale = stale and self.shown is not None
        self.set_class(stale, "-stale")
        line = self.query_one("#stale", LiteralStatic)
        line.display = stale
        if self.shown is not None and stale:
            line.update(
                Content.assemble(
                    "⚠ Answer for ",
                    plain(probe_text(self.shown.result.request), limit=300),
                    " — form changed; F5 sends the new probe",
                )
            )

    def show_result(
        self,
        result: HeadResult,
        fetched: HeadResult | None = None,
        *,
        now: datetime | None = None,
    ) -> None:
        """Show ``result``; ``fetched`` is the unconditional HEAD that filled object values.

        ``now`` is the time the headers are explained for (the session's clock).
        """
        self.shown = Shown(result, fetched)
        self.mark_stale(False)
        self._show_parts(True)
        self.show_status(None)
        self.query_one(OutcomeBadge).show_result(result)
        self.query_one("#facts", LiteralStatic).update(self._facts(result, fetched))
        summary = self.query_one("#summary", LiteralStatic)
        summary.update(plain(result.summary, limit=1000))
        # With no answer, the error panel's one line already says it all.
        summary.display = result.failure is None or result.summary != result.failure.message
        warnings = self.query_one("#warnings", LiteralStatic)
        warnings.display = bool(result.warnings)
        warnings.update(
            Content("\n").join(Content.assemble("⚠ ", plain(w, limit=300)) for w in result.warnings)
        )
        error_panel = self.query_one(ErrorPanel)
        error_panel.show_result(result)
        conditions = self.query_one(ConditionsView)
        conditions.show_result(result, fetched)
        # A 304 or 412 is explained by the conditions: what OSS said comes after them. (Moved
        # only when it is not there yet: a move lays the screen out again.)
        after = result.outcome in (Outcome.NOT_MODIFIED, Outcome.PRECONDITION_FAILED)
        children = self.children
        if (children.index(error_panel) > children.index(conditions)) != after:
            if after:
                self.move_child(error_panel, after=conditions)
            else:
                self.move_child(error_panel, before=conditions)
        headers = self.query_one(HeadersTable)
        headers.display = bool(result.headers)
        headers.show_headers(result.headers)
        self.query_one(MeaningsView).show_headers(result.headers, now or datetime.now(UTC))
        # The headers table scrolls its cursor row into view once laid out; start at the top
        # after that, whatever the timing.
        self.scroll_home(animate=False)
        self.call_after_refresh(self.scroll_home, animate=False)

    def _facts(self, result: HeadResult, fetched: HeadResult | None) -> Content:
        request = result.request
        target = f"{request.bucket}/{request.key}"
        if request.version_id:
            target += f" (version {request.version_id})"
        lines: list[Content] = []
        etag = result.etag or (fetched.etag if fetched else None)
        if etag:
            headers = fetched.headers if fetched and not result.etag else result.headers
            object_type = next(
                (value for name, value in headers if name.lower() == "x-oss-object-type"), None
            )
            kind = etag_kind(etag, object_type)
            lines.append(
                Content.assemble(
                    ("ETag ", "dim"),
                    plain(etag, "bold $text-accent", limit=120),
                    (f"  {kind}" if kind else "", "dim"),
                    (
                        "  (from the unconditional HEAD)" if etag != result.etag else "",
                        "dim italic",
                    ),
                )
            )
        elif result.status is not None:
            lines.append(Content.styled("no ETag in the answer", "dim"))
        details: list[tuple[str, str] | Content] = []
        last_modified = result.last_modified or (fetched.last_modified if fetched else None)
        if last_modified:
            details += [("Last-Modified ", "dim"), plain(last_modified, limit=60)]
        if result.version_id:
            details += [("  version ", "dim"), plain(result.version_id, limit=80)]
        if details:
            lines.append(Content.assemble(*details))
        # A long key is cut in the middle: its file name stays in view.
        lines.append(Content.assemble(("HEAD ", "dim"), plain(target, limit=200, middle=True)))
        tail: list[tuple[str, str] | str | Content] = [timing_text(result)]
        if result.request_id:
            tail += [("  request id ", "dim"), plain(result.request_id, limit=64)]
        lines.append(Content.assemble(*tail))
        attempts = attempts_text(result)
        if attempts:
            lines.append(Content.assemble(("attempts ", "dim"), plain(attempts, limit=400)))
        return Content("\n").join(lines)
