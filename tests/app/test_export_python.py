"""The Python export (``p``) run against the emulator gets the outcome of the probe it came from.

Each probe is sent from the head screen, exported with ``p``, and the copied snippet is executed
as a user would run it (credentials from the OSS_* environment variables, the official
alibabacloud-oss-v2 SDK). The snippet's first word is the status it got.
"""

from __future__ import annotations

import contextlib
import io

import pytest
from textual.message import Message
from tui_helpers import completed, settle

from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY, Emulator
from ossbrowse.ui.app import make_app
from ossbrowse.ui.probes import stale_etag
from ossbrowse.ui.screens.head import HeadScreen


def _run_snippet(snippet: str, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("OSS_ACCESS_KEY_ID", emulator.access_key_id)
    monkeypatch.setenv("OSS_ACCESS_KEY_SECRET", emulator.access_key_secret)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(snippet, "exported.py", "exec"), {})
    return out.getvalue()


# Each probe: the form's fields ("{etag}" and "{lm}" stand for the object's current values).
PROBES = {
    "200": {},
    "304 If-None-Match": {"if-none-match": "{etag}"},
    "304 If-Modified-Since": {"if-modified-since": "{lm}"},
    "412 If-Match": {"if-match": "{stale}"},
    "412 If-Unmodified-Since": {"if-unmodified-since": "Mon, 01 Jan 2001 00:00:00 GMT"},
    "404": {"key": "no/such/key.txt"},
}


@pytest.mark.parametrize("sign_version", ["v4", "v1"])
async def test_python_export_gets_the_probes_outcome(
    demo_emulator: Emulator, monkeypatch: pytest.MonkeyPatch, sign_version: str
) -> None:
    messages: list[Message] = []
    profile = demo_emulator.profile(name="demo", sign_version=sign_version)
    app = make_app(profile, prefill={"bucket": DEMO_BUCKET, "key": DEMO_KEY})
    exported: dict[str, tuple[int | None, str]] = {}
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        first = completed(messages)[-1].result
        assert first.status == 200 and first.etag and first.last_modified
        values = {"etag": first.etag, "lm": first.last_modified, "stale": stale_etag(first.etag)}
        for name, fields in PROBES.items():
            screen = app.screen
            assert isinstance(screen, HeadScreen)
            screen.form.clear_conditions()
            screen.form.set_value("key", DEMO_KEY)
            for field, value in fields.items():
                screen.form.set_value(field, value.format(**values))
            await pilot.press("f5")
            await settle(pilot)
            status = completed(messages)[-1].result.status
            assert str(status) == name.split()[0]  # the probe got what it is meant to get
            await pilot.press("p")
            await settle(pilot)
            assert app.session.copied is not None
            exported[name] = (status, app.session.copied.text)
    for name, (status, snippet) in exported.items():
        assert demo_emulator.access_key_secret not in snippet
        printed = _run_snippet(snippet, demo_emulator, monkeypatch).split()
        assert printed[0] == str(status), (name, snippet)
        if status == 200:
            assert printed[1] == first.etag
