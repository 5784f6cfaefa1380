"""Reading the ossutil config file: where it is, its sections, key spellings and inheritance.

ossutil 2.0 keeps profiles in an INI file (``~/.ossutilconfig``, or ``-c`` /
``OSSUTIL_CONFIG_FILE``): ``[default]`` and ``[profile NAME]`` sections, keys in any of
ossutil's spellings (``accessKeyId``, ``access-key-id``, ...), and ``source_profile`` to
inherit from another profile. Secrets are read, never written, and never quoted in a message:
parse errors name only the line.
"""

from __future__ import annotations

import configparser
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ossbrowse.oss.profile import ConfigError

DEFAULT_CONFIG_NAME = ".ossutilconfig"
# ossutil treats accessKeyId, access-key-id, access_key_id and accesskeyid alike.
_FILE_KEYS = {
    "mode": "mode",
    "accesskeyid": "access_key_id",
    "accesskeysecret": "access_key_secret",
    "ststoken": "sts_token",
    "region": "region",
    "endpoint": "endpoint",
    "signversion": "sign_version",
    "addressingstyle": "addressing_style",
    "connecttimeout": "connect_timeout",
    "readtimeout": "read_timeout",
    "retrytimes": "retry_times",
    "proxy": "proxy",
    "skipverifycert": "skip_verify_cert",
    "sourceprofile": "source_profile",
}
# A section name configparser would otherwise treat specially ([DEFAULT] leaks into every
# section); ossutil's [DEFAULT] is just the default profile, case-insensitively.
_NO_DEFAULT_SECTION = "\x00ossbrowse-no-default-section"


def norm_key(key: str) -> str:
    """A key or mode as ossutil compares it: no case, no ``-`` or ``_``, no surrounding blanks."""
    return key.strip().lower().replace("-", "").replace("_", "")


@dataclass
class Section:
    """One profile's section: its name as written and its settings (ossbrowse names)."""

    name: str
    values: dict[str, str]


@dataclass
class ConfigFile:
    """A config file that was read: where it is, and its profiles."""

    path: str
    profiles: dict[str, Section]
    """Lower-cased profile name -> section; "default" first when present."""


def _profile_name(section: str) -> str | None:
    """The profile a section header names, or None for other sections ([buckets x], ...)."""
    parts = section.split()
    if len(parts) == 1 and parts[0].lower() == "default":
        return "default"
    if len(parts) == 2 and parts[0].lower() == "profile":
        return "default" if parts[1].lower() == "default" else parts[1]
    return None


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in '"`':
        return value[1:-1]
    return value


def read_config(path: str) -> ConfigFile:
    """Parse an ossutil config file. Raises OSError; parse errors become ConfigError."""
    with open(path, encoding="utf-8-sig") as handle:
        text = handle.read()
    parser = configparser.ConfigParser(
        interpolation=None,
        strict=False,
        comment_prefixes=("#", ";"),
        inline_comment_prefixes=("#", ";"),
        empty_lines_in_values=False,
        default_section=_NO_DEFAULT_SECTION,
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(text, source=path)
    except configparser.MissingSectionHeaderError as exc:
        # The exception text quotes the line, which may hold a secret: say only where.
        raise ConfigError(
            f"cannot read config file {path}: line {exc.lineno} comes before any [section]"
        ) from None
    except configparser.ParsingError as exc:
        lines = ", ".join(str(lineno) for lineno, _ in exc.errors)
        raise ConfigError(
            f"cannot read config file {path}: line {lines} is not `key = value` or a [section]"
        ) from None
    except configparser.Error as exc:
        raise ConfigError(f"cannot read config file {path}: {type(exc).__name__}") from None
    profiles: dict[str, Section] = {}
    for section in parser.sections():
        name = _profile_name(section.strip())
        if name is None:
            continue
        entry = profiles.setdefault(name.lower(), Section(name, {}))
        for key, raw in parser.items(section, raw=True):
            setting = _FILE_KEYS.get(norm_key(key))
            value = _unquote(raw or "")
            if setting is not None and value:
                entry.values[setting] = value
    if "default" in profiles:
        profiles = {"default": profiles.pop("default"), **profiles}
    return ConfigFile(path, profiles)


def config_path(config_file: str | None, env: Mapping[str, str]) -> tuple[str, str | None]:
    """(path, how it was given) — how is None for the default ~/.ossutilconfig."""
    if config_file:
        return os.path.expanduser(config_file), "-c/--config-file"
    if env.get("OSSUTIL_CONFIG_FILE"):
        return os.path.expanduser(env["OSSUTIL_CONFIG_FILE"]), "OSSUTIL_CONFIG_FILE"
    return str(Path.home() / DEFAULT_CONFIG_NAME), None


def load_config(path: str, given_by: str | None) -> ConfigFile | None:
    """Read the file; None when the default file does not exist."""
    try:
        return read_config(path)
    except FileNotFoundError:
        if given_by is None:
            return None
        raise ConfigError(f"config file {path} (from {given_by}) does not exist") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a directory, not a file") from None
    except PermissionError:
        raise ConfigError(f"config file {path} cannot be read: permission denied") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.strerror}") from None


def list_profiles(
    config_file: str | None = None, env: Mapping[str, str] | None = None
) -> list[str]:
    """Names of the profiles in the config file, ``default`` first; [] when there is no file."""
    env = os.environ if env is None else env
    path, given_by = config_path(config_file, env)
    loaded = load_config(path, given_by)
    return [] if loaded is None else [s.name for s in loaded.profiles.values()]


def config_file_warning(path: str | os.PathLike[str]) -> str | None:
    """A warning when ``path`` holds a secret and group or others may read it, else None."""
    if os.name == "nt":  # POSIX mode bits mean nothing there.
        return None
    try:
        mode = os.stat(path).st_mode
        # Only read permission exposes the secret; a group-writable file is another matter.
        if not mode & (stat.S_IRGRP | stat.S_IROTH):
            return None
        loaded = read_config(os.fspath(path))
    except (OSError, UnicodeDecodeError, ConfigError):
        return None
    holds_secret = any(
        "access_key_secret" in s.values or "sts_token" in s.values for s in loaded.profiles.values()
    )
    if not holds_secret:
        return None
    return (
        f"config file {os.fspath(path)} holds an access key secret and other users may read it "
        f"(mode {stat.S_IMODE(mode):04o}); run: chmod 600 {os.fspath(path)}"
    )


def file_settings(loaded: ConfigFile, name: str) -> dict[str, tuple[str, str]]:
    """setting -> (value, profile it came from), following source_profile inheritance."""
    merged: dict[str, tuple[str, str]] = {}
    seen: list[str] = []
    current: str | None = name
    while current is not None:
        section = loaded.profiles.get(current.lower())
        if section is None:
            raise ConfigError(
                f"profile {seen[-1]!r} in {loaded.path} inherits from profile {current!r}, "
                f"which does not exist (profiles: {profile_names(loaded)})"
            )
        if section.name.lower() in (s.lower() for s in seen):
            chain = " -> ".join([*seen, section.name])
            raise ConfigError(f"source_profile loop in {loaded.path}: {chain}")
        seen.append(section.name)
        for setting, value in section.values.items():
            if setting != "source_profile":
                merged.setdefault(setting, (value, section.name))
        current = section.values.get("source_profile")
    return merged


def profile_names(loaded: ConfigFile) -> str:
    """The file's profile names, comma-separated, for messages ("none" when it has none)."""
    return ", ".join(s.name for s in loaded.profiles.values()) or "none"
