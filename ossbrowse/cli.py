"""Command line: ``ossbrowse`` (the TUI) and its ``head``, ``ls``, ``demo``, ``emulator`` commands.

Flag names follow ossutil 2.0 (``ossutil api head-object`` and its global options), so a command
that works with ossutil works here. Heavy parts (Textual, the emulator) are imported only by the
subcommands that need them, which keeps ``ossbrowse head`` quick to start.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__
from .config import CREDENTIAL_SETTINGS, OTHER_SETTINGS
from .oss.conditions import REQUEST_FIELDS
from .secret_input import SecretInputError, command_line_warning, secret_flag, take_secret_flags

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from .oss.client import OssClient
    from .oss.redact import Redactor
    from .oss.results import HeadRequest, HeadResult
    from .ui.watching import WatchSettings

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_SERVER_ERROR = 2
EXIT_NO_ANSWER = 3
EXIT_NOT_MODIFIED = 4
EXIT_PRECONDITION_FAILED = 5

EXIT_STATUS_HELP = """\
exit status:
  0  200 OK: the object exists and every condition passed
  1  bad arguments, input or configuration: nothing was sent
  2  the server answered with another error status (403, 404, 405, 5xx...)
  3  no answer: DNS, connection refused, TLS, timeout, reset
  4  304 Not Modified (If-None-Match matched or If-Modified-Since not older)
  5  412 Precondition Failed (If-Match mismatch or modified since If-Unmodified-Since)
  130  interrupted (Ctrl+C)
"""
BULK_EXIT_HELP = """\
  with --prefix: the worst outcome met, from the least to the most serious
  0, 4, 5, 2, 3 (a failed listing counts as 2 or 3); 130 after Ctrl+C, with the summary so far
