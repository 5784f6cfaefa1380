"""A crash report (what Textual prints after an unhandled exception) never carries a secret.

Textual's stock report prints every frame's local variables, and a frame of the signer or of
the config reader holds a secret's text. The app's report keeps the frames, without locals.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.app import App
from tui_helpers import (
    SECRET,
    STS_SECRET,
    STS_TOKEN,
    completed,
    notifications,
    profile_for,
    screen_text,
    settle,
)

from ossbrowse.emulator import Emulator
from ossbrowse.oss import canonical
from ossbrowse.oss.redact import Redactor
from ossbrowse.oss.secret import HIDDEN_VALUE
from ossbrowse.ui.app import OssBrowseApp
from ossbrowse.ui.crash_report import crash_traceback


def broken_hmac(*args: Any, **kwargs: Any) -> bytes:
    raise RuntimeError("the HMAC failed")


async def crash_while_exporting(app: OssBrowseApp, monkeypatch: pytest.MonkeyPatch) -> str:
    """Send a HEAD, then break signing and copy the probe as curl (it presigns): a crash."""
    report = io.StringIO()
    app.error_console = Console(file=report, width=200, color_system=None)
    messages: list[Any] = []
    with pytest.raises(RuntimeError, match="the HMAC failed"):
        async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
            await pilot.press("f5")
            await settle(pilot)
            assert completed(messages)[-1].result.status == 200
            monkeypatch.setattr(canonical, "_hmac256", broken_hmac)
            await pilot.press("k")
            await pilot.pause()
    return report.getvalue()


def patient_app(demo_app: Callable[..., OssBrowseApp], emulator: Emulator) -> OssBrowseApp:
    # Generous timeouts: the HEAD before the crash must succeed even on a loaded machine.
    profile = profile_for(emulator, connect_timeout=30.0, read_timeout=30.0)
    return demo_app(profile=profile, transport=None)


async def test_a_crash_while_signing_shows_frames_but_no_secret(
    demo_app: Callable[..., OssBrowseApp], emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = await crash_while_exporting(patient_app(demo_app, emulator), monkeypatch)
    assert "RuntimeError: the HMAC failed" in output
    assert "v4_signing_key" in output  # the frame that held the secret is in the report
    assert SECRET not in output
    assert SECRET[:12] not in output


async def test_the_stock_report_would_have_shown_the_secret(
    demo_app: Callable[..., OssBrowseApp], emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = patient_app(demo_app, emulator)
    # Textual's own crash report, as the app had it before: what this test would catch.
    monkeypatch.setattr(app, "_fatal_error", lambda: App._fatal_error(app))
    output = await crash_while_exporting(app, monkeypatch)
    assert "v4_signing_key" in output
    assert SECRET in output  # why the app replaces the report


async def test_a_crash_while_switching_profile_shows_no_secret_from_the_file(
    demo_app: Callable[..., OssBrowseApp], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "ossutilconfig"
    config.write_text(
        f"[default]\naccessKeyId = STS.x\naccessKeySecret = {STS_SECRET}\n"
        f"stsToken = {STS_TOKEN}\nregion = cn-hangzhou\n"
    )
    config.chmod(0o600)

    def broken_mode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("mode check failed")

    monkeypatch.setattr("ossbrowse.config._apply_mode", broken_mode)
    app = demo_app(config_file=str(config))
    report = io.StringIO()
    app.error_console = Console(file=report, width=200, color_system=None)
    with pytest.raises(RuntimeError, match="mode check failed"):
        async with app.run_test(size=(120, 40)) as pilot:
            app.call_later(app.switch_profile, "default")
            await pilot.pause()
    output = report.getvalue()
    assert "resolve_profile" in output
    for canary in (SECRET, STS_SECRET, STS_TOKEN):
        assert canary not in output


async def test_an_undecodable_secret_in_the_environment_is_refused_on_a_profile_switch(
    demo_app: Callable[..., OssBrowseApp], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A byte that is not UTF-8 reaches os.environ as a lone surrogate; it used to crash here.
    config = tmp_path / "ossutilconfig"
    config.write_text("[default]\nregion = cn-hangzhou\n[profile other]\nregion = cn-beijing\n")
    config.chmod(0o600)
    monkeypatch.setenv("OSS_ACCESS_KEY_ID", "LTAI5tEnvKey")
    monkeypatch.setenv("OSS_ACCESS_KEY_SECRET", "CanaryEnv\udcffSecret-0123")
    app = demo_app(config_file=str(config))
    messages: list[Any] = []
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await app.switch_profile("other")
        await pilot.pause()
        [note] = [n for n in notifications(messages) if n.startswith("Profile other")]
        assert note == (
            "Profile other: access key secret (from env) is not valid text: it holds a byte "
            "that is not UTF-8 (character 10 of 21)"
        )
        assert app.is_running
        assert app.session.profile.name == "default"  # the usable profile stays
        assert "CanaryEnv" not in screen_text(app)


async def test_a_secret_pasted_as_endpoint_is_refused_and_never_shown(
    demo_app: Callable[..., OssBrowseApp], emulator: Emulator
) -> None:
    profile = profile_for(emulator, endpoint=SECRET.lower(), region=SECRET.lower())
    messages: list[Any] = []
    app = demo_app(profile=profile)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await pilot.pause()
        assert app.session.client is None
        problem = app.session.client_problem
        assert problem is not None
        assert problem.startswith("endpoint holds what looks like the access key")
        text = screen_text(app)
        assert HIDDEN_VALUE in text  # the bar says something is there, not what
        assert SECRET.lower()[:10] not in text.lower()
        await pilot.press("f5")
        await pilot.pause()
        assert app.is_running
        assert all(SECRET.lower()[:10] not in n.lower() for n in notifications(messages))


def test_the_report_masks_the_sessions_secrets_in_exception_texts() -> None:
    # An exception message that quotes a secret (a library echoing what it was given) is
    # masked with the session's redactor, which knows every profile used in the session.
    redactor = Redactor([SECRET]).with_secrets(Redactor([STS_TOKEN]))
    try:
        try:
            raise ValueError(f"bad token {STS_TOKEN}")
        except ValueError as inner:
            raise RuntimeError(f"signing with {SECRET} failed") from inner
    except RuntimeError as exc:
        report = crash_traceback(type(exc), exc, exc.__traceback__, redactor)
    out = io.StringIO()
    Console(file=out, width=120, color_system=None).print(report)
    text = out.getvalue()
    assert "signing with *** failed" in text and "bad token ***" in text
    assert SECRET not in text and STS_TOKEN not in text
