"""``ossbrowse emulator``: run the local OSS emulator in the foreground.

Prints ``endpoint: http://127.0.0.1:PORT``, the region and the AccessKeyId (the secret only when
it was generated here, since the user has no other way to learn it), then serves until Ctrl+C
or SIGTERM.
"""

from __future__ import annotations

import argparse
import ipaddress
import signal
import sys
import threading
from types import FrameType

from ossbrowse.emulator.core import Emulator
from ossbrowse.emulator.persist import DataDirError
from ossbrowse.emulator.server import DEFAULT_MAX_CONNECTIONS, Limits
from ossbrowse.oss.validation import InputError, check_region
from ossbrowse.secret_input import (
    SecretInputError,
    command_line_warning,
    secret_flag,
    take_secret_flags,
)

_SECRET_FLAG = [("access_key_secret", "--access-key-secret", "AccessKey secret")]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the emulator's options to ``parser``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: a free port)")
    parser.add_argument("--region", default="cn-hangzhou", help="region V4 requests must sign for")
    parser.add_argument("--data", metavar="DIR", help="keep buckets and objects in DIR")
    parser.add_argument("--access-key-id", metavar="ID", help="AccessKeyId to accept")
    parser.add_argument(
        "--access-key-secret",
        type=secret_flag,
        metavar="SECRET",
        help="AccessKey secret to accept; '-' to type it (not shown) or read it from standard "
        "input (a value given here is visible to other users)",
    )
    parser.add_argument("--demo-data", action="store_true", help="load the demo buckets")
    parser.add_argument("--allow-anonymous", action="store_true", help="accept unsigned requests")
    parser.add_argument(
        "--max-connections",
        type=int,
        metavar="N",
        help=f"connections open at once (default {DEFAULT_MAX_CONNECTIONS}, fewer if the "
        "descriptor limit is lower)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        metavar="SECONDS",
        default=Limits.idle_timeout,
        help="time a connection has to send a complete request head "
        f"(default {Limits.idle_timeout:g})",
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        metavar="SECONDS",
        default=Limits.request_timeout,
        help=f"time from a request head to the end of its answer "
        f"(default {Limits.request_timeout:g})",
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    """Run the emulator until interrupted; 0 on a clean stop, 1 on bad options."""
    err = sys.stderr
    try:
        if take_secret_flags(args, _SECRET_FLAG):
            instead = "give `--access-key-secret -` to type it or read it from standard input"
            warning = command_line_warning(["--access-key-secret"], instead)
            print(f"warning: {warning}", file=err)
    except SecretInputError as exc:
        print(f"error: {exc}", file=err)
        return 1
    secret = args.access_key_secret
    if (args.access_key_id is None) != (secret is None):
        print("error: give both --access-key-id and --access-key-secret, or neither", file=err)
        return 1
    for flag, value in (
        ("--access-key-id", args.access_key_id),
        ("--access-key-secret", None if secret is None else secret.reveal()),
    ):
        if value is not None and not value.strip():
            print(
                f"error: {flag} is empty; give a value, or neither flag for a generated key",
                file=err,
            )
            return 1
    if args.max_connections is not None and args.max_connections < 1:
        print("error: --max-connections must be at least 1", file=err)
        return 1
    for flag, seconds in (
        ("--idle-timeout", args.idle_timeout),
        ("--request-timeout", args.request_timeout),
    ):
        if not seconds > 0 or seconds == float("inf"):
            print(f"error: {flag} must be a positive number of seconds", file=err)
            return 1
    try:
        check_region(args.region)
    except InputError as exc:
        print(f"error: --{exc}", file=err)
        return 1
    if not 0 <= args.port <= 65535:
        print("error: --port must be 0 to 65535", file=err)
        return 1
    if not _is_loopback(args.host):
        print(
            f"warning: binding {args.host}: other machines can reach this emulator",
            file=err,
        )
        if args.allow_anonymous:
            print(
                f"warning: --allow-anonymous on {args.host}: anyone who can reach this emulator "
                "can read, write and delete its objects without a key",
                file=err,
            )
    try:
        emulator = Emulator(
            host=args.host,
            port=args.port,
            region=args.region,
            access_key_id=args.access_key_id,
            access_key_secret=None if secret is None else secret.reveal(),
            data_dir=args.data,
            demo_data=args.demo_data,
            allow_anonymous=args.allow_anonymous,
            limits=Limits(
                max_connections=args.max_connections,
                idle_timeout=args.idle_timeout,
                request_timeout=args.request_timeout,
            ),
        )
        emulator.start()
    except (OSError, DataDirError) as exc:
        print(f"error: cannot start the emulator: {exc}", file=err)
        return 1

    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, _on_signal)
    try:
        print(f"endpoint: {emulator.endpoint}", flush=True)
        print(f"region: {emulator.region}")
        print(f"access key id: {emulator.access_key_id}")
        if emulator.generated_credentials:
            # Generated here: this is the only place the user can learn it.
            print(f"access key secret: {emulator.access_key_secret}")
        if args.data:
            print(f"data: {args.data}")
        if args.allow_anonymous:
            print("anonymous requests: allowed")
        print("press Ctrl+C to stop", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        emulator.stop()
    print("stopped", flush=True)
    return 0
