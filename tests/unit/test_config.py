"""Profile resolution: ossutil config file, environment, flags, and the unusable cases."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from ossbrowse.config import resolve_profile
from ossbrowse.config_file import MAX_CONFIG_BYTES, config_file_warning, list_profiles
from ossbrowse.oss.profile import ConfigError, Profile, check_usable
from ossbrowse.oss.secret import HIDDEN_VALUE, Secret, SecretError

SECRET = "CanarySecret0123456789abcdefXYZ"
TOKEN = "CanaryStsToken/abc+def=="
NO_ENV: dict[str, str] = {}


def write(tmp_path: Path, text: str, name: str = "ossutilconfig", mode: int = 0o600) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    path.chmod(mode)
    return str(path)


@pytest.fixture(autouse=True)
def _fake_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read the real ~/.ossutilconfig; tests opt in by writing one here."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: home))
    return home


def resolve(path: str | None = None, **kwargs: object) -> Profile:
    kwargs.setdefault("env", NO_ENV)
    return resolve_profile(config_file=path, **kwargs)  # type: ignore[arg-type]


def revealed(secret: Secret | None) -> str | None:
    """The text of a profile's secret (None when there is none)."""
    return None if secret is None else secret.reveal()


# --- the config file ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_key", "secret_key", "region_key", "sign_key"),
    [
        ("accessKeyId", "accessKeySecret", "region", "signVersion"),
        ("access-key-id", "access-key-secret", "Region", "sign-version"),
        ("access_key_id", "access_key_secret", "REGION", "sign_version"),
        ("accesskeyid", "accesskeysecret", "region", "signversion"),
        ("AccessKeyID", "ACCESS-KEY-SECRET", "region", "Sign_Version"),
    ],
)
def test_every_key_spelling_is_the_same_key(
    tmp_path: Path, id_key: str, secret_key: str, region_key: str, sign_key: str
) -> None:
    path = write(
        tmp_path,
        f"""
        [default]
        {id_key} = LTAIexample
        {secret_key} = {SECRET}
        {region_key} = cn-shanghai
        {sign_key} = V1
        """,
    )
    profile = resolve(path)
    assert profile.access_key_id == "LTAIexample"
    assert revealed(profile.access_key_secret) == SECRET
    assert profile.region == "cn-shanghai"
    assert profile.sign_version == "v1"


def test_all_settings_are_read_from_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        [default]
        mode = StsToken
        accessKeyId = STS.id
        accessKeySecret = {SECRET}
        stsToken = {TOKEN}
        region = cn-beijing
        endpoint = https://oss-cn-beijing-internal.aliyuncs.com
        addressing-style = Path
        connect-timeout = 3.5
        read-timeout = 7
        retry-times = 4
        proxy = http://proxy.example:3128
        skip-verify-cert = true
        output-format = json
        loglevel = debug
        """,
    )
    p = resolve(path)
    assert (p.access_key_id, revealed(p.access_key_secret), revealed(p.sts_token)) == (
        "STS.id",
        SECRET,
        TOKEN,
    )
    assert p.region == "cn-beijing"
    assert p.endpoint == "https://oss-cn-beijing-internal.aliyuncs.com"
    assert p.addressing_style == "path"
    assert (p.connect_timeout, p.read_timeout, p.retry_times) == (3.5, 7.0, 4)
    assert p.proxy == "http://proxy.example:3128"
    assert p.skip_verify_cert is True
    assert p.config_file == path
    assert p.source_of("region") == f"file:{path} [default]"
    check_usable(p)


def test_profile_default_section_and_case_insensitive_sections(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [profile default]
        region = cn-hangzhou
        [PROFILE Prod]
        region = cn-shenzhen
        """,
    )
    assert resolve(path).region == "cn-hangzhou"
    prod = resolve(path, profile="prod")
    assert prod.region == "cn-shenzhen"
    assert prod.name == "Prod"


def test_upper_case_default_section_is_the_default_profile_not_shared(tmp_path: Path) -> None:
    # configparser would copy [DEFAULT] into every section; ossutil treats it as a profile.
    path = write(
        tmp_path,
        """
        [DEFAULT]
        region = cn-hangzhou
        [profile other]
        endpoint = oss-cn-qingdao.aliyuncs.com
        """,
    )
    assert resolve(path).region == "cn-hangzhou"
    assert resolve(path, profile="other").region is None


