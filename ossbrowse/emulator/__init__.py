"""A local OSS-compatible server for demos and tests (``ossbrowse emulator`` / ``demo``).

It behaves like OSS wherever ossbrowse looks: V1/V4 signatures and presigned URLs, STS,
versions and delete markers, conditional requests, and OSS-shaped errors.

>>> with Emulator() as emu:   # doctest: +SKIP
...     emu.endpoint, emu.region, emu.access_key_id
"""

from __future__ import annotations

from ossbrowse.emulator.core import Emulator
from ossbrowse.emulator.demo import DEMO_BUCKET, DEMO_KEY

__all__ = ["DEMO_BUCKET", "DEMO_KEY", "Emulator"]
