"""``python -m benchmarks``: every performance goal of ossbrowse, measured side by side in one run.

Each figure is printed next to a reference measured in the same run, with the ratio, because
this 2-core machine is shared and absolute numbers move ±20-30 % with the load; the ratios are
what the goals are about. Servers run in their own processes on 127.0.0.1 so that CPU time
measured in this process is the client's alone:

1. client CPU per sequential HEAD (µs, medians of alternating rounds): ossbrowse's OssClient,
   alibabacloud-oss-v2, oss2, raw httpx.Client and httpx.AsyncClient, and a raw-socket floor
   (one prepared request written to a kept-alive socket), against a canned-response server and
   against the emulator;
2. 16 HEADs in flight (16-thread pools): HEADs per second against the canned server;
3. bulk HEAD of 10,000 objects against the emulator: ossbrowse's engine and the
   ``ossbrowse head --prefix`` command against alibabacloud-oss-v2 listing page by page and
   HEADing in a thread pool of the same width;
4. start-up: ``ossbrowse head --dry-run`` against ``python -c "import httpx"``;
5. the TUI: first frame against a minimal Textual app, key press → result drawn and the longest
   event-loop stall over 200 sends, memory after 200 sends;
6. the explorer's first page on a 10,000-object prefix, from the app being made and from a
   fresh process (Python's start and the imports included), and its stalls;
7. listing that prefix: ``ossbrowse ls`` (jsonl and raw, to /dev/null) and the client's page
   iterator against alibabacloud-oss-v2's paginator (rounds alternate between them).

Usage: nice python -m benchmarks [--quick]   (about 5 minutes; --quick: smaller counts)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the bench_* modules import each other by module name

import bench_browse  # noqa: E402
import bench_ls  # noqa: E402
import bench_tui  # noqa: E402
import httpx  # noqa: E402
from bench_ls import KEY_ID, SECRET, emulator_process  # noqa: E402
from scratch_dirs import use_scratch_dirs  # noqa: E402

from ossbrowse.oss.addressing import object_url, parse_endpoint  # noqa: E402
from ossbrowse.oss.bulk import BulkHead  # noqa: E402
from ossbrowse.oss.client import OssClient  # noqa: E402
from ossbrowse.oss.conditions import build_head_request  # noqa: E402
from ossbrowse.oss.profile import Profile  # noqa: E402
from ossbrowse.oss.results import HeadRequest  # noqa: E402
from ossbrowse.oss.signing import Credentials, OssV4Auth, presign_v4  # noqa: E402

REGION = "cn-hangzhou"
BUCKET = "bench-bulk"
KEY_FORMAT = "flat/object-{number:07d}.txt"
"""The emulator's objects: one flat prefix, for the bulk HEAD, the single HEADs and browsing."""
PREFIX = "flat/"
KEY = KEY_FORMAT.format(number=0)
JOBS = 16


@dataclass
class Row:
    """One line of the table: a measure of ossbrowse next to its reference."""

    measure: str
    ours: float
    reference: float | None
    reference_name: str
    unit: str
    goal: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        return None if not self.reference else self.ours / self.reference


ROWS: list[Row] = []


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _profile(endpoint: str) -> Profile:
    return Profile(
        name="bench",
        access_key_id=KEY_ID,
        access_key_secret=SECRET,
        region=REGION,
        endpoint=endpoint,
        addressing_style="path",
    )


def _sdk_v2(endpoint: str) -> object:
    import alibabacloud_oss_v2 as oss

    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(KEY_ID, SECRET)
    cfg.region = REGION
    cfg.endpoint = endpoint
    cfg.use_path_style = True
    return oss.Client(cfg)


