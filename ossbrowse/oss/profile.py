"""The resolved profile the client needs, and the checks that say whether it can be used.

Where the settings come from (flags, environment, the ossutil config file) is the business of
:mod:`ossbrowse.config`, which sits above the core and builds a :class:`Profile`. Everything
here is plain data and rules, so the core stands alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .addressing import region_in_text
from .secret import HIDDEN_VALUE, Secret, looks_like_secret, quote_value, shares_secret
from .validation import InputError, check_region

DEFAULT_KEEPALIVE_S = 120.0
"""How long an idle connection is kept for the next request: long enough for a person probing
by hand (httpx's own default of 5 s would open a new connection, and a TLS handshake, for almost
every send)."""
MAX_KEEPALIVE_S = 86_400.0

# Named in hints when no config file was read; ossutil's default file name.
_DEFAULT_CONFIG_HINT = "~/.ossutilconfig"


class ConfigError(ValueError):
    """The configuration cannot be used; the message says what to set."""


@dataclass(frozen=True)
class Profile:
    """Everything needed to talk to one OSS account and region."""

    name: str = "default"
    access_key_id: str | None = None
    access_key_secret: Secret | None = field(default=None, repr=False)
    sts_token: Secret | None = field(default=None, repr=False)
    region: str | None = None
    endpoint: str | None = None
    """Host or URL; None means the public endpoint of the region."""
    addressing_style: str = "virtual"
    """``virtual``, ``path`` or ``cname``; path is used automatically for IP/localhost hosts."""
    sign_version: str = "v4"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    retry_times: int = 2
    keepalive: float = DEFAULT_KEEPALIVE_S
    """Seconds an idle connection is kept open for the next request; 0 closes it after each."""
    proxy: str | None = None
    skip_verify_cert: bool = False
    sources: tuple[tuple[str, str], ...] = ()
    """Where each setting came from: (setting, "flag" | "env" | "file:<path> [profile]")."""
    config_file: str | None = None
    """The config file that was read (None when there was none)."""
    warnings: tuple[str, ...] = ()
    """Things the user should know, e.g. a config file with a secret readable by others."""

    def __post_init__(self) -> None:
        # Plain text given for a secret is wrapped, so no Profile ever holds one unmasked.
        for setting in ("access_key_secret", "sts_token"):
            value = getattr(self, setting)
            if value is not None and not isinstance(value, Secret):
                object.__setattr__(self, setting, Secret(value))

    def source_of(self, setting: str) -> str | None:
        """Where ``setting`` came from, or None when it has its default value."""
        for name, source in self.sources:
            if name == setting:
                return source
        return None


def _setting_hint(profile: Profile, flag: str, env_name: str | None, file_key: str) -> str:
    where = [f"pass {flag}"]
    if env_name:
        where.insert(0, f"set {env_name}")
    if profile.config_file:
        where.append(f"add {file_key} = ... to profile {profile.name!r} in {profile.config_file}")
    else:
        where.append(f"add {file_key} = ... to {_DEFAULT_CONFIG_HINT}")
    return ", ".join(where[:-1]) + " or " + where[-1]


def _quote(profile: Profile, value: object) -> str:
    """``value`` for a message: hidden when it is or looks like the profile's secret or token."""
    known = [s for s in (profile.access_key_secret, profile.sts_token) if s is not None]
    return quote_value(value, known)


def _refuse_pasted_secret(profile: Profile) -> None:
    """Refuse an endpoint, region or proxy holding the profile's own secret or token.

    Such a value would otherwise be shown on screen and sent out (a DNS lookup of the host).
    """
    known = [s for s in (profile.access_key_secret, profile.sts_token) if s is not None]
    for setting, what in (("endpoint", "a host"), ("region", "a region id"), ("proxy", "a URL")):
        value = getattr(profile, setting)
        # Hosts and URLs may look random: only a stretch of the actual secret counts there.
        suspicious = looks_like_secret if setting == "region" else shares_secret
        if value and suspicious(value, known):
            raise ConfigError(
                f"{setting} holds what looks like the access key secret or STS token, "
                f"not {what}: check the {setting} setting (from {profile.source_of(setting)})"
            )


# How each credential is named in each source, for messages.
_CREDENTIAL_NAMES = {
    "flag": {
        "access_key_id": "-i/--access-key-id",
        "access_key_secret": "-k/--access-key-secret",
        "sts_token": "-t/--sts-token",
    },
    "env": {
        "access_key_id": "OSS_ACCESS_KEY_ID",
        "access_key_secret": "OSS_ACCESS_KEY_SECRET",
        "sts_token": "OSS_SESSION_TOKEN",
    },
    "file": {
        "access_key_id": "accessKeyId",
        "access_key_secret": "accessKeySecret",
        "sts_token": "stsToken",
    },
}
CREDENTIALS_RULE = (
    "Credentials are taken as a set from one source (the command line, else the environment, "
    "else the config file), never mixed"
)
"""The rule :func:`check_usable` states when a credential set is incomplete."""


