"""The redactor: secret headers, secret query parameters and a profile's secrets never show."""

from __future__ import annotations

import base64
import re
from urllib.parse import quote, quote_plus

import httpx
import pytest

from ossbrowse.oss.profile import Profile
from ossbrowse.oss.redact import (
    MASK,
    REDACTED,
    SECRET_HEADERS,
    SECRET_QUERY,
    Redactor,
    redact_header,
    redact_url,
)
from ossbrowse.oss.secret import Secret

# Canaries with characters that change under URL and base64 encoding.
SECRET = "Canary/Secret+Redact=Test-7f3e9a"
TOKEN = "CAIS+Canary/Token==Redact-Test-5d2c1b"

V4_AUTH = (
    "OSS4-HMAC-SHA256 Credential=LTAI5tCanaryKeyId/20260102/cn-hangzhou/oss/aliyun_v4_request,"
    "AdditionalHeaders=host,Signature=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
)


REDACTOR = Redactor([SECRET, TOKEN])


def redact_text(text: str) -> str:
    return REDACTOR.text(text)


def test_secret_names_are_lower_case_and_complete() -> None:
    assert {"authorization", "x-oss-security-token", "security-token"} <= SECRET_HEADERS
    assert {
        "signature",
        "x-oss-signature",
        "security-token",
        "x-oss-security-token",
    } <= SECRET_QUERY
    assert all(name == name.lower() for name in SECRET_HEADERS | SECRET_QUERY)


def test_v4_authorization_keeps_scheme_and_key_id_but_not_the_signature() -> None:
    value = redact_header("Authorization", V4_AUTH)
    assert value.startswith("OSS4-HMAC-SHA256 Credential=LTAI5tCanaryKeyId/20260102/cn-hangzhou/")
    assert "AdditionalHeaders=host" in value
    assert value.endswith(f"Signature={REDACTED}")
    assert "9f86d081" not in value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("OSS LTAI5tCanaryKeyId:kZoYNv66bsmc10+dcGKw5x2PRrk=", "OSS LTAI5tCanaryKeyId:REDACTED"),
        ("Bearer abcdef123456", f"Bearer {REDACTED}"),
        ("opaque-secret-value-without-scheme", REDACTED),
    ],
)
def test_other_authorization_forms(value: str, expected: str) -> None:
    assert redact_header("authorization", value) == expected


def test_redact_headers_accepts_pairs_mappings_and_httpx_headers_keeping_order() -> None:
    pairs = [
        ("Host", "bkt.oss-cn-hangzhou.aliyuncs.com"),
        ("AUTHORIZATION", V4_AUTH),
        ("X-Oss-Security-Token", TOKEN),
        ("Security-Token", TOKEN),
        ("x-oss-date", "20260102T030405Z"),
        ("X-Echo", f"before {SECRET} after"),
    ]
    for headers in (pairs, dict(pairs), httpx.Headers(pairs)):
        result = REDACTOR.headers(headers)
        assert [name for name, _ in result] == [name for name, _ in pairs]  # order and case kept
        values = dict((name.lower(), value) for name, value in result)
        assert values["host"] == "bkt.oss-cn-hangzhou.aliyuncs.com"
        assert values["x-oss-date"] == "20260102T030405Z"
        assert values["x-oss-security-token"] == REDACTED
        assert values["security-token"] == REDACTED
        assert values["x-echo"] == f"before {MASK} after"
        text = repr(result)
        assert SECRET not in text and TOKEN not in text and "9f86d081" not in text


def test_redact_url_v4_presigned() -> None:
    url = (
        "https://bkt.oss-cn-hangzhou.aliyuncs.com/dir/a%20b%2Bc.txt"
        "?versionId=CAEQ%2B%2F%3D&x-oss-signature-version=OSS4-HMAC-SHA256"
        "&x-oss-credential=LTAI5tCanaryKeyId%2F20260102%2Fcn-hangzhou%2Foss%2Faliyun_v4_request"
        f"&x-oss-security-token={quote(TOKEN, safe='')}"
        "&x-oss-expires=900&x-oss-signature=9f86d081884c7d659a2feaa0c55ad015"
    )
    assert redact_url(url) == (
        "https://bkt.oss-cn-hangzhou.aliyuncs.com/dir/a%20b%2Bc.txt"
        "?versionId=CAEQ%2B%2F%3D&x-oss-signature-version=OSS4-HMAC-SHA256"
        "&x-oss-credential=LTAI5tCanaryKeyId%2F20260102%2Fcn-hangzhou%2Foss%2Faliyun_v4_request"
        f"&x-oss-security-token={REDACTED}&x-oss-expires=900&x-oss-signature={REDACTED}"
    )


