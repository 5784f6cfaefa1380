"""Error answers (x-oss-err / body) and transport failures, including hostile input."""

from __future__ import annotations

import base64
import contextlib
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest
import trustme
from hypothesis import given, settings
from hypothesis import strategies as st

from ossbrowse.oss.error_document import MAX_DOCUMENT_BYTES
from ossbrowse.oss.errors import BAD_ERROR_RESPONSE, decode_service_error
from ossbrowse.oss.redact import Redactor
from ossbrowse.oss.transport_errors import transport_failure

SECRET = "ErrCanarySecret-Do-Not-Show-4e1f"
TOKEN = "ErrCanaryToken-Do-Not-Show-9b7a"
REDACTOR = Redactor([SECRET, TOKEN])
"""The redactor a client of a profile with these secrets would have."""

NO_SUCH_KEY = """<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchKey</Code>
  <Message>The specified key does not exist.</Message>
  <RequestId>6556E3AED11E553933CCDEDF</RequestId>
  <HostId>demo-walker-6961.oss-cn-hangzhou.aliyuncs.com</HostId>
  <Key>walker2asdasdasd.txt</Key>
  <EC>0026-00000001</EC>
  <RecommendDoc>https://api.aliyun.com/troubleshoot?q=0026-00000001</RecommendDoc>
</Error>"""


def b64(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return base64.b64encode(data).decode("ascii")


def error_doc(code: str, message: str, *elements: tuple[str, str]) -> str:
    inner = "".join(f"<{name}>{value}</{name}>" for name, value in elements)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message>{inner}</Error>"
    )


# --- decode_service_error: well-formed documents ---------------------------------------------


def test_decodes_a_head_error_from_x_oss_err() -> None:
    headers = httpx.Headers(
        {
            "Content-Type": "application/xml",
            "x-oss-request-id": "6556E3AED11E553933CCDEDF",
            "x-oss-ec": "0026-00000001",
            "x-oss-err": b64(NO_SUCH_KEY),
        }
    )
    error = decode_service_error(404, headers, b"")
    assert error.status == 404
    assert error.code == "NoSuchKey"
    assert error.message == "The specified key does not exist."
    assert error.ec == "0026-00000001"
    assert error.request_id == "6556E3AED11E553933CCDEDF"
    assert error.host_id == "demo-walker-6961.oss-cn-hangzhou.aliyuncs.com"
    assert error.recommend_doc == "https://api.aliyun.com/troubleshoot?q=0026-00000001"
    assert [name for name, _ in error.fields] == [
        "Code",
        "Message",
        "RequestId",
        "HostId",
        "Key",
        "EC",
        "RecommendDoc",
    ]
    assert dict(error.fields)["Key"] == "walker2asdasdasd.txt"
    assert error.decode_problem is None
    assert error.summary == "404 NoSuchKey: The specified key does not exist."
    assert error.region_hint is None and error.skew_seconds is None
    assert error.our_string_to_sign is None


def test_headers_may_be_a_plain_mapping_or_pairs_in_any_case() -> None:
    for headers in (
        {"X-OSS-ERR": b64(NO_SUCH_KEY)},
        [("x-Oss-Err", b64(NO_SUCH_KEY))],
        [(b"x-oss-err", b64(NO_SUCH_KEY).encode())],
    ):
        assert decode_service_error(404, headers, None).code == "NoSuchKey"


def test_ec_and_request_id_fall_back_to_headers() -> None:
    doc = error_doc("AccessDenied", "You have no right to access this object.")
    headers = {"x-oss-err": b64(doc), "x-oss-ec": "0003-00000703", "x-oss-request-id": "ABC123"}
    error = decode_service_error(403, headers, b"")
    assert (error.code, error.ec, error.request_id) == ("AccessDenied", "0003-00000703", "ABC123")


def test_a_get_style_body_is_read_when_present() -> None:
    error = decode_service_error(404, {}, NO_SUCH_KEY.encode())
    assert error.code == "NoSuchKey" and error.decode_problem is None


def test_a_body_that_is_not_an_error_document_does_not_hide_x_oss_err() -> None:
    html = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    error = decode_service_error(404, {"x-oss-err": b64(NO_SUCH_KEY)}, html)
    assert error.code == "NoSuchKey"
    assert "not an OSS error document" in (error.decode_problem or "")


