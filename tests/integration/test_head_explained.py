"""`ossbrowse head --output-format json` explains each kind of demo object the emulator serves.

The emulator produces the headers (AppendObject, PutSymlink, encryption headers, tags, a
lifecycle rule, restore state); the CLI turns them into ``explained`` entries. The CLI explains
for the real clock, and the demo dates its restored copies and its expiring log from the day it
starts, so dates are asserted against today.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ossbrowse import cli
from ossbrowse.emulator import Emulator, demo


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """One demo emulator for the module: the tests only read."""
    with Emulator(demo_data=True) as emulator:
        yield emulator


def _explained(emu: Emulator, capsys: pytest.CaptureFixture[str], key: str) -> dict[str, Any]:
    argv = ["head", "-e", emu.endpoint, "--region", emu.region, "-i", emu.access_key_id]
    argv += [f"--access-key-secret={emu.access_key_secret}", "--output-format", "json"]
    argv += ["--bucket", demo.DEMO_BUCKET, "--key", key]
    assert cli.main(argv) == 0
    out, err = capsys.readouterr()
    assert emu.access_key_secret not in out + err
    data = json.loads(out)
    return {item["header"].lower(): item for item in data["explained"]}


@pytest.mark.parametrize(
    ("key", "header", "facts"),
    [
        (demo.DEMO_APPENDABLE_KEY, "x-oss-next-append-position", {"position": 74}),
        (demo.DEMO_APPENDABLE_KEY, "x-oss-object-type", {"object_type": "Appendable"}),
        (demo.DEMO_SYMLINK_KEY, "x-oss-object-type", {"object_type": "Symlink"}),
        (
            demo.DEMO_SSE_KEY,
            "x-oss-server-side-encryption",
            {"mode": "SSE-KMS", "key_id": demo.DEMO_KMS_KEY_ID},
        ),
        (demo.DEMO_TAGGED_KEY, "x-oss-tagging-count", {"count": 3}),
        (
            demo.DEMO_EXPIRING_KEY,
            "x-oss-expiration",
            {"rule_id": demo.DEMO_LIFECYCLE_RULE},
        ),
        (
            demo.DEMO_EXPIRED_ARCHIVE_KEY,
            "x-oss-restore",
            {"state": "expired"},
        ),
    ],
)
def test_each_kind_is_explained_in_json(
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
    key: str,
    header: str,
    facts: dict[str, object],
) -> None:
    explained = _explained(emu, capsys, key)
    assert header in explained, sorted(explained)
    entry = explained[header]
    assert entry["meaning"]
    assert {name: entry.get(name) for name in facts} == facts


@pytest.mark.parametrize(
    ("key", "header", "days"),
    [
        (demo.DEMO_ARCHIVE_KEY, "x-oss-restore", (6, 7)),
        (demo.DEMO_EXPIRED_ARCHIVE_KEY, "x-oss-restore", (-8, -7)),
        (demo.DEMO_EXPIRING_KEY, "x-oss-expiration", (27, 29)),
    ],
)
def test_the_dates_are_as_far_from_today_as_the_story_says(
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
    key: str,
    header: str,
    days: tuple[int, int],
) -> None:
    """Restored for a week more, expired a week ago, deleted in four weeks: whatever today is."""
    when = datetime.fromisoformat(_explained(emu, capsys, key)[header]["expiry_date"])
    away = (when - datetime.now(UTC)) / timedelta(days=1)
    assert days[0] <= away <= days[1]


def test_a_symlink_etag_is_not_called_an_md5(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    explained = _explained(emu, capsys, demo.DEMO_SYMLINK_KEY)
    target = emu.store.get_object(demo.DEMO_BUCKET, demo.DEMO_MULTIPART_KEY)
    assert explained["etag"]["value"] == target.etag
    assert "MD5" not in explained["etag"]["kind"]