def test_comments_blank_values_and_quotes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        # a comment
        ; another comment
        [default]
        region = cn-hangzhou   # inline comment
        endpoint =
        ; accessKeyId = commented-out
        proxy = "http://p.example:8080"
        [buckets media]
        region = us-west-1
        """,
    )
    p = resolve(path)
    assert p.region == "cn-hangzhou"
    assert p.endpoint is None
    assert p.access_key_id is None
    assert p.proxy == "http://p.example:8080"
    assert list_profiles(path, env=NO_ENV) == ["default"]


def test_source_profile_inheritance_in_both_spellings(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        [profile base]
        accessKeyId = LTAIbase
        accessKeySecret = {SECRET}
        region = cn-hangzhou
        read-timeout = 30
        [profile mid]
        source-profile = base
        region = cn-beijing
        [profile leaf]
        source_profile = MID
        endpoint = oss-cn-beijing.aliyuncs.com
        """,
    )
    p = resolve(path, profile="leaf")
    assert p.access_key_id == "LTAIbase"
    assert revealed(p.access_key_secret) == SECRET
    assert p.region == "cn-beijing"
    assert p.endpoint == "oss-cn-beijing.aliyuncs.com"
    assert p.read_timeout == 30.0
    assert p.source_of("region") == f"file:{path} [mid]"
    assert p.source_of("access_key_id") == f"file:{path} [base]"
    assert p.source_of("endpoint") == f"file:{path} [leaf]"


def test_source_profile_loop_and_missing_source(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [profile a]
        source_profile = b
        [profile b]
        source_profile = a
        [profile c]
        source_profile = nowhere
        """,
    )
    with pytest.raises(ConfigError, match="loop"):
        resolve(path, profile="a")
    with pytest.raises(ConfigError, match="'nowhere', which does not exist"):
        resolve(path, profile="c")


def test_unparsable_file_names_the_line_but_not_its_text(tmp_path: Path) -> None:
    path = write(tmp_path, f"[default]\nregion = cn-hangzhou\n{SECRET}\n")
    with pytest.raises(ConfigError, match="line 3") as info:
        resolve(path)
    assert SECRET not in str(info.value)
    path = write(tmp_path, f"accessKeySecret = {SECRET}\n[default]\n", name="nohead")
    with pytest.raises(ConfigError, match="line 1") as info:
        resolve(path)
    assert SECRET not in str(info.value)


def test_list_profiles_default_first(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [profile zeta]
        [profile alpha]
        [default]
        [buckets b]
        """,
    )
    assert list_profiles(path, env=NO_ENV) == ["default", "zeta", "alpha"]
    assert list_profiles(env={"OSSUTIL_CONFIG_FILE": path}) == ["default", "zeta", "alpha"]
    assert list_profiles(env=NO_ENV) == []  # no ~/.ossutilconfig


# --- which file, which profile -------------------------------------------------------------------


def test_default_file_is_in_home(_fake_home: Path) -> None:
    (_fake_home / ".ossutilconfig").write_text("[default]\nregion = cn-qingdao\n")
    p = resolve()
    assert p.region == "cn-qingdao"
    assert p.config_file == str(_fake_home / ".ossutilconfig")


def test_missing_default_file_is_fine() -> None:
    p = resolve()
    assert p == Profile(name="default")


def test_config_file_flag_beats_env(tmp_path: Path) -> None:
    by_flag = write(tmp_path, "[default]\nregion = cn-beijing\n", name="a")
    by_env = write(tmp_path, "[default]\nregion = cn-shanghai\n", name="b")
    env = {"OSSUTIL_CONFIG_FILE": by_env}
    assert resolve(env=env).region == "cn-shanghai"
    assert resolve(by_flag, env=env).region == "cn-beijing"
    assert resolve_profile(flags={"config_file": by_flag}, env=env).region == "cn-beijing"


@pytest.mark.parametrize("how", ["flag", "env"])
def test_explicit_missing_file_is_an_error(tmp_path: Path, how: str) -> None:
    missing = str(tmp_path / "nope")
    with pytest.raises(ConfigError, match="does not exist") as info:
        if how == "flag":
            resolve(missing)
        else:
            resolve(env={"OSSUTIL_CONFIG_FILE": missing})
    assert missing in str(info.value)
    assert ("-c/--config-file" if how == "flag" else "OSSUTIL_CONFIG_FILE") in str(info.value)


