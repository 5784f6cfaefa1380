"""OssClient against httpx.MockTransport: what is sent, how answers become results, retries."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import httpx
import pytest

from ossbrowse.oss.client import OssClient, backoff_seconds
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.profile import ConfigError, Profile
from ossbrowse.oss.results import Outcome, Verdict

SECRET = "CanarySecret-Do-Not-Show-9f8e7d"
TOKEN = "CanaryToken-Do-Not-Show-1a2b3c"
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
ETAG = '"5B3C1A2E053D763E1B002CC607C5A0FE"'
LAST_MODIFIED = "Fri, 02 Jan 2026 00:00:00 GMT"


def profile(**overrides: object) -> Profile:
    values: dict[str, object] = {
        "name": "test",
        "access_key_id": "LTAI5tTestKey",
        "access_key_secret": SECRET,
        "region": "cn-hangzhou",
        "endpoint": "http://127.0.0.1:9",
        "retry_times": 2,
    }
    values.update(overrides)
    return Profile(**values)  # type: ignore[arg-type]


class Recorder:
    """A MockTransport handler that answers from a list and remembers what it was sent."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def make_client(handler: Recorder, **overrides: object) -> tuple[OssClient, list[float]]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    client = OssClient(
        profile(**overrides),
        transport=httpx.MockTransport(handler),
        clock=lambda: WHEN,
        sleep=sleep,
    )
    return client, slept


def ok_headers(**extra: str) -> dict[str, str]:
    return {
        "ETag": ETAG,
        "Last-Modified": LAST_MODIFIED,
        "x-oss-request-id": "6556E3AED11E553933CCDEDF",
        "Date": "Fri, 02 Jan 2026 03:04:05 GMT",
        **extra,
    }


def err_header(code: str, message: str, **elements: str) -> str:
    extra = "".join(f"<{k}>{v}</{k}>" for k, v in elements.items())
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><Error>'
        f"<Code>{code}</Code><Message>{message}</Message><RequestId>RID1</RequestId>"
        f"<HostId>b.oss</HostId>{extra}<EC>0002-00000040</EC></Error>"
    )
    return base64.b64encode(xml.encode()).decode()


async def test_sends_signed_head_with_conditions_and_version() -> None:
    rec = Recorder(httpx.Response(200, headers=ok_headers()))
    client, _ = make_client(rec)
    request = build_head_request(
        bucket="my-bucket",
        key="dir/a b+c.txt",
        version_id="CAEQ+/=",
        if_none_match="abc",
        if_modified_since="2025-01-01T00:00:00Z",
    )
    async with client:
        result = await client.head_object(request)
    [sent] = rec.requests
    assert sent.method == "HEAD"
    assert str(sent.url) == "http://127.0.0.1:9/my-bucket/dir/a%20b%2Bc.txt?versionId=CAEQ%2B%2F%3D"
    assert sent.headers["If-None-Match"] == '"abc"'
    assert sent.headers["If-Modified-Since"] == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert sent.headers["Authorization"].startswith(
        "OSS4-HMAC-SHA256 Credential=LTAI5tTestKey/20260102/cn-hangzhou/oss/aliyun_v4_request,"
    )
    assert sent.headers["x-oss-date"] == "20260102T030405Z"
    assert result.outcome is Outcome.OK and result.status == 200
    assert result.etag == ETAG and result.request_id == "6556E3AED11E553933CCDEDF"
    # If-None-Match passed; If-Modified-Since is not evaluated when If-None-Match is present.
    assert [c.verdict for c in result.conditions] == [Verdict.PASSED, Verdict.IGNORED]


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.OK),
        (304, Outcome.NOT_MODIFIED),
        (412, Outcome.PRECONDITION_FAILED),
        (404, Outcome.NOT_FOUND),
        (403, Outcome.ERROR),
        (405, Outcome.ERROR),
    ],
)
async def test_status_becomes_an_outcome_not_an_exception(status: int, outcome: Outcome) -> None:
    headers = ok_headers()
    if status >= 400:
        headers["x-oss-err"] = err_header("SomeCode", "Some message")
    client, _ = make_client(Recorder(httpx.Response(status, headers=headers)))
    async with client:
        result = await client.head_object(
            build_head_request(bucket="my-bucket", key="k", if_none_match=ETAG)
        )
    assert result.outcome is outcome
    assert result.status == status
    assert (result.error is not None) == (status >= 400)


async def test_signature_mismatch_is_decoded_with_both_strings_to_sign() -> None:
    server_sts = "OSS4-HMAC-SHA256\n20260102T030405Z\nsomething else"
    headers = {
        "x-oss-err": err_header(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match",
            StringToSign=server_sts,
        ),
        "x-oss-ec": "0002-00000040",
    }
    client, _ = make_client(Recorder(httpx.Response(403, headers=headers)))
    async with client:
        result = await client.head_object(build_head_request(bucket="my-bucket", key="k"))
    assert result.error is not None
    assert result.error.code == "SignatureDoesNotMatch"
    assert result.error.server_string_to_sign == server_sts
    assert result.error.our_string_to_sign is not None
    assert result.error.our_string_to_sign.startswith("OSS4-HMAC-SHA256\n20260102T030405Z\n")
    assert "SignatureDoesNotMatch" in result.summary


