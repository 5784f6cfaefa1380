"""The head screen's actions in one table: key, id, footer label and palette text.

The screen's key bindings and the command palette entries are both built from it, so every
quick action has one key and one palette entry, and users can remap keys by binding id
(``App.set_keymap``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Action:
    """One action of the head screen."""

    key: str
    action: str
    """Method name without ``action_``."""
    id: str
    label: str
    """Short text for the footer."""
    title: str
    """Command palette title."""
    help: str
    """Command palette help, and the binding's tooltip."""
    show: bool = True
    """Shown in the footer."""
    palette: bool = True


HEAD_ACTIONS: tuple[Action, ...] = (
    Action(
        "f5,ctrl+r",
        "send",
        "send",
        "HEAD",
        "Send HEAD",
        "Send a HEAD request for the form's object and conditions",
    ),
    Action(
        "escape",
        "cancel",
        "cancel",
        "Cancel",
        "Cancel request",
        "Cancel the request in flight; its answer will not be shown",
    ),
    Action(
        "m",
        "etag_if_match",
        "etag-if-match",
        "If-Match",
        "Use ETag as If-Match",
        "Put the last result's ETag in If-Match and send",
    ),
    Action(
        "n",
        "etag_if_none_match",
        "etag-if-none-match",
        "If-None-Match",
        "Use ETag as If-None-Match",
        "Put the last result's ETag in If-None-Match and send",
    ),
    Action(
        "l",
        "lm_if_modified_since",
        "lm-if-modified-since",
        "LM→If-Modified-Since",
        "Use Last-Modified as If-Modified-Since",
        "Put the last result's Last-Modified in If-Modified-Since and send",
        show=False,
    ),
    Action(
        "u",
        "lm_if_unmodified_since",
        "lm-if-unmodified-since",
        "LM→If-Unmodified-Since",
        "Use Last-Modified as If-Unmodified-Since",
        "Put the last result's Last-Modified in If-Unmodified-Since and send",
        show=False,
    ),
    Action(
        "x",
        "stale_if_match",
        "stale-if-match",
        "Stale ETag",
        "Use a stale ETag as If-Match",
        "Put an ETag that differs from the object's in If-Match and send (expect 412)",
    ),
    Action(
        "c",
        "clear_conditions",
        "clear-conditions",
        "Clear",
        "Clear conditions",
        "Empty the four conditional headers",
        show=False,
    ),
    Action(
        "f",
        "fetch",
        "fetch",
        "Fetch",
        "Fetch the object's values",
        "HEAD the object without conditions and fill the object's values in the table",
    ),
    Action(
        "y",
        "copy_etag",
        "copy-etag",
        "Copy ETag",
        "Copy ETag",
        "Copy the ETag to the clipboard",
        show=False,
    ),
    Action(
        "v",
        "copy_header",
        "copy-header",
        "Copy header",
        "Copy header value",
        "Copy the value of the selected response header",
        show=False,
    ),
    Action(
        "j",
        "copy_json",
        "copy-json",
        "Copy JSON",
        "Copy result as JSON",
        "Copy the whole result as JSON",
        show=False,
    ),
    Action(
        "g",
        "export_ossutil",
        "export-ossutil",
        "ossutil",
        "Copy as ossutil command",
        "Copy this probe as an `ossutil api head-object` command (no secret in it)",
        show=False,
    ),
    Action(
        "b",
        "export_ossbrowse",
        "export-ossbrowse",
        "ossbrowse head",
        "Copy as ossbrowse head command",
        "Copy this probe as an `ossbrowse head` command for scripts (no secret in it)",
        show=False,
    ),
    Action(
        "k",
        "export_curl",
        "export-curl",
        "curl",
        "Copy as curl command",
        "Copy this probe as curl with a presigned URL valid 15 minutes (no secret in it)",
        show=False,
    ),
    Action(
        "p",
        "export_python",
        "export-python",
        "Python",
        "Copy as Python snippet",
        "Copy this probe as alibabacloud-oss-v2 code reading credentials from the environment",
        show=False,
    ),
    Action(
        "e",
        "edit",
        "edit",
        "Edit",
        "Edit the request",
        "Move the focus back to the request form",
        show=False,
    ),
    Action(
        "h",
        "history",
        "history",
        "History",
        "Probe history",
        "List this session's probes; pick one to send it again",
        show=False,
    ),
)


def bindings(actions: Iterable[Action]) -> list[BindingType]:
    """Key bindings for ``actions``, each with an id and a tooltip."""
    return [
        Binding(a.key, a.action, a.label, show=a.show, id=a.id, tooltip=a.help) for a in actions
    ]