def test_profile_by_flag_beats_env(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [default]
        region = cn-hangzhou
        [profile dev]
        region = cn-shanghai
        [profile prod]
        region = cn-beijing
        """,
    )
    assert resolve(path).region == "cn-hangzhou"
    assert resolve(path, env={"OSSUTIL_PROFILE": "dev"}).region == "cn-shanghai"
    assert resolve(path, env={"OSSUTIL_PROFILE": "dev"}, profile="prod").region == "cn-beijing"
    assert resolve(path, flags={"profile": "prod"}).name == "prod"


def test_unknown_profile_lists_the_existing_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "[default]\n[profile dev]\n[profile prod]\n")
    with pytest.raises(ConfigError) as info:
        resolve(path, profile="staging")
    message = str(info.value)
    assert "'staging'" in message
    assert "default, dev, prod" in message
    with pytest.raises(ConfigError, match="OSSUTIL_PROFILE"):
        resolve(path, env={"OSSUTIL_PROFILE": "staging"})


def test_named_profile_without_any_file_is_an_error() -> None:
    with pytest.raises(ConfigError, match="no config file"):
        resolve(profile="prod")


def test_absent_default_section_is_fine_when_not_named(tmp_path: Path) -> None:
    path = write(tmp_path, "[profile only]\nregion = cn-hangzhou\n")
    assert resolve(path).region is None


# --- precedence ----------------------------------------------------------------------------------


@pytest.fixture
def layered(tmp_path: Path) -> tuple[str, dict[str, str]]:
    path = write(
        tmp_path,
        f"""
        [default]
        accessKeyId = LTAIfile
        accessKeySecret = {SECRET}
        region = cn-hangzhou
        endpoint = oss-cn-hangzhou.aliyuncs.com
        connect-timeout = 5
        retry-times = 1
        """,
    )
    env = {"OSS_REGION": "cn-shanghai", "OSS_ENDPOINT": "oss-cn-shanghai.aliyuncs.com"}
    return path, env


def test_precedence_is_per_setting(layered: tuple[str, dict[str, str]]) -> None:
    path, env = layered
    p = resolve(path, env=env, flags={"region": "cn-beijing", "endpoint": None})
    file = f"file:{path} [default]"
    assert (p.region, p.source_of("region")) == ("cn-beijing", "flag")
    assert (p.endpoint, p.source_of("endpoint")) == ("oss-cn-shanghai.aliyuncs.com", "env")
    assert (p.connect_timeout, p.source_of("connect_timeout")) == (5.0, file)
    assert (p.access_key_id, p.source_of("access_key_id")) == ("LTAIfile", file)
    assert (p.read_timeout, p.source_of("read_timeout")) == (20.0, None)  # default
    assert dict(p.sources)["retry_times"] == file


def test_flags_of_every_kind(layered: tuple[str, dict[str, str]]) -> None:
    path, env = layered
    p = resolve(
        path,
        env=env,
        flags={
            "access_key_id": "LTAIflag",
            "access_key_secret": "flag-secret",
            "sts_token": None,
            "addressing_style": "cname",
            "sign_version": "v1",
            "connect_timeout": 1,
            "read_timeout": "2.5",
            "retry_times": "0",
            "proxy": "socks5://127.0.0.1:1080",
            "skip_verify_cert": True,
        },
    )
    assert p.access_key_id == "LTAIflag"
    assert revealed(p.access_key_secret) == "flag-secret"
    assert p.addressing_style == "cname"
    assert p.sign_version == "v1"
    assert (p.connect_timeout, p.read_timeout, p.retry_times) == (1.0, 2.5, 0)
    assert p.proxy == "socks5://127.0.0.1:1080"
    assert p.skip_verify_cert is True
    assert all(
        source == "flag" for setting, source in p.sources if setting not in ("region", "endpoint")
    )


def test_env_credentials_beat_file_and_come_as_a_set(
    layered: tuple[str, dict[str, str]],
) -> None:
    path, _ = layered
    env = {"OSS_ACCESS_KEY_ID": "LTAIenv", "OSS_SESSION_TOKEN": TOKEN}
    p = resolve(path, env=env)
    assert p.access_key_id == "LTAIenv"
    assert revealed(p.sts_token) == TOKEN
    # The file's secret belongs to another key id: it must not be paired with the env id.
    assert p.access_key_secret is None
    with pytest.raises(ConfigError, match="OSS_ACCESS_KEY_SECRET") as info:
        check_usable(p)
    assert str(info.value).startswith("OSS_ACCESS_KEY_ID is set without OSS_ACCESS_KEY_SECRET")


def test_flag_credentials_beat_env(layered: tuple[str, dict[str, str]]) -> None:
    path, env = layered
    env = {**env, "OSS_ACCESS_KEY_ID": "LTAIenv", "OSS_ACCESS_KEY_SECRET": "env-secret"}
    p = resolve(path, env=env, flags={"access_key_id": "LTAIflag", "access_key_secret": "s"})
    assert (p.access_key_id, revealed(p.access_key_secret)) == ("LTAIflag", "s")
    assert p.source_of("access_key_secret") == "flag"


def test_env_credentials_over_a_named_profile_warn(tmp_path: Path) -> None:
    path = write(tmp_path, f"[profile prod]\naccessKeyId = LTAIprod\naccessKeySecret = {SECRET}\n")
    env = {"OSS_ACCESS_KEY_ID": "LTAIenv", "OSS_ACCESS_KEY_SECRET": "x"}
    p = resolve(path, env=env, profile="prod")
    assert p.access_key_id == "LTAIenv"
    assert any("override the credentials of profile 'prod'" in w for w in p.warnings)


def test_empty_env_values_count_as_unset(layered: tuple[str, dict[str, str]]) -> None:
    path, _ = layered
    p = resolve(path, env={"OSS_REGION": "", "OSS_ACCESS_KEY_ID": ""})
    assert p.region == "cn-hangzhou"
    assert p.access_key_id == "LTAIfile"


def test_environment_defaults_to_os_environ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "[profile x]\nregion = cn-hangzhou\n")
    monkeypatch.setenv("OSSUTIL_CONFIG_FILE", path)
    monkeypatch.setenv("OSSUTIL_PROFILE", "x")
    monkeypatch.setenv("OSS_ENDPOINT", "http://127.0.0.1:9000")
    for name in ("OSS_ACCESS_KEY_ID", "OSS_ACCESS_KEY_SECRET", "OSS_SESSION_TOKEN", "OSS_REGION"):
        monkeypatch.delenv(name, raising=False)
    p = resolve_profile()
    assert (p.name, p.region, p.endpoint) == ("x", "cn-hangzhou", "http://127.0.0.1:9000")
    assert p.source_of("endpoint") == "env"


@pytest.mark.parametrize(
    ("flags", "match"),
    [
        ({"connect_timeout": "soon"}, "connect-timeout must be a number"),
        ({"retry_times": "2.5"}, "retry-times must be a whole number"),
        ({"skip_verify_cert": "maybe"}, "skip-verify-cert must be true or false"),
        ({"keepalive": "long"}, "keepalive must be a number of seconds"),
    ],
)
def test_malformed_numbers_name_the_setting(flags: dict[str, object], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        resolve(flags=flags)


def test_keepalive_from_the_file_a_flag_beats_it(tmp_path: Path) -> None:
    assert Profile().keepalive == 120.0  # long enough for a person probing by hand
    path = write(tmp_path, "[default]\nkeep-alive = 30\n")
    assert resolve(path).keepalive == 30.0
    profile = resolve(path, flags={"keepalive": 0.0})
    assert profile.keepalive == 0.0 and profile.source_of("keepalive") == "flag"


def test_malformed_number_in_file_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[default]\nread-timeout = forever\n")
    with pytest.raises(ConfigError, match="read-timeout") as info:
        resolve(path)
    assert path in str(info.value)


# --- credential modes ----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["RamRoleArn", "EcsRamRole", "Anonymous", "oidcRoleArn"])
def test_unsupported_modes_are_refused_with_alternatives(tmp_path: Path, mode: str) -> None:
    path = write(
        tmp_path, f"[default]\nmode = {mode}\naccessKeyId = LTAIx\naccessKeySecret = {SECRET}\n"
    )
    with pytest.raises(ConfigError) as info:
        resolve(path)
    message = str(info.value)
    assert mode in message
    assert "AK and StsToken" in message
    assert "OSS_SESSION_TOKEN" in message
    assert SECRET not in message


def test_unsupported_file_mode_is_irrelevant_when_env_has_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "[default]\nmode = EcsRamRole\nregion = cn-hangzhou\n")
    p = resolve(path, env={"OSS_ACCESS_KEY_ID": "a", "OSS_ACCESS_KEY_SECRET": "b"})
    assert p.access_key_id == "a"
    assert p.region == "cn-hangzhou"


def test_mode_ak_ignores_a_leftover_token_and_ststoken_needs_one(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        [default]
        mode = ak
        accessKeyId = LTAIx
        accessKeySecret = {SECRET}
        stsToken = {TOKEN}
        [profile sts]
        mode = StsToken
        accessKeyId = STS.x
        accessKeySecret = {SECRET}
        """,
    )
    assert resolve(path).sts_token is None
    with pytest.raises(ConfigError, match="needs an STS token"):
        resolve(path, profile="sts")