async def test_5xx_is_retried_with_backoff_and_each_retry_is_visible() -> None:
    rec = Recorder(
        httpx.Response(503), httpx.Response(500), httpx.Response(200, headers=ok_headers())
    )
    client, slept = make_client(rec, retry_times=2)
    async with client:
        result = await client.head_object(build_head_request(bucket="my-bucket", key="k"))
    assert len(rec.requests) == 3
    assert [a.status for a in result.attempts] == [503, 500, 200]
    assert result.retries == 2
    assert slept == [backoff_seconds(1), backoff_seconds(2)]
    assert backoff_seconds(2) > backoff_seconds(1)
    assert result.outcome is Outcome.OK


async def test_retries_stop_at_retry_times() -> None:
    rec = Recorder(httpx.Response(503))
    client, _ = make_client(rec, retry_times=1)
    async with client:
        result = await client.head_object(build_head_request(bucket="my-bucket", key="k"))
    assert len(rec.requests) == 2
    assert result.status == 503 and result.outcome is Outcome.ERROR


async def test_connection_refused_is_retried_then_reported() -> None:
    rec = Recorder(httpx.ConnectError("[Errno 111] Connection refused"))
    client, slept = make_client(rec, retry_times=2)
    async with client:
        result = await client.head_object(build_head_request(bucket="my-bucket", key="k"))
    assert len(rec.requests) == 3 and len(slept) == 2
    assert result.outcome is Outcome.NO_ANSWER and result.status is None
    assert result.failure is not None and result.failure.kind == "refused"


async def test_read_timeout_is_not_retried() -> None:
    rec = Recorder(httpx.ReadTimeout("timed out"))
    client, _ = make_client(rec, retry_times=3)
    async with client:
        result = await client.head_object(build_head_request(bucket="my-bucket", key="k"))
    assert len(rec.requests) == 1
    assert result.failure is not None and result.failure.kind == "read_timeout"


async def test_v1_and_sts_token() -> None:
    rec = Recorder(httpx.Response(200, headers=ok_headers()))
    client, _ = make_client(rec, sign_version="v1", sts_token=TOKEN)
    async with client:
        await client.head_object(build_head_request(bucket="my-bucket", key="k"))
    [sent] = rec.requests
    assert sent.headers["Authorization"].startswith("OSS LTAI5tTestKey:")
    assert sent.headers["x-oss-security-token"] == TOKEN
    assert sent.headers["Date"] == "Fri, 02 Jan 2026 03:04:05 GMT"


def test_missing_credentials_and_wrong_region_refuse_to_build() -> None:
    with pytest.raises(ConfigError):
        OssClient(profile(access_key_id=None, access_key_secret=None))
    with pytest.raises(ConfigError) as info:
        OssClient(profile(endpoint="oss-cn-beijing.aliyuncs.com"))
    assert "cn-beijing" in str(info.value)


def test_dry_run_shows_what_is_signed_but_no_secret() -> None:
    client, _ = make_client(Recorder(httpx.Response(200)), sts_token=TOKEN)
    prepared = client.prepare(build_head_request(bucket="my-bucket", key="k", if_match="abc"))
    text = repr(prepared)
    assert SECRET not in text and TOKEN not in text
    assert prepared.string_to_sign and prepared.string_to_sign.startswith("OSS4-HMAC-SHA256")
    headers = dict(prepared.headers)
    assert headers["If-Match"] == '"abc"'
    assert headers["Authorization"].startswith("OSS4-HMAC-SHA256 Credential=LTAI5tTestKey/")
    assert TOKEN not in prepared.canonical_request and TOKEN not in prepared.string_to_sign


async def test_malformed_dates_and_missing_etag_are_warnings_not_crashes() -> None:
    rec = Recorder(httpx.Response(200, headers={"Last-Modified": "yesterday-ish", "Date": "??"}))
    client, _ = make_client(rec)
    async with client:
        result = await client.head_object(build_head_request(bucket="my-bucket", key="k"))
    assert result.outcome is Outcome.OK
    assert any("Last-Modified" in w for w in result.warnings)
    assert any("ETag" in w for w in result.warnings)


async def test_any_2xx_is_ok_as_the_exit_status_says() -> None:
    client, _ = make_client(Recorder(httpx.Response(204, headers=ok_headers())))
    async with client:
        result = await client.head_object(build_head_request(bucket="my-bucket", key="k"))
    assert result.outcome is Outcome.OK


async def test_a_date_the_explanation_cannot_read_is_a_warning() -> None:
    # Lenient parsers accept a numeric zone; HTTP (and our explanation) require GMT.
    headers = ok_headers()
    headers["Last-Modified"] = "Sat, 14 Mar 2026 09:26:53 +0800"
    client, _ = make_client(Recorder(httpx.Response(200, headers=headers)))
    async with client:
        result = await client.head_object(
            build_head_request(bucket="my-bucket", key="k", if_modified_since="2020-01-01")
        )
    assert any(w.startswith("Last-Modified is not an HTTP date") for w in result.warnings)