@contextlib.contextmanager
def canned_server() -> Iterator[str]:
    """benchmarks/canned_server.py in its own process: the same 200 to every request."""
    server = subprocess.Popen(
        [sys.executable, str(HERE / "canned_server.py")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        yield f"http://127.0.0.1:{int(server.stdout.readline())}"
    finally:
        server.kill()
        server.wait()


# -- 1. client CPU per HEAD --------------------------------------------------------------------


def _raw_socket(url: str) -> tuple[Callable[[int], None], socket.socket]:
    """The floor: a prepared HEAD written to a kept-alive socket, the header block read back."""
    parsed = httpx.URL(url)
    sock = socket.create_connection((parsed.host, parsed.port or 80))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    target = parsed.raw_path.decode()
    request = f"HEAD {target} HTTP/1.1\r\nHost: {parsed.netloc.decode()}\r\n\r\n".encode()

    def run(n: int) -> None:
        for _ in range(n):
            sock.sendall(request)
            answer = b""
            while b"\r\n\r\n" not in answer:
                answer += sock.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200"), answer[:80]

    return run, sock


def _clients(endpoint: str, *, signed: bool) -> tuple[dict[str, Callable[[int], None]], list[Any]]:
    """Every client, each as ``run(n)``: n sequential HEADs of KEY."""
    import alibabacloud_oss_v2 as oss
    import oss2

    url = object_url(parse_endpoint(endpoint), BUCKET, KEY, style="path")
    creds = Credentials(KEY_ID, SECRET)
    plain = httpx.Client()
    ours = OssClient(_profile(endpoint))
    request = build_head_request(bucket=BUCKET, key=KEY)
    sdk = _sdk_v2(endpoint)
    sdk_request = oss.HeadObjectRequest(bucket=BUCKET, key=KEY)
    bucket = oss2.Bucket(
        oss2.AuthV4(KEY_ID, SECRET), endpoint, BUCKET, region=REGION, is_path_style=True
    )
    presigned = presign_v4(
        creds, method="HEAD", base_url=url, bucket=BUCKET, key=KEY, region=REGION, expires=3600
    ).url
    raw, sock = _raw_socket(presigned if signed else url)

    def auth() -> OssV4Auth | None:
        return OssV4Auth(creds, REGION, BUCKET, KEY) if signed else None

    def httpx_sync(n: int) -> None:
        for _ in range(n):
            assert plain.head(url, auth=auth()).status_code == 200  # type: ignore[arg-type]

    def httpx_async(n: int) -> None:
        async def go() -> None:
            async with httpx.AsyncClient() as client:
                for _ in range(n):
                    response = await client.head(url, auth=auth())  # type: ignore[arg-type]
                    assert response.status_code == 200

        asyncio.run(go())

    def ossbrowse(n: int) -> None:
        for _ in range(n):
            assert ours.head_object(request).status == 200

    def official_v2(n: int) -> None:
        for _ in range(n):
            sdk.head_object(sdk_request)  # type: ignore[attr-defined]

    def official_oss2(n: int) -> None:
        for _ in range(n):
            bucket.head_object(KEY)

    how = "+ V4 by our signer" if signed else "unsigned"
    clients = {
        f"httpx.Client, {how}": httpx_sync,
        "ossbrowse OssClient.head_object": ossbrowse,
        "alibabacloud-oss-v2 head_object": official_v2,
        "oss2 head_object": official_oss2,
        f"httpx.AsyncClient, {how}": httpx_async,
        "raw socket (floor)": raw,
    }
    return clients, [plain, ours, sock]


def client_cpu(server: str, endpoint: str, *, signed: bool, n: int, rounds: int) -> None:
    clients, closing = _clients(endpoint, signed=signed)
    cpu: dict[str, list[float]] = {name: [] for name in clients}
    for run in clients.values():
        run(20)  # warm: connections open, caches filled
    for _ in range(rounds):
        for name, run in clients.items():
            started = time.process_time()
            run(n)
            cpu[name].append((time.process_time() - started) / n * 1e6)
    for thing in closing:
        thing.close()
    med = {name: statistics.median(values) for name, values in cpu.items()}
    ref_name = next(iter(med))
    say(f"  client CPU per HEAD vs {server}: " + ", ".join(f"{k} {v:.0f}" for k, v in med.items()))
    ours = med["ossbrowse OssClient.head_object"]
    sdk = med["alibabacloud-oss-v2 head_object"]
    for name, value in med.items():
        goal, met = "", None
        if name.startswith("ossbrowse") and not signed:
            goal, met = "<= 1.25x", value / med[ref_name] <= 1.25
        ROWS.append(
            Row(f"CPU/HEAD vs {server}: {name}", value, med[ref_name], ref_name, "µs", goal, met)
        )
    ROWS.append(
        Row(
            f"HEADs per CPU-second vs {server}: ossbrowse",
            1e6 / ours,
            1e6 / sdk,
            "alibabacloud-oss-v2",
            "/s",
            ">= 2x",
            sdk / ours >= 2,
        )
    )


# -- 2. 16 in flight ---------------------------------------------------------------------------


def in_flight(endpoint: str, *, n: int, rounds: int) -> None:
    import alibabacloud_oss_v2 as oss

    url = object_url(parse_endpoint(endpoint), BUCKET, KEY, style="path")
    plain = httpx.Client(limits=httpx.Limits(max_connections=JOBS))
    ours = OssClient(_profile(endpoint))
    request = build_head_request(bucket=BUCKET, key=KEY)
    sdk = _sdk_v2(endpoint)
    sdk_request = oss.HeadObjectRequest(bucket=BUCKET, key=KEY)
    pool = ThreadPoolExecutor(JOBS)
    runs: dict[str, Callable[[], object]] = {
        "alibabacloud-oss-v2": lambda: sdk.head_object(sdk_request),  # type: ignore[attr-defined]
        "ossbrowse OssClient": lambda: ours.head_object(request),
        "httpx.Client, unsigned": lambda: plain.head(url),
    }
    rates: dict[str, list[float]] = {name: [] for name in runs}
    for one in runs.values():
        list(pool.map(lambda _, one=one: one(), range(2 * JOBS)))  # type: ignore[misc]
    for _ in range(rounds):
        for name, one in runs.items():
            started = time.perf_counter()
            list(pool.map(lambda _, one=one: one(), range(n)))  # type: ignore[misc]
            rates[name].append(n / (time.perf_counter() - started))
    pool.shutdown()
    ours.close()
    plain.close()
    med = {name: statistics.median(values) for name, values in rates.items()}
    say("  16 in flight: " + ", ".join(f"{k} {v:.0f}/s" for k, v in med.items()))
    sdk_rate = med["alibabacloud-oss-v2"]
    for name in ("ossbrowse OssClient", "httpx.Client, unsigned"):
        goal = ">= 1.5x" if name.startswith("ossbrowse") else ""
        met = med[name] / sdk_rate >= 1.5 if goal else None
        ROWS.append(
            Row(
                f"16 in flight vs canned server: {name}",
                med[name],
                sdk_rate,
                "alibabacloud-oss-v2, 16 threads",
                "HEAD/s",
                goal,
                met,
            )
        )


# -- 3. bulk HEAD --------------------------------------------------------------------------------


def bulk(endpoint: str, count: int, rounds: int) -> None:
    import alibabacloud_oss_v2 as oss

    from ossbrowse import cli

    profile = _profile(endpoint)
    sdk = _sdk_v2(endpoint)

    def with_sdk() -> int:
        paginator = sdk.list_objects_v2_paginator(limit=1000)  # type: ignore[attr-defined]
        listing = oss.ListObjectsV2Request(bucket=BUCKET, prefix=PREFIX)
        keys = (o.key for page in paginator.iter_page(listing) for o in page.contents or [])
        with ThreadPoolExecutor(JOBS) as pool:
            heads = pool.map(
                lambda key: sdk.head_object(  # type: ignore[attr-defined]
                    oss.HeadObjectRequest(bucket=BUCKET, key=key)
                ),
                keys,
            )
            return sum(1 for _ in heads)

    def with_engine() -> int:
        with OssClient(profile) as client:
            engine = BulkHead(client, HeadRequest(BUCKET, "_"), PREFIX, jobs=JOBS)
            return engine.run(lambda result: None).done

    def with_command() -> int:
        argv = ["head", "--bucket", BUCKET, "--prefix", PREFIX, "--jobs", str(JOBS)]
        argv += ["-e", endpoint, "--region", REGION, "--addressing-style", "path"]
        os.environ.update(OSS_ACCESS_KEY_ID=KEY_ID, OSS_ACCESS_KEY_SECRET=SECRET)
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            with contextlib.redirect_stderr(sink):
                assert cli.main(argv) == 0
        return count

    runs = {
        "alibabacloud-oss-v2, pages + 16-thread pool": with_sdk,
        "ossbrowse BulkHead engine, 16 jobs": with_engine,
        "ossbrowse head --prefix --jobs 16 (jsonl)": with_command,
    }
    rates: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            started = time.perf_counter()
            done = run()
            rates[name].append(done / (time.perf_counter() - started))
            assert done == count, (name, done)
    med = {name: statistics.median(values) for name, values in rates.items()}
    say("  bulk: " + ", ".join(f"{k} {v:.0f}/s" for k, v in med.items()))
    sdk_name = next(iter(med))
    for name in list(med)[1:]:
        ROWS.append(
            Row(
                f"bulk HEAD of {count:,} vs emulator: {name}",
                med[name],
                med[sdk_name],
                sdk_name,
                "obj/s",
                ">= 2x",
                med[name] / med[sdk_name] >= 2,
            )
        )


# -- 4. start-up ---------------------------------------------------------------------------------


def startup(rounds: int, pycache: str) -> None:
    """Both commands start from compiled bytecode, as after ``pip install`` (which compiles it).

    With PYTHONDONTWRITEBYTECODE set (as in this project's shell), ossbrowse's sources would be
    compiled on every start while httpx's ``.pyc`` files already sit in site-packages: ~85 ms of
    the start-up was that, unfair to the comparison. Both share a private cache
    (PYTHONPYCACHEPREFIX), filled by a first untimed run of each.
    """
    env = {**os.environ, "OSS_ACCESS_KEY_ID": KEY_ID, "OSS_ACCESS_KEY_SECRET": SECRET}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    head = [sys.executable, "-m", "ossbrowse", "head", "--dry-run", "--bucket", BUCKET]
    head += ["--key", KEY, "--region", REGION]
    bare = [sys.executable, "-c", "import httpx"]

    def wall(argv: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started

    wall(bare)
    wall(head)
    ours, ref = [], []
    for _ in range(rounds):
        ours.append(wall(head))
        ref.append(wall(bare))
    o, r = statistics.median(ours), statistics.median(ref)
    say(f"  start-up: head --dry-run {o:.3f} s, import httpx {r:.3f} s")
    ROWS.append(
        Row(
            "start-up: ossbrowse head --dry-run",
            o * 1000,
            r * 1000,
            'python -c "import httpx"',
            "ms",
            "<= 1.5x",
            o / r <= 1.5,
        )
    )


# -- 5./6. the TUI -------------------------------------------------------------------------------


def tui(endpoint: str, sends: int, rounds: int) -> None:
    ours, minimal = bench_tui.first_frames(rounds)
    say(f"  first frame: ossbrowse {ours:.3f} s, minimal Textual app {minimal:.3f} s")
    ROWS.append(
        Row(
            "TUI first frame (fresh process)",
            ours * 1000,
            minimal * 1000,
            "minimal Textual app (Input+DataTable+Footer)",
            "ms",
            "<= 1.3x",
            ours / minimal <= 1.3,
        )
    )
    result = bench_tui.sends(endpoint, sends, bucket=BUCKET, key=KEY)
    say(f"  {sends} sends: {result}")
    ROWS.append(
        Row(
            f"key press -> result drawn (median of {sends})",
            result.press_to_drawn_ms,
            result.exchange_ms,
            "the exchange (network time reported)",
            "ms",
            "< 30 ms",
            result.press_to_drawn_ms < 30,
        )
    )
    ROWS.append(
        Row(f"longest event-loop stall over {sends} sends", result.worst_stall_ms, None, "", "ms")
    )
    ROWS.append(
        Row(
            f"memory (RSS) after {sends} sends",
            result.rss_last_mb,
            result.rss_first_mb,
            "after the first send",
            "MB",
            "flat",
            result.rss_last_mb - result.rss_first_mb < 5,
        )
    )
    ROWS.append(
        Row(
            f"live widgets after {sends} sends",
            result.widgets_last,
            result.widgets_first,
            "after the first send",
            "",
            "flat",
            result.widgets_last == result.widgets_first,
        )
    )


def explorer(endpoint: str, count: int) -> None:
    profile = _profile(endpoint)
    where = {"bucket": BUCKET, "prefix": PREFIX}
    reference = bench_browse.reference_first_page(profile, 1000, **where)
    with tempfile.TemporaryDirectory(prefix="ossbrowse-bench-pyc-") as pycache:
        bench_browse.fresh_first_page(endpoint, 1000, pycache, **where)  # bytecode, file cache
        fresh = bench_browse.fresh_first_page(endpoint, 1000, pycache, **where)
    with bench_browse.PageMeter() as pages:
        run = asyncio.run(bench_browse.browse(profile, count, 1000, **where))
    first, stall, loaded = run.first_drawn, run.stall_ms, run.loaded
    assert loaded == count, loaded
    say(
        f"  explorer: first page {first:.3f} s (client alone {reference:.3f} s), stall {stall:.1f}"
        f" ms (CPU of this process then {run.stall_cpu_ms:.1f} ms, of the app thread"
        f" {run.stall_ui_cpu_ms:.1f}, collector {run.stall_gc_ms:.1f})"
    )
    ROWS.append(
        Row(
            "explorer: first page drawn (from the app being made)",
            first * 1000,
            reference * 1000,
            "the same page fetched and parsed by the client",
            "ms",
            "< 300 ms",
            first < 0.3,
        )
    )
    ROWS.append(
        Row(
            "explorer: first page drawn, from a fresh process",
            fresh * 1000,
            first * 1000,
            "from the app being made",
            "ms",
        )
    )
    ROWS.append(
        Row(
            f"explorer: longest stall scrolling {count:,} rows",
            stall,
            pages.worst_wall_ms,
            "longest page into the list",
            "ms",
            "< 50 ms",
            stall < 50,
        )
    )
    ROWS.append(
        Row(
            "explorer: CPU of this process in that stall (and its 5 ms tick)",
            run.stall_cpu_ms,
            stall,
            "the stall, wall clock",
            "ms",
        )
    )


# -- 7. ls ---------------------------------------------------------------------------------------


def listing(endpoint: str, count: int, rounds: int) -> None:
    runs = bench_ls.listers(endpoint, count, bucket=BUCKET, prefix=PREFIX)
    med = bench_ls.rates(runs, count, rounds)
    say("  ls: " + ", ".join(f"{k} {v:,.0f}/s" for k, v in med.items()))
    sdk_name = next(iter(med))
    for name in list(med)[1:]:
        goal = ">= 1x" if name.startswith("ossbrowse ls") else ""
        ratio = med[name] / med[sdk_name]
        ROWS.append(
            Row(
                f"listing {count:,} objects vs emulator: {name}",
                med[name],
                med[sdk_name],
                sdk_name,
                "obj/s",
                goal,
                ratio >= 1 if goal else None,
            )
        )


# -- the table -----------------------------------------------------------------------------------


def _number(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"
    return f"{text} {unit}".strip()


def table() -> str:
    lines = [
        "| measure | ossbrowse | reference | ratio | goal |",
        "|---|---:|---|---:|---|",
    ]
    for row in ROWS:
        reference = (
            f"{_number(row.reference, row.unit)} ({row.reference_name})"
            if row.reference is not None
            else ""
        )
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        verdict = {True: " met", False: " **not met**", None: ""}[row.met]
        lines.append(
            f"| {row.measure} | {_number(row.ours, row.unit)} | {reference} | {ratio} "
            f"| {row.goal}{verdict} |"
        )
    return "\n".join(lines)


def _machine() -> str:
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        f"(1/5/15 min), Python {sys.version.split()[0]}"
    )


def main() -> None:
    use_scratch_dirs()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts (a minute or two)")
    args = parser.parse_args()
    quick = args.quick
    n, rounds = (200, 2) if quick else (400, 3)
    objects = 2_000 if quick else 10_000
    started = time.perf_counter()
    machine_before = _machine()
    say(f"machine: {machine_before}")
    with canned_server() as canned:
        say("1. client CPU per HEAD (canned server)")
        client_cpu("canned server", canned, signed=False, n=n, rounds=rounds)
        say("2. 16 in flight (canned server)")
        in_flight(canned, n=4 * n, rounds=rounds)
    say(f"setting up an emulator with {objects:,} objects")
    with emulator_process(objects, bucket=BUCKET, key_format=KEY_FORMAT) as endpoint:
        say("1. client CPU per HEAD (emulator)")
        client_cpu("emulator", endpoint, signed=True, n=n // 2, rounds=rounds)
        say(f"3. bulk HEAD of {objects:,} objects")
        bulk(endpoint, objects, rounds=2)
        say("4. start-up")
        with tempfile.TemporaryDirectory(prefix="ossbrowse-bench-pyc-") as pycache:
            startup(rounds=5 if quick else 7, pycache=pycache)
        say("5. the TUI")
        tui(endpoint, sends=50 if quick else 200, rounds=3)
        say("6. the explorer")
        explorer(endpoint, objects)
        say(f"7. listing {objects:,} objects")
        listing(endpoint, objects, rounds=3 if quick else 5)
    elapsed = time.perf_counter() - started
    print(f"ossbrowse benchmarks ({'quick' if quick else 'full'} run, {elapsed:.0f} s)")
    print(f"machine: {machine_before} at the start; {_machine()} at the end")
    print()
    print(table())


if __name__ == "__main__":
    main()
