"""The head screen's quick actions: one key turns the last answer into the next probe.

:class:`ProbeActions` holds the actions that read the result on screen and either fill a
condition and send, or copy something. A quick probe sends exactly the condition it names: the
other three are cleared first, so m after x is a clean If-Match probe, not both at once.
:class:`~ossbrowse.ui.screens.head.HeadScreen` builds on it with the form, the sending and the
result pane.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ossbrowse.oss import export
from ossbrowse.oss.profile import Profile
from ossbrowse.oss.render import result_to_dict
from ossbrowse.oss.results import HeadRequest
from ossbrowse.ui.clipboard import copy_text
from ossbrowse.ui.literal import notify
from ossbrowse.ui.probes import stale_etag
from ossbrowse.ui.screens.base import SessionScreen
from ossbrowse.ui.widgets.headers_table import HeadersTable
from ossbrowse.ui.widgets.request_form import RequestForm
from ossbrowse.ui.widgets.result_pane import ResultPane


class ProbeActions(SessionScreen):
    """Quick actions over the form and the result pane; subclasses implement sending."""

    @property
    def form(self) -> RequestForm:
        """The request form."""
        return self.query_one(RequestForm)

    @property
    def pane(self) -> ResultPane:
        """The result pane."""
        return self.query_one(ResultPane)

    def action_send(self) -> None:
        """Validate the form and send (the subclass's job)."""
        raise NotImplementedError

    def _object_value(self, name: str) -> str | None:
        """The last answer's ETag or Last-Modified, or the fetched one for a bare 304/412."""
        shown = self.pane.shown
        if shown is None:
            return None
        for result in (shown.result, shown.fetched):
            value = getattr(result, name, None) if result else None
            if value:
                return str(value)
        return None

    def _missing(self, name: str) -> str:
        """Why the last answer gives no ``name`` (``etag`` / ``last_modified``) to use."""
        what = "ETag" if name == "etag" else "Last-Modified"
        shown = self.pane.shown
        if shown is None:
            return f"No {what} yet: send a HEAD first (F5)."
        result = shown.result
        if result.status is None:
            return (
                f"The last HEAD got no answer, so there is no {what} to use: send it again "
                "(F5) once the endpoint answers."
            )
        if result.status == 404:
            return (
                f"The last HEAD answered 404: there is no such object, so no {what} to use. "
                "Check the bucket, key and version, then send (F5)."
            )
        if result.status in (304, 412):
            return (
                f"The {result.status} answer carries no {what}: press f to fetch the object's "
                "values first."
            )
        return f"The last answer ({result.status}) carries no {what} to use."

    def action_explain(self, action: str) -> None:
        """Say why ``action`` does not apply now (its key, pressed while it is hidden)."""
        need = next((a.needs for a in self.ACTIONS if a.action == action), None)
        if need is not None and self._object_value(need) is None:
            notify(self, self._missing(need), severity="warning")
            return
        # It applies after all (the answer changed since the key was read): run it.
        getattr(self, f"action_{action}")()

    def _use(self, field_id: str, value: str | None, name: str) -> None:
        """Send with only ``field_id`` = ``value``: the other conditions are cleared first."""
        if value is None:
            notify(self, self._missing(name), severity="warning")
            return
        self.form.clear_conditions()
        self.form.set_value(field_id, value)
        self.action_send()

    def action_etag_if_match(self) -> None:
        """Use the ETag as If-Match, and send."""
        self._use("if-match", self._object_value("etag"), "etag")

    def action_etag_if_none_match(self) -> None:
        """Use the ETag as If-None-Match, and send."""
        self._use("if-none-match", self._object_value("etag"), "etag")

    def action_lm_if_modified_since(self) -> None:
        """Use Last-Modified as If-Modified-Since, and send."""
        self._use("if-modified-since", self._object_value("last_modified"), "last_modified")

    def action_lm_if_unmodified_since(self) -> None:
        """Use Last-Modified as If-Unmodified-Since, and send."""
        self._use("if-unmodified-since", self._object_value("last_modified"), "last_modified")

    def action_stale_if_match(self) -> None:
        """Use an ETag that differs from the object's as If-Match, and send (a 412)."""
        etag = self._object_value("etag")
        self._use("if-match", stale_etag(etag) if etag else None, "etag")

    def action_clear_conditions(self) -> None:
        """Empty the four conditional headers (nothing is sent)."""
        self.form.clear_conditions()
        notify(self, "Conditions cleared.", timeout=3)

    # -- copying -------------------------------------------------------------------------

    def action_copy_etag(self) -> None:
        """Copy the ETag."""
        etag = self._object_value("etag")
        if etag is None:
            notify(self, self._missing("etag"), severity="warning")
            return
        copy_text(self, self.session, etag, "the ETag")

    def action_copy_header(self) -> None:
        """Copy the value of the header selected in the headers table."""
        if self.pane.shown is None:
            notify(self, "No headers to copy yet.", severity="warning")
            return
        selected = self.query_one(HeadersTable).selected_header()
        if selected is None:
            notify(
                self,
                "Select a header row first (click it, or Tab to the table and use the arrows).",
                severity="warning",
            )
            return
        name, value = selected
        copy_text(self, self.session, value, f"the value of {name}")

    def action_copy_json(self) -> None:
        """Copy the whole result as JSON (the same document as ``ossbrowse head -o json``)."""
        shown = self.pane.shown
        if shown is None:
            notify(self, "No result to copy yet.", severity="warning")
            return
        text = json.dumps(
            result_to_dict(shown.result, redactor=self.session.redactor),
            indent=2,
            ensure_ascii=False,
        )
        copy_text(self, self.session, text, "the result as JSON")

    # -- shareable reproductions --------------------------------------------------------------

    def _export(self, make: Callable[[HeadRequest, Profile], str], what: str) -> None:
        """Copy the shown probe as a command or snippet; exports never hold a secret."""
        shown = self.pane.shown
        if shown is None:
            notify(
                self, "Send a HEAD first (F5): the export repeats that probe.", severity="warning"
            )
            return
        copy_text(self, self.session, make(shown.result.request, self.session.profile), what)

    def action_export_ossutil(self) -> None:
        """Copy the probe as an ``ossutil api head-object`` command."""
        self._export(export.to_ossutil, "the probe as an ossutil command")

    def action_export_ossbrowse(self) -> None:
        """Copy the probe as an ``ossbrowse head`` command."""
        self._export(export.to_ossbrowse, "the probe as an ossbrowse head command")

    def action_export_curl(self) -> None:
        """Copy the probe as curl with a presigned URL (valid 15 minutes) and the If-* headers."""
        now = self.session.now()
        self._export(lambda r, p: export.to_curl(r, p, now=now), "the probe as a curl command")

    def action_export_python(self) -> None:
        """Copy the probe as an alibabacloud-oss-v2 snippet."""
        self._export(export.to_python, "the probe as Python (alibabacloud-oss-v2)")
