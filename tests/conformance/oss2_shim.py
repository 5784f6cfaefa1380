"""pytest plugin loaded into the oss2 test run: points oss2's own tests at the emulator.

oss2's ``tests/common.py`` reads its configuration from ``OSS_TEST_*`` environment variables
(set by the caller). Its clean-up helpers assume a real account: they list multipart uploads and
live channels (features outside the emulator's scope), and reach other buckets through the
public endpoint ListBuckets reports. Here they are replaced by equivalents that use only the
configured endpoint, and the eventual-consistency wait is dropped (the emulator is consistent).
No test body is changed.
"""

from __future__ import annotations

import os
from typing import Any


def _clean_and_delete_bucket(bucket: Any) -> None:
    import oss2

    status = bucket.get_bucket_info().versioning_status
    if status in (oss2.BUCKET_VERSIONING_ENABLE, oss2.BUCKET_VERSIONING_SUSPEND):
        key_marker, version_marker, truncated = "", "", True
        while truncated:
            page = bucket.list_object_versions(
                key_marker=key_marker, versionid_marker=version_marker
            )
            for entry in [*page.versions, *page.delete_marker]:
                bucket.delete_object(entry.key, params={"versionId": entry.versionid})
            truncated = page.is_truncated
            key_marker, version_marker = page.next_key_marker, page.next_versionid_marker
    for obj in oss2.ObjectIterator(bucket):
        bucket.delete_object(obj.key)
    bucket.delete_bucket()


def _clean_and_delete_bucket_by_prefix(prefix: str) -> None:
    import oss2

    from tests import common

    service = oss2.Service(oss2.Auth(common.OSS_ID, common.OSS_SECRET), common.OSS_ENDPOINT)
    for info in service.list_buckets(prefix=prefix).buckets:
        bucket = oss2.Bucket(
            oss2.Auth(common.OSS_ID, common.OSS_SECRET),
            common.OSS_ENDPOINT,
            info.name,
            region=common.OSS_REGION,
        )
        _clean_and_delete_bucket(bucket)


def pytest_configure(config: Any) -> None:
    """Patch oss2's test helpers before any test module imports them."""
    if not os.environ.get("OSS_TEST_ENDPOINT"):
        raise RuntimeError("OSS_TEST_ENDPOINT is not set: the emulator's endpoint is needed")
    from tests import common

    common.clean_and_delete_bucket = _clean_and_delete_bucket
    common.clean_and_delete_bucket_by_prefix = _clean_and_delete_bucket_by_prefix
    common.wait_meta_sync = lambda: None
