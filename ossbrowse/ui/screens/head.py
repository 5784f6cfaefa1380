"""The head screen: the request form above the result pane, sending, cancelling, fetching.

The HEAD runs in an exclusive async worker: a new send cancels the one in flight, the UI never
blocks, and each request carries a sequence number so that a late answer to a cancelled or
replaced request is dropped instead of shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Button, Footer, Input
from textual.worker import Worker, WorkerState

from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.explain import explain
from ossbrowse.oss.results import HeadRequest, HeadResult, Outcome
from ossbrowse.oss.validation import InputErrors
from ossbrowse.ui.commands import HEAD_ACTIONS, bindings
from ossbrowse.ui.fields import BY_NAME
from ossbrowse.ui.literal import LiteralStatic, notify, plain, template
from ossbrowse.ui.messages import HeadCancelled, HeadCompleted, HeadStarted, Purpose
from ossbrowse.ui.probes import form_values
from ossbrowse.ui.screens.history import HistoryScreen
from ossbrowse.ui.screens.probe_actions import ProbeActions
from ossbrowse.ui.widgets.conditions_view import needs_fetch
from ossbrowse.ui.widgets.profile_bar import ProfileBar
from ossbrowse.ui.widgets.request_form import RequestForm
from ossbrowse.ui.widgets.result_pane import ResultPane

if TYPE_CHECKING:
    from ossbrowse.oss.client import OssClient
    from ossbrowse.ui.app import OssBrowseApp

DEMO_HINT = (
    "Demo: [b]F5[/b] sends → 200 · [b]n[/b] ETag as If-None-Match → 304 · "
    "[b]x[/b] stale If-Match → 412 · [b]F1[/b] help"
)
START_HINT = (
    "Fill in [b]bucket[/b] and [b]key[/b], then press [b]Enter[/b] or [b]F5[/b] to send a HEAD.\n"
    "After an answer, one key sets up the next probe: [b]m[/b]/[b]n[/b] use its ETag as "
    "If-Match/If-None-Match, [b]l[/b]/[b]u[/b] its Last-Modified as "
    "If-Modified-Since/If-Unmodified-Since, and send.\n"
    "[b]F1[/b] lists every key; [b]ctrl+p[/b] opens the command palette."
)


HISTORY_SIZE = 100
"""Probes kept in the session's history."""


