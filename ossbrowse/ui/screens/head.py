"""The head screen: the request form above the result pane, sending, cancelling, fetching.

Requests go through the screen's :class:`~ossbrowse.ui.runner.RequestRunner` in one group,
``"head"``: a new send replaces the one in flight, Escape cancels it, the UI never blocks, and
an answer to a request the user already cancelled or replaced is dropped instead of shown.
The profile and client come from the session; a profile switch cancels what is in flight.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Input

from ossbrowse.oss.client import OssClient
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.explain import explain
from ossbrowse.oss.results import HeadRequest, HeadResult, Outcome
from ossbrowse.oss.safetext import shorten
from ossbrowse.oss.validation import InputErrors
from ossbrowse.ui.actions import EXPLAIN, Action, bindings, typing_focus
from ossbrowse.ui.fields import BY_NAME
from ossbrowse.ui.literal import LiteralStatic, notify, plain, template
from ossbrowse.ui.runner import RequestRunner, Ticket
from ossbrowse.ui.screens.head_actions import HEAD_ACTIONS
from ossbrowse.ui.screens.history import HistoryScreen
from ossbrowse.ui.screens.probe_actions import ProbeActions
from ossbrowse.ui.session import Session
from ossbrowse.ui.watching import Stoppable, Watch
from ossbrowse.ui.widgets.conditions_view import needs_fetch
from ossbrowse.ui.widgets.profile_bar import ProfileBar
from ossbrowse.ui.widgets.request_form import RequestForm
from ossbrowse.ui.widgets.result_pane import ResultPane
from ossbrowse.ui.widgets.steady_footer import SteadyFooter

# One line at 80 columns (F1 help is in the footer); a narrower terminal wraps it.
DEMO_HINT = (
    "Demo: [b]F5[/b] → 200 · [b]n[/b] If-None-Match → 304 · [b]x[/b] stale If-Match → 412 · "
    "[b]F3[/b] explorer"
)
START_HINT = (
    "Fill in [b]bucket[/b] and [b]key[/b], then press [b]Enter[/b] or [b]F5[/b] to send a HEAD.\n"
    "After an answer, one key sends the next probe with only the condition it names: "
    "[b]m[/b]/[b]n[/b] its ETag as If-Match/If-None-Match, [b]l[/b]/[b]u[/b] its "
    "Last-Modified as If-Modified-Since/If-Unmodified-Since (other conditions cleared).\n"
    "[b]F1[/b] lists every key; [b]ctrl+p[/b] opens the command palette."
)


_ONE_LETTER = {a.action for a in HEAD_ACTIONS if a.one_letter} | {EXPLAIN}
"""Actions on a one-letter key: off while the focus is on the form."""
_NEEDS = {a.action: a.needs for a in HEAD_ACTIONS if a.needs}

HEAD = "head"
"""The runner group of the screen's requests (the user's sends and fetches)."""
WATCH = "watch"
"""The runner group of the watch's ticks: apart, so a tick never cancels the user's send."""
STATUS_DELAY_S = 0.15
"""A request still in flight after this long gets its "Sending HEAD … (Esc cancels)" line."""
FRAME_HOLD_S = 0.1
"""How long a send may hold the screen's frames back, waiting to draw its answer in the first.

Textual draws a frame at most once per period (1/60 s) and, after a frame, waits one to two
periods before the next: a frame drawn at the key press (the focus leaving the form, a quick
probe filling a condition, the answer dimmed as stale meanwhile) put the answer's frame 17-33
ms after it. Most answers come within a few milliseconds, so the key press and the answer go
out in one frame; a slower answer gets the key press drawn after this long (before the
"Sending HEAD" line)."""


class Purpose(StrEnum):
    """Why a HEAD was sent."""

    SEND = "send"
    """The user's own request, from the form."""
    FETCH = "fetch"
    """An unconditional HEAD of the same object, to learn its ETag and Last-Modified."""


