"""A server that echoes the profile's own secret and STS token back never gets them shown.

Each run uses a secret and token made for it alone, so only the client built from this profile
can know to mask them: if the client stopped masking its own profile's secrets, this fails
(a secret registered by some other test could not hide it).
"""

from __future__ import annotations

import base64
import http.server
import json
import secrets
import threading
from collections.abc import Iterator

import pytest

from ossbrowse import cli


class _Echo(http.server.BaseHTTPRequestHandler):
    secret = ""
    token = ""

    def do_HEAD(self) -> None:
        leak = f"{self.secret} {self.token}"
        xml = (
            "<Error><Code>AccessDenied</Code>"
            f"<Message>You sent {leak}</Message><RequestId>ECHO</RequestId>"
            f"<StringToSign>{self.secret}</StringToSign><Token>{self.token}</Token></Error>"
        )
        self.send_response(403)
        self.send_header("x-oss-err", base64.b64encode(xml.encode()).decode())
        self.send_header("x-echo-secret", self.secret)
        self.send_header("x-echo-token", self.token)
        self.send_header("x-echo-both", leak)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def echo() -> Iterator[tuple[str, str, str]]:
    handler = type(
        "Echo",
        (_Echo,),
        {
            "secret": "Echo-" + secrets.token_urlsafe(18),
            "token": "Tok-" + secrets.token_urlsafe(24),
        },
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.secret, handler.token
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize("output_format", ["json", "raw", "yaml"])
def test_echoed_secret_and_token_never_show(
    echo: tuple[str, str, str], output_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    endpoint, secret, token = echo
    code = cli.main(
        [
            "head", "--bucket", "echo-bucket", "--key", "k", "-e", endpoint,
            "--region", "cn-hangzhou", "-i", "LTAI5tEchoKeyId", "-k", secret, "-t", token,
            "--retry-times", "0", "--output-format", output_format,
        ]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == cli.EXIT_SERVER_ERROR
    assert "AccessDenied" in out  # the error was decoded and shown...
    for text in (out, err):
        assert secret not in text and token not in text  # ...without what was echoed
    if output_format == "json":
        data = json.loads(out)
        headers = {name.lower(): value for name, value in data["headers"].items()}
        assert headers["x-echo-secret"] == "***" and headers["x-echo-token"] == "***"
