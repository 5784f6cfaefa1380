"""Profile resolution the way ossutil 2.0 does it: flags > environment > the ossutil config file.

A user who already set up ossutil runs ossbrowse with no extra step. Secrets are read, never
written, and never appear in ``repr`` or in any message raised from here. Reading the file
itself (sections, key spellings, inheritance, the permission warning) is in
:mod:`ossbrowse.config_file`. The result is an :class:`ossbrowse.oss.profile.Profile`, which the
core checks with :func:`ossbrowse.oss.profile.check_usable`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ossbrowse.config_file import (
    config_file_warning,
    config_path,
    file_settings,
    load_config,
    norm_key,
    profile_names,
)
from ossbrowse.oss.profile import ConfigError, Profile

__all__ = ["CREDENTIAL_SETTINGS", "OTHER_SETTINGS", "resolve_profile"]


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
_SUPPORTED_MODES = {"ak": "AK", "ststoken": "StsToken"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


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

    path, given_by = config_path(config_file, env)
    loaded = load_config(path, given_by)
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
                f"profiles there: {profile_names(loaded)}"
            )
        if section is not None:
            name = section.name
            file_values = file_settings(loaded, name)
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
    canonical = _SUPPORTED_MODES.get(norm_key(mode))
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
