"""Faults and hostile answers from a misbehaving server: the TUI shows each and stays usable.

Uses the shared fault server (``tests/faultserver.py``): the object key picks the behaviour.
One app goes through every behaviour in turn and ends with a normal request, which proves the
UI is still responsive after all of them. Timeouts are short only where the timeout expiring is
the outcome under test; elsewhere an answer has plenty of time, so a loaded machine cannot
change an outcome.
"""

from __future__ import annotations

import ssl

import pytest
import trustme
from faultserver import closed_port, fail_dns, fault_server, saturated_listener
from textual.message import Message
from textual.widgets import Input
from tui_helpers import NOW, completed, screen_text

from ossbrowse.oss.profile import Profile
from ossbrowse.oss.results import HeadResult, Outcome
from ossbrowse.ui.app import OssBrowseApp, make_app
from ossbrowse.ui.widgets.error_panel import ErrorPanel
from ossbrowse.ui.widgets.headers_table import HeadersTable
from ossbrowse.ui.widgets.outcome_badge import OutcomeBadge

SECRET = "FaultTuiCanarySecret-91b2"
ANSWER_TIMEOUT = 30.0
"""Long enough for any loaded machine; only reached when something is broken."""
EXPIRING_TIMEOUT = 0.5
"""For the cases where the timeout expiring is the outcome under test."""


def profile(endpoint: str, **changes: object) -> Profile:
    fields: dict[str, object] = {
        "access_key_id": "LTAI5tFaultKey",
        "access_key_secret": SECRET,
        "region": "cn-hangzhou",
        "endpoint": endpoint,
        "connect_timeout": ANSWER_TIMEOUT,
        "read_timeout": ANSWER_TIMEOUT,
        "retry_times": 0,
    }
    fields.update(changes)
    return Profile(**fields)  # type: ignore[arg-type]


async def send(app: OssBrowseApp, pilot, messages: list[Message], key: str) -> HeadResult:  # type: ignore[no-untyped-def]
    app.screen.query_one("#key", Input).value = key
    before = len(completed(messages))
    app.screen.action_send()
    await app.workers.wait_for_complete()
    await pilot.pause()
    done = completed(messages)
    assert len(done) == before + 1, key
    assert SECRET not in app.export_screenshot()
    return done[-1].result


async def test_every_fault_and_hostile_answer_is_shown_and_the_ui_survives() -> None:
    messages: list[Message] = []
    with fault_server() as server:
        app = make_app(
            profile(server.endpoint, retry_times=1),
            clock=lambda: NOW,
            prefill={"bucket": "faulty", "key": "ok"},
        )
        async with app.run_test(size=(120, 60), message_hook=messages.append) as pilot:
            badge = app.screen.query_one(OutcomeBadge)
            panel = app.screen.query_one(ErrorPanel)

            for key in ("reset", "garbage"):
                result = await send(app, pilot, messages, key)
                assert result.outcome is Outcome.NO_ANSWER, key
                assert badge.has_class("-no-answer") and panel.display
                assert result.failure.message in screen_text(app).replace("\n", " ") or (
                    result.failure.message[:40] in screen_text(app)
                )

            result = await send(app, pilot, messages, "status-503")
            assert result.status == 503 and result.retries == 1
            assert "1 retry" in screen_text(app) and badge.has_class("-error")

            result = await send(app, pilot, messages, "flaky-1")
            assert result.status == 200 and result.retries == 1
            assert "1 retry" in screen_text(app)

            result = await send(app, pilot, messages, "bad-dates")
            assert result.status == 200
            assert "Last-Modified is not an HTTP date" in screen_text(app)

            result = await send(app, pilot, messages, "no-etag")
            assert "The server sent no ETag." in screen_text(app)

            result = await send(app, pilot, messages, "non-ascii")
            assert "café" in screen_text(app)

            result = await send(app, pilot, messages, "many-headers")
            assert app.screen.query_one(HeadersTable).header_count() >= 300

            for key in ("huge-header", "err-long"):
                # 200 kB of header, megabytes of x-oss-err: the HTTP parser refuses the
                # answer (bounded memory), and the screen says so in one line.
                result = await send(app, pilot, messages, key)
                assert result.outcome is Outcome.NO_ANSWER
                assert "did not answer with valid HTTP" in screen_text(app)
            for key in ("err-not-base64", "err-not-xml", "err-bomb"):
                result = await send(app, pilot, messages, key)
                assert result.status == 403 and result.error is not None, key
                assert result.error.decode_problem, key
                assert "could not be read" in screen_text(app), key

            result = await send(app, pilot, messages, "bare-304")
            assert result.status == 304 and badge.has_class("-not-modified")

            result = await send(app, pilot, messages, "ok")
            assert result.status == 200 and badge.has_class("-ok")
            assert not panel.display