def test_non_ascii_message_and_key() -> None:
    doc = error_doc("NoSuchKey", "指定的键不存在。", ("Key", "目录/文件 ü.txt"))
    error = decode_service_error(404, {"x-oss-err": b64(doc)}, b"")
    assert error.message == "指定的键不存在。"
    assert dict(error.fields)["Key"] == "目录/文件 ü.txt"


@pytest.mark.parametrize(
    "echoed", ["a\x01b", "a&#1;b", "a&#x1F;b", "a&#X0b;b"], ids=["raw", "dec", "hex", "HEX"]
)
def test_a_key_holding_controls_xml_cannot_carry_still_decodes(echoed: str) -> None:
    # OSS stores keys with such characters; the <Key> echoing one is not well-formed XML 1.0.
    doc = f"<Error><Code>NoSuchKey</Code><Message>gone</Message><Key>{echoed}</Key></Error>"
    error = decode_service_error(404, {"x-oss-err": b64(doc)}, b"")
    assert (error.code, error.message) == ("NoSuchKey", "gone")
    assert dict(error.fields)["Key"] == "a\ufffdb"
    assert "control characters XML cannot carry" in (error.decode_problem or "")


def test_unpadded_and_url_safe_base64_are_tolerated() -> None:
    doc = error_doc("NoSuchKey", "gone?>>", ("Key", "a~b"))
    standard = b64(doc)
    assert decode_service_error(404, {"x-oss-err": standard.rstrip("=")}, b"").code == "NoSuchKey"
    url_safe = base64.urlsafe_b64encode(doc.encode()).decode()
    assert decode_service_error(404, {"x-oss-err": url_safe}, b"").code == "NoSuchKey"


# --- SignatureDoesNotMatch, skew, region --------------------------------------------------


def test_signature_mismatch_shows_the_server_string_to_sign_next_to_ours() -> None:
    server_sts = (
        "OSS4-HMAC-SHA256\n20260102T030405Z\n20260102/cn-hangzhou/oss/aliyun_v4_request\nab12"
    )
    server_cr = "HEAD\n/bkt/k\n\nhost:bkt\n\nhost\nUNSIGNED-PAYLOAD"
    doc = error_doc(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided.",
        ("OSSAccessKeyId", "LTAI5tKey"),
        ("SignatureProvided", "deadbeef"),
        ("StringToSign", server_sts),
        ("StringToSignBytes", " ".join(f"{b:02x}" for b in server_sts.encode())),
        ("CanonicalRequest", server_cr),
        ("EC", "0002-00000040"),
    )
    error = decode_service_error(
        403,
        {"x-oss-err": b64(doc)},
        b"",
        our_string_to_sign="OURS\nsts",
        our_canonical_request="OURS\ncr",
    )
    assert error.code == "SignatureDoesNotMatch"
    assert error.server_string_to_sign == server_sts  # newlines kept
    assert error.server_canonical_request == server_cr
    assert error.our_string_to_sign == "OURS\nsts"
    assert error.our_canonical_request == "OURS\ncr"
    assert error.ec == "0002-00000040"


def test_string_to_sign_bytes_is_used_when_string_to_sign_is_missing() -> None:
    sts = "HEAD\n\n\nFri, 02 Jan 2026 03:04:05 GMT\n/bkt/目录"
    for hex_form in (" ".join(f"{b:02x}" for b in sts.encode()), sts.encode().hex().upper()):
        doc = error_doc("SignatureDoesNotMatch", "mismatch", ("StringToSignBytes", hex_form))
        error = decode_service_error(403, {"x-oss-err": b64(doc)}, b"")
        assert error.server_string_to_sign == sts


def test_clock_skew_from_the_response_date() -> None:
    doc = error_doc(
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
        ("MaxAllowedSkewMilliseconds", "900000"),
    )
    headers = {"x-oss-err": b64(doc), "Date": "Fri, 02 Jan 2026 03:34:05 GMT"}
    sent_at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    error = decode_service_error(403, headers, b"", sent_at=sent_at)
    assert error.skew_seconds == 1800.0
    behind = decode_service_error(403, headers, b"", sent_at=datetime(2026, 1, 2, 4, 0, 0))
    assert behind.skew_seconds == -1555.0  # a naive sent_at is UTC; negative: our clock is ahead