"""

REQUEST_FLAGS = REQUEST_FIELDS
"""The flags of a probe: one for each field of the request."""
# Every profile setting has a flag of the same name.
PROFILE_FLAGS = CREDENTIAL_SETTINGS + OTHER_SETTINGS


EXIT_INTERRUPTED = 130  # the shell's convention for Ctrl+C


class LogFileError(Exception):
    """--log-file names a file that cannot be written."""


_EXPECTED_ONE_RE = re.compile(r"^argument (\S+): expected one argument$")
_SECRET_FLAGS = frozenset({"-k", "--access-key-secret", "-t", "--sts-token"})


class _Parser(argparse.ArgumentParser):
    """Bad arguments exit with status 1, as ossutil does (argparse would use 2)."""

    _argv: tuple[str, ...] = ()

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        """Parse, remembering the arguments so an error can quote the one at fault."""
        given = args[0] if args else kwargs.get("args")
        self._argv = tuple(sys.argv[1:] if given is None else given)
        return super().parse_known_args(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        message += _dash_value_hint(message, self._argv)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _dash_value_hint(message: str, argv: Sequence[str]) -> str:
    """For "expected one argument" when the flag is followed by a value starting with "-":
    how to write it (``--bucket=-demo``), since argparse takes such a value for a flag."""
    match = _EXPECTED_ONE_RE.match(message)
    if match is None:
        return ""
    names = match.group(1).split("/")
    for index, word in enumerate(argv[:-1]):
        value = argv[index + 1]
        if word in names and value.startswith("-") and value != "-":
            long_name = names[-1]
            # A secret is never repeated in a message, not even to show how to quote it.
            shown = "VALUE" if word in _SECRET_FLAGS else value
            return (
                f" (a value that starts with '-' is taken for a flag: write it joined with "
                f"'=', as in {long_name}={shown})"
            )
    return ""


def _add_global_flags(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("global options (as in ossutil 2.0)")
    g.add_argument("--region", help="region id, e.g. cn-hangzhou (required for V4)")
    g.add_argument("-e", "--endpoint", help="endpoint host or URL (default: from the region)")
    g.add_argument("--addressing-style", choices=("virtual", "path", "cname"), default=None)
    g.add_argument("--sign-version", choices=("v1", "v4"), default=None)
    g.add_argument("-i", "--access-key-id")
    g.add_argument(
        "-k",
        "--access-key-secret",
        type=secret_flag,
        metavar="SECRET",
        help="'-' to type it (not shown) or read it from standard input; a value given here "
        "is visible to other users: prefer OSS_ACCESS_KEY_SECRET or the config file",
    )
    g.add_argument(
        "-t",
        "--sts-token",
        type=secret_flag,
        metavar="TOKEN",
        help="'-' to type it or read it from standard input (the line after -k's); prefer "
        "OSS_SESSION_TOKEN or the config file",
    )
    g.add_argument("--profile", help="profile in the ossutil config file")
    g.add_argument("-c", "--config-file", help="config file (default ~/.ossutilconfig)")
    g.add_argument("--connect-timeout", type=float, help="seconds (default 10)")
    g.add_argument("--read-timeout", type=float, help="seconds (default 20)")
    g.add_argument("--retry-times", type=int, help="retries for connection failures and 5xx")
    g.add_argument(
        "--keepalive",
        type=float,
        metavar="SECONDS",
        help="keep an idle connection open this long for the next request (default 120; "
        "0: a new connection each time); also 'keepalive' in the config file",
    )
    g.add_argument("--proxy", help="proxy URL, or 'env' to use the environment's")
    g.add_argument(
        "--skip-verify-cert", action="store_true", default=None, help="do not verify TLS"
    )
    g.add_argument("--loglevel", choices=("off", "info", "debug"), default="off")
    g.add_argument("--log-file", help="where logs go ('-' for standard output)")


def _add_request_flags(parser: argparse.ArgumentParser, *, required: bool) -> None:
    r = parser.add_argument_group("request")
    r.add_argument("--bucket", required=required)
    r.add_argument("--key", required=required)
    r.add_argument("--version-id")
    r.add_argument("--if-match", help="ETag, quoted or bare, or *")
    r.add_argument("--if-none-match", help="ETag, quoted or bare, or *")
    r.add_argument("--if-modified-since", help="HTTP date or ISO 8601")
    r.add_argument("--if-unmodified-since", help="HTTP date or ISO 8601")


def build_parser() -> argparse.ArgumentParser:
    """The parser for every subcommand."""
    parser = _Parser(
        prog="ossbrowse",
        description="Terminal UI for Alibaba Cloud OSS objects: HEAD an object, see why.",
        epilog="commands: head, ls, browse, demo, emulator, serve (ossbrowse COMMAND --help)",
    )
    parser.add_argument("--version", action="version", version=f"ossbrowse {__version__}")
    _add_global_flags(parser)
    _add_request_flags(parser, required=False)
    _add_watch_flags(parser)
    return parser


def _add_watch_flags(parser: argparse.ArgumentParser) -> None:
    """``--watch-interval`` and ``--watch-bell``: every command that opens the TUI takes them."""
    w = parser.add_argument_group("watching a probe (the head screen's w key)")
    w.add_argument(
        "--watch-interval",
        type=float,
        metavar="SECONDS",
        help="seconds between the watch's requests (default 5)",
    )
    w.add_argument(
        "--watch-bell",
        action="store_true",
        help="ring the terminal bell when a watched probe's answer changes",
    )


def _watch_settings(args: argparse.Namespace) -> WatchSettings | None:
    """The watch flags as settings; None (said on stderr) for an interval not above 0."""
    from .ui.watching import WatchSettings
    from .watch import DEFAULT_INTERVAL

    interval = args.watch_interval
    if interval is not None and not interval > 0:
        _say("--watch-interval: must be a number of seconds above 0")
        return None
    return WatchSettings(interval or DEFAULT_INTERVAL, bell=args.watch_bell)


def build_head_parser() -> argparse.ArgumentParser:
    """``ossbrowse head``: the headless HEAD, with ossutil's flag names."""
    parser = _Parser(
        prog="ossbrowse head",
        description=(
            "Send a signed HEAD for one object and print the outcome and why; with --prefix, "
            "HEAD every object under the prefix (one JSON line each, a summary at the end)."
        ),
        epilog=EXIT_STATUS_HELP + BULK_EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "location",
        nargs="?",
        help="oss://bucket/key or an OSS URL, instead of --bucket/--key (also in --bucket)",
    )
    _add_request_flags(parser, required=False)
    _add_global_flags(parser)
    parser.add_argument(
        "--output-format",
        choices=("raw", "json", "yaml", "jsonl"),
        default=None,
        help="raw (default for one object), json, yaml, or jsonl: one line per object "
        "(default with --prefix)",
    )
    parser.add_argument(
        "-n", "--dry-run", action="store_true", help="print the signed request; send nothing"
    )
    parser.add_argument(
        "--no-history",
        action="store_true",
        help="do not add this probe to the history the TUI shows (kept in the user data "
        "directory, or $OSSBROWSE_DATA_DIR)",
    )
    w = parser.add_argument_group("watch")
    w.add_argument(
        "--watch",
        type=float,
        metavar="SECONDS",
        help="send the probe again every SECONDS until interrupted; print one line per change",
    )
    w.add_argument(
        "--until-change",
        action="store_true",
        help="with --watch: exit at the first change, with the new outcome's exit status",
    )
    bulk = parser.add_argument_group("every object under a prefix (instead of --key)")
    bulk.add_argument(
        "--prefix",
        help="HEAD every object whose key starts with this ('' for the whole bucket), "
        "with the same conditions each",
    )
    bulk.add_argument("--jobs", type=int, help="HEADs in flight with --prefix (1-64, default 8)")
    return parser


