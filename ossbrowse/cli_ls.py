"""``ossbrowse ls``: buckets, objects and versions, streamed page by page, as ossutil 2.0 does.

``ossbrowse ls`` lists buckets; ``ossbrowse ls oss://BUCKET[/PREFIX]`` (or an OSS URL) lists
the objects under a prefix, recursively unless ``-d``. Each page is printed as soon as it
arrives and then dropped, so a listing of any size runs in bounded memory, in every output
format (json is written as a stream too). Exit status: 0 listed, 1 bad input (nothing sent),
2 the server answered with an error, 3 no answer.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from .cli import (
    EXIT_BAD_INPUT,
    EXIT_NO_ANSWER,
    EXIT_OK,
    EXIT_SERVER_ERROR,
    LogFileError,
    _add_global_flags,
    _configure_logging,
    _Parser,
    _profile_flags,
    _read_secret_flags,
    _say,
)
from .secret_input import SecretInputError

if TYPE_CHECKING:
    from .oss.client import OssClient
    from .oss.list_render import Entry
    from .oss.listing import BucketPage, ObjectPage, VersionPage
    from .oss.location import Location

LS_EXIT_HELP = """\
exit status:
  0  listed (also when nothing matched)
  1  bad arguments, input or configuration: nothing was sent
  2  the server answered with an error (403, 404 NoSuchBucket, ...) or an unreadable listing
  3  no answer: DNS, connection refused, TLS, timeout, reset
  130  interrupted (Ctrl+C)
