"""The demo data set: a small story an operator can follow in ``ossbrowse demo``.

``demo-bucket`` (versioning enabled) holds:

* ``hello.txt`` — the object for "200 → 304 → 412": HEAD it, reuse its ETag as If-None-Match
  (304), then as If-Match after changing it, or an old ETag as If-Match (412);
* ``reports/q3.csv`` — three versions (January, February, March 2026);
* ``reports/q2.csv`` — deleted: its current version is a delete marker (404 with
  ``x-oss-delete-marker: true``; its marker's version id gives 405);
* ``media/launch-video.mp4`` — a multipart upload (``"<HEX>-3"`` ETag, no Content-MD5);
* ``archive/`` — Archive objects: frozen, restoring, restored, and one whose restored copy
  expired a week ago (``x-oss-restore``; a GET of it fails again);
* ``docs/`` — keys with spaces, ``+`` and unicode, user metadata, Cache-Control;
* ``photos/`` — a small folder tree;
* ``drafts/toto`` — four versions with a delete marker between them (deleted, then written
  again), beside ``drafts/toto-1`` and ``drafts/toto-10``, whose names it prefixes: the
  versions of exactly one key are not the versions of every key it prefixes;
* ``bulk/`` — 10,000 tiny objects for browsing and paging;
* one object of each other kind the metadata pane explains: ``logs/app.log`` (Appendable, two
  appends), ``media/latest.mp4`` (a symlink to the launch video), ``docs/payroll-2026.csv``
  (SSE-KMS with a key id), ``docs/contract.pdf`` (three tags) and ``logs/tmp/debug.log``
  (expiring: the bucket's lifecycle rule ``expire-tmp-logs`` removes ``logs/tmp/`` after 30 days).

``demo-unversioned`` is a plain bucket. Every Last-Modified is fixed (in 2026), independent of
the clock, so screenshots and tests see the same values on every run. The states that are
about *now* (a restored copy readable for a week more, one that expired a week ago, a log the
lifecycle rule removes in four weeks) are dated from the day the data is made when that is
after March 2026 (whole days later, so a fixed clock still sees the fixed dates): started
months later on the real clock, the demo tells the same story.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from ossbrowse.emulator.model import LifecycleRule
from ossbrowse.emulator.object_state import http_date
from ossbrowse.emulator.store import Store

DEMO_BUCKET = "demo-bucket"
DEMO_KEY = "hello.txt"
DEMO_UNVERSIONED_BUCKET = "demo-unversioned"
DEMO_VERSIONED_KEY = "reports/q3.csv"
DEMO_DELETED_KEY = "reports/q2.csv"
DEMO_MULTIPART_KEY = "media/launch-video.mp4"
DEMO_ARCHIVE_KEY = "archive/2024-logs.tar.gz"
DEMO_EXPIRED_ARCHIVE_KEY = "archive/2021-logs.tar.gz"
DEMO_APPENDABLE_KEY = "logs/app.log"
DEMO_SYMLINK_KEY = "media/latest.mp4"
DEMO_SSE_KEY = "docs/payroll-2026.csv"
DEMO_TAGGED_KEY = "docs/contract.pdf"
DEMO_EXPIRING_KEY = "logs/tmp/debug.log"
DEMO_LIFECYCLE_RULE = "expire-tmp-logs"
DEMO_KMS_KEY_ID = "0e4a2f7c-6b1d-4c8e-9f3a-5d7b2e1c8a90"
DEMO_TOTO_KEY = "drafts/toto"
DEMO_BULK_PREFIX = "bulk/"
DEMO_BULK_COUNT = 10_000

_T0 = int(datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC).timestamp())
_DAY = 86_400


def _at(days_before: float) -> int:
    return _T0 - int(days_before * _DAY)


def _today(now: float) -> int:
    """The demo's "now" for states relative to the present: ``_T0`` moved by whole days."""
    return _T0 + max(0, int(now - _T0) // _DAY) * _DAY


def _restored(until: int) -> str:
    """A fixed ``x-oss-restore`` value: restored, readable until ``until``."""
    return f'ongoing-request="false", expiry-date="{http_date(until)}"'


def _multipart_etag(parts: list[bytes]) -> str:
    # What OSS/S3 multipart ETags look like: MD5 of the part MD5s, then "-<part count>".
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts))  # noqa: S324
    return f'"{digest.hexdigest().upper()}-{len(parts)}"'