# The secret flags, in the order `-` reads them from standard input.
SECRET_FLAGS = (
    ("access_key_secret", "-k/--access-key-secret", "AccessKey secret"),
    ("sts_token", "-t/--sts-token", "STS token"),
)
USE_INSTEAD = (
    "set OSS_ACCESS_KEY_SECRET / OSS_SESSION_TOKEN, put them in the config file "
    "(~/.ossutilconfig, chmod 600), or give `-k -` / `-t -` to type them at a prompt "
    "or read them from standard input"
)


def _read_secret_flags(args: argparse.Namespace) -> str | None:
    """Read the secrets given as ``-``; the warning for any given on the command line.

    Raises SecretInputError when one cannot be read.
    """
    given = take_secret_flags(args, SECRET_FLAGS)
    return command_line_warning([g.split("/")[0] for g in given], USE_INSTEAD) if given else None


def _profile_flags(args: argparse.Namespace) -> dict[str, object]:
    return {name: getattr(args, name, None) for name in PROFILE_FLAGS}


def _configure_logging(args: argparse.Namespace) -> logging.Handler | None:
    """ossutil's --loglevel / --log-file. Every logged value has passed the redactor."""
    if args.loglevel == "off":
        return None
    if args.log_file in (None, "-"):
        handler: logging.Handler = logging.StreamHandler(
            sys.stdout if args.log_file == "-" else sys.stderr
        )
    else:
        try:
            handler = logging.FileHandler(args.log_file, encoding="utf-8")
        except OSError as exc:
            raise LogFileError(f"cannot open log file {args.log_file}: {exc.strerror}") from None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("ossbrowse")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if args.loglevel == "debug" else logging.INFO)
    return handler


def _default_log_file() -> Path:
    """Where the TUI logs when asked to without --log-file: the platform's log directory."""
    from platformdirs import user_log_path

    directory = user_log_path("ossbrowse")
    directory.mkdir(parents=True, exist_ok=True)
    return directory / "ossbrowse.log"


def _flag(field: str) -> str:
    """How a field is named in a message: ``--if-match``, or ``location`` for the argument."""
    return field if field == "location" else "--" + field.replace("_", "-")


def _say(message: str) -> None:
    print(f"ossbrowse: {message}", file=sys.stderr)


