"""HEAD throughput of ossbrowse's client, as ratios to references measured in the same run.

Against the local emulator on 127.0.0.1, sequential keep-alive HEADs of one object by:
- raw httpx (sync Client, V4 signing by our signer): the reference, ratio 1.00;
- raw httpx AsyncClient with the same signing;
- ossbrowse's OssClient.head_object (sync; adds conditions, explanation, result building);
- the official SDK alibabacloud-oss-v2 head_object (V4);
- the official SDK oss2 head_object (V4).

Usage: python benchmarks/bench_head.py [--requests 2000] [--rounds 3]
Prints requests per second (median of rounds) and the ratio to the reference. This machine is
noisy (±20-30 %): compare only numbers from one run.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable

import httpx

from ossbrowse.emulator import Emulator
from ossbrowse.oss.addressing import object_url, parse_endpoint
from ossbrowse.oss.client import OssClient
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.signing import Credentials, OssV4Auth

BUCKET, KEY = "bench-bucket", "bench/object.txt"


def _rate(n: int, run: Callable[[int], None], rounds: int) -> float:
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        run(n)
        rates.append(n / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import alibabacloud_oss_v2 as oss
    import oss2

    with Emulator() as emu:
        creds = Credentials(emu.access_key_id, emu.access_key_secret)
        bucket = oss2.Bucket(
            oss2.AuthV4(emu.access_key_id, emu.access_key_secret),
            emu.endpoint,
            BUCKET,
            region=emu.region,
            is_path_style=True,
        )
        bucket.create_bucket()
        bucket.put_object(KEY, b"x" * 1024)
        url = object_url(parse_endpoint(emu.endpoint), BUCKET, KEY)

        def httpx_sync(n: int) -> None:
            with httpx.Client() as client:
                for _ in range(n):
                    auth = OssV4Auth(creds, emu.region, BUCKET, KEY)
                    assert client.head(url, auth=auth).status_code == 200

        def httpx_async(n: int) -> None:
            async def go() -> None:
                async with httpx.AsyncClient() as client:
                    for _ in range(n):
                        auth = OssV4Auth(creds, emu.region, BUCKET, KEY)
                        assert (await client.head(url, auth=auth)).status_code == 200

            asyncio.run(go())

        profile = emu.profile(name="bench", retry_times=2)
        request = build_head_request(bucket=BUCKET, key=KEY)

        def ossbrowse_client(n: int) -> None:
            with OssClient(profile) as client:
                for _ in range(n):
                    assert client.head_object(request).status == 200

        cfg = oss.config.load_default()
        cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(
            emu.access_key_id, emu.access_key_secret
        )
        cfg.region = emu.region
        cfg.endpoint = emu.endpoint
        sdk_v2 = oss.Client(cfg)

        def official_v2(n: int) -> None:
            for _ in range(n):
                sdk_v2.head_object(oss.HeadObjectRequest(bucket=BUCKET, key=KEY))

        def official_oss2(n: int) -> None:
            for _ in range(n):
                bucket.head_object(KEY)

        runs = {
            "httpx sync + V4 signing (reference)": httpx_sync,
            "httpx AsyncClient + V4 signing": httpx_async,
            "ossbrowse OssClient.head_object": ossbrowse_client,
            "alibabacloud-oss-v2 head_object": official_v2,
            "oss2 head_object": official_oss2,
        }
        rates = {name: _rate(args.requests, run, args.rounds) for name, run in runs.items()}
    reference = next(iter(rates.values()))
    print(f"{args.requests} sequential HEADs against the emulator, median of {args.rounds} rounds")
    print(f"{'client':40} {'req/s':>8} {'ratio':>6}")
    for name, rate in rates.items():
        print(f"{name:40} {rate:8.0f} {rate / reference:6.2f}")


if __name__ == "__main__":
    main()
