"""Output of ``ossbrowse head``: raw, JSON and YAML from one HeadResult, and shared helpers."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
import yaml

from ossbrowse.oss.meaning import etag_kind
from ossbrowse.oss.redact import Redactor
from ossbrowse.oss.render import (
    group_headers,
    render_json,
    render_raw,
    render_yaml,
    result_to_dict,
)
from ossbrowse.oss.results import (
    Attempt,
    ConditionCheck,
    HeadRequest,
    HeadResult,
    Outcome,
    ServiceError,
    TransportFailure,
    Verdict,
)

URL = "https://media.oss-cn-hangzhou.aliyuncs.com/photos/cat.jpg"
ETAG = '"5EB63BBBE01EEED093CB22BB8F5ACDC3"'
LAST_MODIFIED = "Fri, 24 Feb 2012 06:07:48 GMT"
REQUEST_ID = "5C3D9778CC1C2AEDF85BC1CE"

OBJECT_HEADERS = (
    ("Server", "AliyunOSS"),
    ("Date", "Wed, 15 Jan 2025 10:00:00 GMT"),
    ("Content-Type", "image/jpeg"),
    ("Content-Length", "344606"),
    ("Connection", "keep-alive"),
    ("x-oss-request-id", REQUEST_ID),
    ("Accept-Ranges", "bytes"),
    ("ETag", ETAG),
    ("Last-Modified", LAST_MODIFIED),
    ("x-oss-object-type", "Normal"),
    ("x-oss-storage-class", "Standard"),
    ("x-oss-meta-owner", "Zoë 张伟"),
    ("x-oss-hash-crc64ecma", "316181249502703302"),
    ("Vary", "Origin"),
    ("x-oss-server-time", "3"),
    ("vary", "Accept-Encoding"),
    ("X-Oss-Meta-Project", "apollo"),
)


def request(**conditions: object) -> HeadRequest:
    return HeadRequest(bucket="media", key="photos/cat.jpg", **conditions)  # type: ignore[arg-type]


def ok_result() -> HeadResult:
    return HeadResult(
        request=request(),
        url=URL,
        status=200,
        outcome=Outcome.OK,
        headers=OBJECT_HEADERS,
        etag=ETAG,
        version_id="CAEQNhiBgMDJgZCA0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFmZjdhODk0ZWI2",
        request_id=REQUEST_ID,
        last_modified=LAST_MODIFIED,
        elapsed_ms=12.3456,
        attempts=(Attempt(number=1, status=200, failure=None, elapsed_ms=12.3456),),
        summary="The object exists.",
    )


def not_modified_result() -> HeadResult:
    check = ConditionCheck(
        header="If-None-Match",
        sent=ETAG,
        object_value=ETAG,
        rule="passes when the object's ETag differs from every value",
        verdict=Verdict.FAILED,
        explanation="The object's ETag equals the value sent, so the server answered 304.",
    )
    return HeadResult(
        request=request(if_none_match=ETAG),
        url=URL,
        status=304,
        outcome=Outcome.NOT_MODIFIED,
        headers=(("ETag", ETAG), ("x-oss-request-id", REQUEST_ID)),
        etag=ETAG,
        request_id=REQUEST_ID,
        elapsed_ms=8.04,
        conditions=(check,),
        summary="304 Not Modified: If-None-Match matched the object's ETag.",
    )


def precondition_failed_result() -> HeadResult:
    since = datetime(2012, 2, 24, 6, 7, 47, tzinfo=UTC)
    checks = (
        ConditionCheck(
            header="If-Match",
            sent='"abc-2"',
            object_value=ETAG,
            rule="passes when the object's ETag equals one of the values",
            verdict=Verdict.FAILED,
            explanation="The object's ETag is different from the value sent.",
        ),
        ConditionCheck(
            header="If-Unmodified-Since",
            sent="Fri, 24 Feb 2012 06:07:47 GMT",
            object_value=None,
            rule="passes when the object was not modified after the date",
            verdict=Verdict.IGNORED,
            explanation="Not evaluated: If-Match is present (RFC 7232 §6).",
        ),
    )
    return HeadResult(
        request=request(if_match='"abc-2"', if_unmodified_since=since),
        url=URL,
        status=412,
        outcome=Outcome.PRECONDITION_FAILED,
        headers=(("x-oss-request-id", REQUEST_ID), ("x-oss-ec", "0026-00000001")),
        request_id=REQUEST_ID,
        elapsed_ms=9.0,
        conditions=checks,
        summary="412 Precondition Failed: If-Match did not match the object's ETag.",
    )


def not_found_result() -> HeadResult:
    return HeadResult(
        request=request(),
        url=URL,
        status=404,
        outcome=Outcome.NOT_FOUND,
        headers=(("x-oss-request-id", REQUEST_ID), ("x-oss-ec", "0026-00000001")),
        request_id=REQUEST_ID,
        error=ServiceError(
            status=404,
            code="NoSuchKey",
            message="The specified key does not exist.",
            ec="0026-00000001",
            request_id=REQUEST_ID,
            host_id="media.oss-cn-hangzhou.aliyuncs.com",
        ),
        summary="404: no object photos/cat.jpg in bucket media.",
    )


OUR_STS = "OSS4-HMAC-SHA256\n20250115T100000Z\n20250115/cn-hangzhou/oss/aliyun_v4_request\nabc"
SERVER_STS = "OSS4-HMAC-SHA256\n20250115T100000Z\n20250115/cn-shanghai/oss/aliyun_v4_request\ndef"


def signature_result(server_sts: str = SERVER_STS) -> HeadResult:
    return HeadResult(
        request=request(),
        url=URL,
        status=403,
        outcome=Outcome.ERROR,
        headers=(("x-oss-request-id", REQUEST_ID), ("x-oss-err", "PD94bWwg...")),
        request_id=REQUEST_ID,
        error=ServiceError(
            status=403,
            code="SignatureDoesNotMatch",
            message="The request signature we calculated does not match the signature you "
            "provided.",
            ec="0002-00000040",
            request_id=REQUEST_ID,
            host_id="media.oss-cn-hangzhou.aliyuncs.com",
            recommend_doc="https://api.aliyun.com/troubleshoot?q=0002-00000040",
            fields=(("Code", "SignatureDoesNotMatch"), ("StringToSign", server_sts)),
            server_string_to_sign=server_sts,
            our_string_to_sign=OUR_STS,
            skew_seconds=-901.5,
            region_hint="cn-shanghai",
        ),
        summary="403 SignatureDoesNotMatch: the server computed a different signature.",
    )


def no_answer_result() -> HeadResult:
    attempts = tuple(
        Attempt(
            number=n,
            status=None,
            failure="connect_timeout",
            elapsed_ms=1000.0,
            waited_ms=0.0 if n == 1 else 200.0,
        )
        for n in (1, 2, 3)
    )
    return HeadResult(
        request=request(),
        url="https://media.oss-cn-nowhere.aliyuncs.com/photos/cat.jpg",
        status=None,
        outcome=Outcome.NO_ANSWER,
        elapsed_ms=3400.04,
        attempts=attempts,
        failure=TransportFailure(
            kind="connect_timeout",
            message="Could not connect to media.oss-cn-nowhere.aliyuncs.com within 1 s.",
        ),
        summary="No answer from the server.",
        warnings=("TLS certificate verification is off (--skip-verify-cert).",),
    )


ALL = {
    "200": ok_result,
    "304": not_modified_result,
    "412": precondition_failed_result,
    "404": not_found_result,
    "403": signature_result,
    "none": no_answer_result,
}


# --- shared helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("etag", "kind"),
    [
        (ETAG, "MD5"),
        ("5eb63bbbe01eeed093cb22bb8f5acdc3", "MD5"),
        ('"0CF031A5EB9351746195B20B86FD3F64-3"', "multipart, 3 parts (not an MD5)"),
        ('"0CF031A5EB9351746195B20B86FD3F64-1"', "multipart, 1 part (not an MD5)"),
        ('W/"5EB63BBBE01EEED093CB22BB8F5ACDC3"', "weak"),
        ('"F2064A169EE92E9775EE5324D0B1682E"', "MD5"),
        ('"appendable-7"', "opaque (not an MD5)"),
        (None, ""),
        ("", ""),
    ],
)
def test_etag_kind(etag: str | None, kind: str) -> None:
    assert etag_kind(etag) == kind


def test_group_headers_in_fixed_order_keeping_received_order() -> None:
    groups = group_headers(OBJECT_HEADERS)
    assert [name for name, _ in groups] == [
        "HTTP",
        "OSS system",
        "User metadata",
        "Response / service",
    ]
    by_group = {name: [h for h, _ in items] for name, items in groups}
    assert by_group["HTTP"] == [
        "Content-Type",
        "Content-Length",
        "Accept-Ranges",
        "ETag",
        "Last-Modified",
        "Vary",
        "vary",
    ]
    assert by_group["OSS system"] == [
        "x-oss-object-type",
        "x-oss-storage-class",
        "x-oss-hash-crc64ecma",
    ]
    assert by_group["User metadata"] == ["x-oss-meta-owner", "X-Oss-Meta-Project"]
    assert by_group["Response / service"] == [
        "Server",
        "Date",
        "Connection",
        "x-oss-request-id",
        "x-oss-server-time",
    ]
    assert sum(len(items) for _, items in groups) == len(OBJECT_HEADERS)


def test_group_headers_leaves_out_empty_groups() -> None:
    assert group_headers([("x-oss-request-id", "1")]) == [
        ("Response / service", [("x-oss-request-id", "1")])
    ]
    assert group_headers([]) == []


# --- result_to_dict / JSON / YAML ----------------------------------------------------------------


def test_json_of_a_200() -> None:
    data = json.loads(render_json(ok_result()))
    assert data["status"] == 200
    assert data["outcome"] == "ok"
    assert data["etag"] == ETAG
    assert data["etag_kind"] == "MD5"
    assert data["version_id"].startswith("CAEQ")
    assert data["request_id"] == REQUEST_ID
    assert data["last_modified"] == LAST_MODIFIED
    assert data["url"] == URL
    assert data["elapsed_ms"] == 12.3
    assert (data["retries"], len(data["attempts"])) == (0, 1)
    assert data["error"] is None
    assert data["failure"] is None
    assert data["conditions"] == []
    assert data["warnings"] == []
    assert data["sign_version"] == "v4"
    assert data["request"]["bucket"] == "media"
    assert data["request"]["key"] == "photos/cat.jpg"


def test_repeated_header_is_joined_in_headers_and_kept_in_headers_list() -> None:
    data = result_to_dict(ok_result())
    assert data["headers"]["Vary"] == "Origin, Accept-Encoding"
    assert "vary" not in data["headers"]
    assert data["headers"]["Content-Length"] == "344606"
    assert data["headers_list"] == [list(pair) for pair in OBJECT_HEADERS]


def test_json_of_a_304_lists_the_condition() -> None:
    data = json.loads(render_json(not_modified_result()))
    assert (data["status"], data["outcome"]) == (304, "not_modified")
    assert data["conditions"] == [
        {
            "header": "If-None-Match",
            "sent": ETAG,
            "object_value": ETAG,
            "rule": "passes when the object's ETag differs from every value",
            "verdict": "failed",
            "explanation": "The object's ETag equals the value sent, so the server answered 304.",
        }
    ]
    assert data["request"]["if_none_match"] == ETAG
    assert data["error"] is None


def test_json_of_a_412_has_both_verdicts_and_the_sent_date() -> None:
    data = json.loads(render_json(precondition_failed_result()))
    assert data["outcome"] == "precondition_failed"
    assert [c["verdict"] for c in data["conditions"]] == ["failed", "ignored"]
    assert data["conditions"][1]["object_value"] is None
    assert data["request"]["if_unmodified_since"] == "Fri, 24 Feb 2012 06:07:47 GMT"


def test_json_of_a_signature_error() -> None:
    error = json.loads(render_json(signature_result()))["error"]
    assert error["code"] == "SignatureDoesNotMatch"
    assert error["ec"] == "0002-00000040"
    assert error["request_id"] == REQUEST_ID
    assert error["host_id"] == "media.oss-cn-hangzhou.aliyuncs.com"
    assert error["recommend_doc"].endswith("0002-00000040")
    assert error["server_string_to_sign"] == SERVER_STS
    assert error["our_string_to_sign"] == OUR_STS
    assert error["skew_seconds"] == -901.5
    assert error["region_hint"] == "cn-shanghai"
    assert error["decode_problem"] is None
    assert error["fields"][0] == ["Code", "SignatureDoesNotMatch"]


def test_json_of_no_answer() -> None:
    data = json.loads(render_json(no_answer_result()))
    assert data["status"] is None
    assert data["outcome"] == "no_answer"
    assert data["failure"] == {
        "kind": "connect_timeout",
        "message": "Could not connect to media.oss-cn-nowhere.aliyuncs.com within 1 s.",
    }
    assert data["retries"] == 2
    assert data["elapsed_ms"] == 3400.0
    assert data["warnings"] == ["TLS certificate verification is off (--skip-verify-cert)."]


@pytest.mark.parametrize("case", sorted(ALL))
def test_yaml_and_json_carry_exactly_result_to_dict(case: str) -> None:
    result = ALL[case]()
    expected = result_to_dict(result)
    assert yaml.safe_load(render_yaml(result)) == expected
    assert json.loads(render_json(result)) == expected


def test_non_ascii_is_written_as_is() -> None:
    result = ok_result()
    assert '"x-oss-meta-owner": "Zoë 张伟"' in render_json(result)
    assert "x-oss-meta-owner: Zoë 张伟" in render_yaml(result)
    assert "  x-oss-meta-owner: Zoë 张伟" in render_raw(result)


# --- raw -----------------------------------------------------------------------------------------


def test_raw_of_a_200_has_sections_in_order() -> None:
    text = render_raw(ok_result())
    lines = text.splitlines()
    assert lines[0] == "HTTP 200 OK  (ok, 12.3 ms, 0 retries)"
    assert lines[1] == "The object exists."
    assert f"ETag: {ETAG}  (MD5)" in lines
    assert "Version: CAEQNhiBgMDJgZCA0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFmZjdhODk0ZWI2" in lines
    titles = ["HTTP headers", "OSS system headers", "User metadata", "Response / service headers"]
    positions = [lines.index(title) for title in titles]
    assert positions == sorted(positions)
    # Each header sits under its own section.
    meta = lines.index("  x-oss-meta-owner: Zoë 张伟")
    assert positions[2] < meta < positions[3]
    assert positions[3] < lines.index(f"  x-oss-request-id: {REQUEST_ID}")
    assert positions[0] < lines.index("  vary: Accept-Encoding") < positions[1]
    assert "Error" not in lines
    assert not any(line.startswith("Warning") for line in lines)


def test_raw_of_a_304_explains_the_condition() -> None:
    text = render_raw(not_modified_result())
    assert text.startswith("HTTP 304 Not Modified  (not_modified, 8.0 ms, 0 retries)\n")
    assert "304 Not Modified: If-None-Match matched the object's ETag." in text
    conditions = text.split("\nConditions\n", 1)[1].splitlines()[0]
    assert conditions == (
        f"  If-None-Match: sent {ETAG}; object {ETAG}; failed - "
        "The object's ETag equals the value sent, so the server answered 304."
    )


def test_raw_of_a_412_marks_unknown_object_values() -> None:
    text = render_raw(precondition_failed_result())
    assert text.startswith("HTTP 412 Precondition Failed  (precondition_failed")
    assert "  If-Unmodified-Since: sent Fri, 24 Feb 2012 06:07:47 GMT; object unknown; ignored" in (
        text
    )


def test_raw_of_a_404_shows_the_error_block() -> None:
    text = render_raw(not_found_result())
    assert text.startswith("HTTP 404 Not Found  (not_found")
    block = text.split("\nError\n", 1)[1]
    assert block.splitlines()[:5] == [
        "  Code: NoSuchKey",
        "  Message: The specified key does not exist.",
        "  EC: 0026-00000001",
        f"  RequestId: {REQUEST_ID}",
        "  HostId: media.oss-cn-hangzhou.aliyuncs.com",
    ]
    assert "StringToSign" not in text


def test_raw_of_a_signature_error_puts_both_strings_to_sign_side_by_side() -> None:
    text = render_raw(signature_result())
    error = text.split("\nError\n", 1)[1]
    assert "  Code: SignatureDoesNotMatch" in error
    assert "  RecommendDoc: https://api.aliyun.com/troubleshoot?q=0002-00000040" in error
    server_at = error.index("  StringToSign (server):\n")
    ours_at = error.index("  StringToSign (ours):\n")
    assert server_at < ours_at
    assert "    20250115/cn-shanghai/oss/aliyun_v4_request\n" in error[server_at:ours_at]
    assert "    20250115/cn-hangzhou/oss/aliyun_v4_request\n" in error[ours_at:]
    assert "The strings to sign first differ at line 3." in error
    assert "Clock skew: the server's clock is 901.5 s behind ours" in error
    assert "Region: the bucket is in cn-shanghai" in error


def test_raw_says_when_the_strings_to_sign_are_identical() -> None:
    text = render_raw(signature_result(server_sts=OUR_STS))
    assert "identical: the access key secret is probably wrong" in text


def test_raw_of_no_answer() -> None:
    lines = render_raw(no_answer_result()).splitlines()
    assert lines[0] == "No answer  (no_answer, 3400.0 ms, 2 retries)"
    assert lines[1] == "No answer from the server."
    assert (
        "Failure (connect_timeout): Could not connect to media.oss-cn-nowhere.aliyuncs.com "
        "within 1 s." in lines
    )
    assert (
        "Attempts: #1 connect_timeout, #2 connect_timeout after 200 ms wait, "
        "#3 connect_timeout after 200 ms wait" in lines
    )
    assert lines[-1] == "Warning: TLS certificate verification is off (--skip-verify-cert)."
    assert (
        lines.index(
            "Failure (connect_timeout): Could not connect to "
            "media.oss-cn-nowhere.aliyuncs.com within 1 s."
        )
        < len(lines) - 1
    )


def test_one_retry_is_singular() -> None:
    result = ok_result()
    attempts = (
        Attempt(number=1, status=503, failure=None, elapsed_ms=5.0),
        Attempt(number=2, status=200, failure=None, elapsed_ms=5.0, waited_ms=100.0),
    )
    text = render_raw(HeadResult(**{**result.__dict__, "attempts": attempts}))
    assert text.splitlines()[0] == "HTTP 200 OK  (ok, 12.3 ms, 1 retry)"
    assert "Attempts: #1 503, #2 200 after 100 ms wait" in text


def test_unknown_status_code_has_no_phrase() -> None:
    result = HeadResult(request=request(), url=URL, status=599, outcome=Outcome.ERROR)
    assert render_raw(result).splitlines()[0] == "HTTP 599  (error, 0.0 ms, 0 retries)"


# --- hostile values and secrets ------------------------------------------------------------------


def hostile_result() -> HeadResult:
    return HeadResult(
        request=request(),
        url=URL,
        status=200,
        outcome=Outcome.OK,
        headers=(
            ("x-oss-meta-evil", "\x1b[2J\x1b]52;c;aGk=\x07gone"),
            ("x-oss-meta-c1", "a\x9b31mb"),
            ("x-oss-meta-bidi", "abc\u202edef"),
        ),
        error=ServiceError(status=200, code="X", message="line one\nHTTP 200 OK fake"),
    )


def test_raw_escapes_terminal_control_characters() -> None:
    text = render_raw(hostile_result())
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\x9b" not in text
    assert "\u202e" not in text
    assert "  x-oss-meta-evil: \\x1b[2J\\x1b]52;c;aGk=\\x07gone" in text
    assert "  x-oss-meta-c1: a\\x9b31mb" in text
    assert "  x-oss-meta-bidi: abc\\u202edef" in text
    # A newline inside a value cannot forge a line of output.
    assert "  Message: line one\\x0aHTTP 200 OK fake" in text
    assert "\nHTTP 200 OK fake" not in text


def test_json_escapes_control_characters_but_keeps_the_values() -> None:
    text = render_json(hostile_result())
    assert "\x1b" not in text
    assert "\x9b" not in text
    data = json.loads(text)
    assert data["headers"]["x-oss-meta-c1"] == "a\x9b31mb"
    assert data["headers"]["x-oss-meta-evil"].startswith("\x1b[2J")
    assert data["headers"]["x-oss-meta-bidi"] == "abc\u202edef"
    assert "\u202e" not in text  # a bidi override cannot reorder the terminal either
    shown = render_yaml(hostile_result())
    assert yaml.safe_load(shown) == data
    for char in ("\x1b", "\x9b", "\u202e"):
        assert char not in shown


CANARY = "RenderCanarySecret7f3a9c1e5b"
TOKEN = "RenderCanaryToken/7f3a+9c1e=="


REDACTOR = Redactor([CANARY, TOKEN])
"""The redactor of a client whose profile holds these secrets."""


@pytest.mark.parametrize("case", sorted(ALL))
def test_every_string_goes_through_the_redactor(case: str) -> None:
    # Plant a registered secret in every string field the result has: no output may show it.
    def plant(text: str) -> str:
        return f"{text}{CANARY}"

    original = ALL[case]()
    result = HeadResult(
        **{
            **original.__dict__,
            "url": plant(original.url),
            "summary": plant(original.summary),
            "headers": tuple((n, plant(v)) for n, v in original.headers),
            "warnings": (*original.warnings, plant("w")),
        }
    )
    outputs = [
        render(result, redactor=REDACTOR) for render in (render_raw, render_json, render_yaml)
    ]
    for output in outputs:
        assert CANARY not in output
        assert output.count("***") >= 3 + len(original.headers)


def test_a_profiles_secrets_never_reach_any_output() -> None:
    original = signature_result()
    assert original.error is not None
    error = ServiceError(
        **{
            **original.error.__dict__,
            "message": f"echoed {CANARY}",
            "our_canonical_request": f"HEAD\n/x\nx-oss-security-token:{TOKEN}",
        }
    )
    result = HeadResult(
        **{
            **original.__dict__,
            "url": f"{URL}?x-oss-signature=abcdef&x-oss-security-token={TOKEN}",
            "headers": (
                *original.headers,
                ("x-oss-meta-note", f"b64 {base64.b64encode(CANARY.encode()).decode()}"),
                ("x-oss-security-token", "whatever-it-is"),
            ),
            "error": error,
            "warnings": (f"token {TOKEN} expired",),
        }
    )
    outputs = [
        render(result, redactor=REDACTOR) for render in (render_raw, render_json, render_yaml)
    ]
    for output in outputs:
        assert CANARY not in output
        assert TOKEN not in output
        assert base64.b64encode(CANARY.encode()).decode() not in output
        assert "whatever-it-is" not in output
        assert "abcdef" not in output
    data = json.loads(outputs[1])
    assert data["error"]["message"] == "echoed ***"
    assert data["headers"]["x-oss-security-token"] == "REDACTED"
    assert "x-oss-signature=REDACTED" in data["url"]


def test_raw_shows_both_canonical_requests_when_the_strings_to_sign_differ() -> None:
    """In V4 the strings to sign differ only by a hash; the canonical requests say why."""
    from dataclasses import replace

    result = signature_result()
    assert result.error is not None
    ours = "HEAD\n/media/photos/cat.jpg\n\nx-oss-date:20250115T100000Z\n\n\nUNSIGNED-PAYLOAD"
    theirs = ours.replace("cat.jpg", "cat%2Ejpg")
    error = replace(result.error, our_canonical_request=ours, server_canonical_request=theirs)
    raw = render_raw(replace(result, error=error))
    assert "CanonicalRequest (server)" in raw and "CanonicalRequest (ours)" in raw
    assert "/media/photos/cat%2Ejpg" in raw and "/media/photos/cat.jpg" in raw
    # Identical strings to sign need no canonical requests: the secret is what differs.
    same = replace(error, server_string_to_sign=OUR_STS)
    assert "CanonicalRequest" not in render_raw(replace(result, error=same))


ARCHIVE_HEADERS = (
    ("ETag", ETAG),
    ("x-oss-object-type", "Normal"),
    ("x-oss-storage-class", "Archive"),
    ("x-oss-restore", 'ongoing-request="false", expiry-date="Sat, 21 Mar 2026 09:26:53 GMT"'),
    ("x-oss-request-id", REQUEST_ID),
)
SOME_DAY = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def archive_result() -> HeadResult:
    from dataclasses import replace

    return replace(ok_result(), headers=ARCHIVE_HEADERS)


def test_json_explains_the_restore_state_at_the_given_time() -> None:
    data = json.loads(render_json(archive_result(), now=SOME_DAY))
    restore = next(item for item in data["explained"] if item["header"] == "x-oss-restore")
    assert restore["state"] == "expired"
    assert restore["expiry_date"] == "2026-03-21T09:26:53Z"
    assert "frozen again" in restore["meaning"]
    assert restore["value"].startswith('ongoing-request="false"')
    # Before the expiry date the same header means the copy can still be read.
    earlier = json.loads(render_json(archive_result(), now=datetime(2026, 3, 1, tzinfo=UTC)))
    assert next(i for i in earlier["explained"] if i["header"] == "x-oss-restore")["state"] == (
        "restored"
    )


def test_yaml_carries_the_same_explanations() -> None:
    data = yaml.safe_load(render_yaml(archive_result(), now=SOME_DAY))
    assert data["explained"] == json.loads(render_json(archive_result(), now=SOME_DAY))["explained"]


def test_raw_output_puts_each_meaning_under_its_header() -> None:
    lines = render_raw(archive_result(), now=SOME_DAY).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  x-oss-restore:"))
    assert lines[at + 1].strip().startswith("means: The restored copy expired")
    at = next(i for i, line in enumerate(lines) if line.startswith("  x-oss-storage-class:"))
    assert "Archive" in lines[at + 1] and "60 days" in lines[at + 1]


def test_persistent_headers_are_grouped_as_user_metadata() -> None:
    groups = dict(group_headers([("myheader1", "v"), ("Content-Type", "text/plain")]))
    assert groups["User metadata"] == [("myheader1", "v")]