def run_head(argv: Sequence[str]) -> int:
    """Run ``ossbrowse head``; returns the documented exit status."""
    args = build_head_parser().parse_args(argv)
    try:
        handler = _configure_logging(args)
    except LogFileError as exc:
        _say(f"{exc} (nothing was sent)")
        return EXIT_BAD_INPUT
    try:
        return _run_head(args)
    finally:
        if handler is not None:
            logging.getLogger("ossbrowse").removeHandler(handler)
            handler.close()


def _run_head(args: argparse.Namespace) -> int:
    from .cli_location import head_location
    from .config import resolve_profile
    from .oss.client import OssClient
    from .oss.conditions import build_head_request
    from .oss.profile import ConfigError
    from .oss.validation import InputError, InputErrors

    problem = _check_watch_flags(args)
    if problem:
        _say(f"{problem} (nothing was sent)")
        return EXIT_BAD_INPUT
    flags = _profile_flags(args)
    try:
        head_location(args, flags)
    except InputError as exc:
        _say(f"{_flag(exc.field)}: {exc.message} (nothing was sent)")
        return EXIT_BAD_INPUT
    try:
        warning = _read_secret_flags(args)
    except SecretInputError as exc:
        _say(f"{exc} (nothing was sent)")
        return EXIT_BAD_INPUT
    if warning:
        _say(f"warning: {warning}")
    for name, _, _ in SECRET_FLAGS:  # what `-k -` / `-t -` read replaces the placeholder
        flags[name] = getattr(args, name)
    if args.prefix is not None:
        return _run_bulk_head(args, flags)
    if args.jobs is not None:
        _say("--jobs: only with --prefix (nothing was sent)")
        return EXIT_BAD_INPUT
    try:
        request = build_head_request(**{f: getattr(args, f) or "" for f in REQUEST_FLAGS})
    except InputErrors as errors:
        for error in errors.errors:
            _say(f"--{error.field.replace('_', '-')}: {error.message} (nothing was sent)")
        return EXIT_BAD_INPUT
    try:
        profile = resolve_profile(flags=flags, config_file=args.config_file, profile=args.profile)
        for warning in profile.warnings:
            _say(f"warning: {warning}")
        client = OssClient(profile)
    except (ConfigError, InputError) as exc:
        _say(f"{exc} (nothing was sent)")
        return EXIT_BAD_INPUT
    if args.dry_run:
        from .oss.render import render_dry_run

        fmt = {None: "raw", "jsonl": "json"}.get(args.output_format, args.output_format)
        print(render_dry_run(client.prepare(request), fmt))
        return EXIT_OK
    record = _recorder(
        None if args.no_history else profile.name, client.endpoint_label, client.redactor
    )
    with client:
        if args.watch is not None:
            return _watch(client, request, args, record)  # until a change or Ctrl+C
        result = client.head_object(request)
    record(result)
    print(_render(result, args.output_format or "raw", client.redactor))
    return exit_status(result.status)


def _check_watch_flags(args: argparse.Namespace) -> str | None:
    """Why the watch flags cannot be used as given, or None."""
    if args.watch is None:
        return "--until-change: needs --watch SECONDS" if args.until_change else None
    if not args.watch > 0 or args.watch != args.watch:  # NaN compares unequal to itself
        return "--watch: must be a number of seconds above 0"
    if args.dry_run:
        return "--watch: cannot be used with --dry-run"
    if args.output_format == "yaml":
        return "--watch: prints one raw or JSON line per change; use --output-format raw or json"
    if args.prefix is not None:
        return "--watch: watches one object; it cannot be used with --prefix"
    return None


def _recorder(
    profile: str | None, endpoint: str, redactor: Redactor
) -> Callable[[HeadResult], None]:
    """A function that adds a result to the history (does nothing for ``profile=None``).

    A history file that cannot be written is reported once on standard error; the probe's
    output and exit status are not affected.
    """
    if profile is None:
        return lambda result: None
    from datetime import UTC, datetime

    from .history_store import HistoryStore, entry_for

    store: HistoryStore | None = HistoryStore()

    def record(result: HeadResult) -> None:
        nonlocal store
        if store is None:
            return
        entry = entry_for(
            result, profile=profile, endpoint=endpoint, time=datetime.now(UTC), redactor=redactor
        )
        problem = store.append(entry)
        if problem:
            _say(f"warning: {problem}")
            store = None

    return record


