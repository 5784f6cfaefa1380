"""Reading the ossutil config file: where it is, its sections, key spellings and inheritance.

ossutil 2.0 keeps profiles in an INI file (``~/.ossutilconfig``, or ``-c`` /
``OSSUTIL_CONFIG_FILE``): ``[default]`` and ``[profile NAME]`` sections, keys in any of
ossutil's spellings (``accessKeyId``, ``access-key-id``, ...), and ``source_profile`` to
inherit from another profile. Secrets are read, never written, and never quoted in a message:
parse errors name only the line.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ossbrowse.oss.profile import ConfigError
from ossbrowse.oss.secret import quote_value

DEFAULT_CONFIG_NAME = ".ossutilconfig"
MAX_CONFIG_BYTES = 1024 * 1024
"""A config file larger than this (1 MiB) is refused: ossutil's is a few hundred bytes."""
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
    "keepalive": "keepalive",
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


def _read_text(path: str) -> str:
    """The file's text, refusing anything but a regular file of at most MAX_CONFIG_BYTES.

    Opened without blocking (a FIFO with no writer would hang an ordinary open) and checked
    with fstat before a byte is read, so a FIFO, a device such as /dev/zero or a huge file is
    refused at once instead of hanging or filling memory. Raises OSError, ConfigError and
    UnicodeDecodeError.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", path)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(
                f"config file {path} is {_file_kind(info.st_mode)}, not a regular file"
            )
        if info.st_size > MAX_CONFIG_BYTES:
            raise ConfigError(_too_large(path))
        # Read one byte past the limit: a file that grew since fstat is refused too.
        data = os.read(fd, MAX_CONFIG_BYTES + 1)
        while len(data) <= MAX_CONFIG_BYTES:
            more = os.read(fd, MAX_CONFIG_BYTES + 1 - len(data))
            if not more:
                break
            data += more
        if len(data) > MAX_CONFIG_BYTES:
            raise ConfigError(_too_large(path))
    finally:
        os.close(fd)
    return data.decode("utf-8-sig")


def _too_large(path: str) -> str:
    return (
        f"config file {path} is larger than {MAX_CONFIG_BYTES // 1024} KiB; "
        "an ossutil config file is a few lines"
    )


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def read_config(path: str) -> ConfigFile:
    """Parse an ossutil config file. Raises OSError; parse errors become ConfigError."""
    text = _read_text(path)
    import configparser  # only when a file is read: a start-up without one skips it

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
    """A warning when other users may read ``path`` while it holds a secret, or may change it.

    Read permission exposes a secret; write permission lets another user point ossbrowse at
    their own endpoint or swap the keys, whatever the file holds. None when neither applies.
    """
    if os.name == "nt":  # POSIX mode bits mean nothing there.
        return None
    shown = os.fspath(path)
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if not stat.S_ISREG(mode):
        return None
    writable = bool(mode & (stat.S_IWGRP | stat.S_IWOTH))
    readable = False
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        try:
            loaded = read_config(shown)
        except (OSError, UnicodeDecodeError, ConfigError):
            loaded = None
        readable = loaded is not None and any(
            "access_key_secret" in s.values or "sts_token" in s.values
            for s in loaded.profiles.values()
        )
    if readable and writable:
        problem = "holds an access key secret and other users may read and change it"
    elif readable:
        problem = "holds an access key secret and other users may read it"
    elif writable:
        problem = (
            "can be changed by other users (they could swap the endpoint or the keys "
            "ossbrowse uses)"
        )
    else:
        return None
    return f"config file {shown} {problem} (mode {stat.S_IMODE(mode):04o}); run: chmod 600 {shown}"


def file_settings(loaded: ConfigFile, name: str) -> dict[str, tuple[str, str]]:
    """setting -> (value, profile it came from), following source_profile inheritance."""
    merged: dict[str, tuple[str, str]] = {}
    known = file_secrets(loaded)
    seen: list[str] = []
    current: str | None = name
    while current is not None:
        section = loaded.profiles.get(current.lower())
        if section is None:
            raise ConfigError(
                f"profile {quote_value(seen[-1], known)} in {loaded.path} inherits from "
                f"profile {quote_value(current, known)}, which does not exist "
                f"(profiles: {profile_names(loaded)})"
            )
        if section.name.lower() in (s.lower() for s in seen):
            chain = " -> ".join(shown_name(n, known) for n in [*seen, section.name])
            raise ConfigError(f"source_profile loop in {loaded.path}: {chain}")
        seen.append(section.name)
        for setting, value in section.values.items():
            if setting != "source_profile":
                merged.setdefault(setting, (value, section.name))
        current = section.values.get("source_profile")
    return merged


def file_secrets(loaded: ConfigFile) -> list[str]:
    """Every secret and STS token in the file: values a message must never quote back."""
    return [
        value
        for section in loaded.profiles.values()
        for setting, value in section.values.items()
        if setting in ("access_key_secret", "sts_token")
    ]


def profile_names(loaded: ConfigFile) -> str:
    """The file's profile names, comma-separated, for messages ("none" when it has none).

    A name is shown only when it cannot be a secret (a secret pasted on a section line).
    """
    known = file_secrets(loaded)
    return ", ".join(shown_name(s.name, known) for s in loaded.profiles.values()) or "none"


def shown_name(name: str, known: list[str]) -> str:
    """A profile name as a message lists it: as is, or quoted short / hidden when it must be."""
    quoted = quote_value(name, known)
    return name if quoted == repr(name) else quoted