def populate(store: Store, *, region: str) -> None:
    """Create the demo buckets and objects unless ``demo-bucket`` already exists."""
    if any(b.name == DEMO_BUCKET for b in store.list_buckets()):
        return
    put = store.put_object
    store.create_bucket(DEMO_BUCKET, region=region, created=_at(120))
    store.set_versioning(DEMO_BUCKET, "Enabled")

    put(
        DEMO_BUCKET,
        DEMO_KEY,
        b"Hello from the ossbrowse emulator!\n",
        last_modified=_at(0),
        content_type="text/plain",
        cache_control="no-cache",
        user_meta=(("author", "ossbrowse"), ("purpose", "demo")),
    )

    for days, rows in ((60, "1,100\n"), (30, "1,100\n2,250\n"), (10, "1,100\n2,250\n3,410\n")):
        put(
            DEMO_BUCKET,
            DEMO_VERSIONED_KEY,
            b"month,revenue\n" + rows.encode(),
            last_modified=_at(days),
            content_type="text/csv",
            user_meta=(("owner", "finance"),),
        )
    put(
        DEMO_BUCKET,
        DEMO_DELETED_KEY,
        b"month,revenue\n1,90\n",
        last_modified=_at(90),
        content_type="text/csv",
    )
    store.delete_object(DEMO_BUCKET, DEMO_DELETED_KEY, last_modified=_at(45))

    parts = [bytes([i]) * 16_384 for i in range(3)]
    put(
        DEMO_BUCKET,
        DEMO_MULTIPART_KEY,
        b"".join(parts),
        last_modified=_at(7),
        etag=_multipart_etag(parts),
        object_type="Multipart",
        content_type="video/mp4",
    )

    archive = (
        ("archive/2022-logs.tar.gz", None),
        ("archive/2023-logs.tar.gz", 'ongoing-request="true"'),
        (
            DEMO_ARCHIVE_KEY,
            _restored(_today(store.now()) + 7 * _DAY),
        ),
    )
    for number, (key, restore) in enumerate(archive):
        put(
            DEMO_BUCKET,
            key,
            f"log archive {number}\n".encode(),
            last_modified=_at(400 - number * 100),
            content_type="application/gzip",
            storage_class="Archive",
            restore=restore,
        )

    for key, body, meta in (
        ("docs/annual report 2026.pdf", b"%PDF-1.7 demo\n", (("department", "finance"),)),
        ("docs/c++ notes+tips.txt", b"use const\n", ()),
        ("docs/目录/说明.txt", "你好，OSS\n".encode(), (("lang", "zh"),)),
        ("docs/café menu.txt", "crème brûlée\n".encode(), ()),
        ("docs/site/index.html", b"<h1>demo</h1>\n", ()),
    ):
        put(
            DEMO_BUCKET,
            key,
            body,
            last_modified=_at(20),
            content_type="text/html" if key.endswith(".html") else "text/plain",
            cache_control="max-age=300" if key.endswith(".html") else None,
            content_disposition='attachment; filename="report.pdf"'
            if key.endswith(".pdf")
            else None,
            user_meta=meta,
            storage_class="IA" if key.endswith(".pdf") else "Standard",
        )

    for key in (
        "photos/cat.jpg",
        "photos/2026/01/snow.jpg",
        "photos/2026/02/harbour.jpg",
        "photos/2026/03/spring/blossom.jpg",
    ):
        put(
            DEMO_BUCKET,
            key,
            b"\xff\xd8\xff\xe0 demo jpeg " + key.encode(),
            last_modified=_at(40),
            content_type="image/jpeg",
            user_meta=(("camera", "demo"),),
        )

    for i in range(DEMO_BULK_COUNT):
        put(
            DEMO_BUCKET,
            f"{DEMO_BULK_PREFIX}item-{i:05d}.txt",
            b"%d\n" % i,
            last_modified=_at(50) + i,
            content_type="text/plain",
        )

    # Last, so the version ids of everything above stay what they were before they existed.
    _drafts(store)
    _kinds(store)

    store.create_bucket(DEMO_UNVERSIONED_BUCKET, region=region, created=_at(200))
    put(
        DEMO_UNVERSIONED_BUCKET,
        "readme.txt",
        b"A bucket without versioning: every write replaces the object.\n",
        last_modified=_at(5),
        content_type="text/plain",
    )