def _watch(
    client: OssClient,
    request: HeadRequest,
    args: argparse.Namespace,
    record: Callable[[HeadResult], None],
) -> int:
    """``--watch``: send again every ``args.watch`` seconds, one line per change.

    The first answer is printed as the starting point. A failed tick (no answer, 5xx) is said
    on standard error and the wait doubles (up to a minute) until one succeeds. With
    ``--until-change`` the first change ends the watch with the new outcome's exit status.
    """
    import time
    from datetime import UTC, datetime

    from .watch import backoff, describe_change, is_failure, observation

    last: HeadResult | None = None
    failures = tick = 0
    while True:
        if tick:
            time.sleep(backoff(args.watch, failures))
        tick += 1
        result = client.head_object(request)
        at = datetime.now(UTC)
        if is_failure(result) and tick > 1:
            failures += 1
            wait = backoff(args.watch, failures)
            _say(f"tick {tick} failed ({result.summary}); next try in {wait:g} s")
            continue
        failures = 0
        if last is not None and observation(result) == observation(last):
            continue
        change = describe_change(last, result, at) if last is not None else None
        record(result)
        json_lines = args.output_format in ("json", "jsonl")
        line = _watch_line(result, tick, at, change, json_lines, client.redactor)
        if tick == 1 and not json_lines:
            line += f"  (watching every {args.watch:g} s; Ctrl+C stops)"
        print(line, flush=True)
        if change is not None and args.until_change:
            return exit_status(result.status)
        last = None if is_failure(result) else result


def _watch_line(
    result: HeadResult,
    tick: int,
    at: datetime,
    change: str | None,
    json_lines: bool,
    redactor: Redactor,
) -> str:
    from .watch import status_text

    if json_lines:
        import json

        return json.dumps(
            {
                "time": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "tick": tick,
                "status": result.status,
                "outcome": result.outcome.value,
                "etag": result.etag,
                "last_modified": result.last_modified,
                "version_id": result.version_id,
                "request_id": result.request_id,
                "change": change,
            }
        )
    line = f"{at.strftime('%Y-%m-%d %H:%M:%S UTC')}  tick {tick}  {status_text(result)}"
    if result.etag:
        line += f"  ETag {result.etag}"
    if result.status is None:
        line += f"  {redactor.text(result.summary)}"
    return f"{line}  {change}" if change else line


def _run_bulk_head(args: argparse.Namespace, flags: dict[str, object]) -> int:
    """``head --prefix``: every object under the prefix (see :mod:`ossbrowse.cli_head_bulk`)."""
    from .cli_head_bulk import BulkArgsError, check_bulk_args, run_bulk
    from .config import resolve_profile
    from .oss.client import OssClient
    from .oss.profile import ConfigError
    from .oss.validation import InputError

    try:
        check_bulk_args(args)
        profile = resolve_profile(flags=flags, config_file=args.config_file, profile=args.profile)
        for warning in profile.warnings:
            _say(f"warning: {warning}")
        client = OssClient(profile)
    except (BulkArgsError, ConfigError, InputError) as exc:
        _say(f"{exc} (nothing was sent)")
        return EXIT_BAD_INPUT
    return run_bulk(args, client)


def exit_status(status: int | None) -> int:
    """The exit status for an HTTP status (None: no answer)."""
    if status is None:
        return EXIT_NO_ANSWER
    if status == 304:
        return EXIT_NOT_MODIFIED
    if status == 412:
        return EXIT_PRECONDITION_FAILED
    if 200 <= status < 300:
        return EXIT_OK
    return EXIT_SERVER_ERROR


