"""Locations on the command line: ``oss://bucket/key`` or an OSS URL where a bucket is typed.

``ossbrowse head oss://bucket/key`` and ``ossbrowse head --bucket oss://bucket/key`` both work,
as does pasting ``https://bucket.oss-cn-hangzhou.aliyuncs.com/key``. A URL also names the
endpoint and region (and whether it was path-style): they count as flags unless a flag gives
another value, which is refused rather than guessed.
"""

from __future__ import annotations

import argparse

from .oss.location import Location, looks_like_location, parse_location
from .oss.validation import InputError


def apply_url_settings(location: Location, flags: dict[str, object]) -> None:
    """Fill endpoint, region and addressing style from a URL location into profile ``flags``.

    Raises InputError("location", ...) when a flag names a different endpoint or region.
    """
    for setting, value in (
        ("endpoint", location.endpoint),
        ("region", location.region),
        ("addressing_style", location.addressing_style),
    ):
        if value is None:
            continue
        given = flags.get(setting)
        if given in (None, ""):
            flags[setting] = value
        elif setting != "addressing_style" and not _same(setting, str(given), value):
            flag = "--" + setting.replace("_", "-")
            raise InputError("location", f"the URL names {setting} {value}, but {flag} is {given}")


def _same(setting: str, given: str, value: str) -> bool:
    if setting != "endpoint":
        return given == value
    # An endpoint flag may be written without a scheme or with a trailing slash.
    given = given.rstrip("/").lower()
    return given == value or value.split("://", 1)[1] == given


def head_location(args: argparse.Namespace, flags: dict[str, object]) -> None:
    """Read a location given to ``head`` (positional or in ``--bucket``) into the flags.

    Sets ``args.bucket``, ``args.key`` and ``args.version_id`` from it; a flag that says
    something else than the location is refused (InputError naming the flag).
    """
    text = getattr(args, "location", None)
    if args.bucket and looks_like_location(args.bucket):
        if text:
            raise InputError("bucket", "give the location once: as an argument or in --bucket")
        text, args.bucket = args.bucket, None
    if not text:
        return
    if args.bucket:
        raise InputError("bucket", "give either a location or --bucket, not both")
    location = parse_location(text)
    args.bucket = location.bucket
    for name, value in (("key", location.key), ("version_id", location.version_id)):
        if not value:
            continue
        given = getattr(args, name)
        if given and given != value:
            raise InputError(name, f"is {given!r}, but the location names {value!r}")
        setattr(args, name, value)
    apply_url_settings(location, flags)