def _incomplete_credentials(profile: Profile, given: str, missing: str) -> str:
    """Why ``given`` without ``missing`` cannot be used, naming the rule and both fixes."""
    source = profile.source_of(given) or ""
    kind = "file" if source.startswith("file:") else source
    if kind not in ("flag", "env"):
        # No known source (a Profile built in code) or the config file: the hint says where.
        label = {"access_key_id": "access key id", "access_key_secret": "access key secret"}
        hint = _setting_hint(
            profile,
            _CREDENTIAL_NAMES["flag"][missing],
            _CREDENTIAL_NAMES["env"][missing],
            _CREDENTIAL_NAMES["file"][missing],
        )
        if kind == "file":
            hint = (
                f"add {_CREDENTIAL_NAMES['file'][missing]} = ... to profile {profile.name!r} "
                f"in {profile.config_file}, or give the whole set another way (-i and -k, or "
                "OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET)"
            )
        return (
            f"The {label[given]} (from {source or '?'}) has no {label[missing]}: {hint}. "
            f"{CREDENTIALS_RULE}"
        )
    names = _CREDENTIAL_NAMES[kind]
    verb = "was given" if kind == "flag" else "is set"
    fix = "give" if kind == "flag" else "set"
    drop = "leave out" if kind == "flag" else "unset"
    if kind == "flag":
        # The environment, when set, comes before the file; either way the next source.
        if profile.config_file:
            rest = f"the environment's keys, else those of profile {profile.name!r} in " + (
                profile.config_file
            )
        else:
            rest = "the environment's or the config file's keys"
    elif profile.config_file:
        rest = f"the keys of profile {profile.name!r} in {profile.config_file}"
    else:
        rest = "the config file's keys"
    return (
        f"{names[given]} {verb} without {names[missing]}. {CREDENTIALS_RULE}: "
        f"{fix} {names[missing]} too, or {drop} {names[given]} to use {rest}"
    )


def check_usable(profile: Profile) -> None:
    """Raise ConfigError with one message saying what to set when ``profile`` cannot be used."""
    key_id, secret, token = profile.access_key_id, profile.access_key_secret, profile.sts_token
    if not key_id and not secret:
        lead = "An STS token is set but no access key" if token else "No access key"
        raise ConfigError(
            f"{lead}: set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET, pass -i/--access-key-id "
            "and -k/--access-key-secret, or run `ossutil config`; or try `ossbrowse demo`"
        )
    if not secret:
        raise ConfigError(_incomplete_credentials(profile, "access_key_id", "access_key_secret"))
    if not key_id:
        raise ConfigError(_incomplete_credentials(profile, "access_key_secret", "access_key_id"))
    _refuse_pasted_secret(profile)
    if profile.sign_version not in ("v1", "v4"):
        raise ConfigError(
            f"sign-version must be v1 or v4 (got {_quote(profile, profile.sign_version)})"
        )
    if profile.sign_version == "v4" and not profile.region:
        message = "region must be set in sign version 4: " + _setting_hint(
            profile, "--region", "OSS_REGION", "region"
        )
        suggested = region_in_text(profile.endpoint or "")
        if suggested:
            message += f" (endpoint {profile.endpoint} suggests --region {suggested})"
        raise ConfigError(message)
    if profile.region:
        try:
            check_region(profile.region)
        except InputError as exc:
            shown = _quote(profile, profile.region)
            # The rule's message may quote part of the value: not when it may be a secret.
            problem = exc.message if shown != HIDDEN_VALUE else "is not a region id"
            raise ConfigError(f"region {shown} {problem}") from None
    if profile.addressing_style not in ("virtual", "path", "cname"):
        raise ConfigError(
            "addressing-style must be virtual, path or cname "
            f"(got {_quote(profile, profile.addressing_style)})"
        )
    for setting in ("connect_timeout", "read_timeout"):
        seconds = getattr(profile, setting)
        if not math.isfinite(seconds) or seconds <= 0:
            raise ConfigError(
                f"{setting.replace('_', '-')} must be a positive number of seconds "
                f"(got {seconds:g})"
            )
    if not 0 <= profile.keepalive <= MAX_KEEPALIVE_S:  # also refuses NaN
        raise ConfigError(
            f"keepalive must be 0 to {MAX_KEEPALIVE_S:g} seconds (got {profile.keepalive:g})"
        )
    if profile.proxy and profile.proxy != "env":
        _check_proxy(profile.proxy)
    if not 0 <= profile.retry_times <= 100:
        raise ConfigError(f"retry-times must be between 0 and 100 (got {profile.retry_times})")


def _check_proxy(proxy: str) -> None:
    """A proxy URL httpx can use: http, https or socks5, with a host."""
    try:
        parts = urlsplit(proxy)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise ConfigError("proxy is not a valid URL (e.g. http://proxy.example.com:3128)") from None
    if parts.scheme not in ("http", "https", "socks5", "socks5h") or not parts.hostname:
        raise ConfigError(
            "proxy must be an http://, https:// or socks5:// URL with a host, or 'env' "
            "to use the environment's (e.g. http://proxy.example.com:3128)"
        )