class HeadScreen(ProbeActions):
    """HEAD an object, see the outcome and why."""

    ACTIONS: ClassVar[tuple[Action, ...]] = HEAD_ACTIONS
    BINDINGS = bindings(HEAD_ACTIONS)

    @dataclass
    class Completed(Message):
        """A HEAD came back (any status, or no answer at all)."""

        ticket: Ticket
        result: HeadResult

        @property
        def purpose(self) -> Purpose:
            """Why it was sent."""
            return Purpose(self.ticket.purpose)

    @dataclass
    class WatchTick(Message):
        """A watch tick came back."""

        ticket: Ticket
        result: HeadResult

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.runner = RequestRunner(self)
        self._last_input = "key"
        self._status_timer: Timer | None = None
        self._held_frames: ExitStack | None = None
        self._sending: HeadRequest | None = None
        """What the form asked for when it was last sent."""
        self._hold_timer: Timer | None = None
        self.watching: Watch | None = None
        """The probe being watched, if any."""
        self._next_tick: Stoppable | None = None

    @property
    def in_flight(self) -> bool:
        """True while a request is on its way and its answer is still wanted."""
        return self.runner.busy(HEAD)

    def compose(self) -> ComposeResult:
        """Header line, optional demo hint, form, result pane, footer."""
        yield ProfileBar(id="profile-bar")
        yield LiteralStatic(template(DEMO_HINT), id="demo-hint")
        yield RequestForm(self.session.start, id="form")
        yield LiteralStatic(id="watch-pane")
        yield ResultPane(id="result")
        yield SteadyFooter()

    def on_mount(self) -> None:
        """Describe the profile and focus the first field to fill in."""
        self.query_one("#demo-hint").display = self.session.demo
        self.query_one("#watch-pane").display = False
        # Immediate: in flight on the old client is cancelled before that client closes.
        self.session.profile_changed.subscribe(self, self._profile_changed, immediate=True)
        self._show_profile()
        values = self.form.values()
        first = "bucket" if not values["bucket"] else "key"
        self.form.field(first).input.focus()

    def _profile_changed(self, session: Session) -> None:
        self.action_cancel()
        if self.watching is not None:
            self.stop_watch()
            notify(self, "The watch stopped: the profile changed.", title="Watch")
        self._show_profile()

    def _show_profile(self) -> None:
        """The header line and the guidance for the session's profile."""
        session = self.session
        self.query_one(ProfileBar).show_profile(
            session.profile,
            session.client.endpoint_label if session.client else None,
            usable=session.client is not None,
            demo=session.on_demo_profile,
            presenter=session.presenter,
        )
        if session.client is None:
            self.pane.show_placeholder(
                Content.assemble(
                    ("This profile cannot send requests.\n", "bold $text-error"),
                    plain(session.client_problem or "", lines=True),
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

    @on(Input.Changed)
    def _form_changed(self, event: Input.Changed) -> None:
        """Mark the shown answer stale once the form asks for another probe."""
        shown = self.pane.shown
        if shown is None or self.form not in event.input.ancestors:
            return
        try:
            request: HeadRequest | None = build_head_request(**self.form.values())
        except InputErrors:
            request = None
        if request is not None and self.in_flight and request == self._sending:
            # A quick probe filled the form and sent it: its answer is on its way and will
            # replace the shown one. Dimming it meanwhile would restyle the whole pane (tens of
            # milliseconds) for a frame that at best flickers.
            return
        self.pane.mark_stale(request != shown.result.request)

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
        client = self.session.client
        if client is None:
            notify(
                self,
                self.session.client_problem or "No usable profile.",
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
        self._start(client, request, Purpose.SEND)
        # Leave the form so that the one-letter quick actions work at once. Only when the focus
        # is elsewhere: Textual repaints a widget focused again, and a repaint of the whole pane
        # at the key press delays the frame with the answer by a frame period or two.
        if self.focused is not self.pane:
            self.pane.focus()

    def _hold_frames(self) -> None:
        """Draw nothing until the answer is shown or ``FRAME_HOLD_S`` has passed."""
        if self._hold_timer is not None:
            self._hold_timer.stop()
        if self._held_frames is None:
            self._held_frames = ExitStack()
            self._held_frames.enter_context(self.app.batch_update())
        self._hold_timer = self.set_timer(FRAME_HOLD_S, self._release_frames)

    def _release_frames(self) -> None:
        """Let frames be drawn again (the next one shows everything since the hold)."""
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        held, self._held_frames = self._held_frames, None
        if held is not None:
            held.close()

    def on_unmount(self) -> None:
        """Never leave the app's frames held."""
        self._release_frames()

    def on_screen_suspend(self) -> None:
        """Another screen is shown: it draws at once."""
        self._release_frames()

    def _start(self, client: OssClient, request: HeadRequest, purpose: Purpose) -> None:
        target = shorten(f"{request.bucket}/{request.key}", 120, middle=True)
        verb = "Fetching the object's values" if purpose is Purpose.FETCH else "Sending HEAD"
        status = f"{verb}: {target} …  (Esc cancels)"
        # Said only when the answer is not there at once: a quick exchange (most of them) then
        # re-lays the screen out once, for its result, and the line does not flicker.
        if self._status_timer is not None:
            self._status_timer.stop()
        if self.pane.status_shown:  # e.g. "Cancelled": it must not stand for this request
            self.pane.show_status(status)
        self._status_timer = self.set_timer(STATUS_DELAY_S, lambda: self._still_sending(status))
        self._hold_frames()
        if purpose is Purpose.SEND:
            self._sending = request
        # The client is synchronous: it runs in a thread worker, off the event loop, and its
        # timing covers the network exchange only.
        self.runner.run_blocking(
            HEAD,
            lambda: client.head_object(request),
            self.Completed,
            purpose=purpose,
            description="HEAD object",
        )
        self.refresh_bindings()

    def _still_sending(self, status: str) -> None:
        self._status_timer = None
        if self.in_flight:
            self.pane.show_status(status)

    @on(Completed)
    def _completed(self, event: Completed) -> None:
        if not self.runner.finish(event.ticket):
            return  # cancelled or replaced: never show a stale answer
        try:
            self._show_completed(event)
        finally:
            self._release_frames()

    def _show_completed(self, event: Completed) -> None:
        if event.purpose is Purpose.FETCH:
            self._fill_object_values(event.result)
        else:
            self.pane.show_result(event.result, now=self.session.now())
            self._remember(event.result)
            if event.result.status == 404 and event.result.header("x-oss-delete-marker") == "true":
                notify(
                    self,
                    "Its current version is a delete marker: press F4 to see the key's "
                    "versions (older versions can still be read).",
                    title="Deleted",
                    timeout=10,
                )
        self.refresh_bindings()

    def _remember(self, result: HeadResult) -> None:
        """Add ``result`` to the history; say so if the history file failed."""
        history = self.session.history
        history.add(result, self.session.now(), self.session.redactor)
        warning = history.take_warning()
        if warning:
            notify(self, warning, title="History", severity="warning", timeout=12)

    @on(RequestRunner.Failed)
    def _failed(self, event: RequestRunner.Failed) -> None:
        """A bug in the request path: say so, keep the UI usable."""
        if not self.runner.finish(event.ticket):
            return
        if event.ticket.group == WATCH:
            self._watch_failed(event.error)
            return
        self._release_frames()
        self.pane.show_status(None)
        notify(
            self,
            self.session.redactor.text(str(event.error)),
            title="HEAD failed",
            severity="error",
            timeout=10,
        )
        self.refresh_bindings()

    def action_leave_form(self) -> None:
        """Move the focus from the form to the result pane (Escape in a field)."""
        self.pane.focus()

    def action_cancel(self) -> None:
        """Cancel the request in flight; a late answer will be dropped."""
        if self.runner.cancel(HEAD) is None:
            return
        self._release_frames()
        self.pane.show_status("Cancelled. Its answer, if one comes, will not be shown.")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only what applies now.

        One-letter keys never fire while the focus is on the form (they type, or the user
        thinks they do); Cancel only while a request is in flight, Escape otherwise leaves a
        field; an action that needs the ETag or Last-Modified only when the answer has one;
        Fetch only when it can help.
        """
        if action in _ONE_LETTER and self.is_mounted and typing_focus(self):
            return False
        if action == "cancel":
            return self.in_flight
        if action == "leave_form":
            return self.is_mounted and not self.in_flight and typing_focus(self)
        need = _NEEDS.get(action)
        if need is not None:
            return self.is_mounted and self._object_value(need) is not None
        if action == "fetch":
            shown = self.pane.shown if self.is_mounted else None
            return shown is not None and shown.fetched is None and needs_fetch(shown.result)
        return True

    # -- the object's values for a bare 304/412 ---------------------------------------------

    def action_fetch(self) -> None:
        """HEAD the same object without conditions, to fill in the object's values."""
        shown = self.pane.shown
        client = self.session.client
        if shown is None or not shown.result.conditions:
            notify(self, "Send a HEAD with conditions first.", severity="warning")
            return
        if client is None:
            return
        self._start(client, shown.result.request.unconditional(), Purpose.FETCH)

    def _fill_object_values(self, fetched: HeadResult) -> None:
        shown = self.pane.shown
        if shown is None:
            return
        if fetched.outcome is not Outcome.OK:
            notify(
                self,
                f"The unconditional HEAD answered {fetched.status or 'nothing'}: "
                f"{self.session.redactor.text(fetched.summary)}",
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
        self.pane.show_result(
            replace(original, conditions=checks, summary=summary), fetched, now=self.session.now()
        )

    def action_history(self) -> None:
        """Show the profile's probes; the one picked is sent again."""
        history = self.session.history
        where = f"of profile {history.profile}"
        if not self.session.presenter:  # an audience does not see the endpoint
            where += f" at {history.endpoint}"
        self.app.push_screen(HistoryScreen(history.entries, where), callback=self._replay)

    def _replay(self, form: dict[str, str] | None) -> None:
        if form is None:
            return
        for name, value in form.items():
            self.form.set_value(name, value)
        self.action_send()

    async def action_versions(self) -> None:
        """List the versions of the form's key in the explorer."""
        from ossbrowse.ui.screens.browse import BrowseScreen

        values = self.form.values()
        bucket, key = values["bucket"].strip(), values["key"]
        if not bucket or not key:
            notify(self, "Fill in bucket and key first.", severity="warning")
            return
        await self.app.switch_mode("browse")
        screen = self.app.screen
        if isinstance(screen, BrowseScreen):
            screen.show_versions(bucket, key)

    async def action_browse(self) -> None:
        """Open the explorer at the folder of the form's object."""
        from ossbrowse.ui.screens.browse import BrowseScreen

        values = self.form.values()
        await self.app.switch_mode("browse")
        screen = self.app.screen
        if isinstance(screen, BrowseScreen):
            screen.show_place(values["bucket"].strip(), values["key"])

    # -- watching a probe --------------------------------------------------------------------

    def action_watch(self) -> None:
        """Start watching the form's probe (sent every N seconds), or stop the watch."""
        if self.watching is not None:
            self.stop_watch()
            notify(self, "Stopped watching.", title="Watch", timeout=4)
            return
        client = self.session.client
        if client is None:
            notify(self, self.session.client_problem or "No usable profile.", title="Not watched")
            return
        try:
            request = build_head_request(**self.form.values())
        except InputErrors as errors:
            self.form.show_errors(errors)
            notify(self, str(errors), title="Not watched", severity="error", timeout=8)
            return
        self.watching = Watch(request, self.session.watch.interval)
        pane = self.query_one("#watch-pane", LiteralStatic)
        pane.display = True
        pane.set_class(False, "-changed")
        self._show_watch()
        self._tick()

    def stop_watch(self) -> None:
        """Stop the watch: no more ticks, the one in flight is dropped."""
        self.watching = None
        if self._next_tick is not None:
            self._next_tick.stop()
            self._next_tick = None
        self.runner.cancel(WATCH)
        self.query_one("#watch-pane").display = False

    def _tick(self) -> None:
        """Send the watched probe once (the answer schedules the next tick)."""
        self._next_tick = None
        watch, client = self.watching, self.session.client
        if watch is None or client is None:
            return
        request = watch.request
        self.runner.run_blocking(
            WATCH,
            lambda: client.head_object(request),
            self.WatchTick,
            purpose="watch",
            description="HEAD object (watch)",
        )

    def _schedule_tick(self) -> None:
        watch = self.watching
        if watch is None:
            return
        schedule = self.session.watch.schedule or self.set_timer
        self._next_tick = schedule(watch.next_delay(), self._tick)

    @on(WatchTick)
    def _watch_tick(self, event: WatchTick) -> None:
        if not self.runner.finish(event.ticket) or self.watching is None:
            return  # stopped since
        watch, result = self.watching, event.result
        before = watch.baseline
        change = watch.take(result, self.session.now())
        if watch.baseline is not before:  # the first answer, or a change: both are kept
            self._remember(result)
        if change:
            self.query_one("#watch-pane").add_class("-changed")
            # The pane holds the whole sentence; the notification says what it means.
            notify(
                self,
                watch.last_headline or change,
                title="Watch: the answer changed",
                severity="warning",
                timeout=10,
            )
            if self.session.watch.bell:
                self.app.bell()
            if not self.in_flight:  # the user's own send, when one is on its way, shows itself
                self.pane.show_result(result, now=self.session.now())
        self._show_watch()
        self._schedule_tick()

    def _watch_failed(self, error: Exception) -> None:
        watch = self.watching
        if watch is None:
            return
        watch.ticks += 1
        watch.failures += 1
        watch.last_problem = (
            f"Tick {watch.ticks} failed ({self.session.redactor.text(str(error))}); "
            f"next try in {watch.next_delay():g} s."
        )
        self._show_watch()
        self._schedule_tick()

    def _show_watch(self) -> None:
        if self.watching is not None:
            self.query_one("#watch-pane", LiteralStatic).update(self.watching.text())

    def action_edit(self) -> None:
        """Focus the form field used last."""
        self.form.field(self._last_input).input.focus()