def _render(result: HeadResult, output_format: str, redactor: Redactor) -> str:
    from .oss import render

    if output_format == "json":
        return render.render_json(result, redactor=redactor)
    if output_format == "yaml":
        return render.render_yaml(result, redactor=redactor)
    if output_format == "jsonl":
        from .oss.bulk_render import jsonl_line

        return jsonl_line(result)  # the client has masked its secrets in the result
    return render.render_raw(result, redactor=redactor)


def run_tui(argv: Sequence[str]) -> int:
    """``ossbrowse [flags]``: open the head screen (the explorer for a bucket without a key)."""
    args = build_parser().parse_args(argv)
    prefill = {f: getattr(args, f) for f in REQUEST_FLAGS if getattr(args, f)}
    mode = "browse" if prefill.get("bucket") and not prefill.get("key") else None
    return _open_tui(args, prefill, mode=mode)


def build_browse_parser() -> argparse.ArgumentParser:
    """``ossbrowse browse``: the explorer."""
    parser = _Parser(
        prog="ossbrowse browse",
        description="Browse buckets, folders, objects and versions; open one to HEAD it.",
    )
    parser.add_argument(
        "location",
        nargs="?",
        help="oss://BUCKET[/PREFIX] or an OSS URL to open at; none lists the buckets",
    )
    parser.add_argument(
        "--page-size", type=int, default=None, help="rows per listing request (1-1000)"
    )
    _add_global_flags(parser)
    _add_watch_flags(parser)
    return parser


def run_browse(argv: Sequence[str]) -> int:
    """``ossbrowse browse [oss://BUCKET[/PREFIX]]``: the explorer (the bucket list without one)."""
    from .cli_location import apply_url_settings
    from .oss.location import parse_location
    from .oss.validation import InputError

    args = build_browse_parser().parse_args(argv)
    prefill: dict[str, str] = {}
    flags: dict[str, object] = {}
    try:
        if args.page_size is not None and not 1 <= args.page_size <= 1000:
            raise InputError("--page-size", "must be from 1 to 1000")
        if args.location:
            location = parse_location(args.location)
            flags = _profile_flags(args)
            apply_url_settings(location, flags)
            prefill = {"bucket": location.bucket}
            if location.key:
                prefill["prefix"] = location.key
    except InputError as exc:
        _say(f"{exc} (nothing was sent)")
        return EXIT_BAD_INPUT
    if args.page_size is not None:
        prefill["page_size"] = str(args.page_size)
    return _open_tui(args, prefill, mode="browse", url_flags=flags)


def _open_tui(
    args: argparse.Namespace,
    prefill: dict[str, str],
    *,
    mode: str | None,
    url_flags: dict[str, object] | None = None,
) -> int:
    """Resolve the profile from ``args`` and run the TUI on ``mode``'s screen."""
    from .config import resolve_profile
    from .oss.profile import ConfigError, Profile

    if args.loglevel != "off" and args.log_file in (None, "-"):
        # The terminal belongs to the TUI: logs go to a file or nowhere.
        args.log_file = str(_default_log_file())
    try:
        _configure_logging(args)
    except LogFileError as exc:
        _say(str(exc))
        return EXIT_BAD_INPUT
    try:
        warning = _read_secret_flags(args)
    except SecretInputError as exc:
        _say(str(exc))
        return EXIT_BAD_INPUT
    if warning:
        _say(f"warning: {warning}")  # still on the terminal after the TUI has gone
    notice = None
    try:
        flags = {**_profile_flags(args), **(url_flags or {})}
        profile = resolve_profile(flags=flags, config_file=args.config_file, profile=args.profile)
    except ConfigError as exc:
        profile, notice = Profile(name=args.profile or "default"), str(exc)
    else:
        # E.g. the config file holding a secret is readable by other users.
        notice = "\n".join(profile.warnings) or None
    if warning:
        notice = f"{notice}\n{warning}" if notice else warning
    if args.loglevel != "off":
        logging_to = f"Logging ({args.loglevel}) to {args.log_file}; secrets are never logged."
        notice = f"{notice}\n{logging_to}" if notice else logging_to
    from .ui.app import make_app

    watch = _watch_settings(args)
    if watch is None:
        return EXIT_BAD_INPUT
    make_app(
        profile,
        prefill=prefill,
        config_file=args.config_file,
        notice=notice,
        mode=mode,
        flags=flags,
        watch=watch,
    ).run()
    return EXIT_OK


