"""The guided demo's rewrite: a signed PutObject to the emulator, as any client would send it.

The object is changed through the emulator's HTTP PUT path (authentication, routing, the object
operation), not by touching the store, so the new version is real: it has a new ETag and version
id, and every HEAD, listing, history entry and watch sees it as it would see a colleague's
upload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

import httpx

from ossbrowse.emulator.core import Emulator
from ossbrowse.oss.secret import Secret
from ossbrowse.oss.signing import Credentials, OssV4Auth, utc_now


class RewriteError(Exception):
    """The emulator refused the PUT (its status and error code are in the message)."""


@dataclass(frozen=True)
class Rewritten:
    """What the PUT answered."""

    etag: str
    version_id: str | None


class DemoRewriter:
    """Rewrites one object of ``emulator`` with new content on each call."""

    def __init__(
        self,
        emulator: Emulator,
        bucket: str,
        key: str,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """``clock`` signs the PUT (the emulator checks it against its own clock)."""
        self._emulator = emulator
        self.bucket = bucket
        self.key = key
        self._clock = clock or utc_now
        self.count = 0
        """How many rewrites were sent."""

    def __call__(self) -> Rewritten:
        """PUT new content (different from every earlier one); the new ETag and version."""
        self.count += 1
        emulator = self._emulator
        body = f"Hello from the ossbrowse emulator! Rewritten by the guided demo ({self.count}).\n"
        auth = OssV4Auth(
            Credentials(emulator.access_key_id, Secret(emulator.access_key_secret)),
            emulator.region,
            self.bucket,
            self.key,
            clock=self._clock,
        )
        # Path-style, as the SDKs address an IP endpoint.
        url = f"{emulator.endpoint}/{self.bucket}/{quote(self.key, safe='/')}"
        with httpx.Client(timeout=10, trust_env=False) as client:
            response = client.put(
                url, content=body.encode(), headers={"Content-Type": "text/plain"}, auth=auth
            )
        if response.status_code != 200:
            code = response.headers.get("x-oss-ec") or ""
            raise RewriteError(f"the emulator answered {response.status_code} {code}".strip())
        return Rewritten(response.headers["etag"], response.headers.get("x-oss-version-id"))
