"""Profile resolution the way ossutil 2.0 does it: flags > environment > the ossutil config file.

A user who already set up ossutil runs ossbrowse with no extra step. Secrets are read, never
written, and never appear in ``repr`` or in any message raised from here.
"""

from __future__ import annotations

import configparser
import math
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ossbrowse.oss.validation import InputError, check_region


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
    """Where each setting came from: (setting, "flag" | "env" | "file:<path> [profile]")."""
    config_file: str | None = None
    """The config file that was read (None when there was none)."""
    warnings: tuple[str, ...] = ()
    """Things the user should know, e.g. a config file with a secret readable by others."""

    def source_of(self, setting: str) -> str | None:
        """Where ``setting`` came from, or None when it has its default value."""
        for name, source in self.sources:
            if name == setting:
                return source
        return None


DEFAULT_CONFIG_NAME = ".ossutilconfig"
CREDENTIAL_SETTINGS = ("access_key_id", "access_key_secret", "sts_token")
OTHER_SETTINGS = (
    "region",
    "endpoint",
    "addressing_style",
    "sign_version",
    "connect_timeout",
    "read_timeout",
    "retry_times",
    "proxy",
    "skip_verify_cert",
)
_ENV_NAMES = {
    "access_key_id": "OSS_ACCESS_KEY_ID",
    "access_key_secret": "OSS_ACCESS_KEY_SECRET",
    "sts_token": "OSS_SESSION_TOKEN",
    "region": "OSS_REGION",
    "endpoint": "OSS_ENDPOINT",
}
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
_SUPPORTED_MODES = {"ak": "AK", "ststoken": "StsToken"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
# A section name configparser would otherwise treat specially ([DEFAULT] leaks into every
# section); ossutil's [DEFAULT] is just the default profile, case-insensitively.
_NO_DEFAULT_SECTION = "\x00ossbrowse-no-default-section"


def _norm_key(key: str) -> str:
    return key.strip().lower().replace("-", "").replace("_", "")


@dataclass
class _Section:
    name: str
    values: dict[str, str]


@dataclass
class _ConfigFile:
    path: str
    profiles: dict[str, _Section]
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


def _read_config(path: str) -> _ConfigFile:
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
    profiles: dict[str, _Section] = {}
    for section in parser.sections():
        name = _profile_name(section.strip())
        if name is None:
            continue
        entry = profiles.setdefault(name.lower(), _Section(name, {}))
        for key, raw in parser.items(section, raw=True):
            setting = _FILE_KEYS.get(_norm_key(key))
            value = _unquote(raw or "")
            if setting is not None and value:
                entry.values[setting] = value
    if "default" in profiles:
        profiles = {"default": profiles.pop("default"), **profiles}
    return _ConfigFile(path, profiles)


def _config_path(config_file: str | None, env: Mapping[str, str]) -> tuple[str, str | None]:
    """(path, how it was given) — how is None for the default ~/.ossutilconfig."""
    if config_file:
        return os.path.expanduser(config_file), "-c/--config-file"
    if env.get("OSSUTIL_CONFIG_FILE"):
        return os.path.expanduser(env["OSSUTIL_CONFIG_FILE"]), "OSSUTIL_CONFIG_FILE"
    return str(Path.home() / DEFAULT_CONFIG_NAME), None


def _load(path: str, given_by: str | None) -> _ConfigFile | None:
    """Read the file; None when the default file does not exist."""
    try:
        return _read_config(path)
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
    path, given_by = _config_path(config_file, env)
    loaded = _load(path, given_by)
    return [] if loaded is None else [s.name for s in loaded.profiles.values()]


def config_file_warning(path: str | os.PathLike[str]) -> str | None:
    """A warning when ``path`` holds a secret and group or others may read it, else None."""
    if os.name == "nt":  # POSIX mode bits mean nothing there.
        return None
    try:
        mode = os.stat(path).st_mode
        if not mode & 0o077:
            return None
        loaded = _read_config(os.fspath(path))
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


def _file_settings(loaded: _ConfigFile, name: str) -> dict[str, tuple[str, str]]:
    """setting -> (value, profile it came from), following source_profile inheritance."""
    merged: dict[str, tuple[str, str]] = {}
    seen: list[str] = []
    current: str | None = name
    while current is not None:
        section = loaded.profiles.get(current.lower())
        if section is None:
            raise ConfigError(
                f"profile {seen[-1]!r} in {loaded.path} inherits from profile {current!r}, "
                f"which does not exist (profiles: {_names(loaded)})"
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


def _names(loaded: _ConfigFile) -> str:
    return ", ".join(s.name for s in loaded.profiles.values()) or "none"


def _given(value: object) -> bool:
    return value is not None and value != ""


def _flag_name(setting: str) -> str:
    return setting.replace("_", "-")


def _to_float(setting: str, value: object, source: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(
            f"{_flag_name(setting)} must be a number of seconds (got {value!r} from {source})"
        ) from None
    return number


def _to_int(setting: str, value: object, source: str) -> int:
    if isinstance(value, bool):
        raise ConfigError(
            f"{_flag_name(setting)} must be a whole number (got {value!r} from {source})"
        )
    try:
        return int(str(value).strip())
    except ValueError:
        raise ConfigError(
            f"{_flag_name(setting)} must be a whole number (got {value!r} from {source})"
        ) from None


def _to_bool(setting: str, value: object, source: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{_flag_name(setting)} must be true or false (got {value!r} from {source})")


def _convert(setting: str, value: object, source: str) -> object:
    if setting in ("connect_timeout", "read_timeout"):
        return _to_float(setting, value, source)
    if setting == "retry_times":
        return _to_int(setting, value, source)
    if setting == "skip_verify_cert":
        return _to_bool(setting, value, source)
    if setting in ("sign_version", "addressing_style"):
        return str(value).strip().lower()
    return str(value).strip()


def resolve_profile(
    *,
    flags: Mapping[str, object] | None = None,
    env: Mapping[str, str] | None = None,
    config_file: str | None = None,
    profile: str | None = None,
) -> Profile:
    """Resolve the settings to use: flags > environment > config file, setting by setting.

    The access key id, secret and STS token are taken together from the first source that
    gives any of them, so a key id from one place is never paired with another place's secret.
    ``config_file`` and ``profile`` are the ``-c`` and ``--profile`` flags (also accepted as
    ``flags["config_file"]`` / ``flags["profile"]``). Raises ConfigError for a missing explicit
    file or profile, an unreadable file, an unsupported credential mode or a malformed number.
    Call :func:`check_usable` before sending anything.
    """
    flags = {} if flags is None else flags
    env = os.environ if env is None else env
    config_file = config_file or _str_or_none(flags.get("config_file"))
    profile = profile or _str_or_none(flags.get("profile"))

    if profile:
        name, named_by = profile, "--profile"
    elif env.get("OSSUTIL_PROFILE"):
        name, named_by = env["OSSUTIL_PROFILE"], "OSSUTIL_PROFILE"
    else:
        name, named_by = "default", None

    path, given_by = _config_path(config_file, env)
    loaded = _load(path, given_by)
    warnings: list[str] = []
    file_values: dict[str, tuple[str, str]] = {}
    if loaded is None:
        if named_by is not None:
            raise ConfigError(
                f"profile {name!r} (from {named_by}) not found: there is no config file at {path}"
            )
    else:
        section = loaded.profiles.get(name.lower())
        if section is None and named_by is not None:
            raise ConfigError(
                f"profile {name!r} (from {named_by}) is not in {path}; "
                f"profiles there: {_names(loaded)}"
            )
        if section is not None:
            name = section.name
            file_values = _file_settings(loaded, name)
        warning = config_file_warning(path)
        if warning:
            warnings.append(warning)

    def file_source(setting: str) -> str:
        return f"file:{path} [{file_values[setting][1]}]"

    chosen: dict[str, tuple[object, str]] = {}
    for setting in OTHER_SETTINGS:
        env_name = _ENV_NAMES.get(setting)
        if _given(flags.get(setting)):
            chosen[setting] = (flags[setting], "flag")
        elif env_name and env.get(env_name):
            chosen[setting] = (env[env_name], "env")
        elif setting in file_values:
            chosen[setting] = (file_values[setting][0], file_source(setting))

    # Credentials come as a set: the first source that has any part supplies all of them.
    mode: str | None = None
    mode_source = ""
    if any(_given(flags.get(s)) for s in CREDENTIAL_SETTINGS):
        for s in CREDENTIAL_SETTINGS:
            if _given(flags.get(s)):
                chosen[s] = (flags[s], "flag")
    elif any(env.get(_ENV_NAMES[s]) for s in CREDENTIAL_SETTINGS):
        for s in CREDENTIAL_SETTINGS:
            if env.get(_ENV_NAMES[s]):
                chosen[s] = (env[_ENV_NAMES[s]], "env")
        if named_by == "--profile" and "access_key_id" in file_values:
            warnings.append(
                "OSS_ACCESS_KEY_ID and friends in the environment override the credentials "
                f"of profile {name!r}; unset them to use the profile's keys"
            )
    else:
        for s in CREDENTIAL_SETTINGS:
            if s in file_values:
                chosen[s] = (file_values[s][0], file_source(s))
        if "mode" in file_values:
            mode, mode_source = file_values["mode"][0], f"profile {name!r} in {path}"
    if _given(flags.get("mode")):
        mode, mode_source = str(flags["mode"]), "--mode"
    _apply_mode(mode, mode_source, chosen)

    values: dict[str, object] = {}
    sources: list[tuple[str, str]] = []
    for setting in (*CREDENTIAL_SETTINGS, *OTHER_SETTINGS):
        if setting in chosen:
            raw, source = chosen[setting]
            values[setting] = _convert(setting, raw, source)
            sources.append((setting, source))
    return Profile(
        name=name,
        sources=tuple(sources),
        config_file=path if loaded is not None else None,
        warnings=tuple(warnings),
        **values,  # type: ignore[arg-type]
    )


def _str_or_none(value: object) -> str | None:
    return str(value) if _given(value) else None


def _apply_mode(mode: str | None, where: str, chosen: dict[str, tuple[object, str]]) -> None:
    """Enforce ossutil's credential ``mode``: only AK and StsToken are supported."""
    if mode is None:
        return
    canonical = _SUPPORTED_MODES.get(_norm_key(mode))
    if canonical is None:
        raise ConfigError(
            f"mode {mode!r} ({where}) is not supported: ossbrowse supports AK and StsToken "
            "credentials only. Use an AccessKey (mode = AK with accessKeyId/accessKeySecret), "
            "or get temporary credentials (e.g. `aliyun sts AssumeRole`) and use mode = "
            "StsToken with stsToken, or set OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET and "
            "OSS_SESSION_TOKEN"
        )
    if canonical == "AK":
        # ossutil's AK mode signs with the long-term key only; a leftover token would break it.
        chosen.pop("sts_token", None)
    elif "sts_token" not in chosen:
        raise ConfigError(f"mode StsToken ({where}) needs an STS token: set stsToken")


def _setting_hint(profile: Profile, flag: str, env_name: str | None, file_key: str) -> str:
    where = [f"pass {flag}"]
    if env_name:
        where.insert(0, f"set {env_name}")
    if profile.config_file:
        where.append(f"add {file_key} = ... to profile {profile.name!r} in {profile.config_file}")
    else:
        where.append(f"add {file_key} = ... to ~/{DEFAULT_CONFIG_NAME}")
    return ", ".join(where[:-1]) + " or " + where[-1]


_ENDPOINT_REGION = re.compile(r"(?:^|[/.])oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com", re.I)


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
        source = profile.source_of("access_key_id") or "?"
        raise ConfigError(
            f"The access key id (from {source}) has no secret: "
            + _setting_hint(
                profile, "-k/--access-key-secret", "OSS_ACCESS_KEY_SECRET", "accessKeySecret"
            )
        )
    if not key_id:
        source = profile.source_of("access_key_secret") or "?"
        raise ConfigError(
            f"The access key secret (from {source}) has no access key id: "
            + _setting_hint(profile, "-i/--access-key-id", "OSS_ACCESS_KEY_ID", "accessKeyId")
        )
    if profile.sign_version not in ("v1", "v4"):
        raise ConfigError(f"sign-version must be v1 or v4 (got {profile.sign_version!r})")
    if profile.sign_version == "v4" and not profile.region:
        message = "region must be set in sign version 4: " + _setting_hint(
            profile, "--region", "OSS_REGION", "region"
        )
        match = _ENDPOINT_REGION.search(profile.endpoint or "")
        if match:
            message += f" (endpoint {profile.endpoint} suggests --region {match.group(1)})"
        raise ConfigError(message)
    if profile.region:
        try:
            check_region(profile.region)
        except InputError as exc:
            raise ConfigError(f"region {profile.region!r} {exc.message}") from None
    if profile.addressing_style not in ("virtual", "path", "cname"):
        raise ConfigError(
            f"addressing-style must be virtual, path or cname (got {profile.addressing_style!r})"
        )
    for setting in ("connect_timeout", "read_timeout"):
        seconds = getattr(profile, setting)
        if not math.isfinite(seconds) or seconds <= 0:
            raise ConfigError(
                f"{setting.replace('_', '-')} must be a positive number of seconds "
                f"(got {seconds:g})"
            )
    if not 0 <= profile.retry_times <= 100:
        raise ConfigError(f"retry-times must be between 0 and 100 (got {profile.retry_times})")