def test_clock_skew_from_server_and_request_time_elements() -> None:
    doc = error_doc(
        "RequestTimeTooSkewed",
        "too skewed",
        ("RequestTime", "2026-01-02T03:04:05.000Z"),
        ("ServerTime", "2026-01-02T03:24:05.000Z"),
    )
    error = decode_service_error(403, {"x-oss-err": b64(doc)}, b"")
    assert error.skew_seconds == 1200.0


def test_clock_skew_unknown_says_so() -> None:
    doc = error_doc("RequestTimeTooSkewed", "too skewed")
    error = decode_service_error(403, {"x-oss-err": b64(doc)}, b"")
    assert error.skew_seconds is None
    assert "skew" in (error.decode_problem or "")


@pytest.mark.parametrize(
    ("code", "message", "elements", "region", "hint"),
    [
        # What real OSS says (EC 0002-00000226); the bucket's endpoint is in HostId.
        (
            "InvalidArgument",
            "Invalid signing region in Authorization header.",
            (("HostId", "bkt.oss-cn-beijing.aliyuncs.com"), ("EC", "0002-00000226")),
            "beijing",
            "cn-beijing",
        ),
        (
            "InvalidArgument",
            "Invalid signing region in Authorization header.",
            (("HostId", "bkt.oss-cn-beijing-internal.aliyuncs.com"),),
            "cn-beijing-internal",
            "cn-beijing",
        ),
        # The bucket lives in another region: OSS names the endpoint to use.
        (
            "AccessDenied",
            "The bucket you are attempting to access must be addressed using the specified "
            "endpoint. Please send all future requests to this endpoint.",
            (("Endpoint", "oss-cn-shanghai.aliyuncs.com"),),
            "cn-hangzhou",
            "cn-shanghai",
        ),
        # A <Region>-like element, or a phrase naming the expected region.
        (
            "SignatureDoesNotMatch",
            "Wrong region.",
            (("Region", "cn-shenzhen"),),
            "cn-hangzhou",
            "cn-shenzhen",
        ),
        ("InvalidArgument", "bad", (("ExpectedRegion", "ap-southeast-1"),), None, "ap-southeast-1"),
        (
            "InvalidArgument",
            "Invalid signing region 'cn-hangzhou'; expected 'cn-beijing'.",
            (),
            "cn-hangzhou",
            "cn-beijing",
        ),
        (
            "AuthorizationHeaderMalformed",
            "the region 'us-west-2' is wrong; expecting 'us-east-1'",
            (),
            "us-west-2",
            "us-east-1",
        ),
        # The emulator's shape: our region and the expected one both named.
        (
            "InvalidArgument",
            "Invalid signing region in Authorization header: got 'cn-beijing', "
            "expected 'cn-hangzhou'.",
            (("SigningRegion", "cn-beijing"), ("Region", "cn-hangzhou")),
            "cn-beijing",
            "cn-hangzhou",
        ),
        # Not a region problem: HostId alone is no hint.
        (
            "NoSuchKey",
            "The specified key does not exist.",
            (("HostId", "bkt.oss-cn-beijing.aliyuncs.com"),),
            "cn-hangzhou",
            None,
        ),
        # The hint never repeats the region we already used.
        (
            "InvalidArgument",
            "Invalid signing region in Authorization header.",
            (("HostId", "bkt.oss-cn-hangzhou.aliyuncs.com"),),
            "cn-hangzhou",
            None,
        ),
    ],
)
def test_region_hint(
    code: str,
    message: str,
    elements: tuple[tuple[str, str], ...],
    region: str | None,
    hint: str | None,
) -> None:
    doc = error_doc(code, message, *elements)
    error = decode_service_error(400, {"x-oss-err": b64(doc)}, b"", region=region)
    assert error.region_hint == hint


# --- decode_service_error: missing, broken and hostile ---------------------------------------


