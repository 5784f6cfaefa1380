"""The direct line (httpcore without httpx's models) puts on the wire exactly what httpx's own
transport puts there: the same request line, Host, headers, order and bytes, for any key,
version id and conditions; against a recording server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from keepalive_server import KeepAliveServer

from ossbrowse.oss.client import OssClient
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.profile import Profile
from ossbrowse.oss.validation import InputErrors

SIGNED_AT = datetime(2026, 11, 30, 4, 5, 6, tzinfo=UTC)


@pytest.fixture(scope="module")
def server() -> Iterator[KeepAliveServer]:
    server = KeepAliveServer()
    try:
        yield server
    finally:
        server.stop()


def _clients(server: KeepAliveServer, sign_version: str) -> tuple[OssClient, OssClient]:
    profile = Profile(
        access_key_id="LTAI5tWireKey",
        access_key_secret="WireSecret0123456789abcdefgh",
        region="cn-hangzhou",
        endpoint=server.endpoint,
        sign_version=sign_version,
        sts_token="WireToken/With+Odd=Chars",
        retry_times=0,
    )
    direct = OssClient(profile, clock=lambda: SIGNED_AT)
    # The same request path over httpx's own transport (what every request used before).
    through_httpx = OssClient(profile, clock=lambda: SIGNED_AT, transport=httpx.HTTPTransport())
    return direct, through_httpx


KEYS = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40
) | st.sampled_from(["a b/c+d", "x?y#z", "%41%", "./..", "a//b", "~tilde*'()!", "k\x01\x7f"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(key=KEYS, version=st.sampled_from(["", "CAEQ+/=", "v1&2?#%"]), etag=st.booleans())
@pytest.mark.parametrize("sign_version", ["v4", "v1"])
def test_the_direct_line_sends_what_httpx_sends(
    server: KeepAliveServer, sign_version: str, key: str, version: str, etag: bool
) -> None:
    try:
        request = build_head_request(
            bucket="wire-bucket",
            key=key,
            version_id=version,
            if_none_match='"5EB63BBBE01EEED093CB22BB8F5ACDC3"' if etag else "",
        )
    except InputErrors:
        assume(False)
        return
    direct, through_httpx = _clients(server, sign_version)
    with direct, through_httpx:
        before = len(server.heads)
        assert direct.head_object(request).status == 200
        assert through_httpx.head_object(request).status == 200
    sent_direct, sent_httpx = server.heads[before:]
    assert sent_direct == sent_httpx
    assert sent_direct.startswith(b"HEAD /wire-bucket/")
