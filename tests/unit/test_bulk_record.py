"""A bulk HEAD's JSON record: the headers it carries, secret ones hidden, repeated ones joined."""

from __future__ import annotations

import json

from ossbrowse.oss.bulk_render import jsonl_line, record
from ossbrowse.oss.results import HeadRequest, HeadResult, Outcome


def _result(headers: tuple[tuple[str, str], ...]) -> HeadResult:
    return HeadResult(
        request=HeadRequest("bucket-a", "dir/key.txt"),
        url="https://bucket-a.oss-cn-hangzhou.aliyuncs.com/dir/key.txt",
        status=200,
        outcome=Outcome.OK,
        headers=headers,
    )


def test_secret_headers_are_hidden_and_repeated_ones_joined() -> None:
    result = _result(
        (
            ("content-length", "12"),
            ("x-oss-meta-tag", "one"),
            ("X-OSS-Meta-Tag", "two"),
            ("x-oss-security-token", "CAIS-token-value"),
            (
                "Authorization",
                "OSS4-HMAC-SHA256 Credential=LTAI5tKey/20261130/cn-hangzhou/oss/"
                "aliyun_v4_request,Signature=0123abcd",
            ),
        )
    )
    headers = record(result)["headers"]
    assert headers["content-length"] == "12"
    assert headers["x-oss-meta-tag"] == "one, two"
    assert headers["x-oss-security-token"] == "REDACTED"
    assert "0123abcd" not in headers["authorization"]
    assert headers["authorization"].startswith("OSS4-HMAC-SHA256 Credential=LTAI5tKey/")
    line = jsonl_line(result)
    assert "CAIS-token-value" not in line and "0123abcd" not in line
    assert json.loads(line)["size"] == 12