def run_demo(argv: Sequence[str]) -> int:
    """``ossbrowse demo``: the emulator with demo data on loopback, and the TUI against it."""
    parser = _Parser(
        prog="ossbrowse demo",
        description="Start the local OSS emulator with demo data on 127.0.0.1 and open the TUI "
        "against it; no credentials needed. The emulator stops when the TUI exits.",
    )
    parser.add_argument("--port", type=int, default=0, help="emulator port (default: any free)")
    parser.add_argument("--sign-version", choices=("v1", "v4"), default="v4")
    parser.add_argument(
        "--guided",
        action="store_true",
        help="walk through 200, 304, a rewrite of the object, 200 and 412, one key per step",
    )
    parser.add_argument(
        "--presenter",
        action="store_true",
        help="for an audience: no AccessKeyId or endpoint on screen, larger outcome digits",
    )
    _add_watch_flags(parser)
    args = parser.parse_args(argv)
    watch = _watch_settings(args)
    if watch is None:
        return EXIT_BAD_INPUT
    if not 0 <= args.port <= 65535:
        _say("--port: must be 0 (any free port) to 65535 (nothing was started)")
        return EXIT_BAD_INPUT
    from .emulator import Emulator
    from .emulator.demo import DEMO_BUCKET, DEMO_KEY

    emulator = Emulator(port=args.port, demo_data=True)
    try:
        emulator.start()
    except OSError as exc:
        # E.g. the port is in use: one line, not a traceback.
        _say(f"cannot start the demo's emulator on 127.0.0.1:{args.port}: {_os_reason(exc)}")
        return EXIT_BAD_INPUT
    with emulator:
        profile = emulator.profile(name="demo", sign_version=args.sign_version)
        from .ui.app import make_app

        guide = None
        if args.guided:
            from .emulator.demo_rewrite import DemoRewriter
            from .ui.guide import Guide

            rewrite = DemoRewriter(emulator, DEMO_BUCKET, DEMO_KEY)
            guide = Guide(DEMO_BUCKET, DEMO_KEY, rewrite)
        make_app(
            profile,
            prefill={"bucket": DEMO_BUCKET, "key": DEMO_KEY},
            demo=True,
            presenter=args.presenter,
            guide=guide,
            watch=watch,
        ).run()
    return EXIT_OK


def _os_reason(exc: OSError) -> str:
    """An OSError's reason in words, e.g. ``address already in use``."""
    if exc.errno == errno.EADDRINUSE:
        return "address already in use"
    return (exc.strerror or str(exc)).lower()


def run_emulator(argv: Sequence[str]) -> int:
    """``ossbrowse emulator``: the local OSS emulator in the foreground."""
    from .emulator import cli as emulator_cli

    parser = _Parser(prog="ossbrowse emulator", description="Run the local OSS emulator.")
    emulator_cli.add_arguments(parser)
    return emulator_cli.run(parser.parse_args(argv))


def run_ls(argv: Sequence[str]) -> int:
    """``ossbrowse ls``: buckets, objects or versions (see :mod:`ossbrowse.cli_ls`)."""
    from .cli_ls import run_ls as run

    return run(argv)


def run_serve(argv: Sequence[str]) -> int:
    """``ossbrowse serve``: the TUI in a web browser (see :mod:`ossbrowse.cli_serve`)."""
    from .cli_serve import run_serve as run

    return run(argv)


COMMANDS = {
    "head": run_head,
    "ls": run_ls,
    "browse": run_browse,
    "demo": run_demo,
    "emulator": run_emulator,
    "serve": run_serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ossbrowse`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = COMMANDS.get(args[0]) if args else None
    try:
        return command(args[1:]) if command else run_tui(args)
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `ossbrowse head ... | head -1`): not an error of ours.
        # Point stdout at devnull so the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
