"""``ossbrowse head --bucket B --prefix P [--jobs N]``: HEAD every object under a prefix.

The listing is read page by page while ``--jobs`` HEADs run (the engine is
:class:`ossbrowse.oss.bulk.BulkHead`), each with the conditions given, if any. Standard output
gets one JSON line per object (``--output-format jsonl``, the default here) or one table row
(``raw``), as results come; standard error gets a progress line when it is a terminal and the
summary at the end. The exit status is the worst outcome's, by the conventions of
``ossbrowse head``: no answer (3) over another error status such as 404 (2) over 412 (5) over
304 (4) over 200 (0); a listing that failed counts as its own outcome, and Ctrl+C gives 130
after the summary so far.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from .cli import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_NO_ANSWER,
    EXIT_NOT_MODIFIED,
    EXIT_OK,
    EXIT_PRECONDITION_FAILED,
    EXIT_SERVER_ERROR,
    REQUEST_FLAGS,
    _say,
)

if TYPE_CHECKING:
    from .oss.bulk import BulkSummary
    from .oss.client import OssClient
    from .oss.results import HeadResult

# Exit statuses from the least to the most serious: the run exits with the worst it met.
_SEVERITY = (
    EXIT_OK,
    EXIT_NOT_MODIFIED,
    EXIT_PRECONDITION_FAILED,
    EXIT_SERVER_ERROR,
    EXIT_NO_ANSWER,
)
BULK_OUTPUT_FORMATS = ("jsonl", "raw")
PROGRESS_TICK_S = 0.2
"""How often the progress line on a terminal is redrawn."""


class BulkArgsError(Exception):
    """A flag that makes no sense for a bulk HEAD; the message names it."""


def check_bulk_args(args: argparse.Namespace) -> None:
    """Refuse flags a bulk HEAD cannot honour (BulkArgsError naming the flag)."""
    from .oss.bulk import MAX_JOBS

    if args.key:
        raise BulkArgsError(
            "--prefix: give either --key (one object) or --prefix (every object under it)"
        )
    if args.version_id:
        raise BulkArgsError("--version-id: only with --key (a bulk HEAD asks for current versions)")
    if args.dry_run:
        raise BulkArgsError("--dry-run: only with --key (one object)")
    if args.output_format not in (None, *BULK_OUTPUT_FORMATS):
        raise BulkArgsError(
            f"--output-format: a bulk HEAD prints jsonl or raw (got {args.output_format})"
        )
    if args.jobs is not None and not 1 <= args.jobs <= MAX_JOBS:
        raise BulkArgsError(f"--jobs: must be 1 to {MAX_JOBS} (got {args.jobs})")


def worst_status(summary: BulkSummary) -> int:
    """The exit status of the worst outcome in ``summary`` (130 when it was interrupted)."""
    from .oss.results import Outcome

    if summary.interrupted:
        return EXIT_INTERRUPTED
    met = [EXIT_OK]
    for outcome, status in (
        (Outcome.NOT_MODIFIED, EXIT_NOT_MODIFIED),
        (Outcome.PRECONDITION_FAILED, EXIT_PRECONDITION_FAILED),
        (Outcome.NOT_FOUND, EXIT_SERVER_ERROR),
        (Outcome.ERROR, EXIT_SERVER_ERROR),
        (Outcome.NO_ANSWER, EXIT_NO_ANSWER),
    ):
        if summary.counts[outcome]:
            met.append(status)
    failure = summary.listing_failure
    if failure is not None:
        met.append(EXIT_NO_ANSWER if failure.no_answer else EXIT_SERVER_ERROR)
    return max(met, key=_SEVERITY.index)


def _progress(err: TextIO) -> Callable[[BulkSummary], None]:
    def show(summary: BulkSummary) -> None:
        rate = summary.done / summary.elapsed_s if summary.elapsed_s > 0 else 0.0
        err.write(
            f"\r{summary.done} HEADed of {summary.listed} listed, {summary.failed} failed, "
            f"{rate:.0f}/s \x1b[K"
        )
        err.flush()

    return show


def run_bulk(args: argparse.Namespace, client: OssClient) -> int:
    """HEAD every object under ``args.prefix``; ``args`` has passed :func:`check_bulk_args`."""
    from .oss import bulk_render
    from .oss.bulk import DEFAULT_JOBS, BulkHead
    from .oss.conditions import build_head_request
    from .oss.location import format_oss_uri
    from .oss.validation import InputErrors

    fields = {f: getattr(args, f) or "" for f in REQUEST_FLAGS}
    # The conditions are checked once, with a stand-in key: each listed key replaces it.
    fields["key"] = args.prefix or "_"
    try:
        template = build_head_request(**fields)
    except InputErrors as errors:
        for error in errors.errors:
            name = "prefix" if error.field == "key" else error.field
            _say(f"--{name.replace('_', '-')}: {error.message} (nothing was sent)")
        return EXIT_BAD_INPUT
    out, err = sys.stdout, sys.stderr
    raw = args.output_format == "raw"
    line = bulk_render.raw_row if raw else bulk_render.jsonl_line
    if raw:
        out.write(bulk_render.raw_header() + "\n")

    def on_result(result: HeadResult) -> None:
        out.write(line(result) + "\n")

    tty = err.isatty()
    engine = BulkHead(client, template, args.prefix, jobs=args.jobs or DEFAULT_JOBS)
    with client:
        summary = engine.run(
            on_result, on_tick=_progress(err) if tty else None, tick_s=PROGRESS_TICK_S
        )
    out.flush()
    if tty:
        err.write("\r\x1b[K")
    for text in bulk_render.summary_lines(summary, format_oss_uri(template.bucket, args.prefix)):
        err.write(text + "\n")
    err.flush()
    return worst_status(summary)
