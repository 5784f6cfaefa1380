"""Shareable reproductions work when run, and a canary secret never leaves through any path.

The canary secret and STS token are fed through the headless command's every output (raw, JSON,
YAML, dry run, debug logs to a file, errors) and every export; none may contain them.
"""

from __future__ import annotations

import contextlib
import io
import json
import shlex
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from ossbrowse import cli
from ossbrowse.emulator import Emulator
from ossbrowse.emulator.clock import ManualClock
from ossbrowse.emulator.demo import DEMO_BUCKET, DEMO_KEY
from ossbrowse.oss import export
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.profile import Profile

CANARY_ID = "STS.CanaryKeyId"
CANARY_SECRET = "CanarySecret-7f3a9c1e5b2d"
CANARY_TOKEN = "CanaryStsToken-4e8b2a6c0d1f/with+chars="


@pytest.fixture
def sts_emulator(make_emulator: Callable[..., Emulator]) -> Emulator:
    return make_emulator(demo_data=True, sts_tokens={CANARY_TOKEN: (CANARY_ID, CANARY_SECRET)})


def _profile(emu: Emulator, **extra: Any) -> Profile:
    values: dict[str, Any] = {
        "name": "default",
        "access_key_id": CANARY_ID,
        "access_key_secret": CANARY_SECRET,
        "sts_token": CANARY_TOKEN,
        "region": emu.region,
        "endpoint": emu.endpoint,
    }
    values.update(extra)
    return Profile(**values)


def _assert_clean(text: str) -> None:
    assert CANARY_SECRET not in text
    assert CANARY_TOKEN not in text
    # The encoded forms a URL or header would carry, too.
    assert "CanaryStsToken-4e8b2a6c0d1f%2F" not in text


def _run_curl(command: str) -> httpx.Response:
    """Do what curl would with the exported command, with the token in the environment."""
    argv = shlex.split(command.replace("${OSS_SESSION_TOKEN}", CANARY_TOKEN))
    assert argv[:2] == ["curl", "-I"]
    headers = dict(argv[i + 1].split(": ", 1) for i, a in enumerate(argv) if a == "-H")
    url = argv[-1]
    if "--data-urlencode" in argv:
        name, _, value = argv[argv.index("--data-urlencode") + 1].partition("=")
        url += f"&{name}={quote(value, safe='')}"
    return httpx.head(url, headers=headers)


@pytest.mark.parametrize("sign_version", ["v4", "v1"])
@pytest.mark.parametrize("with_token", [True, False])
def test_curl_export_reproduces_the_outcome(
    make_emulator: Callable[..., Emulator], sign_version: str, with_token: bool
) -> None:
    emu = make_emulator(demo_data=True, sts_tokens={CANARY_TOKEN: (CANARY_ID, CANARY_SECRET)})
    if with_token:
        profile = _profile(emu, sign_version=sign_version)
    else:
        profile = _profile(
            emu,
            sign_version=sign_version,
            access_key_id=emu.access_key_id,
            access_key_secret=emu.access_key_secret,
            sts_token=None,
        )
    plain = export.to_curl(build_head_request(bucket=DEMO_BUCKET, key=DEMO_KEY), profile)
    _assert_clean(plain)
    base = _run_curl(plain)
    assert base.status_code == 200, base.headers
    request = build_head_request(
        bucket=DEMO_BUCKET, key=DEMO_KEY, if_none_match=base.headers["etag"]
    )
    assert _run_curl(export.to_curl(request, profile)).status_code == 304


