"""``ossbrowse serve``: the TUI in a web browser, through textual-serve.

Each browser tab that opens the page gets its own ``ossbrowse`` process (``ossbrowse demo`` unless
other arguments follow ``--``), whose terminal the page shows. That process runs with this one's
environment and config file, so whoever can open the page can use the user's credentials: the
server binds 127.0.0.1 unless told otherwise, and says so loudly when it is.

textual-serve is an optional extra (``pip install 'ossbrowse[serve]'``): nothing else needs it.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import shlex
import sys
from collections.abc import Sequence

EXIT_OK = 0
EXIT_BAD_INPUT = 1
INSTALL_HINT = "pip install 'ossbrowse[serve]'"


def build_parser() -> argparse.ArgumentParser:
    """``ossbrowse serve [--host H] [--port P] [-- ARGS]``."""
    parser = argparse.ArgumentParser(
        prog="ossbrowse serve",
        description="Serve the TUI to a web browser: each page opens `ossbrowse demo`, or "
        "`ossbrowse ARGS` when arguments follow `--`.",
        epilog="example: ossbrowse serve --port 8000 -- --profile prod --bucket my-bucket\n"
        f"needs textual-serve: {INSTALL_HINT}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    return parser


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_command(args: Sequence[str]) -> str:
    """The shell command each page runs: this Python, ``-m ossbrowse``, then ``args``."""
    return shlex.join([sys.executable, "-m", "ossbrowse", *(args or ["demo"])])


def run_serve(argv: Sequence[str]) -> int:
    """Run ``ossbrowse serve`` until interrupted; 1 on bad arguments or without textual-serve."""
    argv = list(argv)
    app_args: list[str] = []
    if "--" in argv:
        split = argv.index("--")
        argv, app_args = argv[:split], argv[split + 1 :]
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    err = sys.stderr
    if extra:
        print(
            f"ossbrowse serve: error: unrecognized arguments: {shlex.join(extra)} "
            "(arguments for the served ossbrowse go after --)",
            file=err,
        )
        return EXIT_BAD_INPUT
    if not 1 <= args.port <= 65535:
        print("ossbrowse serve: error: --port must be 1 to 65535", file=err)
        return EXIT_BAD_INPUT
    if app_args[:1] == ["serve"]:
        print("ossbrowse serve: error: the served command cannot be serve itself", file=err)
        return EXIT_BAD_INPUT
    try:
        from textual_serve.server import Server
    except ImportError:
        print(
            f"ossbrowse serve: textual-serve is not installed; install it with: {INSTALL_HINT}",
            file=err,
        )
        return EXIT_BAD_INPUT
    if not is_loopback(args.host):
        print(
            f"warning: serving on {args.host}: anyone who can reach this address and port gets "
            "a terminal running ossbrowse as you, with your credentials (environment, config "
            "file and profiles); there is no login. Prefer 127.0.0.1 with an SSH tunnel.",
            file=err,
        )
    command = app_command(app_args)
    title = "ossbrowse " + (shlex.join(app_args) if app_args else "demo")
    server = Server(command, host=args.host, port=args.port, title=title)
    try:
        server.serve()
    except OSError as exc:
        # Binding failed (the port is in use, the address is not this machine's): one line.
        reason = "address already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        print(
            f"ossbrowse serve: error: cannot listen on {args.host}:{args.port}: {reason or exc}",
            file=err,
        )
        return EXIT_BAD_INPUT
    return EXIT_OK
