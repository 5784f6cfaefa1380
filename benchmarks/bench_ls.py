"""Listing throughput: ``ossbrowse ls`` and the client's pages against the official SDK's paginator.

One 100,000-object prefix (by default) in an emulator running in its own process on
127.0.0.1, listed with 1,000 keys per page by:
- alibabacloud-oss-v2's ListObjectsV2Paginator: the reference, ratio 1.00;
- ossbrowse's client (``OssClient.list_objects_v2``, pages of models);
- ``ossbrowse ls --output-format jsonl`` in this process, output to /dev/null;
- ``ossbrowse ls`` (raw) the same way;
and once more ``ossbrowse ls --output-format jsonl`` as its own process, for its peak memory
(it streams page by page, so this stays flat whatever the size of the prefix).

Usage: python -m benchmarks.bench_ls [--objects 100000] [--rounds 3]
Prints objects per second (median of rounds, each round running every lister in turn) and the
ratio to the SDK. This machine is noisy (±20-30 %): compare only numbers from one run.

``ossbrowse ls`` reads one page ahead (the next page is fetched while this one is written), so
its rate is bounded by the slower of the client's work per page and the emulator's; the SDK and
the client's own iterator take turns with the server.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from multiprocessing import Event, Process, Queue

from ossbrowse import cli
from ossbrowse.emulator import Emulator
from ossbrowse.oss.client import OssClient
from ossbrowse.oss.profile import Profile

BUCKET, PREFIX = "bench-list", "big/"
KEY_ID, SECRET = "LTAI5tBenchListKey0000001", "BenchListSecret000000000000000"
REGION = "cn-hangzhou"


NESTED_KEYS = PREFIX + "dir-{folder:02d}/object {number:07d}.txt"
"""Keys spread over 97 folders under PREFIX (``ls`` lists them recursively)."""


def _serve(
    count: int,
    endpoints: Queue,  # type: ignore[type-arg]
    stop: Event,
    bucket: str,
    key_format: str,
) -> None:
    """In its own process: an emulator holding ``count`` objects under PREFIX, until ``stop``."""
    with Emulator(access_key_id=KEY_ID, access_key_secret=SECRET, region=REGION) as emu:
        store = emu.store
        store.create_bucket(bucket, region=REGION)
        for i in range(count):
            store.put_object(bucket, key_format.format(folder=i % 97, number=i), b"x")
        endpoints.put(emu.endpoint)
        stop.wait()


@contextlib.contextmanager
def emulator_process(
    count: int, *, bucket: str = BUCKET, key_format: str = NESTED_KEYS
) -> Iterator[str]:
    """The emulator in another process, so that it does not share this one's GIL."""
    endpoints: Queue = Queue()  # type: ignore[type-arg]
    stop = Event()
    proc = Process(target=_serve, args=(count, endpoints, stop, bucket, key_format), daemon=True)
    proc.start()
    try:
        yield endpoints.get(timeout=600)
    finally:
        stop.set()
        proc.join(30)
        if proc.is_alive():
            proc.terminate()


def listers(
    endpoint: str, count: int, *, bucket: str = BUCKET, prefix: str = PREFIX
) -> dict[str, Callable[[], int]]:
    """Each lister of the comparison, the SDK's paginator first; each returns what it listed."""
    import alibabacloud_oss_v2 as oss

    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(KEY_ID, SECRET)
    cfg.region, cfg.endpoint = REGION, endpoint
    sdk = oss.Client(cfg)
    profile = Profile(
        name="bench",
        access_key_id=KEY_ID,
        access_key_secret=SECRET,
        region=REGION,
        endpoint=endpoint,
    )
    flags = ["--region", REGION, "-i", KEY_ID, f"--access-key-secret={SECRET}", "-e", endpoint]

    def with_sdk() -> int:
        paginator = sdk.list_objects_v2_paginator(limit=1000)
        request = oss.ListObjectsV2Request(bucket=bucket, prefix=prefix)
        return sum(len(p.contents or []) for p in paginator.iter_page(request))

    def with_client() -> int:
        with OssClient(profile) as client:
            pages = client.list_objects_v2(bucket, prefix=prefix, page_size=1000)
            return sum(len(p.objects) for p in pages)

    def with_ls(output_format: str, *more: str) -> Callable[[], int]:
        def run() -> int:
            with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
                with contextlib.redirect_stderr(sink):  # the secret-on-the-command-line warning
                    argv = ["ls", f"oss://{bucket}/{prefix}", *flags, *more]
                    status = cli.main([*argv, "--output-format", output_format])
            assert status == 0
            return count

        return run

    # Untimed first uses: what is imported or set up once per process is not counted.
    with_ls("jsonl", "--limited-num", "1")()
    with_ls("raw", "--limited-num", "1")()
    request = oss.ListObjectsV2Request(bucket=bucket, prefix=prefix, max_keys=1)
    sdk.list_objects_v2(request)
    with OssClient(profile) as client:
        next(client.list_objects_v2(bucket, prefix=prefix, page_size=1))
    return {
        "alibabacloud-oss-v2 ListObjectsV2Paginator": with_sdk,
        "ossbrowse client list_objects_v2 (pages)": with_client,
        "ossbrowse ls --output-format jsonl": with_ls("jsonl"),
        "ossbrowse ls (raw)": with_ls("raw"),
    }


def rates(runs: dict[str, Callable[[], int]], count: int, rounds: int) -> dict[str, float]:
    """Objects per second of each lister, the median of ``rounds``; each round runs every
    lister once, in turn, so that the load of the moment weighs on all of them alike, starting
    one further each round (the last of a round was measured up to 15 % slower)."""
    measured: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for number in range(rounds):
        turn = number % len(names)
        for name in names[turn:] + names[:turn]:
            run = runs[name]
            started = time.perf_counter()
            listed = run()
            elapsed = time.perf_counter() - started
            assert listed == count, f"{name}: listed {listed}, expected {count}"
            measured[name].append(count / elapsed)
    return {name: statistics.median(values) for name, values in measured.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    with emulator_process(args.objects) as endpoint:
        print(f"data set: {args.objects:,} objects in {time.perf_counter() - started:.1f} s")
        print(f"load average at the start: {os.getloadavg()[0]:.1f}")
        runs = listers(endpoint, args.objects)
        measured = rates(runs, args.objects, args.rounds)
        reference = next(iter(measured.values()))
        print(f"\n{'lister':<46} {'objects/s':>11} {'ratio':>7}")
        for name, rate in measured.items():
            print(f"{name:<46} {rate:>11,.0f} {rate / reference:>7.2f}")
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")

        with open(os.devnull, "w") as sink:
            command = [sys.executable, "-m", "ossbrowse", "ls", f"oss://{BUCKET}/{PREFIX}"]
            flags = ["--region", REGION, "-e", endpoint, "--output-format", "jsonl"]
            environment = {
                **os.environ,
                "OSS_ACCESS_KEY_ID": KEY_ID,
                "OSS_ACCESS_KEY_SECRET": SECRET,
            }
            subprocess.run([*command, *flags], stdout=sink, check=True, env=environment)
        # Only finished children count: the emulator is still running, so this is ls's.
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"\nossbrowse ls (own process, jsonl) peak memory: {peak / 1024:.0f} MB")


if __name__ == "__main__":
    main()