def test_no_error_document_falls_back_to_bad_error_response() -> None:
    error = decode_service_error(404, {"x-oss-request-id": "R1", "x-oss-ec": "0026-00000001"}, b"")
    assert error.code == BAD_ERROR_RESPONSE
    assert "Not Found" in error.message
    assert error.request_id == "R1" and error.ec == "0026-00000001"
    assert "no x-oss-err" in (error.decode_problem or "")
    assert decode_service_error(599, {}, None).message.startswith("HTTP 599")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("%%% not base64 %%%", "not valid base64"),
        ("这不是base64", "not valid base64"),
        ("", "empty"),
        (b64("just some text, not XML"), "not well-formed XML"),
        (b64(b"\xff\xfe\x00<Error>"), "not well-formed XML"),
        (b64("<Error><Code>NoSuchKey</Code>"), "not well-formed XML"),  # truncated
        (b64("<ListBucketResult><Name>b</Name></ListBucketResult>"), "not an OSS error document"),
    ],
)
def test_broken_x_oss_err_is_reported_not_raised(value: str, problem: str) -> None:
    error = decode_service_error(403, {"x-oss-err": value}, b"")
    assert problem in (error.decode_problem or "")
    assert error.status == 403
    assert error.code == BAD_ERROR_RESPONSE


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Error><Code>NoSuchKey</Code><Message>&lol9;</Message></Error>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Error><Code>NoSuchKey</Code><Message>&xxe;</Message></Error>"""


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "xxe"])
def test_entities_are_refused_not_expanded(doc: str) -> None:
    for headers, body in (({"x-oss-err": b64(doc)}, b""), ({}, doc.encode())):
        error = decode_service_error(403, headers, body)
        assert "DTD or entities" in (error.decode_problem or "")
        assert "lollol" not in repr(error) and "root:" not in repr(error)
        assert len(error.message) < 200


def test_megabytes_of_x_oss_err_are_not_decoded() -> None:
    huge = b64(b"<Error><Code>X</Code><Message>" + b"A" * 4_000_000 + b"</Message></Error>")
    assert len(huge) > 5_000_000
    error = decode_service_error(403, {"x-oss-err": huge}, b"")
    assert "too large" in (error.decode_problem or "")
    assert error.code == BAD_ERROR_RESPONSE
    assert len(repr(error)) < 2000


def test_megabytes_of_body_are_not_decoded() -> None:
    body = b"<Error><Code>X</Code><Message>" + b"A" * (5 * 1024 * 1024) + b"</Message></Error>"
    error = decode_service_error(500, {}, body)
    assert "too large" in (error.decode_problem or "")
    assert len(repr(error)) < 2000


def test_a_document_just_under_the_cap_is_read_but_each_value_is_bounded() -> None:
    filler = "B" * (MAX_DOCUMENT_BYTES - 200)
    doc = error_doc("InternalError", "big", ("Detail", filler))
    assert len(doc.encode()) < MAX_DOCUMENT_BYTES
    error = decode_service_error(500, {"x-oss-err": b64(doc)}, b"")
    assert error.code == "InternalError"
    detail = dict(error.fields)["Detail"]
    assert detail.startswith("BBBB") and detail.endswith("…") and len(detail) < len(filler)


def test_control_characters_from_the_server_are_shown_escaped() -> None:
    # XML 1.0 allows C1 controls such as U+009B (CSI), which a terminal may act on: they are
    # shown as escapes, so the user sees what was sent and the terminal does not act on it.
    doc = error_doc("NoSuchKey", "gone\u009b2J\u0085 now\ttoo", ("Key", "a\u009b31mb\u202e"))
    error = decode_service_error(404, {"x-oss-err": b64(doc)}, b"")
    assert error.code == "NoSuchKey"
    assert error.message == "gone\\x9b2J\\x85 now too"
    assert dict(error.fields)["Key"] == "a\\x9b31mb\\u202e"
    # XML 1.0 forbids C0 controls: the document is read with U+FFFD in their place (so ESC
    # never reaches the terminal), and the problem is said.
    bad = decode_service_error(404, {"x-oss-err": b64("<Error><Code>A\x1b[2J</Code></Error>")}, b"")
    assert bad.code == "A\ufffd[2J"
    assert "control characters XML cannot carry" in (bad.decode_problem or "")
    raw = decode_service_error(404, {"x-oss-ec": "0026\x1b[2J", "x-oss-request-id": "r\x00"}, b"")
    assert raw.ec == "0026\\x1b[2J" and raw.request_id == "r\\x00"


def test_secrets_echoed_by_a_server_are_hidden() -> None:
    doc = error_doc(
        "InvalidSecurityToken",
        f"The security token {TOKEN} is invalid; secret {SECRET}",
        ("SecurityToken", "opaque-token-not-registered-1234"),
    )
    error = decode_service_error(403, {"x-oss-err": b64(doc)}, b"", redactor=REDACTOR)
    text = repr(error)
    assert TOKEN not in text and SECRET not in text
    assert "opaque-token-not-registered-1234" not in text
    assert "***" in error.message


def test_hundreds_of_elements_are_bounded() -> None:
    doc = error_doc("InternalError", "many", *[(f"E{i}", str(i)) for i in range(1000)])
    error = decode_service_error(500, {"x-oss-err": b64(doc)}, b"")
    assert error.code == "InternalError"
    assert len(error.fields) <= 200
    assert "only the first" in (error.decode_problem or "")


@settings(max_examples=150, deadline=None)
@given(
    header=st.one_of(st.none(), st.text(max_size=300)),
    body=st.one_of(st.none(), st.binary(max_size=300)),
    status=st.integers(min_value=100, max_value=999),
)
def test_never_raises_on_arbitrary_input(
    header: str | None, body: bytes | None, status: int
) -> None:
    headers = {} if header is None else {"x-oss-err": header, "x-oss-ec": header}
    error = decode_service_error(status, headers, body)
    assert error.status == status and error.code


# --- transport_failure: real failures ----------------------------------------------------


@contextlib.contextmanager
def one_shot_server(
    handle: Callable[[socket.socket], None],
) -> Iterator[int]:
    """A server on 127.0.0.1 that passes its first connection to ``handle``; yields the port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(10)

    def run() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            with contextlib.suppress(OSError, ssl.SSLError):
                handle(conn)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(timeout=10)