def _kinds(store: Store) -> None:
    """One object of each kind the metadata pane explains, beyond the Archive ones above."""
    store.put_object(
        DEMO_BUCKET,
        DEMO_EXPIRED_ARCHIVE_KEY,
        b"log archive 2021\n",
        last_modified=_at(500),
        content_type="application/gzip",
        storage_class="Archive",
        restore=_restored(_today(store.now()) - 7 * _DAY),
    )
    store.append_object(
        DEMO_BUCKET,
        DEMO_APPENDABLE_KEY,
        0,
        b"2026-03-12T08:00:00Z service started\n",
        last_modified=_at(2),
        content_type="text/plain",
    )
    store.append_object(
        DEMO_BUCKET,
        DEMO_APPENDABLE_KEY,
        len(b"2026-03-12T08:00:00Z service started\n"),
        b"2026-03-14T09:00:00Z health check ok\n",
        last_modified=_at(0.02),
    )
    store.put_object(
        DEMO_BUCKET,
        DEMO_SYMLINK_KEY,
        b"",
        last_modified=_at(3),
        object_type="Symlink",
        symlink_target=DEMO_MULTIPART_KEY,
        content_type="video/mp4",
    )
    store.put_object(
        DEMO_BUCKET,
        DEMO_SSE_KEY,
        b"employee,amount\n1001,4200\n",
        last_modified=_at(4),
        content_type="text/csv",
        sse="KMS",
        sse_key_id=DEMO_KMS_KEY_ID,
    )
    store.put_object(
        DEMO_BUCKET,
        DEMO_TAGGED_KEY,
        b"%PDF-1.7 contract\n",
        last_modified=_at(6),
        content_type="application/pdf",
        tagging="department=legal&retention=7y&status=signed",
    )
    store.set_lifecycle(
        DEMO_BUCKET, [LifecycleRule(DEMO_LIFECYCLE_RULE, "logs/tmp/", True, days=30)]
    )
    store.put_object(
        DEMO_BUCKET,
        DEMO_EXPIRING_KEY,
        b"debug: cache warm-up took 1.2 s\n",
        last_modified=_today(store.now()) - 2 * _DAY,
        content_type="text/plain",
    )


def _drafts(store: Store) -> None:
    """``drafts/toto`` and the keys it prefixes, with versions and delete markers."""
    toto = DEMO_TOTO_KEY
    for days, text in ((35, "first draft"), (33, "second draft")):
        store.put_object(
            DEMO_BUCKET,
            toto,
            f"{text}\n".encode(),
            last_modified=_at(days),
            content_type="text/plain",
        )
    store.delete_object(DEMO_BUCKET, toto, last_modified=_at(32))
    store.put_object(DEMO_BUCKET, toto, b"third draft\n", last_modified=_at(31))
    for days in (34, 30):
        store.put_object(DEMO_BUCKET, f"{toto}-1", b"other notes\n", last_modified=_at(days))
    store.put_object(DEMO_BUCKET, f"{toto}-10", b"old notes\n", last_modified=_at(36))
    store.delete_object(DEMO_BUCKET, f"{toto}-10", last_modified=_at(29))
