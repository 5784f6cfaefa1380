"""Deriving the next probe from a result: an ETag that will not match.

A pure function for the quick actions (the form text of a request lives with the history:
:func:`ossbrowse.history_store.form_text`).
"""

from __future__ import annotations


def stale_etag(etag: str) -> str:
    """An ETag of the same shape that differs from ``etag`` in its first character."""
    start = etag.find('"') + 1
    for i in range(start, len(etag)):
        if etag[i].isalnum():
            return etag[:i] + ("1" if etag[i] == "0" else "0") + etag[i + 1 :]
    return '"0"' if etag != '"0"' else '"1"'
