"""Secret never shows itself, refuses text that is not valid, and messages never quote one."""

from __future__ import annotations

import ast
import copy
import dataclasses
import logging
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ossbrowse.oss.profile import Profile
from ossbrowse.oss.secret import (
    HIDDEN_VALUE,
    QUOTE_LIMIT,
    Secret,
    SecretError,
    looks_like_secret,
    quote_value,
)
from ossbrowse.oss.signing import Credentials

CANARY = "CanarySecret0123456789abcdefXYZ"


def test_repr_str_format_and_logging_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    secret = Secret(CANARY)
    shown = [repr(secret), str(secret), f"{secret}", f"{secret!r}", f"{secret:>40}"]
    with caplog.at_level(logging.INFO):
        logging.getLogger("ossbrowse.test").info("secret %s %r", secret, secret)
    shown.append(caplog.text)
    assert all(CANARY not in text for text in shown)
    assert "***" in str(secret)
    assert secret.reveal() == CANARY


def test_profile_and_credentials_hold_secrets_masked() -> None:
    profile = Profile(access_key_id="LTAIx", access_key_secret=CANARY, sts_token=CANARY + "T")
    assert isinstance(profile.access_key_secret, Secret)
    assert isinstance(profile.sts_token, Secret)
    credentials = Credentials("LTAIx", CANARY, CANARY + "T")
    texts = [repr(profile), str(profile), repr(credentials), repr(dataclasses.asdict(profile))]
    texts.append(repr(vars(copy.deepcopy(credentials))))
    assert "LTAIx" in "".join(texts)
    assert all(CANARY not in text for text in texts)


def test_copies_keep_the_secret_usable() -> None:
    secret = Secret(CANARY)
    assert copy.deepcopy(secret).reveal() == CANARY
    assert pickle.loads(pickle.dumps(secret)).reveal() == CANARY
    profile = dataclasses.replace(Profile(access_key_secret=CANARY), region="cn-hangzhou")
    assert profile.access_key_secret is not None
    assert profile.access_key_secret.reveal() == CANARY


def test_equality_only_between_secrets() -> None:
    assert Secret(CANARY) == Secret(CANARY)
    assert Secret(CANARY) != Secret(CANARY + "x")
    assert Secret(CANARY) != CANARY  # never mistaken for its plain text
    assert len({Secret(CANARY), Secret(CANARY)}) == 1
    assert not Secret("")
    assert Secret(CANARY)


def test_a_secret_cannot_be_changed() -> None:
    secret = Secret(CANARY)
    with pytest.raises(AttributeError):
        secret._value = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("abc\udcffdef", "a byte that is not UTF-8 (character 4 of 7)"),
        ("abc\x00def", "a control character"),
        ("abc\tdef", "a control character"),
        ("abc\x1b[31mdef", "a control character"),
        ("abc\u200bdef", "an invisible formatting character"),
        ("abc\ufeffdef", "an invisible formatting character"),
        ("abc\u2028def", "a line separator"),
        ("abc\ue000def", "a private-use character"),
    ],
)
def test_text_that_is_not_valid_is_refused_without_quoting_it(value: str, problem: str) -> None:
    with pytest.raises(SecretError) as info:
        Secret(value)
    message = str(info.value)
    assert message.startswith("is not valid text: it holds ")
    assert problem in message
    assert "abc" not in message and "def" not in message


def test_non_text_is_refused() -> None:
    with pytest.raises(SecretError, match="must be text, not bytes"):
        Secret(b"abc")  # type: ignore[arg-type]


@given(st.text(max_size=40))
def test_any_text_is_either_a_masked_secret_or_refused(value: str) -> None:
    try:
        secret = Secret(value)
    except SecretError as exc:
        assert value not in str(exc)
        return
    assert secret.reveal() == value
    assert repr(secret) == "Secret('***')"
    value.encode("utf-8")  # a usable secret always encodes


@pytest.mark.parametrize(
    "value",
    [
        CANARY,
        "LTAI5tAbCdEfGh1234567890",
        "mode = " + CANARY,
        "CAIS" + "Qw3rTy0p" * 10,
        "abc-DEF_123+xyz/UVW=",
    ],
)
def test_values_that_look_like_secrets_are_hidden(value: str) -> None:
    assert looks_like_secret(value)
    assert quote_value(value) == HIDDEN_VALUE


@pytest.mark.parametrize(
    "value",
    ["AK", "StsToken", "cn-hangzhou", "oss-cn-hangzhou.aliyuncs.com", "10", "production", "v4"],
)
def test_ordinary_values_are_quoted(value: str) -> None:
    assert not looks_like_secret(value)
    assert quote_value(value) == repr(value)


def test_known_secrets_are_hidden_even_when_they_look_ordinary() -> None:
    known = ["plainsecretword", "short"]
    assert quote_value("plainsecretword", known) == HIDDEN_VALUE
    assert quote_value("my plainsecretword here", known) == HIDDEN_VALUE
    assert quote_value("secretwo", known) == HIDDEN_VALUE  # a part of one
    assert quote_value("short", known) == "'short'"  # too short to recognise by value
    assert quote_value(Secret("anything")) == HIDDEN_VALUE


def test_long_values_are_cut_to_a_short_prefix() -> None:
    value = "x" * 500
    quoted = quote_value(value)
    assert quoted == repr("x" * (QUOTE_LIMIT - 1) + "…")
    assert quoted.endswith("…'")
    assert quote_value("a\x1bb") == "'a\\x1bb'"  # control characters are escaped


@given(st.text(max_size=200))
def test_quote_is_always_a_short_prefix_or_hidden(value: str) -> None:
    quoted = quote_value(value)
    if quoted != HIDDEN_VALUE:
        shown = ast.literal_eval(quoted)
        assert len(shown) <= QUOTE_LIMIT
        assert value.startswith(shown.removesuffix("…"))


def test_a_cut_or_lower_cased_piece_of_a_known_secret_is_hidden() -> None:
    known = [Secret(CANARY)]
    assert quote_value(CANARY[:14], known) == HIDDEN_VALUE  # cut short
    assert quote_value("oss-" + CANARY[5:20].lower(), known) == HIDDEN_VALUE  # lower-cased
    assert quote_value("cn-hangzhou", known) == "'cn-hangzhou'"
