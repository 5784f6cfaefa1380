"""The command line's profile settings: the set rule for credentials, and flags the TUI keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ossbrowse import cli
from ossbrowse.ui import app as ui_app

FILE_SECRET = "FileSecret-0123456789abcdef"
FLAG_SECRET = "FlagSecret-0123456789abcdef"


def config(tmp_path: Path) -> Path:
    path = tmp_path / "ossutilconfig"
    path.write_text(
        "[profile p]\naccessKeyId = LTAI5tProfileKey\n"
        f"accessKeySecret = {FILE_SECRET}\nregion = cn-hangzhou\nsign-version = v4\n"
    )
    path.chmod(0o600)
    return path


def test_a_secret_flag_with_a_full_profile_states_the_set_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--profile p -k X`: p has both keys; the message is the rule, not 'p has no key id'."""
    argv = ["head", "-c", str(config(tmp_path)), "--profile", "p", "-k", FLAG_SECRET]
    status = cli.main([*argv, "--bucket", "demo-bucket", "--key", "hello.txt"])
    err = capsys.readouterr().err
    assert status == cli.EXIT_BAD_INPUT
    assert "-k/--access-key-secret was given without -i/--access-key-id" in err
    assert "Credentials are taken as a set from one source" in err
    assert "has no access key id" not in err and "add accessKeyId" not in err
    assert "nothing was sent" in err
    assert FLAG_SECRET not in err and FILE_SECRET not in err


def test_the_tui_gets_the_command_line_flags_to_keep_over_f2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: dict[str, Any] = {}

    class NotRun:
        def run(self) -> None:
            """The test stops before the terminal would be taken."""

    def fake_make_app(profile: Any, **kwargs: Any) -> NotRun:
        built.update(kwargs, profile=profile)
        return NotRun()

    monkeypatch.setattr(ui_app, "make_app", fake_make_app)
    argv = ["-c", str(config(tmp_path)), "--profile", "p", "--sign-version", "v1"]
    assert cli.main([*argv, "--addressing-style", "path"]) == cli.EXIT_OK
    flags = built["flags"]
    assert flags["sign_version"] == "v1" and flags["addressing_style"] == "path"
    assert built["profile"].sign_version == "v1"
    assert built["profile"].source_of("sign_version") == "flag"
