"""Bulk HEAD (``ossbrowse head --bucket B --prefix P``) against the emulator on 127.0.0.1.

The engine (:class:`ossbrowse.oss.bulk.BulkHead`) is driven directly where a test needs to see
inside a run (how many HEADs were in flight, how far the listing ran ahead, a 404 or a 403 in
the middle); the command is run as a script would run it for the outputs, the summary and the
exit statuses.
"""

from __future__ import annotations

import io
import json
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ossbrowse import cli, cli_head_bulk
from ossbrowse.emulator import Emulator
from ossbrowse.oss.bulk import BulkHead
from ossbrowse.oss.client import OssClient
from ossbrowse.oss.results import HeadRequest, HeadResult, Outcome

BUCKET = "bulk-test"
PREFIX = "p/"
COUNT = 40

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def seeded(emulator: Emulator) -> Emulator:
    """COUNT objects under PREFIX (p/k-00 ... p/k-39), each with its own body, and one outside."""
    store = emulator.store
    store.create_bucket(BUCKET, region=emulator.region)
    for i in range(COUNT):
        store.put_object(BUCKET, f"{PREFIX}k-{i:02d}", f"body {i}".encode())
    store.put_object(BUCKET, "q/outside", b"not under the prefix")
    return emulator


def etag_of(emulator: Emulator, key: str) -> str:
    return emulator.store.get_object(BUCKET, key).etag


@pytest.fixture
def run(seeded: Emulator, capsys: pytest.CaptureFixture[str]) -> Run:
    def run_head(*args: str, endpoint: str | None = None) -> tuple[int, str, str]:
        argv = ["head", "-e", endpoint or seeded.endpoint, "--region", seeded.region]
        argv += ["-i", seeded.access_key_id, "-k", seeded.access_key_secret, *args]
        code = cli.main(argv)
        out, err = capsys.readouterr()
        assert seeded.access_key_secret not in out + err
        return code, out, err

    return run_head


