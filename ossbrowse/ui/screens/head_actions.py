"""The head screen's actions in one table: key, id, footer label and palette text.

The screen's key bindings, its command palette entries and the keys listed by F1 are all built
from it (see :mod:`ossbrowse.ui.actions`), so every quick action has one key and one palette
entry, and users can remap keys by binding id (``App.set_keymap``).

The quick probes (m n l u x) follow one rule, which their labels and help say: each sends the
one condition it names and clears the others, so what it promises is what is sent (the probe
before stays in the history, h).
"""

from __future__ import annotations

from ossbrowse.ui.actions import Action

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
        "f3",
        "browse",
        "browse",
        "Browse",
        "Browse the bucket",
        "Open the explorer at the folder of the form's object (the bucket list without a bucket)",
        show=False,
    ),
    Action(
        "f4",
        "versions",
        "versions",
        "Versions",
        "Versions of the key",
        "List the versions of the form's key in the explorer, delete markers included",
        show=False,
    ),
    Action(
        "escape",
        "cancel",
        "cancel",
        "Cancel",
        "Cancel request",
        "Cancel the request in flight; its answer will not be shown",
        # Not in the footer: the status line of a request in flight says "Esc cancels", and a
        # key that came and went with each send would rebuild the footer twice per send.
        show=False,
    ),
    Action(
        "escape",
        "leave_form",
        "leave-form",
        "Leave field",
        "Leave the form",
        "Leave the form for the result pane, where the one-letter keys work",
        show=False,
        palette=False,
    ),
    Action(
        "m",
        "etag_if_match",
        "etag-if-match",
        "If-Match only",
        "Use ETag as If-Match",
        "Send with only If-Match = the last answer's ETag (other conditions cleared)",
        needs="etag",
    ),
    Action(
        "n",
        "etag_if_none_match",
        "etag-if-none-match",
        "If-None-Match only",
        "Use ETag as If-None-Match",
        "Send with only If-None-Match = the last answer's ETag (other conditions cleared)",
        needs="etag",
    ),
    Action(
        "l",
        "lm_if_modified_since",
        "lm-if-modified-since",
        "LM→If-Modified-Since",
        "Use Last-Modified as If-Modified-Since",
        "Send with only If-Modified-Since = the last answer's Last-Modified (other "
        "conditions cleared)",
        show=False,
        needs="last_modified",
    ),
    Action(
        "u",
        "lm_if_unmodified_since",
        "lm-if-unmodified-since",
        "LM→If-Unmodified-Since",
        "Use Last-Modified as If-Unmodified-Since",
        "Send with only If-Unmodified-Since = the last answer's Last-Modified (other "
        "conditions cleared)",
        show=False,
        needs="last_modified",
    ),
    Action(
        "x",
        "stale_if_match",
        "stale-if-match",
        "Stale ETag",
        "Use a stale ETag as If-Match",
        "Send with only If-Match = an ETag that differs from the object's (other conditions "
        "cleared; expect 412)",
        # Not in the footer: with it the footer no longer fits 80 columns (F1, the palette
        # and the demo's banner name it).
        show=False,
        needs="etag",
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
        needs="etag",
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
        "w",
        "watch",
        "watch",
        "Watch",
        "Watch this probe",
        "Send the form's probe again every few seconds until w is pressed again; say when the "
        "answer changes",
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
        "List this profile's probes at this endpoint, kept across runs; pick one to send it again",
        show=False,
    ),
)
