"""``ossbrowse serve``'s command line: what it serves, where, the warnings and the refusals.

textual-serve's Server is replaced by a recorder (the real one is driven by a browser in
test_serve_browser.py); what is checked is the wiring a user relies on.
"""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
from typing import ClassVar

import pytest

from ossbrowse import cli, cli_serve


class FakeServer:
    """Records how it was built and that it was asked to serve."""

    made: ClassVar[list[FakeServer]] = []

    def __init__(self, command: str, host: str, port: int, title: str) -> None:
        self.command, self.host, self.port, self.title = command, host, port, title
        self.served = False
        FakeServer.made.append(self)

    def serve(self, debug: bool = False) -> None:
        self.served = True


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> type[FakeServer]:
    import textual_serve.server

    FakeServer.made = []
    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    return FakeServer


def test_serves_the_demo_on_loopback_port_8000_by_default(
    server: type[FakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["serve"]) == cli.EXIT_OK
    [made] = server.made
    assert (made.host, made.port, made.served) == ("127.0.0.1", 8000, True)
    assert shlex.split(made.command) == [sys.executable, "-m", "ossbrowse", "demo"]
    assert "warning" not in capsys.readouterr().err


def test_arguments_after_the_separator_are_the_served_command(server: type[FakeServer]) -> None:
    argv = ["serve", "--port", "8123", "--", "--profile", "prod", "--key", "a b.txt"]
    assert cli.main(argv) == cli.EXIT_OK
    [made] = server.made
    assert made.port == 8123
    command = shlex.split(made.command)
    assert command[3:] == ["--profile", "prod", "--key", "a b.txt"]  # quoted for the shell
    assert made.title == "ossbrowse --profile prod --key 'a b.txt'"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_a_reachable_address_is_served_with_a_warning(
    server: type[FakeServer], capsys: pytest.CaptureFixture[str], host: str
) -> None:
    assert cli.main(["serve", "--host", host]) == cli.EXIT_OK
    err = capsys.readouterr().err
    assert f"warning: serving on {host}" in err and "credentials" in err
    assert server.made[0].host == host


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_addresses_need_no_warning(
    server: type[FakeServer], capsys: pytest.CaptureFixture[str], host: str
) -> None:
    assert cli.main(["serve", "--host", host]) == cli.EXIT_OK
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "--port", "0"], "--port must be 1 to 65535"),
        (["serve", "--port", "70000"], "--port must be 1 to 65535"),
        (["serve", "--profile", "prod"], "arguments for the served ossbrowse go after --"),
        (["serve", "--", "serve"], "cannot be serve itself"),
    ],
)
def test_bad_arguments_serve_nothing(
    server: type[FakeServer], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert cli.main(argv) == cli.EXIT_BAD_INPUT
    assert message in capsys.readouterr().err
    assert server.made == []


def test_without_textual_serve_it_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # None in sys.modules makes `import textual_serve.server` raise ImportError.
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert cli.main(["serve"]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "textual-serve is not installed" in err
    assert "pip install 'ossbrowse[serve]'" in err
    assert "Traceback" not in err


def test_is_loopback() -> None:
    assert cli_serve.is_loopback("127.0.0.1") and cli_serve.is_loopback("[::1]")
    assert not cli_serve.is_loopback("example.com") and not cli_serve.is_loopback("10.0.0.1")


def test_a_port_in_use_is_said_in_one_line_without_a_traceback() -> None:
    """The real textual-serve, on a port another process listens on: it never starts."""
    pytest.importorskip("textual_serve")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "ossbrowse", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == cli.EXIT_BAD_INPUT
    assert "Traceback" not in done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "in use" in done.stderr