@pytest.mark.parametrize("case", ["refused", "connect-timeout", "read-timeout", "dns", "proxy"])
async def test_no_answer_cases(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    messages: list[Message] = []
    with saturated_listener() as full_port, fault_server() as server:
        endpoint = {
            "refused": f"http://127.0.0.1:{closed_port()}",
            "connect-timeout": f"http://127.0.0.1:{full_port}",
            "read-timeout": server.endpoint,
            "dns": "http://oss-nowhere.invalid",
            "proxy": "http://oss-cn-hangzhou.aliyuncs.com",
        }[case]
        changes: dict[str, object] = {
            "proxy": {"proxy": f"http://127.0.0.1:{closed_port()}"},
            "connect-timeout": {"connect_timeout": EXPIRING_TIMEOUT},
            "read-timeout": {"read_timeout": EXPIRING_TIMEOUT},
        }.get(case, {})
        if case == "dns":
            fail_dns(monkeypatch, "faulty.oss-nowhere.invalid")
        app = make_app(
            profile(endpoint, **changes),
            clock=lambda: NOW,
            prefill={"bucket": "faulty", "key": "ok"},
        )
        async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
            # The fault server never answers "hang"; the other endpoints ignore the key.
            result = await send(app, pilot, messages, "hang")
            assert result.outcome is Outcome.NO_ANSWER
            if case == "proxy":
                # The proxy refused the connection: the message names the proxy.
                assert "proxy" in result.failure.message.lower()
                assert "proxy" in screen_text(app).lower()
            else:
                expected = {
                    "refused": "refused",
                    "connect-timeout": "connect_timeout",
                    "read-timeout": "read_timeout",
                    "dns": "dns",
                }[case]
                assert result.failure.kind == expected
                assert f"({expected})" in screen_text(app)
                assert result.failure.message in screen_text(app).replace("\n", " ") or (
                    result.failure.message[:40] in screen_text(app)
                )


async def test_tls_failure_then_skip_verify_with_a_visible_warning() -> None:
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    messages: list[Message] = []
    with fault_server(context) as server:
        app = make_app(
            profile(server.endpoint), clock=lambda: NOW, prefill={"bucket": "faulty", "key": "ok"}
        )
        async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
            result = await send(app, pilot, messages, "ok")
            assert result.outcome is Outcome.NO_ANSWER and result.failure.kind == "tls"
        app = make_app(
            profile(server.endpoint, skip_verify_cert=True),
            clock=lambda: NOW,
            prefill={"bucket": "faulty", "key": "ok"},
        )
        async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
            result = await send(app, pilot, messages, "ok")
            assert result.status == 200
            assert "TLS certificate verification is off" in screen_text(app)


@pytest.mark.parametrize("key", ["continue-forever", "drip-headers"])
async def test_an_answer_that_never_ends_is_shown_as_a_timeout_and_the_ui_stays_usable(
    key: str,
) -> None:
    """Issue 8 §4 in the TUI: the attempt's deadline (connect + read timeout) ends it."""
    messages: list[Message] = []
    with fault_server() as server:
        app = make_app(
            profile(server.endpoint, connect_timeout=1.0, read_timeout=1.0),
            clock=lambda: NOW,
            prefill={"bucket": "fault-bucket", "key": key},
        )
        async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
            result = await send(app, pilot, messages, key)
            assert result.outcome is Outcome.NO_ANSWER
            assert result.failure is not None and "2 s deadline" in result.failure.message
            assert "2 s deadline" in " ".join(screen_text(app).split())
            # Still usable: the next request goes out and is answered.
            after = await send(app, pilot, messages, "ok")
            assert after.status is not None