def test_redact_url_v1_presigned_any_case_and_password() -> None:
    url = (
        "http://user:hunter2pass@127.0.0.1:8080/bkt/k?OSSAccessKeyId=LTAI5tCanaryKeyId"
        "&Expires=1767323045&Signature=kZoYNv66bsmc10%2BdcGKw5x2PRrk%3D&Security-Token=abc"
    )
    result = redact_url(url)
    assert result == (
        f"http://user:{REDACTED}@127.0.0.1:8080/bkt/k?OSSAccessKeyId=LTAI5tCanaryKeyId"
        f"&Expires=1767323045&Signature={REDACTED}&Security-Token={REDACTED}"
    )


def test_redact_url_leaves_an_ordinary_url_alone() -> None:
    url = "https://bkt.oss-cn-hangzhou.aliyuncs.com/a/b%2F..%2Fc?versionId=null&x=1&flag"
    assert redact_url(url) == url


def test_a_redactors_url_masks_its_secrets_anywhere() -> None:
    url = f"http://127.0.0.1:9/bkt/{quote(SECRET, safe='')}?note={quote_plus(TOKEN)}"
    result = REDACTOR.url(url)
    assert quote(SECRET, safe="") not in result and quote_plus(TOKEN) not in result
    assert MASK in result


@pytest.mark.parametrize(
    "form",
    [
        SECRET,
        quote(SECRET, safe=""),
        quote(SECRET, safe="/"),
        quote_plus(SECRET),
        re.sub("%..", lambda m: m.group(0).lower(), quote(SECRET, safe="")),  # lower-case escapes
        base64.b64encode(SECRET.encode()).decode(),
        TOKEN,
        quote(TOKEN, safe=""),
    ],
)
def test_redact_text_masks_registered_secrets_in_their_encoded_forms(form: str) -> None:
    text = f"error: <Echo>{form}</Echo> while signing"
    result = redact_text(text)
    assert form not in result
    assert result == f"error: <Echo>{MASK}</Echo> while signing"


def test_redact_text_masks_every_occurrence() -> None:
    result = redact_text(f"{SECRET}{SECRET} and {TOKEN}")
    assert result == f"{MASK}{MASK} and {MASK}"


def test_redact_text_leaves_ordinary_text_alone() -> None:
    text = "404 NoSuchKey: The specified key does not exist."
    assert redact_text(text) == text
    assert redact_text("") == ""


@pytest.mark.parametrize("value", ["", None, "ab", "12345"])
def test_empty_and_very_short_values_are_not_secrets(value: str | None) -> None:
    redactor = Redactor([value, SECRET])
    # As secrets, "" would match between every two characters and None would not even be
    # text: either would change (or break) the redaction of every ordinary string.
    text = "x ab 12345 y"
    assert redactor.text(text) == text
    assert redactor.text("") == ""
    assert redactor.text(f"a {SECRET} b") == "a *** b"  # the real secret is still masked


def test_each_redactor_knows_only_its_own_secrets() -> None:
    # No process-wide registry: one client's secrets are not another's, and nothing lingers.
    mine, theirs = Redactor([SECRET]), Redactor([TOKEN])
    text = f"{SECRET} {TOKEN}"
    assert mine.text(text) == f"{MASK} {TOKEN}"
    assert theirs.text(text) == f"{SECRET} {MASK}"
    assert Redactor().text(text) == text
    both = mine.with_secrets(theirs)
    assert both.text(text) == f"{MASK} {MASK}"
    assert mine.text(text) == f"{MASK} {TOKEN}"  # with_secrets made a new one


def test_a_profiles_redactor_masks_its_secret_token_and_proxy_password() -> None:
    profile = Profile(
        access_key_id="LTAI5tCanaryKeyId",
        access_key_secret=Secret(SECRET),
        sts_token=Secret(TOKEN),
        proxy="http://user:Proxy-Password-77@127.0.0.1:3128",
    )
    redactor = Redactor.for_profile(profile)
    shown = redactor.text(f"{SECRET} {TOKEN} Proxy-Password-77 LTAI5tCanaryKeyId")
    assert shown == f"{MASK} {MASK} {MASK} LTAI5tCanaryKeyId"  # the key id is not a secret


def test_the_name_rules_work_without_any_secret_value() -> None:
    # What is secret by name is hidden by the module functions alone.
    assert redact_header("x-oss-security-token", "anything") == REDACTED
    assert Redactor().url("https://b.example/k?Signature=abc").endswith(f"Signature={REDACTED}")