class HeadScreen(ProbeActions):
    """HEAD an object, see the outcome and why."""

    BINDINGS = bindings(HEAD_ACTIONS)

    def __init__(self, prefill: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self._prefill = dict(prefill or {})
        self._seq = 0
        self._active: int | None = None
        """Sequence number of the request in flight; answers for any other are dropped."""
        self._last_input = "key"
        self.history: list[HeadResult] = []
        """This session's answers to the user's own requests, oldest first (memory only)."""

    @property
    def oss_app(self) -> OssBrowseApp:
        """The app, typed."""
        return cast("OssBrowseApp", self.app)

    @property
    def in_flight(self) -> bool:
        """True while a request is on its way and its answer is still wanted."""
        return self._active is not None

    def compose(self) -> ComposeResult:
        """Header line, optional demo hint, form, result pane, footer."""
        yield ProfileBar(id="profile-bar")
        yield LiteralStatic(template(DEMO_HINT), id="demo-hint")
        yield RequestForm(self._prefill, id="form")
        yield ResultPane(id="result")
        yield Footer(compact=True, show_command_palette=True)

    def on_mount(self) -> None:
        """Describe the profile and focus the first field to fill in."""
        self.query_one("#demo-hint").display = self.oss_app.demo
        self.profile_changed()
        values = self.form.values()
        first = "bucket" if not values["bucket"] else "key"
        self.form.field(first).input.focus()

    def profile_changed(self) -> None:
        """Refresh the header line and the guidance after the app's profile changed."""
        app = self.oss_app
        self.query_one(ProfileBar).show_profile(
            app.profile,
            app.client.endpoint_label if app.client else None,
            usable=app.client is not None,
            demo=app.demo,
        )
        if app.client is None:
            self.pane.show_placeholder(
                Content.assemble(
                    ("This profile cannot send requests.\n", "bold $text-error"),
                    plain(app.client_problem or "", lines=True),
                    "\n\n",
                    template(
                        "Press [b]F2[/b] to pick another profile, or quit ([b]ctrl+q[/b]) and run "
                        "[b]ossbrowse demo[/b] to try ossbrowse against a local emulator."
                    ),
                )
            )
        else:
            self.pane.show_placeholder(template(START_HINT))

    # -- sending -------------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_send()

    @on(Button.Pressed, "#send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_send()

    def on_descendant_focus(self, event: object) -> None:
        """Remember the last form field used, so ``e`` returns to it."""
        focused = self.focused
        if isinstance(focused, Input) and focused.id:
            self._last_input = focused.id

    def action_send(self) -> None:
        """Validate the form and send; nothing is sent when a field is refused."""
        app = self.oss_app
        if app.client is None:
            notify(
                self,
                app.client_problem or "No usable profile.",
                title="Not sent",
                severity="error",
                timeout=10,
            )
            return
        try:
            request = build_head_request(**self.form.values())
        except InputErrors as errors:
            first = self.form.show_errors(errors)
            message = "\n".join(
                f"{BY_NAME[e.field].label if e.field in BY_NAME else e.field}: {e.message}"
                for e in errors.errors
            )
            notify(self, message, title="Not sent", severity="error", timeout=8)
            if first:
                self.form.field(first).input.focus()
            return
        self._start(app.client, request, Purpose.SEND)
        # Leave the form so that the one-letter quick actions work at once.
        self.pane.focus()

    def _start(self, client: OssClient, request: HeadRequest, purpose: Purpose) -> None:
        self._seq += 1
        self._active = self._seq
        target = f"{request.bucket}/{request.key}"
        verb = "Fetching the object's values" if purpose is Purpose.FETCH else "Sending HEAD"
        self.pane.show_status(f"{verb}: {target} …  (Esc cancels)")
        self.post_message(HeadStarted(self._seq, request, purpose))
        self._run_head(client, request, self._seq, purpose)
        self.refresh_bindings()

    @work(exclusive=True, group="head", exit_on_error=False, description="HEAD object")
    async def _run_head(
        self, client: OssClient, request: HeadRequest, seq: int, purpose: Purpose
    ) -> None:
        result = await client.head_object(request)
        self.post_message(HeadCompleted(seq, result, purpose))

    @on(HeadCompleted)
    def _completed(self, event: HeadCompleted) -> None:
        if event.seq != self._active:
            return  # cancelled or replaced: never show a stale answer
        self._active = None
        if event.purpose is Purpose.FETCH:
            self._fill_object_values(event.result)
        else:
            self.pane.show_result(event.result)
            self.history = [*self.history[-(HISTORY_SIZE - 1) :], event.result]
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A bug in the request path: say so, keep the UI usable."""
        if event.worker.group != "head" or event.state is not WorkerState.ERROR:
            return
        self._active = None
        self.pane.show_status(None)
        notify(
            self,
            _redacted(str(event.worker.error)),
            title="HEAD failed",
            severity="error",
            timeout=10,
        )
        self.refresh_bindings()

    def action_cancel(self) -> None:
        """Cancel the request in flight; a late answer will be dropped."""
        if self._active is None:
            return
        seq, self._active = self._active, None
        self.workers.cancel_group(self, "head")
        self.pane.show_status("Cancelled. Its answer, if one comes, will not be shown.")
        self.post_message(HeadCancelled(seq))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show Cancel only while a request is in flight, Fetch only when it can help."""
        if action == "cancel":
            return self.in_flight
        if action == "fetch":
            shown = self.pane.shown if self.is_mounted else None
            return shown is not None and shown.fetched is None and needs_fetch(shown.result)
        return True

    # -- the object's values for a bare 304/412 ---------------------------------------------

    def action_fetch(self) -> None:
        """HEAD the same object without conditions, to fill in the object's values."""
        shown = self.pane.shown
        app = self.oss_app
        if shown is None or not shown.result.conditions:
            notify(self, "Send a HEAD with conditions first.", severity="warning")
            return
        if app.client is None:
            return
        self._start(app.client, shown.result.request.unconditional(), Purpose.FETCH)

    def _fill_object_values(self, fetched: HeadResult) -> None:
        shown = self.pane.shown
        if shown is None:
            return
        if fetched.outcome is not Outcome.OK:
            notify(
                self,
                f"The unconditional HEAD answered {fetched.status or 'nothing'}: "
                f"{_redacted(fetched.summary)}",
                title="Object's values unknown",
                severity="warning",
                timeout=8,
            )
            self.pane.show_status(None)
            return
        original = shown.result
        checks, summary = explain(
            original.request, original.status, fetched.etag, fetched.last_modified
        )
        self.pane.show_result(replace(original, conditions=checks, summary=summary), fetched)

    def action_history(self) -> None:
        """Show this session's probes; the one picked is sent again."""
        self.app.push_screen(HistoryScreen(self.history), callback=self._replay)

    def _replay(self, request: HeadRequest | None) -> None:
        if request is None:
            return
        for name, value in form_values(request).items():
            self.form.set_value(name, value)
        self.action_send()

    def action_edit(self) -> None:
        """Focus the form field used last."""
        self.form.field(self._last_input).input.focus()


def _redacted(text: str) -> str:
    """Pass text shown in a notification through the core's redactor."""
    from ossbrowse.oss.redact import redact_text

    return redact_text(text)