"""


def build_ls_parser() -> argparse.ArgumentParser:
    """``ossbrowse ls [oss://BUCKET[/PREFIX]]`` with ossutil 2.0's flag names."""
    parser = _Parser(
        prog="ossbrowse ls",
        description=(
            "List buckets, or the objects under oss://BUCKET[/PREFIX] (an OSS URL works too), "
            "page by page."
        ),
        epilog=LS_EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "location", nargs="?", help="oss://bucket[/prefix] or an OSS URL; none lists buckets"
    )
    parser.add_argument(
        "-d",
        "--dirs",
        "--directory",
        action="store_true",
        help="one level only: objects and folders (common prefixes) directly under the prefix",
    )
    parser.add_argument(
        "--all-versions", action="store_true", help="every version and delete marker"
    )
    parser.add_argument(
        "--exact-key",
        action="store_true",
        help="with --all-versions: versions of exactly this key, not of every key it prefixes",
    )
    parser.add_argument("--limited-num", type=int, help="stop after this many entries")
    parser.add_argument("--start-after", help="list only keys after this one")
    parser.add_argument(
        "--page-size", type=int, default=1000, help="entries asked for per request (1-1000)"
    )
    parser.add_argument("--output-format", choices=("raw", "json", "jsonl"), default="raw")
    _add_global_flags(parser)
    return parser


class _BadInput(Exception):
    """A flag or the location is wrong; the message names it."""


def run_ls(argv: Sequence[str]) -> int:
    """Run ``ossbrowse ls``; returns the documented exit status."""
    args = build_ls_parser().parse_args(argv)
    try:
        handler = _configure_logging(args)
    except LogFileError as exc:
        _say(f"{exc} (nothing was sent)")
        return EXIT_BAD_INPUT
    try:
        return _run_ls(args, sys.stdout)
    finally:
        if handler is not None:
            logging.getLogger("ossbrowse").removeHandler(handler)
            handler.close()


def _location(args: argparse.Namespace) -> Location | None:
    from .oss.location import parse_location

    text = args.location
    if text is None or text.strip().lower() in ("oss://", "oss:///"):
        return None
    return parse_location(text)


def _check_args(args: argparse.Namespace, location: Location | None) -> None:
    if args.limited_num is not None and args.limited_num < 1:
        raise _BadInput("--limited-num: must be at least 1")
    if not 1 <= args.page_size <= 1000:
        raise _BadInput(f"--page-size: must be 1 to 1000 (got {args.page_size})")
    if location is None:
        for flag, value in (
            ("--all-versions", args.all_versions),
            ("--dirs", args.dirs),
            ("--start-after", args.start_after),
        ):
            if value:
                raise _BadInput(f"{flag}: needs an oss://BUCKET location")
    if args.exact_key and not args.all_versions:
        raise _BadInput("--exact-key: only with --all-versions")
    if args.exact_key and location is not None and location.is_prefix:
        raise _BadInput("--exact-key: the location must name a key, not a bucket or prefix/")
    if location is not None and location.version_id:
        raise _BadInput("location: a versionId in the URL has no meaning for ls")


def _run_ls(args: argparse.Namespace, out: TextIO) -> int:
    from .cli_location import apply_url_settings
    from .config import resolve_profile
    from .oss.client import OssClient
    from .oss.paging import ListingFailed
    from .oss.profile import ConfigError
    from .oss.read_ahead import read_ahead
    from .oss.validation import InputError

    try:
        warning = _read_secret_flags(args)  # `-k -` / `-t -`, and the process-list warning
    except SecretInputError as exc:
        _say(f"{exc} (nothing was sent)")
        return EXIT_BAD_INPUT
    if warning:
        _say(f"warning: {warning}")
    flags = _profile_flags(args)
    try:
        location = _location(args)
        _check_args(args, location)
        if location is not None:
            apply_url_settings(location, flags)
        profile = resolve_profile(flags=flags, config_file=args.config_file, profile=args.profile)
        for warning in profile.warnings:
            _say(f"warning: {warning}")
        client = OssClient(profile)
    except (_BadInput, ConfigError, InputError) as exc:
        _say(f"{exc} (nothing was sent)")
        return EXIT_BAD_INPUT
    with client, _start_up_heap_frozen():
        writer = _Writer(out, args, location)
        try:
            pages = _pages(client, args, location)
            # Each next page is fetched while this one is written (the server and the client
            # work at the same time), none that --limited-num will not print.
            writer.write(read_ahead(pages, writer.wants_next))
        except InputError as exc:
            _say(f"{exc} (nothing was sent)")
            return EXIT_BAD_INPUT
        except ListingFailed as exc:
            writer.abort(str(exc))
            _say(_failure_text(exc))
            return EXIT_NO_ANSWER if exc.no_answer else EXIT_SERVER_ERROR
    return EXIT_OK


@contextlib.contextmanager
def _start_up_heap_frozen() -> Iterator[None]:
    """While listing, the cycle collector leaves alone what start-up built (as the TUI does).

    Each page allocates thousands of objects (the parsed document, the entries), so full
    collections come every few pages, and each scanned every module, class and function loaded
    so far again: frozen, `ls` of 50,000 objects in its own process took 8 % less CPU (20-25 %
    when run inside a process with more loaded, as the benchmark's). Given back at the end,
    unless a caller had frozen its own heap first.
    """
    mine = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if mine:
            gc.unfreeze()


def _failure_text(exc: Any) -> str:
    """The failure in one or two lines: what OSS said, and a region hint when there is one."""
    text = str(exc)
    error = exc.error
    if error is not None and error.region_hint:
        text += f" (the bucket seems to be in region {error.region_hint}; try --region)"
    if error is not None and error.request_id:
        text += f" [request id {error.request_id}]"
    return text


def _pages(
    client: OssClient, args: argparse.Namespace, location: Location | None
) -> Iterator[BucketPage] | Iterator[ObjectPage] | Iterator[VersionPage]:
    size = args.page_size
    if args.limited_num is not None:
        size = min(size, args.limited_num)
    if location is None:
        return client.list_buckets(page_size=size)
    delimiter = "/" if args.dirs else ""
    if args.all_versions and args.exact_key:
        return client.list_key_versions(location.bucket, location.key, page_size=size)
    if args.all_versions:
        return client.list_object_versions(
            location.bucket,
            prefix=location.key,
            delimiter=delimiter,
            key_marker=args.start_after or "",
            page_size=size,
        )
    return client.list_objects_v2(
        location.bucket,
        prefix=location.key,
        delimiter=delimiter,
        start_after=args.start_after or "",
        page_size=size,
    )


def entry_count(page: BucketPage | ObjectPage | VersionPage) -> int:
    """How many entries :func:`page_entries` gives for ``page``."""
    from .oss.listing import BucketPage, ObjectPage

    if isinstance(page, BucketPage):
        return len(page.buckets)
    items = page.objects if isinstance(page, ObjectPage) else page.versions
    return len(items) + len(page.prefixes)


def page_entries(page: BucketPage | ObjectPage | VersionPage) -> Iterator[Entry]:
    """A page's entries in key order (folders merged in as the server sorted them)."""
    from .oss.listing import BucketPage, merged_entries

    if isinstance(page, BucketPage):
        return iter(page.buckets)
    return merged_entries(page)


class _Writer:
    """Prints entries as they come, in one of the three formats, and counts them."""

    def __init__(self, out: TextIO, args: argparse.Namespace, location: Location | None) -> None:
        self.out = out
        self.format = args.output_format
        self.limit: int | None = args.limited_num
        self.bucket = location.bucket if location else None
        self.kind = (
            "buckets" if location is None else "versions" if args.all_versions else "objects"
        )
        self.folders = bool(args.dirs)
        self.count = 0
        self.limited = False
        self.started = False
        self.location = location

    def _start(self) -> None:
        from .oss.list_render import raw_header

        self.started = True
        if self.format == "raw":
            self.out.write(raw_header(self.kind) + "\n")
        elif self.format == "json":
            head: dict[str, Any] = {"kind": self.kind}
            if self.location is not None:
                head.update(bucket=self.location.bucket, prefix=self.location.key)
            opening = json.dumps(head, ensure_ascii=False)[:-1]
            self.out.write(f'{opening}, "entries": [')

    def wants_next(self, page: BucketPage | ObjectPage | VersionPage) -> bool:
        """Whether, once ``page`` (not yet written) is printed, the next page is needed."""
        return self.limit is None or self.count + entry_count(page) < self.limit

    def write(self, pages: Iterable[BucketPage | ObjectPage | VersionPage]) -> None:
        """Print every entry of every page, page by page; stops at ``--limited-num``."""
        from .oss.list_render import json_items, jsonl_lines, raw_lines

        for page in pages:
            if not self.started:  # after the first answer: a failure prints no header
                self._start()
            entries = list(page_entries(page))
            if self.limit is not None and self.count + len(entries) >= self.limit:
                taken = self.limit - self.count
                self.limited = page.is_truncated or len(entries) > taken
                entries = entries[:taken]
            first = self.count == 0
            self.count += len(entries)
            # The page in one write: one string built, one call into the file object.
            if self.format == "raw":
                text = raw_lines(entries, self.bucket, self.kind)
            elif self.format == "jsonl":
                text = jsonl_lines(entries, self.bucket)
            else:
                text = json_items(entries, self.bucket, first=first)
            if text:
                self.out.write(text)
                self.out.flush()
            if self.limit is not None and self.count >= self.limit:
                break
        self._finish(None)

    def _finish(self, error: str | None) -> None:
        from .oss.list_render import raw_footer

        if not self.started and (error is None or self.format == "json"):
            self._start()

        if self.format == "raw" and error is None:
            self.out.write(f"\n{raw_footer(self.kind, self.count, folders=self.folders)}\n")
            if self.limited:
                self.out.write(f"(stopped at --limited-num {self.limit}; more entries exist)\n")
        elif self.format == "json":
            tail: dict[str, Any] = {
                "count": self.count,
                "complete": error is None and not self.limited,
            }
            if self.limited:
                tail["limited"] = True
            if error is not None:
                tail["error"] = error
            self.out.write("\n], " + json.dumps(tail, ensure_ascii=False)[1:] + "\n")
        self.out.flush()

    def abort(self, error: str) -> None:
        """End the output after a failure; a json document is closed so it stays valid."""
        self._finish(error)