def read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def failure_of(url: str, **client_args: object) -> BaseException:
    timeout = client_args.pop("timeout", httpx.Timeout(5.0))
    with httpx.Client(timeout=timeout, **client_args) as client:  # type: ignore[arg-type]
        try:
            client.head(url)
        except BaseException as exc:
            return exc
    raise AssertionError("the request unexpectedly succeeded")


def assert_one_clean_line(message: str) -> None:
    assert message and "\n" not in message and "\r" not in message
    assert "Traceback" not in message
    assert SECRET not in message and TOKEN not in message


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused() -> None:
    port = closed_port()
    failure = transport_failure(failure_of(f"http://127.0.0.1:{port}/bkt/k"))
    assert failure.kind == "refused"
    assert failure.message == (
        f"Connection refused by 127.0.0.1:{port} — is the endpoint right and the service running?"
    )


def test_dns_failure_for_an_invalid_name() -> None:
    failure = transport_failure(failure_of("http://no-such-bucket.oss-nowhere.invalid/k"))
    assert failure.kind == "dns"
    assert "no-such-bucket.oss-nowhere.invalid" in failure.message
    assert_one_clean_line(failure.message)


def test_read_timeout_when_the_server_never_answers() -> None:
    # A listening socket completes the TCP handshake without accept(): connected, never answered.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        exc = failure_of(f"http://127.0.0.1:{port}/k", timeout=httpx.Timeout(5.0, read=0.3))
    failure = transport_failure(exc)
    assert failure.kind == "read_timeout"
    assert f"127.0.0.1:{port}" in failure.message and "--read-timeout" in failure.message


