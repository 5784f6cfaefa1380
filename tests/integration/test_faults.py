"""`ossbrowse head` under faults and hostile answers from a server on 127.0.0.1.

Each case checks what a script would: the documented exit status, one clear line saying what
happened, and no traceback. A timeout is short only in the case that waits for it to expire
(so the file runs in seconds); every other case allows an answer plenty of time, so a loaded
machine that answers late cannot change an outcome.
"""

from __future__ import annotations

import json
import time

import pytest
import trustme
from faultserver import closed_port, fail_dns, fault_server, saturated_listener

from ossbrowse import cli

SECRET = "FaultCanarySecret-7c1d"


# Long enough for any loaded machine; only reached when something is broken.
ANSWER_TIMEOUT = "30"
# For the cases where the timeout expiring is the outcome under test.
EXPIRING_TIMEOUT = "0.5"


def head(
    capsys: pytest.CaptureFixture[str],
    endpoint: str,
    key: str,
    *extra: str,
    connect_timeout: str = ANSWER_TIMEOUT,
    read_timeout: str = ANSWER_TIMEOUT,
) -> tuple[int, str, str]:
    code = cli.main(
        [
            "head",
            "--bucket", "faulty",
            "--key", key,
            "-e", endpoint,
            "--region", "cn-hangzhou",
            "-i", "LTAI5tFaultKey",
            "-k", SECRET,
            "--connect-timeout", connect_timeout,
            "--read-timeout", read_timeout,
            "--retry-times", "0",
            *extra,
        ]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert SECRET not in out + err
    assert "Traceback" not in out + err
    return code, out, err


def one_line_message(output: str) -> str:
    return json.loads(output)["failure"]["message"]


def test_connection_refused(capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    code, out, _ = head(capsys, f"http://127.0.0.1:{port}", "ok", "--output-format", "json")
    assert code == cli.EXIT_NO_ANSWER
    data = json.loads(out)
    assert data["failure"]["kind"] == "refused"
    assert "\n" not in data["failure"]["message"] and "refused" in data["failure"]["message"]


def test_dns_failure(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    fail_dns(monkeypatch, "oss.does-not-exist.example")
    code, out, _ = head(
        capsys, "http://oss.does-not-exist.example", "ok", "--output-format", "json"
    )
    assert code == cli.EXIT_NO_ANSWER
    assert json.loads(out)["failure"]["kind"] == "dns"


def test_connect_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    with saturated_listener() as port:
        started = time.monotonic()
        code, out, _ = head(
            capsys,
            f"http://127.0.0.1:{port}",
            "ok",
            "--output-format",
            "json",
            connect_timeout=EXPIRING_TIMEOUT,
        )
    assert code == cli.EXIT_NO_ANSWER
    assert json.loads(out)["failure"]["kind"] == "connect_timeout"
    assert time.monotonic() - started < 10  # the 0.5 s timeout was honoured, not a default


def test_read_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    with fault_server() as server:
        code, out, _ = head(
            capsys,
            server.endpoint,
            "hang",
            "--output-format",
            "json",
            read_timeout=EXPIRING_TIMEOUT,
        )
    assert code == cli.EXIT_NO_ANSWER
    assert json.loads(out)["failure"]["kind"] == "read_timeout"


def test_reset_mid_response(capsys: pytest.CaptureFixture[str]) -> None:
    with fault_server() as server:
        code, out, _ = head(capsys, server.endpoint, "reset", "--output-format", "json")
    assert code == cli.EXIT_NO_ANSWER
    assert json.loads(out)["failure"]["kind"] in ("reset", "protocol")


@pytest.mark.parametrize("key", ["status-500", "status-503"])
def test_5xx_is_retried_up_to_retry_times(capsys: pytest.CaptureFixture[str], key: str) -> None:
    with fault_server() as server:
        code, out, _ = head(
            capsys, server.endpoint, key, "--retry-times", "2", "--output-format", "json"
        )
    assert code == cli.EXIT_SERVER_ERROR
    data = json.loads(out)
    assert data["retries"] == 2
    assert server.seen.count(key) == 3


def test_flaky_server_recovers_and_retries_show(capsys: pytest.CaptureFixture[str]) -> None:
    with fault_server() as server:
        code, out, _ = head(capsys, server.endpoint, "flaky-1", "--retry-times", "3")
    assert code == cli.EXIT_OK
    assert "1 retr" in out  # the raw output says a retry happened


def test_tls_self_signed_refused_then_accepted_with_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ca = trustme.CA()
    server_ctx = __import__("ssl").SSLContext(__import__("ssl").PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(server_ctx)
    with fault_server(server_ctx) as server:
        code, out, _ = head(capsys, server.endpoint, "ok", "--output-format", "json")
        assert code == cli.EXIT_NO_ANSWER
        assert json.loads(out)["failure"]["kind"] == "tls"
        code, out, _ = head(
            capsys, server.endpoint, "ok", "--skip-verify-cert", "--output-format", "json"
        )
    assert code == cli.EXIT_OK
    assert any("verification" in w for w in json.loads(out)["warnings"])


def test_proxy_that_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    with fault_server() as server:
        proxy = f"http://127.0.0.1:{closed_port()}"
        code, out, _ = head(
            capsys, server.endpoint, "ok", "--proxy", proxy, "--output-format", "json"
        )
        assert server.seen == []  # nothing bypassed the proxy
    assert code == cli.EXIT_NO_ANSWER
    assert "proxy" in json.loads(out)["failure"]["message"].lower()


@pytest.mark.parametrize(
    ("key", "expected_code"),
    [
        ("bad-dates", cli.EXIT_OK),
        ("non-ascii", cli.EXIT_OK),
        ("many-headers", cli.EXIT_OK),
        ("no-etag", cli.EXIT_OK),
        ("bare-304", cli.EXIT_NOT_MODIFIED),
        ("err-not-base64", cli.EXIT_SERVER_ERROR),
        ("err-not-xml", cli.EXIT_SERVER_ERROR),
        ("err-bomb", cli.EXIT_SERVER_ERROR),
        ("huge-header", cli.EXIT_NO_ANSWER),
        ("err-long", cli.EXIT_NO_ANSWER),
        ("garbage", cli.EXIT_NO_ANSWER),
    ],
)
def test_hostile_answers_never_crash(
    capsys: pytest.CaptureFixture[str], key: str, expected_code: int
) -> None:
    with fault_server() as server:
        code, out, _ = head(capsys, server.endpoint, key, "--output-format", "json")
    data = json.loads(out)
    assert code == expected_code
    # Refused or read at once: never left waiting for the (long) read timeout.
    assert (data["failure"] or {}).get("kind") != "read_timeout"
    # Whatever happened is said: a warning, a decode problem or a failure message.
    said = json.dumps(data["warnings"]) + json.dumps(data["error"]) + json.dumps(data["failure"])
    if key in ("bad-dates", "no-etag"):
        assert data["warnings"]
    if key in ("huge-header", "err-long"):
        # A header beyond the HTTP parser's limit (200 kB, 3 MB) is refused, bounded in
        # memory, and said in one line.
        assert data["failure"]["kind"] == "protocol"
        assert "did not answer with valid HTTP" in data["failure"]["message"]
    elif key.startswith("err-"):
        assert data["error"]["decode_problem"]
    if key == "err-bomb":
        assert "lollol" not in said
    if key == "non-ascii":
        assert data["headers"]["x-oss-meta-name"]  # shown, in whatever charset it decoded to


def test_bad_input_sends_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with fault_server() as server:
        for args in (
            ["--bucket", "Bad_Bucket"],
            ["--key", "/leading-slash"],
            ["--key", "k" * 1024],
            ["--if-modified-since", "last tuesday"],
        ):
            argv = ["head", "--bucket", "faulty", "--key", "ok", "-e", server.endpoint]
            argv += ["--region", "cn-hangzhou", "-i", "id", "-k", SECRET, *args]
            assert cli.main(argv) == cli.EXIT_BAD_INPUT
            _, err = capsys.readouterr()
            flag = args[0]
            assert flag in err and "nothing was sent" in err
        assert server.seen == []


def test_missing_credentials_say_what_to_set(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["head", "--bucket", "faulty", "--key", "ok", "--region", "cn-hangzhou"])
    _, err = capsys.readouterr()
    assert code == cli.EXIT_BAD_INPUT
    assert "OSS_ACCESS_KEY_ID" in err
