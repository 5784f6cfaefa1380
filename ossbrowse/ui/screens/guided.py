"""The head screen of ``ossbrowse demo --guided``: the story of :mod:`ossbrowse.ui.guide`.

Space runs the next step: it fills the form as the step says (the audience sees the condition
that is sent) and sends, or rewrites the object. The panel above the form says what the answer
shows and what space does next. Every other key of the head screen works as usual.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.worker import Worker, WorkerState

from ossbrowse.ui.actions import Action, bindings
from ossbrowse.ui.guide import Guide, Kind
from ossbrowse.ui.literal import notify
from ossbrowse.ui.screens.head import HEAD, HeadScreen, Purpose
from ossbrowse.ui.screens.head_actions import HEAD_ACTIONS
from ossbrowse.ui.session import Session
from ossbrowse.ui.widgets.guide_panel import GuidePanel
from ossbrowse.ui.widgets.profile_bar import ProfileBar

GUIDED_ACTIONS: tuple[Action, ...] = (
    Action(
        "space",
        "guide_next",
        "guide-next",
        "Next step",
        "Next step of the guided demo",
        "Run the guided demo's next step (the panel above the form says what it does)",
    ),
    *HEAD_ACTIONS,
)

REWRITE = "guide-rewrite"
"""The worker group of the rewrite."""


class GuidedHeadScreen(HeadScreen):
    """The head screen with the guided demo's panel and its one key."""

    ACTIONS: ClassVar[tuple[Action, ...]] = GUIDED_ACTIONS
    BINDINGS = bindings(GUIDED_ACTIONS)

    def __init__(self, session: Session, guide: Guide) -> None:
        super().__init__(session)
        self.guide = guide
        self._waiting = False
        """A step is running (its answer is not in yet)."""

    def compose(self) -> ComposeResult:
        """The head screen, with the guide's panel under the header line."""
        for widget in super().compose():
            yield widget
            if isinstance(widget, ProfileBar):
                yield GuidePanel(id="guide")

    def on_mount(self) -> None:
        """Show the guide once the head screen has set itself up (it runs after this)."""
        self._show_guide()
        self.call_after_refresh(self._begin)

    def _begin(self) -> None:
        # The guide instead of the demo hint; the focus off the form, so space is the next step.
        self.query_one("#demo-hint").display = False
        self.pane.focus()

    @property
    def panel(self) -> GuidePanel:
        """The guide's panel."""
        return self.query_one(GuidePanel)

    def _show_guide(self, busy: str | None = None) -> None:
        self.panel.show(self.guide, busy=busy)

    def action_guide_next(self) -> None:
        """Run the next step: fill the form and send, or rewrite the object."""
        if self._waiting:
            notify(self, "One moment: this step is still running.", timeout=3)
            return
        step = self.guide.step
        if step.kind is Kind.REWRITE:
            self._waiting = True
            self._show_guide(f"Rewriting {self.guide.key} …")
            self.run_worker(self.guide.rewrite, group=REWRITE, thread=True, exit_on_error=False)
            return
        for field_id, value in self.guide.form().items():
            self.form.set_value(field_id, value)
        self.action_send()
        if self.runner.busy(HEAD):  # sent (a refused form says why by itself)
            self._waiting = True
            self._show_guide("Waiting for the answer …")

    @on(HeadScreen.Completed)
    def _guide_answer(self, event: HeadScreen.Completed) -> None:
        if not self._waiting or event.purpose is not Purpose.SEND:
            return
        # After the head screen has handled it: only an answer it shows is the step's answer.
        self.call_later(self._told, event)

    def _told(self, event: HeadScreen.Completed) -> None:
        shown = self.pane.shown
        if shown is None or shown.result is not event.result:
            return
        result = event.result
        self._waiting = False
        self.guide.answered(result.status, result.etag, result.summary)
        self._show_guide()

    def action_cancel(self) -> None:
        """Cancel the request in flight; the step can be run again."""
        super().action_cancel()
        if self._waiting and not self.runner.busy(HEAD) and self.guide.step.kind is Kind.PROBE:
            self._waiting = False
            self._show_guide()

    @on(Worker.StateChanged)
    def _rewrite_done(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != REWRITE:
            return
        if event.state is WorkerState.SUCCESS:
            self._waiting = False
            result = worker.result
            assert result is not None  # a successful rewrite returns what the PUT answered
            self.guide.rewritten(result)
            self._show_guide()
        elif event.state is WorkerState.ERROR:
            self._waiting = False
            notify(
                self,
                self.session.redactor.text(str(worker.error)),
                title="Rewrite failed",
                severity="error",
                timeout=10,
            )
            self._show_guide()
