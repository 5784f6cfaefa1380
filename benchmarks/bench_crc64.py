"""The emulator's CRC-64 (``x-oss-hash-crc64ecma``) throughput: runtime choice vs pure table.

Run: ``.venv/bin/python benchmarks/bench_crc64.py``. The emulator accepts bodies up to 256 MiB
and computes the CRC of each; crcmod's C extension should be well over ten times the pure
table (a few MiB/s on an idle machine).
"""

from __future__ import annotations

import os
import time

from ossbrowse.emulator.crc64 import IMPLEMENTATION, crc64, crc64_pure


def _rate(function: object, data: bytes) -> float:
    started = time.perf_counter()
    function(data)  # type: ignore[operator]
    return len(data) / (time.perf_counter() - started) / 2**20


def main() -> None:
    data = os.urandom(64 * 2**20)
    print(f"runtime ({IMPLEMENTATION}): {_rate(crc64, data):.0f} MiB/s over 64 MiB")
    print(f"pure table: {_rate(crc64_pure, data[: 4 * 2**20]):.1f} MiB/s over 4 MiB")


if __name__ == "__main__":
    main()
