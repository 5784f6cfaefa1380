"""What the command line says in words: help texts, argument errors, raw output sections.

Each test reads what a user reads (the help screen, the error on stderr, the raw output of
``ossbrowse head`` against the emulator on 127.0.0.1).
"""

from __future__ import annotations

import pytest

from ossbrowse import cli
from ossbrowse.emulator import Emulator
from ossbrowse.emulator.demo import DEMO_BUCKET, DEMO_KEY


def _raw_head(emulator: Emulator, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    argv = ["head", "-e", emulator.endpoint, "--region", "cn-hangzhou"]
    argv += ["-i", emulator.access_key_id, "-k", emulator.access_key_secret, *args]
    cli.main(argv)
    out, _ = capsys.readouterr()
    return out


@pytest.mark.parametrize("command", ["", "head", "ls", "browse", "demo", "emulator"])
def test_help_has_no_markup(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main([command, "--help"] if command else ["--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: ossbrowse")
    # reStructuredText literals (``x``) are for docstrings, not for a terminal.
    assert "``" not in out


def test_demo_help_says_what_it_does(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["demo", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "emulator with demo data" in out and "no credentials needed" in out


@pytest.mark.parametrize(
    ("argv", "flag", "form"),
    [
        (["head", "--bucket", "-demo", "--key", "k"], "--bucket", "--bucket=-demo"),
        (["--bucket", "-demo"], "--bucket", "--bucket=-demo"),
        (["head", "--bucket", "b", "--key", "-draft.txt"], "--key", "--key=-draft.txt"),
    ],
)
def test_value_starting_with_dash_names_the_equals_form(
    argv: list[str], flag: str, form: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    assert stopped.value.code == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"argument {flag}: expected one argument" in err
    assert form in err


def test_secret_starting_with_dash_is_not_repeated(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["head", "--bucket", "b", "--key", "k", "-k", "-S3cretThatStartsWithDash"])
    err = capsys.readouterr().err
    assert "--access-key-secret=VALUE" in err
    assert "S3cretThatStartsWithDash" not in err


def test_other_argument_errors_are_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["head", "--bucket"])
    err = capsys.readouterr().err
    assert "argument --bucket: expected one argument\n" in err
    assert "'='" not in err


def test_raw_output_names_the_service_group_as_response_headers(
    demo_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _raw_head(demo_emulator, capsys, "--bucket", DEMO_BUCKET, "--key", DEMO_KEY)
    lines = out.splitlines()
    assert "Request headers" not in lines
    title = lines.index("Response / service headers")
    end = lines.index("", title) if "" in lines[title:] else len(lines)
    section = lines[title + 1 : end]
    names = {line.split(":")[0].strip() for line in section if not line.startswith("      ")}
    assert {"server", "date", "x-oss-request-id", "connection"} <= names
