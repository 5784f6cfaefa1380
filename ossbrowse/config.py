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
    ConfigFile,
    config_file_warning,
    config_path,
    file_settings,
    load_config,
    norm_key,
    profile_names,
)
from ossbrowse.oss.profile import ConfigError, Profile
from ossbrowse.oss.secret import Secret, SecretError, quote_value

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
    "keepalive",
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
    if isinstance(value, Secret):
        return bool(value)
    return value is not None and value != ""


def _flag_name(setting: str) -> str:
    return setting.replace("_", "-")


_SECRET_NAMES = {"access_key_secret": "access key secret", "sts_token": "STS token"}


class _Converter:
    """Turns raw setting values into typed ones; messages quote values through quote_value.

    ``known`` holds every secret the sources offered (flags, environment, every profile of the
    file), so a secret pasted into another setting is recognised and never quoted back.
    """

    def __init__(self, known: list[str]) -> None:
        self.known = known

    def quote(self, value: object) -> str:
        return quote_value(value, self.known)

    def _bad(self, setting: str, what: str, value: object, source: str) -> ConfigError:
        return ConfigError(
            f"{_flag_name(setting)} must be {what} (got {self.quote(value)} from {source})"
        )

    def convert(self, setting: str, value: object, source: str) -> object:
        if setting in _SECRET_NAMES:
            return self._secret(setting, value, source)
        if setting in ("connect_timeout", "read_timeout", "keepalive"):
            try:
                return float(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise self._bad(setting, "a number of seconds", value, source) from None
        if setting == "retry_times":
            try:
                if isinstance(value, bool):
                    raise ValueError
                return int(str(value).strip())
            except ValueError:
                raise self._bad(setting, "a whole number", value, source) from None
        if setting == "skip_verify_cert":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE | _FALSE:
                return text in _TRUE
            raise self._bad(setting, "true or false", value, source)
        text = str(value).strip()
        if setting == "access_key_id" and not _is_header_text(text):
            # It travels in the Authorization header, which holds printable ASCII only.
            raise ConfigError(
                f"access key id (from {source}) must be printable ASCII without spaces "
                f"(got {self.quote(text)})"
            )
        if setting in ("sign_version", "addressing_style"):
            return text.lower()
        return text

    def _secret(self, setting: str, value: object, source: str) -> Secret:
        label = _SECRET_NAMES[setting]
        raw = value.reveal() if isinstance(value, Secret) else value
        if not isinstance(raw, str):
            # E.g. the placeholder of `-k -` before it was read: never use its text as a secret.
            raise TypeError(f"{setting} must be text or a Secret, not {type(raw).__name__}")
        try:
            secret = Secret(raw.strip())
        except SecretError as exc:
            raise ConfigError(f"{label} (from {source}) {exc}") from None
        if setting == "sts_token" and not _is_header_text(secret.reveal()):
            # The token travels in a header (x-oss-security-token): printable ASCII only.
            raise ConfigError(f"{label} (from {source}) must be printable ASCII without spaces")
        return secret


def _is_header_text(text: str) -> bool:
    return text.isascii() and text.isprintable() and " " not in text


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
    known = _known_secrets(flags, env, loaded)
    converter = _Converter(known)
    warnings: list[str] = []
    file_values: dict[str, tuple[str, str]] = {}
    if loaded is None:
        if named_by is not None:
            raise ConfigError(
                f"profile {converter.quote(name)} (from {named_by}) not found: "
                f"there is no config file at {path}"
            )
    else:
        section = loaded.profiles.get(name.lower())
        if section is None and named_by is not None:
            raise ConfigError(
                f"profile {converter.quote(name)} (from {named_by}) is not in {path}; "
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
            mode = file_values["mode"][0]
            mode_source = f"profile {converter.quote(name)} in {path}"
    if _given(flags.get("mode")):
        mode, mode_source = str(flags["mode"]), "--mode"
    _apply_mode(mode, mode_source, chosen, converter)

    values: dict[str, object] = {}
    sources: list[tuple[str, str]] = []
    for setting in (*CREDENTIAL_SETTINGS, *OTHER_SETTINGS):
        if setting in chosen:
            raw, source = chosen[setting]
            values[setting] = converter.convert(setting, raw, source)
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


def _known_secrets(
    flags: Mapping[str, object], env: Mapping[str, str], loaded: ConfigFile | None
) -> list[str]:
    """Every secret and token any source offers: values never to quote back in a message."""
    known: list[str] = []
    for setting in _SECRET_NAMES:
        value = flags.get(setting)
        if isinstance(value, Secret):
            known.append(value.reveal())
        elif _given(value):
            known.append(str(value))
        if env.get(_ENV_NAMES[setting]):
            known.append(env[_ENV_NAMES[setting]])
        if loaded is not None:
            known += [s.values[setting] for s in loaded.profiles.values() if setting in s.values]
    return [k.strip() for k in known if k.strip()]


def _apply_mode(
    mode: str | None, where: str, chosen: dict[str, tuple[object, str]], converter: _Converter
) -> None:
    """Enforce ossutil's credential ``mode``: only AK and StsToken are supported."""
    if mode is None:
        return
    canonical = _SUPPORTED_MODES.get(norm_key(mode))
    if canonical is None:
        raise ConfigError(
            f"mode {converter.quote(mode)} ({where}) is not supported: ossbrowse supports AK "
            "and StsToken credentials only. Use an AccessKey (mode = AK with accessKeyId/"
            "accessKeySecret), or get temporary credentials (e.g. `aliyun sts AssumeRole`) "
            "and use mode = StsToken with stsToken, or set OSS_ACCESS_KEY_ID, "
            "OSS_ACCESS_KEY_SECRET and OSS_SESSION_TOKEN"
        )
    if canonical == "AK":
        # ossutil's AK mode signs with the long-term key only; a leftover token would break it.
        chosen.pop("sts_token", None)
    elif "sts_token" not in chosen:
        raise ConfigError(f"mode StsToken ({where}) needs an STS token: set stsToken")