def test_ossbrowse_export_runs_to_the_same_exit_status(
    sts_emulator: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    request = build_head_request(bucket=DEMO_BUCKET, key=DEMO_KEY, if_match='"nope"')
    command = export.to_ossbrowse(request, _profile(sts_emulator))
    _assert_clean(command)
    assert export.to_ossutil(request, _profile(sts_emulator)).startswith(
        "ossutil api head-object --bucket demo-bucket --key hello.txt --if-match"
    )
    monkeypatch.setenv("OSS_ACCESS_KEY_ID", CANARY_ID)
    monkeypatch.setenv("OSS_ACCESS_KEY_SECRET", CANARY_SECRET)
    monkeypatch.setenv("OSS_SESSION_TOKEN", CANARY_TOKEN)
    argv = shlex.split(command)
    assert argv[:2] == ["ossbrowse", "head"]
    assert cli.main(argv[1:]) == cli.EXIT_PRECONDITION_FAILED
    _assert_clean(capsys.readouterr().out)


def test_python_export_runs(sts_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    snippet = export.to_python(
        build_head_request(bucket=DEMO_BUCKET, key=DEMO_KEY), _profile(sts_emulator)
    )
    _assert_clean(snippet)
    monkeypatch.setenv("OSS_ACCESS_KEY_ID", CANARY_ID)
    monkeypatch.setenv("OSS_ACCESS_KEY_SECRET", CANARY_SECRET)
    monkeypatch.setenv("OSS_SESSION_TOKEN", CANARY_TOKEN)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(snippet, "export", "exec"), {})
    assert out.getvalue().startswith("200 ")


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """(exit status, everything printed, standard output alone)."""
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err, captured.out


def test_canary_never_appears_in_any_headless_output(
    sts_emulator: Emulator,
    make_emulator: Callable[..., Emulator],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    log_file = tmp_path / "debug.log"
    creds = ["-i", CANARY_ID, "-k", CANARY_SECRET, "-t", CANARY_TOKEN, "--region", "cn-hangzhou"]
    skewed = make_emulator(
        demo_data=True,
        clock=ManualClock(time.time() - 7200),
        sts_tokens={CANARY_TOKEN: (CANARY_ID, CANARY_SECRET)},
    )
    runs = []
    for endpoint in (sts_emulator.endpoint, skewed.endpoint):
        for version in ("v4", "v1"):
            for fmt in ("raw", "json", "yaml"):
                for extra in ([], ["--if-match", "x"], ["-n"], ["--key", "missing.txt"]):
                    argv = ["head", "--bucket", DEMO_BUCKET, "--key", DEMO_KEY, "-e", endpoint]
                    argv += [*creds, "--sign-version", version, "--output-format", fmt, *extra]
                    argv += ["--loglevel", "debug", "--log-file", str(log_file)]
                    runs.append(_run(argv, capsys))
    # A wrong secret shows both strings to sign: V4 signs the token, which must stay hidden.
    bad = ["head", "--bucket", DEMO_BUCKET, "--key", DEMO_KEY, "-e", sts_emulator.endpoint]
    bad += [
        "-i",
        CANARY_ID,
        "-k",
        CANARY_SECRET + "x",
        "-t",
        CANARY_TOKEN,
        "--region",
        "cn-hangzhou",
    ]
    runs.append(_run([*bad, "--output-format", "json"], capsys))
    codes = {code for code, _, _ in runs}
    assert {0, 2, 5} <= codes  # successes, errors (skew, missing, bad secret) and 412 all ran
    for _, text, _ in runs:
        _assert_clean(text)
    logged = log_file.read_text()
    assert "HEAD http://127.0.0.1" in logged and "x-oss-security-token" in logged
    _assert_clean(logged)
    assert json.loads(runs[-1][2])["error"]["code"] == "SignatureDoesNotMatch"


def test_exports_keep_network_flags_but_not_a_proxy_password(sts_emulator: Emulator) -> None:
    profile = _profile(
        sts_emulator,
        proxy="http://user:ProxyPassword-123@proxy.example:3128",
        connect_timeout=3.0,
        read_timeout=7.5,
        retry_times=0,
        skip_verify_cert=True,
    )
    request = build_head_request(bucket=DEMO_BUCKET, key=DEMO_KEY)
    for command in (export.to_ossutil(request, profile), export.to_ossbrowse(request, profile)):
        argv = shlex.split(command)
        assert argv[argv.index("--proxy") + 1] == "http://proxy.example:3128"
        assert argv[argv.index("--connect-timeout") + 1] == "3"
        assert argv[argv.index("--read-timeout") + 1] == "7.5"
        assert argv[argv.index("--retry-times") + 1] == "0"
        assert "--skip-verify-cert" in argv
        assert "ProxyPassword-123" not in command
        _assert_clean(command)