# --- check_usable --------------------------------------------------------------------------------


def usable(**fields: object) -> Profile:
    base: dict[str, object] = {
        "access_key_id": "LTAIx",
        "access_key_secret": SECRET,
        "region": "cn-hangzhou",
    }
    return Profile(**{**base, **fields})  # type: ignore[arg-type]


def test_a_complete_profile_is_usable() -> None:
    check_usable(usable())
    check_usable(usable(region=None, sign_version="v1"))


def test_no_credentials_says_what_to_set() -> None:
    with pytest.raises(ConfigError) as info:
        check_usable(usable(access_key_id=None, access_key_secret=None))
    message = str(info.value)
    for needed in ("OSS_ACCESS_KEY_ID", "OSS_ACCESS_KEY_SECRET", "-i", "-k", "ossutil config"):
        assert needed in message
    assert "ossbrowse demo" in message


def test_secret_without_id_and_token_without_keys() -> None:
    with pytest.raises(ConfigError, match="no access key id"):
        check_usable(usable(access_key_id=None))
    with pytest.raises(ConfigError, match="STS token is set but no access key"):
        check_usable(usable(access_key_id=None, access_key_secret=None, sts_token=TOKEN))


def test_missing_secret_points_at_the_profile_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[profile p]\naccessKeyId = LTAIx\nregion = cn-hangzhou\n")
    p = resolve(path, profile="p")
    with pytest.raises(ConfigError) as info:
        check_usable(p)
    message = str(info.value)
    assert "accessKeySecret" in message
    assert "profile 'p'" in message
    assert path in message