def records(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def summary_line(err: str) -> str:
    return next(line for line in err.splitlines() if "listed objects under" in line)


def no_bulk_threads() -> bool:
    return not any(t.name.startswith("bulk-") for t in threading.enumerate())


# -- the command ----------------------------------------------------------------------------------


def test_every_object_under_the_prefix_one_json_line_each(run: Run, seeded: Emulator) -> None:
    code, out, err = run("--bucket", BUCKET, "--prefix", PREFIX, "--jobs", "4")
    assert code == 0, err
    lines = records(out)
    assert sorted(r["key"] for r in lines) == [f"{PREFIX}k-{i:02d}" for i in range(COUNT)]
    first = next(r for r in lines if r["key"] == f"{PREFIX}k-07")
    assert first["status"] == 200 and first["outcome"] == "ok"
    assert first["uri"] == f"oss://{BUCKET}/{PREFIX}k-07"
    assert first["etag"] == etag_of(seeded, f"{PREFIX}k-07")
    assert first["size"] == len(b"body 7") and first["storage_class"] == "Standard"
    assert first["headers"]["etag"] == first["etag"] and first["conditions"] == {}
    assert first["error"] is None and first["failure"] is None
    assert isinstance(first["elapsed_ms"], float) and first["reused"] in (True, False)
    assert summary_line(err).startswith(f"{COUNT} of {COUNT} listed objects under oss://{BUCKET}/")
    assert f"{COUNT} 200, 0 304, 0 412, 0 404, 0 failed" in summary_line(err)
    assert "\r" not in err  # standard error is not a terminal here: no progress line
    assert no_bulk_threads()


def test_if_match_applies_to_each_object_412_is_the_exit_status(run: Run, seeded: Emulator) -> None:
    wanted = etag_of(seeded, f"{PREFIX}k-03")
    code, out, err = run("--bucket", BUCKET, "--prefix", PREFIX, "--if-match", wanted)
    assert code == cli.EXIT_PRECONDITION_FAILED, err
    by_key = {r["key"]: r for r in records(out)}
    assert by_key[f"{PREFIX}k-03"]["status"] == 200
    assert by_key[f"{PREFIX}k-03"]["conditions"] == {"If-Match": "passed"}
    others = [r for k, r in by_key.items() if k != f"{PREFIX}k-03"]
    assert len(others) == COUNT - 1
    assert {(r["status"], r["outcome"]) for r in others} == {(412, "precondition_failed")}
    assert {r["conditions"]["If-Match"] for r in others} == {"failed"}
    assert f"1 200, 0 304, {COUNT - 1} 412, 0 404, 0 failed" in summary_line(err)


def test_if_none_match_gives_304_for_the_match_and_exit_status_4(
    run: Run, seeded: Emulator
) -> None:
    wanted = etag_of(seeded, f"{PREFIX}k-11")
    code, out, err = run("--bucket", BUCKET, "--prefix", PREFIX, "--if-none-match", wanted)
    assert code == cli.EXIT_NOT_MODIFIED, err
    statuses = {r["key"]: r["status"] for r in records(out)}
    assert statuses.pop(f"{PREFIX}k-11") == 304
    assert set(statuses.values()) == {200}
    assert f"{COUNT - 1} 200, 1 304, 0 412" in summary_line(err)


def test_raw_prints_a_table_row_per_object(run: Run, seeded: Emulator) -> None:
    code, out, err = run("--bucket", BUCKET, "--prefix", f"{PREFIX}k-1", "--output-format", "raw")
    assert code == 0, err
    header, *rows = out.splitlines()
    assert header.split()[:2] == ["Status", "Outcome"] and header.endswith("Object")
    assert len(rows) == 10
    row = next(r for r in rows if r.endswith(f"oss://{BUCKET}/{PREFIX}k-12"))
    assert row.split()[:3] == ["200", "ok", str(len(b"body 12"))]
    assert etag_of(seeded, f"{PREFIX}k-12").strip('"') in row
    assert "10 of 10 listed objects" in summary_line(err)


def test_a_prefix_with_nothing_under_it_is_an_empty_run(run: Run) -> None:
    code, out, err = run("--bucket", BUCKET, "--prefix", "nothing-here/")
    assert (code, out) == (0, "")
    assert summary_line(err).startswith("0 of 0 listed objects")


def test_a_missing_bucket_exits_2_with_the_listing_error(run: Run) -> None:
    code, out, err = run("--bucket", "no-such-bucket", "--prefix", "")
    assert (code, out) == (cli.EXIT_SERVER_ERROR, "")
    assert "the listing stopped early" in err and "NoSuchBucket" in err


def test_no_answer_exits_3(run: Run) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    code, out, err = run(
        "--bucket", BUCKET, "--prefix", PREFIX, "--retry-times", "0",
        endpoint=f"http://127.0.0.1:{closed}",
    )  # fmt: skip
    assert (code, out) == (cli.EXIT_NO_ANSWER, "")
    assert "the listing stopped early" in err


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (("--key", "p/k-01"), "--prefix"),
        (("--version-id", "v1"), "--version-id"),
        (("--jobs", "0"), "--jobs"),
        (("--jobs", "65"), "--jobs"),
        (("--output-format", "json"), "--output-format"),
        (("--dry-run",), "--dry-run"),
        (("--if-modified-since", "not a date"), "--if-modified-since"),
    ],
)
def test_bad_flags_name_the_flag_and_send_nothing(
    run: Run, extra: tuple[str, ...], named: str
) -> None:
    code, out, err = run("--bucket", BUCKET, "--prefix", PREFIX, *extra)
    assert (code, out) == (cli.EXIT_BAD_INPUT, "")
    assert f"ossbrowse: {named}:" in err and "nothing was sent" in err


def test_keepalive_decides_whether_connections_are_reused(run: Run) -> None:
    code, out, _ = run("--bucket", BUCKET, "--prefix", f"{PREFIX}k-1", "--jobs", "1")
    # One worker, with a connection of its own (not the listing's): opened once, then kept.
    assert code == 0 and [r["reused"] for r in records(out)] == [False] + [True] * 9
    code, out, _ = run(
        "--bucket", BUCKET, "--prefix", f"{PREFIX}k-1", "--jobs", "1", "--keepalive", "0"
    )  # fmt: skip
    assert code == 0 and [r["reused"] for r in records(out)] == [False] * 10
    code, out, err = run("--bucket", BUCKET, "--prefix", PREFIX, "--keepalive", "-5")
    assert (code, out) == (cli.EXIT_BAD_INPUT, "") and "keepalive must be 0 to" in err


def test_jobs_without_prefix_is_refused(run: Run) -> None:
    code, _, err = run("--bucket", BUCKET, "--key", "p/k-01", "--jobs", "4")
    assert code == cli.EXIT_BAD_INPUT and "--jobs: only with --prefix" in err


def test_one_object_in_jsonl_is_the_same_record(run: Run, seeded: Emulator) -> None:
    code, out, _ = run("--bucket", BUCKET, "--key", "p/k-05", "--output-format", "jsonl")
    assert code == 0
    (line,) = records(out)
    assert line["key"] == "p/k-05" and line["etag"] == etag_of(seeded, "p/k-05")


