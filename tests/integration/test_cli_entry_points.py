"""`ossbrowse` and `ossbrowse demo` hand the right profile, prefill and notices to the TUI.

The app itself is replaced by a recorder here (the TUI has its own Pilot tests); what is checked
is the wiring a user relies on: flags prefill the form, configuration warnings reach the screen,
and the demo's emulator is up, loopback-only and answering while the app runs.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import pytest

from ossbrowse import cli
from ossbrowse.emulator import DEMO_BUCKET, DEMO_KEY
from ossbrowse.oss.client import OssClient
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.ui import app as ui_app


class Recorder:
    """Stands in for make_app: records its arguments; ``run`` calls ``on_run`` if set."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, dict[str, Any]]] = []
        self.on_run: Any = None

    def __call__(self, profile: Any, **kwargs: Any) -> Recorder:
        self.calls.append((profile, kwargs))
        return self

    def run(self) -> None:
        if self.on_run is not None:
            self.on_run(*self.calls[-1])


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    rec = Recorder()
    monkeypatch.setattr(ui_app, "make_app", rec)
    return rec


def test_flags_prefill_the_form_and_warnings_reach_the_screen(
    recorder: Recorder, tmp_path: Path
) -> None:
    config = tmp_path / "ossutilconfig"
    config.write_text(
        "[default]\naccessKeyId = LTAI5tFileKey\naccessKeySecret = FileSecret-0123456789\n"
        "region = cn-shanghai\n"
    )
    os.chmod(config, 0o644)
    code = cli.main(
        ["-c", str(config), "--bucket", "my-bucket", "--key", "a/b.txt", "--if-match", "x"]
    )
    assert code == cli.EXIT_OK
    [(profile, kwargs)] = recorder.calls
    assert (profile.access_key_id, profile.region) == ("LTAI5tFileKey", "cn-shanghai")
    assert kwargs["prefill"] == {"bucket": "my-bucket", "key": "a/b.txt", "if_match": "x"}
    assert kwargs["notice"] and "chmod 600" in kwargs["notice"]
    assert "FileSecret-0123456789" not in kwargs["notice"]


def test_unusable_configuration_still_opens_with_the_reason(
    recorder: Recorder, tmp_path: Path
) -> None:
    missing = tmp_path / "nope.ini"
    assert cli.main(["-c", str(missing)]) == cli.EXIT_OK
    [(profile, kwargs)] = recorder.calls
    assert profile.access_key_id is None
    assert str(missing) in kwargs["notice"]


def test_demo_runs_the_app_against_a_live_loopback_emulator(recorder: Recorder) -> None:
    seen: dict[str, Any] = {}

    def while_running(profile: Any, kwargs: dict[str, Any]) -> None:
        def probe() -> None:
            with OssClient(profile) as client:
                result = client.head_object(build_head_request(bucket=DEMO_BUCKET, key=DEMO_KEY))
                seen["status"] = result.status

        probe()
        seen["profile"], seen["kwargs"] = profile, kwargs

    recorder.on_run = while_running
    assert cli.main(["demo"]) == cli.EXIT_OK
    assert seen["status"] == 200
    assert seen["profile"].endpoint.startswith("http://127.0.0.1:")
    assert seen["kwargs"]["demo"] is True
    assert seen["kwargs"]["prefill"] == {"bucket": DEMO_BUCKET, "key": DEMO_KEY}


def test_demo_guided_presenter_rewrites_the_live_emulators_object(recorder: Recorder) -> None:
    """``demo --guided --presenter``: the guide's rewrite is a real PUT to the demo's emulator."""
    seen: dict[str, Any] = {}

    def while_running(profile: Any, kwargs: dict[str, Any]) -> None:
        guide = kwargs["guide"]
        seen["guide"], seen["presenter"] = guide, kwargs["presenter"]
        request = build_head_request(bucket=DEMO_BUCKET, key=DEMO_KEY)
        with OssClient(profile) as client:
            before = client.head_object(request)
            rewritten = guide.rewrite()
            after = client.head_object(request)
        seen["etags"] = (before.etag, rewritten.etag, after.etag)

    recorder.on_run = while_running
    assert cli.main(["demo", "--guided", "--presenter"]) == cli.EXIT_OK
    assert (seen["guide"].bucket, seen["guide"].key) == (DEMO_BUCKET, DEMO_KEY)
    assert seen["presenter"] is True
    before, rewritten, after = seen["etags"]
    assert rewritten == after != before


def test_plain_demo_has_no_guide_and_no_presenter(recorder: Recorder) -> None:
    assert cli.main(["demo"]) == cli.EXIT_OK
    [(_, kwargs)] = recorder.calls
    assert kwargs["guide"] is None and kwargs["presenter"] is False


def test_demo_and_browse_take_the_watch_flags(recorder: Recorder) -> None:
    """The watch (w) is shown in the demo and reached from the explorer: both take the TUI's
    --watch-interval and --watch-bell."""
    assert cli.main(["demo", "--watch-interval", "2", "--watch-bell"]) == cli.EXIT_OK
    assert cli.main(["browse", "-e", "http://127.0.0.1:9", "--watch-interval", "0.5"]) == 0
    [(_, demo), (_, browse)] = recorder.calls
    assert (demo["watch"].interval, demo["watch"].bell) == (2.0, True)
    assert (browse["watch"].interval, browse["watch"].bell) == (0.5, False)


def test_demo_refuses_a_watch_interval_that_is_not_above_zero(
    recorder: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["demo", "--watch-interval", "0"]) == cli.EXIT_BAD_INPUT
    assert "--watch-interval" in capsys.readouterr().err
    assert recorder.calls == []


def test_demo_on_a_port_in_use_says_so_without_a_traceback(
    recorder: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["demo", "--port", str(port)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"127.0.0.1:{port}" in err and "in use" in err
    assert "Traceback" not in err
    assert recorder.calls == []


@pytest.mark.parametrize("port", ["-1", "65536"])
def test_demo_refuses_a_port_out_of_range(
    recorder: Recorder, capsys: pytest.CaptureFixture[str], port: str
) -> None:
    assert cli.main(["demo", "--port", port]) == cli.EXIT_BAD_INPUT
    assert "--port" in capsys.readouterr().err
    assert recorder.calls == []
