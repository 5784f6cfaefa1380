"""The request form: bucket, key, version id and the four conditional headers.

Each field validates as the user types with the core's own rules and says, on its label line,
what is wrong or what exactly will be sent (the quoted ETag, the RFC 1123 date). The form only
produces values; the screen builds and sends the request.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.widgets import Button, Input

from ossbrowse.oss.validation import InputError, InputErrors
from ossbrowse.ui.actions import TYPING_ZONE
from ossbrowse.ui.fields import (
    BY_ID,
    BY_NAME,
    CONDITION_IDS,
    FIELDS,
    CoreRule,
    FieldSpec,
    field_notes,
    is_blank,
    preview_text,
)
from ossbrowse.ui.literal import LiteralInput, LiteralStatic, plain


class FormField(Vertical):
    """A label line (name and status) above a one-line input."""

    def __init__(self, spec: FieldSpec, value: str = "") -> None:
        super().__init__(classes="form-field", id=f"{spec.id}-field")
        self.spec = spec
        self._initial = value
        self._error: str | None = None

    def compose(self) -> ComposeResult:
        """The label line and the input; date fields add the line with the date sent."""
        yield LiteralStatic(self.spec.label, classes="field-label", id=f"{self.spec.id}-label")
        yield LiteralInput(
            self._initial,
            placeholder=self.spec.placeholder,
            id=self.spec.id,
            compact=True,
            validators=[CoreRule(self.spec)],
            validate_on=["changed", "submitted"],
            select_on_focus=False,
        )
        if self.is_date:
            yield LiteralStatic(classes="field-preview", id=f"{self.spec.id}-preview")

    @property
    def is_date(self) -> bool:
        """True for If-Modified-Since and If-Unmodified-Since."""
        return self.spec.id.endswith("-since")

    def on_mount(self) -> None:
        """Show the preview of a prefilled value at once."""
        self.refresh_status()

    @property
    def input(self) -> Input:
        """The field's input widget."""
        return self.query_one(Input)

    @property
    def error(self) -> str | None:
        """The current validation message, or None when the value is acceptable."""
        return self._error

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self.refresh_status()

    def refresh_status(self) -> None:
        """Re-check the value and rewrite the status (label line, or preview line for dates)."""
        text = self.input.value
        spec = self.spec
        self._error = None
        status: Content = Content("")
        notes: tuple[str, ...] = ()
        if not spec.optional and not text:
            # An empty required field is not an error until the user tries to send.
            status = Content.styled("required", "dim")
        else:
            try:
                sent = preview_text(spec, text)
                notes = field_notes(spec, text)
            except InputError as exc:
                self._error = exc.message
            else:
                if sent is not None:
                    status = plain(f"→ {sent}", "$text-success")
        if self._error is not None:
            self._show(self._error)
            return
        self.input.set_class(False, "-invalid")
        # The line may cut a note: the tooltip holds every note whole.
        self.input.tooltip = None
        if notes:
            self.input.tooltip = plain("\n".join(f"⚠ {note}" for note in notes))
        warning = Content("\n").join(plain(f"⚠ {note}", "$text-warning") for note in notes)
        if self.is_date:
            self._label(Content(""))
            hint = status if text.strip() else Content.styled("sent as an RFC 1123 date", "dim")
            preview = self.query_one(".field-preview", LiteralStatic)
            preview.set_class(bool(notes), "-noted")
            preview.update(Content("\n").join([hint, warning]) if notes else hint)
        else:
            self._label(Content.assemble(status, " ", warning) if notes else status)

    def _label(self, status: Content) -> None:
        label = Content.assemble((self.spec.label, "bold"), " ", status)
        self.query_one(".field-label", LiteralStatic).update(label)

    def _show(self, message: str) -> None:
        self._error = message
        self.input.set_class(True, "-invalid")
        if self.is_date:
            self.query_one(".field-preview").set_class(False, "-noted")
        # The line may cut a long message: the tooltip (and the notice on send) hold it whole.
        self.input.tooltip = plain(message)
        error = plain(f"✘ {message}", "$text-error")
        if self.is_date:
            self._label(Content.styled("✘", "$text-error"))
            self.query_one(".field-preview", LiteralStatic).update(error)
        else:
            self._label(error)

    def show_error(self, message: str) -> None:
        """Mark the field as refused by the core, with ``message``."""
        self._show(message)


class RequestForm(Vertical):
    """Every field of a HEAD request, plus a Send button for the mouse."""

    def __init__(self, prefill: Mapping[str, str] | None = None, *, id: str | None = None) -> None:
        # A typing zone: the screen's one-letter keys never fire on its fields or its button.
        super().__init__(id=id, classes=TYPING_ZONE)
        self._prefill = {_field_id(name): value for name, value in (prefill or {}).items()}

    def compose(self) -> ComposeResult:
        """Three rows: the object (and Send), the ETag conditions, the date conditions."""
        fields = {spec.id: FormField(spec, self._prefill.get(spec.id, "")) for spec in FIELDS}
        with Grid(id="object-row"):
            yield fields["bucket"]
            yield fields["key"]
            yield fields["version-id"]
            yield Button(
                "HEAD ▶",
                id="send",
                variant="primary",
                compact=True,
                tooltip="Send the HEAD request (Enter, F5 or ctrl+r)",
            )
        with Grid(id="etag-row", classes="condition-row"):
            yield fields["if-match"]
            yield fields["if-none-match"]
        with Grid(id="date-row", classes="condition-row"):
            yield fields["if-modified-since"]
            yield fields["if-unmodified-since"]

    def field(self, field_id: str) -> FormField:
        """The field with widget id (``if-match``) or core name (``if_match``)."""
        return self.query_one(f"#{_field_id(field_id)}-field", FormField)

    def values(self) -> dict[str, str]:
        """Every field's text keyed by ``build_head_request`` keyword."""
        return {spec.name: self.field(spec.id).input.value for spec in FIELDS}

    def set_value(self, field_id: str, value: str) -> None:
        """Replace one field's text (its status line follows)."""
        self.field(field_id).input.value = value

    def clear_conditions(self) -> None:
        """Empty the four conditional headers."""
        for field_id in CONDITION_IDS:
            self.set_value(field_id, "")

    def show_errors(self, errors: InputErrors) -> str | None:
        """Mark each refused field; return the widget id of the first one in form order."""
        bad = {}
        for error in errors.errors:
            spec = BY_NAME.get(error.field)
            if spec is not None:
                self.field(spec.id).show_error(error.message)
                bad[spec.id] = error
        return next((spec.id for spec in FIELDS if spec.id in bad), None)

    def has_conditions(self) -> bool:
        """True when any conditional header holds a value."""
        return any(
            not is_blank(BY_ID[field_id], self.field(field_id).input.value)
            for field_id in CONDITION_IDS
        )


def _field_id(name: str) -> str:
    """Accept ``version_id`` (core / CLI name) or ``version-id`` (widget id)."""
    return name.replace("_", "-")
