"""Client cost and truthful timing, as ratios to references measured in the same run (issue 13).

Against a canned-response HEAD server in its own process on 127.0.0.1 (so the client process's
CPU time is the client's alone), alternating rounds, medians:

- CPU per sequential HEAD: ossbrowse's OssClient.head_object against unsigned ``httpx.Client``
  (goal <= 1.25x) and against ``alibabacloud-oss-v2`` (goal: >= 2x the HEADs per CPU-second);
  httpx.Client with our V4 signer and unsigned httpx.AsyncClient for context.
- 16 in flight: HEADs per second of OssClient in a 16-thread pool against alibabacloud-oss-v2 in
  a 16-thread pool (goal >= 1.5x) and unsigned httpx.Client in 16 threads.
- Timing: the elapsed time OssClient reports (measured at the transport) against a bare
  httpx.Client's wall time per HEAD (goal: within 2x or 2 ms).

Usage: python benchmarks/bench_client.py [--requests 1000] [--rounds 5]
This machine is shared and noisy: compare only the ratios printed by one run.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from ossbrowse.oss.client import OssClient
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.profile import Profile
from ossbrowse.oss.signing import Credentials, OssV4Auth

BUCKET, KEY, REGION = "bench-bucket", "bench/object.txt", "cn-hangzhou"
KEY_ID, SECRET = "LTAI5tBenchKeyId0001", "BenchSecret0123456789abcdefXYZ"
SERVER = Path(__file__).with_name("canned_server.py")


def _cpu_per_request(run: Callable[[int], None], n: int) -> float:
    """Client-process CPU microseconds per request (all threads of this process)."""
    run(20)  # warm: connection open, caches filled
    started = time.process_time()
    run(n)
    return (time.process_time() - started) / n * 1e6


def _rate(run: Callable[[int], None], n: int) -> float:
    run(32)
    started = time.perf_counter()
    run(n)
    return n / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import alibabacloud_oss_v2 as oss

    server = subprocess.Popen([sys.executable, str(SERVER)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        endpoint = f"http://127.0.0.1:{int(server.stdout.readline())}"
        url = f"{endpoint}/{BUCKET}/{KEY}"
        creds = Credentials(KEY_ID, SECRET)
        profile = Profile(
            name="bench",
            access_key_id=KEY_ID,
            access_key_secret=SECRET,
            region=REGION,
            endpoint=endpoint,
            addressing_style="path",
        )
        request = build_head_request(bucket=BUCKET, key=KEY)
        cfg = oss.config.load_default()
        cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(KEY_ID, SECRET)
        cfg.region = REGION
        cfg.endpoint = endpoint
        cfg.use_path_style = True
        sdk = oss.Client(cfg)
        sdk_request = oss.HeadObjectRequest(bucket=BUCKET, key=KEY)
        plain = httpx.Client()
        ours = OssClient(profile)

        def httpx_plain(n: int) -> None:
            for _ in range(n):
                plain.head(url)

        def httpx_signed(n: int) -> None:
            for _ in range(n):
                plain.head(url, auth=OssV4Auth(creds, REGION, BUCKET, KEY))

        def httpx_async(n: int) -> None:
            async def go() -> None:
                async with httpx.AsyncClient() as client:
                    for _ in range(n):
                        await client.head(url)

            asyncio.run(go())

        def ossbrowse(n: int) -> None:
            for _ in range(n):
                ours.head_object(request)

        def official(n: int) -> None:
            for _ in range(n):
                sdk.head_object(sdk_request)

        sequential = {
            "httpx.Client, unsigned (reference)": httpx_plain,
            "httpx.Client + our V4 signer": httpx_signed,
            "httpx.AsyncClient, unsigned": httpx_async,
            "ossbrowse OssClient.head_object": ossbrowse,
            "alibabacloud-oss-v2 head_object": official,
        }
        cpu: dict[str, list[float]] = {name: [] for name in sequential}
        for _ in range(args.rounds):
            for name, run in sequential.items():
                cpu[name].append(_cpu_per_request(run, args.requests))

        pool = ThreadPoolExecutor(16)

        def in_flight(one: Callable[[], object]) -> Callable[[int], None]:
            return lambda n: list(pool.map(lambda _: one(), range(n)))

        concurrent = {
            "httpx.Client, unsigned, 16 threads": in_flight(lambda: plain.head(url)),
            "ossbrowse OssClient, 16 threads": in_flight(lambda: ours.head_object(request)),
            "alibabacloud-oss-v2, 16 threads": in_flight(lambda: sdk.head_object(sdk_request)),
        }
        rates: dict[str, list[float]] = {name: [] for name in concurrent}
        for _ in range(args.rounds):
            for name, run in concurrent.items():
                rates[name].append(_rate(run, args.requests))
        pool.shutdown()

        reported: list[float] = []
        bare: list[float] = []
        for _ in range(args.rounds * 50):
            reported.append(ours.head_object(request).elapsed_ms)
            started = time.perf_counter()
            plain.head(url)
            bare.append((time.perf_counter() - started) * 1000)
        reused = ours.head_object(request).connection_reused
        ours.close()
        plain.close()
    finally:
        server.kill()
        server.wait()

    med = {name: statistics.median(values) for name, values in cpu.items()}
    ref = med["httpx.Client, unsigned (reference)"]
    print(f"CPU per sequential HEAD, median of {args.rounds} rounds x {args.requests}")
    print(f"{'client':42} {'us/HEAD':>8} {'vs httpx':>9}")
    for name, value in med.items():
        print(f"{name:42} {value:8.0f} {value / ref:8.2f}x")
    ours_cpu, sdk_cpu = (
        med["ossbrowse OssClient.head_object"],
        med["alibabacloud-oss-v2 head_object"],
    )
    print(f"goal OssClient <= 1.25x unsigned httpx.Client: {ours_cpu / ref:.2f}x")
    print(f"goal HEADs per CPU-second >= 2x alibabacloud-oss-v2: {sdk_cpu / ours_cpu:.2f}x")
    print()
    rmed = {name: statistics.median(values) for name, values in rates.items()}
    sdk_rate = rmed["alibabacloud-oss-v2, 16 threads"]
    print("16 HEADs in flight (16-thread pools), HEADs per second")
    for name, value in rmed.items():
        print(f"{name:42} {value:8.0f} {value / sdk_rate:8.2f}x alibabacloud-oss-v2")
    goal = rmed["ossbrowse OssClient, 16 threads"] / sdk_rate
    print(f"goal >= 1.5x alibabacloud-oss-v2 in 16 threads: {goal:.2f}x")
    print()
    shown, wall = statistics.median(reported), statistics.median(bare)
    print(f"elapsed OssClient reports (median): {shown:.2f} ms; bare httpx.Client: {wall:.2f} ms")
    print(f"ratio {shown / wall:.2f}x (goal within 2x or 2 ms); last connection reused: {reused}")


if __name__ == "__main__":
    main()
