"""Profile resolution the way ossutil 2.0 does it: flags > environment > the ossutil config file.

A user who already set up ossutil runs ossbrowse with no extra step. Secrets are read, never
written, and never appear in ``repr``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ConfigError(ValueError):
    """The configuration cannot be used; the message says what to set."""


@dataclass(frozen=True)
class Profile:
    """Everything needed to talk to one OSS account and region."""

    name: str = "default"
    access_key_id: str | None = None
    access_key_secret: str | None = field(default=None, repr=False)
    sts_token: str | None = field(default=None, repr=False)
    region: str | None = None
    endpoint: str | None = None
    """Host or URL; None means the public endpoint of the region."""
    addressing_style: str = "virtual"
    """``virtual``, ``path`` or ``cname``; path is used automatically for IP/localhost hosts."""
    sign_version: str = "v4"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    retry_times: int = 2
    proxy: str | None = None
    skip_verify_cert: bool = False
    sources: tuple[tuple[str, str], ...] = ()
    """Where each setting came from: (setting, "flag" | "env" | "file:<path>")."""
