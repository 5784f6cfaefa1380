"""What the command line says in words: help texts, argument errors, raw output sections.

Each test reads what a user reads (the help screen, the error on stderr, the raw output of
``ossbrowse head`` against the emulator on 127.0.0.1).
"""

from __future__ import annotations

import json
from typing import Any

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


def _json_head(
    emulator: Emulator, capsys: pytest.CaptureFixture[str], *args: str
) -> dict[str, Any]:
    return json.loads(_raw_head(emulator, capsys, "--output-format", "json", *args))


@pytest.mark.parametrize(
    ("where", "code", "meaning"),
    [
        (
            ["--bucket", "no-such-bucket-here", "--key", DEMO_KEY],
            "NoSuchBucket",
            "the bucket does not exist",
        ),
        (
            ["--bucket", DEMO_BUCKET, "--key", "no/such.txt"],
            "NoSuchKey",
            "there is no such key in this bucket",
        ),
        (
            ["--bucket", DEMO_BUCKET, "--key", DEMO_KEY, "--version-id", "CAEQNoSuchVersion000"],
            "NoSuchVersion",
            "there is no such version of this key",
        ),
    ],
)
def test_raw_404_names_the_error_right_after_the_status_line(
    where: list[str],
    code: str,
    meaning: str,
    demo_emulator: Emulator,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = _raw_head(demo_emulator, capsys, *where).splitlines()
    assert lines[0].startswith("HTTP 404 Not Found")
    assert lines[1].startswith(f"{code}: {meaning}.")
    # The decoded error follows at once, before the URL and the headers.
    assert lines[2:4] == ["Error", f"  Code: {code}"]
    assert lines.index("Error") < lines.index(next(x for x in lines if x.startswith("URL: ")))
    assert lines.count("Error") == 1


def test_412_error_document_is_decoded_in_raw_and_json(
    demo_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--bucket", DEMO_BUCKET, "--key", DEMO_KEY, "--if-match", '"0000"']
    lines = _raw_head(demo_emulator, capsys, *args).splitlines()
    assert lines[0].startswith("HTTP 412 Precondition Failed")
    assert "  Code: PreconditionFailed" in lines[:6]
    data = _json_head(demo_emulator, capsys, *args)
    assert data["error"]["code"] == "PreconditionFailed"
    assert data["error"]["decode_problem"] is None


@pytest.mark.parametrize(
    ("typed", "note"),
    [
        ("2026-03-14 09:26:53", "If-Modified-Since: no time zone given, read as UTC"),
        (
            "Sun, 14 Mar 2026 09:26:53 GMT",
            "If-Modified-Since: wrong weekday corrected: 14 Mar 2026 is a Saturday, not a Sunday",
        ),
        (
            "2026-03-14T09:26:53.250Z",
            "If-Modified-Since: fractional seconds (.250) dropped: HTTP dates carry whole seconds",
        ),
    ],
)
def test_date_assumptions_are_warnings(
    typed: str, note: str, demo_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _json_head(
        demo_emulator,
        capsys,
        "--bucket",
        DEMO_BUCKET,
        "--key",
        DEMO_KEY,
        "--if-modified-since",
        typed,
    )
    assert data["request"]["if_modified_since"] == "Sat, 14 Mar 2026 09:26:53 GMT"
    assert f"{note} (sent as Sat, 14 Mar 2026 09:26:53 GMT)." in data["warnings"]


def test_date_read_as_typed_has_no_warning(
    demo_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _json_head(
        demo_emulator,
        capsys,
        *("--bucket", DEMO_BUCKET, "--key", DEMO_KEY),
        *("--if-modified-since", "2026-03-14T09:26:53Z"),
    )
    assert data["warnings"] == []


def test_dot_segments_are_sent_as_typed_and_said_not_to_be_resolved(
    demo_emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _json_head(
        demo_emulator, capsys, "--bucket", DEMO_BUCKET, "--key", f"docs/../{DEMO_KEY}"
    )
    assert data["status"] == 404 and data["request"]["key"] == f"docs/../{DEMO_KEY}"
    assert "OSS does not resolve them" in data["summary"]
    assert any(w.startswith("Key: a '.' or '..' segment is not resolved") for w in data["warnings"])
