"""The conditional HEAD matrix every client is checked against, with the expected statuses.

Cases follow docs/oss-protocol.md §1.4: each header alone (match, mismatch, ``*``, lists, dates
before / equal / after / in the future / unparsable) and the RFC 7232 §6 combinations. They are
relative to an object whose Last-Modified is :data:`LM` and whose ETag is given.
"""

from __future__ import annotations

import email.utils
import time


def http_date(posix: float) -> str:
    """An RFC 1123 GMT date."""
    return email.utils.formatdate(posix, usegmt=True)


UNPARSABLE = ("ims unparsable", "ius unparsable")
"""Cases with a date ossbrowse refuses to send (OSS ignores such a header)."""

LM = 1_767_225_600  # 2026-01-01T00:00:00Z, the seeded object's Last-Modified


def conditions(etag: str) -> list[tuple[str, dict[str, str], int]]:
    before, after = http_date(LM - 3600), http_date(LM + 3600)
    equal, future = http_date(LM), http_date(time.time() + 86400)
    wrong = '"0123456789ABCDEF0123456789ABCDEF"'
    return [
        ("if-match match", {"if_match": etag}, 200),
        ("if-match mismatch", {"if_match": wrong}, 412),
        ("if-match star", {"if_match": "*"}, 200),
        ("if-match list", {"if_match": f"{wrong}, {etag}"}, 200),
        ("if-none-match match", {"if_none_match": etag}, 304),
        ("if-none-match mismatch", {"if_none_match": wrong}, 200),
        ("if-none-match star", {"if_none_match": "*"}, 304),
        ("ims before", {"if_modified_since": before}, 200),
        ("ims equal", {"if_modified_since": equal}, 304),
        ("ims after", {"if_modified_since": after}, 304),
        ("ims future", {"if_modified_since": future}, 304),
        ("ims unparsable", {"if_modified_since": "yesterday at noon"}, 200),
        ("ius before", {"if_unmodified_since": before}, 412),
        ("ius equal", {"if_unmodified_since": equal}, 200),
        ("ius after", {"if_unmodified_since": after}, 200),
        ("ius unparsable", {"if_unmodified_since": "2026-13-45"}, 200),
        # RFC 7232 §6: If-Match masks If-Unmodified-Since, If-None-Match masks If-Modified-Since.
        ("im match + ius before", {"if_match": etag, "if_unmodified_since": before}, 200),
        ("im mismatch + ius after", {"if_match": wrong, "if_unmodified_since": after}, 412),
        ("inm match + ims before", {"if_none_match": etag, "if_modified_since": before}, 304),
        ("inm mismatch + ims after", {"if_none_match": wrong, "if_modified_since": after}, 200),
        ("im match + inm match", {"if_match": etag, "if_none_match": etag}, 304),
        ("im mismatch + inm match", {"if_match": wrong, "if_none_match": etag}, 412),
        ("ius before + inm match", {"if_unmodified_since": before, "if_none_match": etag}, 412),
        ("ius after + ims after", {"if_unmodified_since": after, "if_modified_since": after}, 304),
        (
            "all four pass",
            {
                "if_match": etag,
                "if_none_match": wrong,
                "if_modified_since": before,
                "if_unmodified_since": after,
            },
            200,
        ),
    ]