def test_missing_region_for_v4_uses_ossutils_words_and_a_hint() -> None:
    with pytest.raises(ConfigError) as info:
        check_usable(usable(region=None, endpoint="https://b.oss-cn-shenzhen.aliyuncs.com"))
    message = str(info.value)
    assert message.startswith("region must be set in sign version 4")
    assert "OSS_REGION" in message
    assert "--region" in message
    assert "--region cn-shenzhen" in message


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"sign_version": "v2"}, "sign-version must be v1 or v4"),
        ({"addressing_style": "vhost"}, "addressing-style must be virtual, path or cname"),
        ({"region": "oss-cn-hangzhou"}, "without 'oss-'"),
        ({"connect_timeout": 0.0}, "connect-timeout must be a positive"),
        ({"read_timeout": float("nan")}, "read-timeout must be a positive"),
        ({"retry_times": -1}, "retry-times must be between"),
        ({"keepalive": -1.0}, "keepalive must be 0 to"),
        ({"keepalive": float("nan")}, "keepalive must be 0 to"),
    ],
)
def test_bad_settings_are_named(fields: dict[str, object], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        check_usable(usable(**fields))


# --- permissions and secrets ---------------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_world_readable_file_with_a_secret_warns(tmp_path: Path) -> None:
    text = f"[default]\naccessKeyId = LTAIx\naccessKeySecret = {SECRET}\nregion = cn-hangzhou\n"
    open_path = write(tmp_path, text, name="open", mode=0o644)
    closed_path = write(tmp_path, text, name="closed", mode=0o600)
    warning = config_file_warning(open_path)
    assert warning is not None
    assert "chmod 600" in warning
    assert open_path in warning
    assert "0644" in warning
    assert SECRET not in warning
    assert config_file_warning(closed_path) is None
    assert resolve(open_path).warnings == (warning,)
    assert resolve(closed_path).warnings == ()
    # Readable by the group is enough to expose the secret.
    assert config_file_warning(write(tmp_path, text, name="group-read", mode=0o640))


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_readable_file_without_secrets_does_not_warn(tmp_path: Path) -> None:
    path = write(tmp_path, "[default]\nregion = cn-hangzhou\n", mode=0o644)
    assert config_file_warning(path) is None
    assert config_file_warning(tmp_path / "missing") is None


def test_canary_secret_and_token_never_appear_in_messages_or_repr(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        [default]
        accessKeyId = LTAIx
        accessKeySecret = {SECRET}
        stsToken = {TOKEN}
        [profile bad]
        mode = RamRoleArn
        accessKeySecret = {SECRET}
        stsToken = {TOKEN}
        [profile nosts]
        mode = StsToken
        accessKeySecret = {SECRET}
        [profile half]
        accessKeySecret = {SECRET}
        stsToken = {TOKEN}
        connect-timeout = x
        """,
        mode=0o644,
    )
    texts: list[str] = []
    p = resolve(path)
    texts += [repr(p), str(p), *p.warnings, *(s for _, s in p.sources)]
    for profile_name in ("bad", "nosts", "half", "missing"):
        with pytest.raises(ConfigError) as info:
            resolve(path, profile=profile_name)
        texts.append(str(info.value))
    for broken in (
        usable(access_key_id=None, sts_token=TOKEN),
        usable(region=None),
        usable(access_key_id=None, access_key_secret=None, sts_token=TOKEN),
        usable(sign_version="v9", sts_token=TOKEN),
    ):
        with pytest.raises(ConfigError) as info:
            check_usable(broken)
        texts.append(str(info.value))
        texts.append(repr(broken))
    flagged = resolve(flags={"access_key_secret": SECRET, "sts_token": TOKEN})
    texts.append(repr(flagged))
    joined = "\n".join(texts)
    assert "LTAIx" in joined  # the collected texts are real, not empty
    assert SECRET not in joined
    assert TOKEN not in joined


# -- the file itself: only a regular file of sane size is read -------------------------------


def test_a_fifo_is_refused_at_once_not_hung_on(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # nobody ever writes: an ordinary open() would block for ever
    with pytest.raises(ConfigError) as info:
        resolve(str(fifo))
    assert str(info.value) == f"config file {fifo} is a FIFO (named pipe), not a regular file"
    assert config_file_warning(fifo) is None


def test_a_device_is_refused_not_read_until_memory_runs_out() -> None:
    with pytest.raises(ConfigError) as info:
        resolve("/dev/zero")
    assert str(info.value) == "config file /dev/zero is a character device, not a regular file"
    with pytest.raises(ConfigError, match="character device"):
        list_profiles("/dev/zero", env=NO_ENV)


def test_a_file_over_one_mebibyte_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge"
    with path.open("w") as handle:
        handle.write("[default]\nregion = cn-hangzhou\n")
        handle.write("# padding\n" * (MAX_CONFIG_BYTES // 10))
    path.chmod(0o600)
    assert path.stat().st_size > MAX_CONFIG_BYTES
    with pytest.raises(ConfigError) as info:
        resolve(str(path))
    assert str(info.value) == (
        f"config file {path} is larger than 1024 KiB; an ossutil config file is a few lines"
    )
    assert "\n" not in str(info.value)
    path.write_text("[default]\nregion = cn-hangzhou\n" + "#" * (MAX_CONFIG_BYTES - 40))
    assert resolve(str(path)).region == "cn-hangzhou"  # just under the limit is fine


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o660, 0o666])
def test_a_file_others_may_change_is_warned_about(tmp_path: Path, mode: int) -> None:
    path = write(tmp_path, "[default]\nregion = cn-hangzhou\n", mode=mode)
    warning = config_file_warning(path)
    assert warning is not None
    assert "can be changed by other users" in warning or "read and change it" in warning
    assert f"(mode {mode:04o}); run: chmod 600 {path}" in warning
    assert resolve(path).warnings == (warning,)


def test_readable_and_writable_is_one_warning(tmp_path: Path) -> None:
    text = f"[default]\naccessKeyId = LTAIx\naccessKeySecret = {SECRET}\n"
    path = write(tmp_path, text, mode=0o666)
    warning = config_file_warning(path)
    assert warning is not None
    assert "holds an access key secret and other users may read and change it" in warning
    assert SECRET not in warning
    assert resolve(path).warnings == (warning,)


# -- secrets must be valid text --------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ("abc\udcffdef", "holds a byte that is not UTF-8"),
        ("abc\x07def", "holds a control character"),
        ("abc\u200bdef", "holds an invisible formatting character"),
    ],
)
def test_a_secret_that_is_not_valid_text_is_refused(tmp_path: Path, bad: str, problem: str) -> None:
    env = {"OSS_ACCESS_KEY_ID": "LTAIx", "OSS_ACCESS_KEY_SECRET": "Canary" + bad}
    with pytest.raises(ConfigError) as info:
        resolve(env=env)
    message = str(info.value)
    assert message.startswith("access key secret (from env) is not valid text: it " + problem)
    assert "Canary" not in message
    env = {"OSS_ACCESS_KEY_ID": "LTAIx", "OSS_ACCESS_KEY_SECRET": SECRET, "OSS_SESSION_TOKEN": bad}
    with pytest.raises(ConfigError, match=r"^STS token \(from env\) is not valid text"):
        resolve(env=env)
    if "\udcff" not in bad:  # a file holds only UTF-8 (anything else is refused as a whole)
        path = write(tmp_path, f"[default]\naccessKeyId = LTAIx\naccessKeySecret = x{bad}\n")
        with pytest.raises(ConfigError) as info:
            resolve(path)
        assert str(info.value).startswith(
            f"access key secret (from file:{path} [default]) is not valid text: it {problem}"
        )


def test_an_sts_token_must_be_header_text(tmp_path: Path) -> None:
    env = {"OSS_ACCESS_KEY_ID": "LTAIx", "OSS_ACCESS_KEY_SECRET": SECRET}
    for token in ("tökenvalue", "token value"):
        with pytest.raises(ConfigError) as info:
            resolve(env={**env, "OSS_SESSION_TOKEN": token})
        assert str(info.value) == ("STS token (from env) must be printable ASCII without spaces")
    with pytest.raises(ConfigError, match=r"access key id .* printable ASCII"):
        resolve(env={**env, "OSS_ACCESS_KEY_ID": "LTAI\u00e9x"})


def test_a_profile_with_an_undecodable_secret_can_be_reported_not_crashed() -> None:
    with pytest.raises(SecretError):
        Profile(access_key_secret="abc\udcff")


# -- a secret pasted into the wrong setting is never quoted back -----------------------------


@pytest.mark.parametrize(
    ("line", "setting"),
    [
        ("mode = {secret}", "mode"),
        ("source_profile = {secret}", "source_profile"),
        ("connect-timeout = {secret}", "connect-timeout"),
        ("retry-times = {secret}", "retry-times"),
        ("skip-verify-cert = {secret}", "skip-verify-cert"),
    ],
)
@pytest.mark.parametrize("secret", [SECRET, "plain-looking-secret-words"])
def test_a_secret_pasted_into_another_setting_is_not_echoed(
    tmp_path: Path, line: str, setting: str, secret: str
) -> None:
    path = write(
        tmp_path,
        f"[default]\naccessKeyId = LTAIx\naccessKeySecret = {secret}\nregion = cn-hangzhou\n"
        f"{line.format(secret=secret)}\n",
    )
    with pytest.raises(ConfigError) as info:
        resolve(path)
    message = str(info.value)
    assert HIDDEN_VALUE in message, message
    assert secret not in message and secret[:8] not in message


def test_a_secret_pasted_into_another_profiles_settings_is_not_echoed(tmp_path: Path) -> None:
    # The secret of one profile is known while reading another: never quoted in either.
    path = write(
        tmp_path,
        "[default]\naccessKeyId = LTAIx\naccessKeySecret = plain-looking-secret\n"
        "[profile other]\nregion = cn-hangzhou\nmode = plain-looking-secret\n",
    )
    with pytest.raises(ConfigError) as info:
        resolve(path, profile="other")
    assert "plain-looking" not in str(info.value)


def test_a_secret_given_as_profile_name_is_not_echoed(tmp_path: Path) -> None:
    path = write(tmp_path, f"[default]\naccessKeySecret = {SECRET}\n[profile {SECRET}x]\n")
    for how in ({"profile": SECRET}, {"env": {"OSSUTIL_PROFILE": SECRET}}):
        with pytest.raises(ConfigError) as info:
            resolve(path, **how)
        assert SECRET[:8] not in str(info.value)
        assert "profiles there: default, " + HIDDEN_VALUE in str(info.value)


def test_long_values_are_quoted_as_a_short_prefix(tmp_path: Path) -> None:
    path = write(tmp_path, "[default]\nmode = " + "averylongmodename" * 10 + "\n")
    with pytest.raises(ConfigError) as info:
        resolve(path)
    assert "'averylongmodenameaverylongmoden…'" in str(info.value)
    assert "averylongmodename" * 2 not in str(info.value)


@pytest.mark.parametrize("setting", ["region", "sign-version", "addressing-style"])
@pytest.mark.parametrize("secret", [SECRET, "plain-looking-secret-words", TOKEN])
def test_a_secret_pasted_into_a_checked_setting_is_not_echoed(
    tmp_path: Path, setting: str, secret: str
) -> None:
    path = write(
        tmp_path,
        f"[default]\naccessKeyId = LTAIx\naccessKeySecret = {secret}x\nstsToken = {TOKEN}\n"
        f"region = cn-hangzhou\nmode = StsToken\n{setting} = oss-{secret}\n",
    )
    with pytest.raises(ConfigError) as info:
        check_usable(resolve(path))
    message = str(info.value)
    assert message.startswith(setting), message
    assert HIDDEN_VALUE in message or "looks like the access key secret" in message
    assert secret[:8] not in message


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("endpoint", "https://{secret}.example.com"),
        ("endpoint", "{secret}"),
        ("region", "{lower}"),
        ("proxy", "http://{secret}:3128"),
    ],
)
def test_an_endpoint_region_or_proxy_holding_the_secret_is_refused(
    tmp_path: Path, setting: str, value: str
) -> None:
    secret = "plainlookingsecret0123"
    path = write(
        tmp_path,
        f"[default]\naccessKeyId = LTAIx\naccessKeySecret = {secret}\nregion = cn-hangzhou\n"
        f"{setting} = {value.format(secret=secret, lower=secret.lower())}\n",
    )
    with pytest.raises(ConfigError) as info:
        check_usable(resolve(path))
    message = str(info.value)
    assert message == (
        f"{setting} holds what looks like the access key secret or STS token, not "
        f"{ {'endpoint': 'a host', 'region': 'a region id', 'proxy': 'a URL'}[setting] }: check "
        f"the {setting} setting (from file:{path} [default])"
    )


def test_ordinary_endpoints_are_not_mistaken_for_secrets(tmp_path: Path) -> None:
    for endpoint in ("https://My-Bucket123abcdEFGH.example.com", "http://127.0.0.1:9000"):
        path = write(
            tmp_path,
            f"[default]\naccessKeyId = LTAIx\naccessKeySecret = {SECRET}\n"
            f"region = cn-hangzhou\nendpoint = {endpoint}\n",
        )
        check_usable(resolve(path))


def test_a_flag_secret_with_a_full_file_pair_states_the_set_rule(tmp_path: Path) -> None:
    """--profile p -k X: p has both keys, but credentials come as a set from one source."""
    path = write(
        tmp_path, "[profile p]\naccessKeyId = LTAIx\naccessKeySecret = FileSecret-123456\n"
    )
    p = resolve_profile(
        flags={"access_key_secret": "FlagSecret-98765"}, config_file=path, profile="p"
    )
    with pytest.raises(ConfigError) as info:
        check_usable(p)
    message = str(info.value)
    assert "has no access key id" not in message and "add accessKeyId" not in message
    assert message.startswith("-k/--access-key-secret was given without -i/--access-key-id")
    assert "taken as a set from one source" in message
    assert "leave out -k/--access-key-secret to use" in message and path in message
    assert "FlagSecret" not in message and "FileSecret" not in message


def test_an_environment_secret_alone_states_the_set_rule(tmp_path: Path) -> None:
    path = write(
        tmp_path, "[profile p]\naccessKeyId = LTAIx\naccessKeySecret = FileSecret-123456\n"
    )
    env = {"OSS_ACCESS_KEY_SECRET": "EnvSecret-123456789"}
    p = resolve_profile(env=env, config_file=path, profile="p")
    with pytest.raises(ConfigError) as info:
        check_usable(p)
    message = str(info.value)
    assert message.startswith("OSS_ACCESS_KEY_SECRET is set without OSS_ACCESS_KEY_ID")
    assert "taken as a set from one source" in message and "unset OSS_ACCESS_KEY_SECRET" in message