class TerminalStderr(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_shown_only_on_a_terminal(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_head_bulk, "PROGRESS_TICK_S", 0.0)  # a progress line per result
    terminal = TerminalStderr()
    monkeypatch.setattr(sys, "stderr", terminal)
    code, out, _ = run("--bucket", BUCKET, "--prefix", PREFIX)
    assert code == 0 and len(records(out)) == COUNT
    shown = terminal.getvalue()
    progress, summary = shown.rsplit("\r\x1b[K", 1)  # the progress line is wiped before the end
    assert "HEADed of" in progress and f"{COUNT} of {COUNT} listed objects" in summary


class InterruptingStdout(io.StringIO):
    """Standard output on which the user presses Ctrl+C while the ``after``-th line is printed."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after = after

    def write(self, text: str) -> int:
        if self.getvalue().count("\n") + 1 == self.after:
            self.after = -1
            raise KeyboardInterrupt
        return super().write(text)


def test_ctrl_c_stops_with_the_summary_so_far_and_exit_130(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    stdout = InterruptingStdout(after=5)
    monkeypatch.setattr(sys, "stdout", stdout)
    code, _, err = run("--bucket", BUCKET, "--prefix", PREFIX, "--jobs", "2")
    assert code == cli.EXIT_INTERRUPTED
    printed = records(stdout.getvalue())
    assert 4 <= len(printed) < COUNT  # what finished after the interrupt is still printed
    assert "interrupted" in err
    done = int(summary_line(err).split(" of ", 1)[0])
    # The row whose printing Ctrl+C broke was not printed, so it is not counted either.
    assert done == len(printed)
    assert no_bulk_threads()


# -- the engine -----------------------------------------------------------------------------------


class Watching(httpx.BaseTransport):
    """The emulator's transport, watching the run: HEADs in flight, listing requests, and a
    hook per request (to delete an object after it was listed, or spoil one signature)."""

    def __init__(self, jobs: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0
        self.heads_done = 0
        self.ahead_at_listing: list[int] = []
        self.engine: BulkHead | None = None
        # The first `jobs` HEADs wait for each other: proof that they are all in flight at once.
        self.all_busy = threading.Barrier(jobs, timeout=30)
        # When set, the first HEADs also wait for the second listing request: proof that the
        # listing goes on while HEADs are pending (not the whole listing first).
        self.second_listing = threading.Event()
        self.hold_for_second_listing = False
        self.before_head: Callable[[httpx.Request], None] = lambda request: None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            assert self.engine is not None
            with self.lock:
                self.ahead_at_listing.append(self.engine.summary.listed - self.heads_done)
                if len(self.ahead_at_listing) == 2:
                    self.second_listing.set()
            return self.inner.handle_request(request)
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            first_batch = self.heads_done + self.in_flight <= self.all_busy.parties
        try:
            if first_batch:
                self.all_busy.wait()
                if self.hold_for_second_listing:
                    assert self.second_listing.wait(timeout=30)
            self.before_head(request)
            return self.inner.handle_request(request)
        finally:
            with self.lock:
                self.in_flight -= 1
                self.heads_done += 1

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def watched(seeded: Emulator) -> Iterator[Callable[..., tuple[BulkHead, Watching]]]:
    clients: list[OssClient] = []

    def make(*, jobs: int, page_size: int = 1000) -> tuple[BulkHead, Watching]:
        transport = Watching(jobs)
        client = OssClient(seeded.profile(), transport=transport, sleep=lambda s: None)
        clients.append(client)
        engine = BulkHead(client, HeadRequest(BUCKET, "_"), PREFIX, jobs=jobs, page_size=page_size)
        transport.engine = engine
        return engine, transport

    yield make
    for client in clients:
        client.close()


def test_in_flight_heads_and_listed_keys_stay_bounded(
    watched: Callable[..., tuple[BulkHead, Watching]],
) -> None:
    engine, transport = watched(jobs=3, page_size=5)
    transport.hold_for_second_listing = True
    results: list[HeadResult] = []
    summary = engine.run(results.append)
    assert summary.complete and summary.listed == summary.done == len(results) == COUNT
    assert transport.most_in_flight == 3  # all three ran at once (the barrier), never a 4th
    # Page after page: the second page was asked for while the first page's HEADs were all
    # still to do, and the listing never ran further ahead than the key queue plus the HEADs in
    # flight.
    assert len(transport.ahead_at_listing) == COUNT // 5
    assert transport.ahead_at_listing[:2] == [0, 5]
    assert max(transport.ahead_at_listing) <= engine.queue_size + engine.jobs
    assert no_bulk_threads()


def test_404_and_failures_are_counted_apart(
    watched: Callable[..., tuple[BulkHead, Watching]], seeded: Emulator
) -> None:
    engine, transport = watched(jobs=2)
    gone, spoiled = f"{PREFIX}k-20", f"{PREFIX}k-30"

    def before_head(request: httpx.Request) -> None:
        path = request.url.path
        if path.endswith(gone):  # deleted after it was listed: OSS answers 404
            seeded.store.delete_object(BUCKET, gone)
        if path.endswith(spoiled):  # a signature the server refuses: 403
            request.headers["authorization"] = request.headers["authorization"][:-4] + "0000"

    transport.before_head = before_head
    outcomes: dict[str, Outcome] = {}
    summary = engine.run(lambda r: outcomes.__setitem__(r.request.key, r.outcome))
    assert outcomes[gone] is Outcome.NOT_FOUND and outcomes[spoiled] is Outcome.ERROR
    assert summary.counts[Outcome.OK] == COUNT - 2
    assert (summary.counts[Outcome.NOT_FOUND], summary.failed) == (1, 1)
    assert cli_head_bulk.worst_status(summary) == cli.EXIT_SERVER_ERROR


def test_interrupt_from_a_callback_ends_the_run_cleanly(
    watched: Callable[..., tuple[BulkHead, Watching]],
) -> None:
    engine, _ = watched(jobs=2, page_size=5)
    seen: list[str] = []
    raised: list[str] = []

    def on_result(result: HeadResult) -> None:
        if len(seen) == 3 and not raised:
            raised.append(result.request.key)
            raise KeyboardInterrupt  # before this result was taken: it is not counted
        seen.append(result.request.key)

    summary = engine.run(on_result)
    assert summary.interrupted and not summary.complete
    assert 3 <= summary.done == len(seen) < COUNT and raised[0] not in seen
    assert cli_head_bulk.worst_status(summary) == cli.EXIT_INTERRUPTED
    assert no_bulk_threads()


def test_ctrl_c_right_after_a_row_is_written_still_counts_that_row(
    watched: Callable[..., tuple[BulkHead, Watching]],
) -> None:
    # A real SIGINT delivered after the row was written, before on_result returns: the row is
    # out, so the summary must count it (before, the count came first and a Ctrl+C between
    # the count and the row left them one apart).
    engine, _ = watched(jobs=2, page_size=5)
    rows: list[str] = []

    def on_result(result: HeadResult) -> None:
        rows.append(result.request.key)
        if len(rows) == 3:
            signal.raise_signal(signal.SIGINT)  # Ctrl+C, as the terminal sends it

    previous = signal.getsignal(signal.SIGINT)
    summary = engine.run(on_result)
    assert signal.getsignal(signal.SIGINT) is previous  # the run put Python's handler back
    assert summary.interrupted
    assert 3 <= summary.done == len(rows) < COUNT
    assert no_bulk_threads()


def test_ctrl_c_printing_a_row_leaves_the_summary_equal_to_the_rows_printed(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command as a user runs it: every row on stdout is in the summary's totals and no more.
    stdout = InterruptingStdout(after=12)
    monkeypatch.setattr(sys, "stdout", stdout)
    code, _, err = run("--bucket", BUCKET, "--prefix", PREFIX, "--jobs", "4")
    assert code == cli.EXIT_INTERRUPTED
    printed = records(stdout.getvalue())
    line = summary_line(err)
    assert {record["status"] for record in printed} == {200}
    # "N of M listed objects ... HEADed in ...: N 200, 0 304, ..." : N is the rows printed.
    assert line.startswith(f"{len(printed)} of ")
    assert f": {len(printed)} 200, 0 304, 0 412, 0 404, 0 failed" in line


def test_each_worker_forks_a_client_with_its_own_connections(seeded: Emulator) -> None:
    request = HeadRequest(BUCKET, f"{PREFIX}k-01")
    with OssClient(seeded.profile()) as client:
        assert client.head_object(request).connection_reused is False
        assert client.head_object(request).connection_reused is True
        fork = client.fork()
        try:
            assert fork is not client and fork.profile == client.profile
            first = fork.head_object(request)
            assert first.status == 200 and first.connection_reused is False  # a pool of its own
        finally:
            fork.close()
        assert client.head_object(request).connection_reused is True  # the client's is intact
    injected = OssClient(seeded.profile(), transport=httpx.HTTPTransport())
    with injected:
        assert injected.fork() is injected  # nothing of its own to split


def test_a_bulk_run_keeps_no_history_a_one_object_head_does(run: Run, tmp_path: Path) -> None:
    """As the README says: a --prefix run of thousands of HEADs would push every other probe
    out of the bounded history, so it keeps none; a HEAD of one object is kept."""
    history = tmp_path / "ossbrowse-data" / "history.jsonl"
    code, out, _ = run("--bucket", BUCKET, "--prefix", PREFIX)
    assert code == 0 and len(records(out)) == COUNT
    assert not history.exists() or history.read_text() == ""
    assert run("--bucket", BUCKET, "--key", f"{PREFIX}k-00")[0] == 0
    [entry] = [json.loads(line) for line in history.read_text().splitlines()]
    assert entry["form"]["key"] == f"{PREFIX}k-00"