def test_reset_mid_answer() -> None:
    def reset(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Le")
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    with one_shot_server(reset) as port:
        failure = transport_failure(failure_of(f"http://127.0.0.1:{port}/k"))
    assert failure.kind in ("reset", "protocol")
    assert_one_clean_line(failure.message)


def test_closed_without_an_answer_is_a_reset() -> None:
    with one_shot_server(read_request) as port:
        failure = transport_failure(failure_of(f"http://127.0.0.1:{port}/k"))
    assert failure.kind == "reset"
    assert f"127.0.0.1:{port}" in failure.message


def test_garbage_instead_of_http_is_a_protocol_error() -> None:
    def garbage(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\nnot http at all\r\n\r\n")
        time.sleep(0.2)

    with one_shot_server(garbage) as port:
        failure = transport_failure(failure_of(f"http://127.0.0.1:{port}/k"))
    assert failure.kind == "protocol"
    assert_one_clean_line(failure.message)


def test_untrusted_tls_certificate() -> None:
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)

    def tls(conn: socket.socket) -> None:
        with server_context.wrap_socket(conn, server_side=True):
            pass

    with one_shot_server(tls) as port:
        exc = failure_of(f"https://127.0.0.1:{port}/k")
    failure = transport_failure(exc)
    assert failure.kind == "tls"
    assert "certificate" in failure.message and "--skip-verify-cert" in failure.message
    assert_one_clean_line(failure.message)


def test_a_proxy_that_refuses_connect() -> None:
    def proxy(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        time.sleep(0.2)

    with one_shot_server(proxy) as port:
        exc = failure_of(
            "https://bkt.oss-cn-hangzhou.aliyuncs.com/k", proxy=f"http://127.0.0.1:{port}"
        )
    failure = transport_failure(exc)
    assert failure.kind == "proxy"
    assert "proxy" in failure.message.lower()
    assert_one_clean_line(failure.message)


# --- transport_failure: constructed exceptions ----------------------------------------------

REQUEST = httpx.Request("HEAD", "https://bkt.oss-cn-hangzhou.aliyuncs.com/k")


@pytest.mark.parametrize(
    ("exc", "kind", "words"),
    [
        (
            httpx.ConnectTimeout("timed out", request=REQUEST),
            "connect_timeout",
            "--connect-timeout",
        ),
        (httpx.ReadTimeout("timed out", request=REQUEST), "read_timeout", "--read-timeout"),
        (httpx.WriteTimeout("timed out", request=REQUEST), "read_timeout", "sending"),
        (httpx.PoolTimeout("timed out", request=REQUEST), "connect_timeout", "free connection"),
        (httpx.ProxyError("407 Proxy Authentication Required", request=REQUEST), "proxy", "proxy"),
        (
            httpx.RemoteProtocolError("illegal status line", request=REQUEST),
            "protocol",
            "valid HTTP",
        ),
        (
            httpx.ReadError("[Errno 104] Connection reset by peer", request=REQUEST),
            "reset",
            "closed",
        ),
        (ConnectionRefusedError(111, "Connection refused"), "refused", "refused"),
        (socket.gaierror(-2, "Name or service not known"), "dns", "resolve"),
        (ConnectionResetError(104, "Connection reset by peer"), "reset", "closed"),
        (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"), "tls", "TLS"),
        (TimeoutError("timed out"), "connect_timeout", "Timed out"),
        (OSError(101, "Network is unreachable"), "other", "Network is unreachable"),
        (RuntimeError(""), "other", "RuntimeError"),
    ],
)
def test_kinds_and_messages(exc: BaseException, kind: str, words: str) -> None:
    failure = transport_failure(exc)
    assert failure.kind == kind
    assert words in failure.message
    assert_one_clean_line(failure.message)


def test_host_comes_from_the_request() -> None:
    failure = transport_failure(httpx.ConnectTimeout("timed out", request=REQUEST))
    assert "bkt.oss-cn-hangzhou.aliyuncs.com:443" in failure.message


def test_cause_chain_is_followed() -> None:
    try:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except OSError as inner:
            raise httpx.ConnectError("connect failed", request=REQUEST) from inner
    except httpx.ConnectError as exc:
        assert transport_failure(exc).kind == "refused"


def test_a_message_never_carries_a_secret_or_signature() -> None:
    text = (
        f"failed for https://bkt.example/k?x-oss-signature=abcdef0123&x-oss-security-token={TOKEN}"
        f"\nAuthorization: OSS LTAI:{SECRET}"
    )
    failure = transport_failure(httpx.ConnectError(text, request=REQUEST), REDACTOR)
    assert_one_clean_line(failure.message)
    assert "abcdef0123" not in failure.message


def test_a_cyclic_cause_chain_terminates() -> None:
    a = OSError("a")
    b = OSError("b")
    a.__cause__ = b
    b.__cause__ = a
    assert transport_failure(a).kind == "other"
