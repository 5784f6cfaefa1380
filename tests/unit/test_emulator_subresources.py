"""Every OSS sub-resource and action, for every method, is served or refused with 501.

The list walked is not ours: it is read from the official SDKs installed in the test
environment (oss2's and alibabacloud-oss-v2's V1 signing lists, plus the per-operation
sub-resources the v2 SDK's operations add) and the actions of the API reference selected by a
query name outside those lists. Each request is signed by the v2 SDK's own V1 signer, so a
sub-resource missing from the emulator's verification list shows up as SignatureDoesNotMatch.
The walk runs in-process (no sockets: about 3,000 requests); the named examples of issue 15
also go over the wire in tests/integration/test_emulator_refusals.py.
"""

from __future__ import annotations

import base64
import re
import time
from importlib import resources
from pathlib import Path

import pytest
from alibabacloud_oss_v2.credentials import StaticCredentialsProvider
from alibabacloud_oss_v2.signer import SignerV1
from alibabacloud_oss_v2.types import HttpRequest, SigningContext
from defusedxml import ElementTree
from oss2.auth import Auth

from ossbrowse.emulator.app import OssApp
from ossbrowse.emulator.auth import Authenticator
from ossbrowse.emulator.messages import Request, Response
from ossbrowse.emulator.routing import base_hosts
from ossbrowse.emulator.store import Store
from ossbrowse.oss.canonical import V1_SUBRESOURCES

AK, SK = "LTAI5tWalkKey0000000001", "WalkSecret0123456789abcdefghij"
REGION = "cn-hangzhou"
BUCKET, KEY = "walk-1", "dir/k.txt"
METHODS = ("GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS")

# Operations selected by a query name outside the SDKs' V1 signing lists (API reference,
# oss2's api.py constants, the v2 SDK's operation parameters).
API_ACTIONS = {"regions", "accessmonitor", "x-oss-async-process", "cleanRestoredObject", "seal"}

# Parameters that never select an operation: an STS token of a presigned URL, and who pays.
NEUTRAL = {"security-token", "x-oss-request-payer"}

# What the emulator claims to serve, written out here (not read from the emulator).
RESPONSE_OVERRIDES = {
    "response-content-type",
    "response-content-language",
    "response-expires",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
}
SERVED = {
    *(
        ("bucket", m, n)
        for m in ("GET", "HEAD")
        for n in ("versioning", "versions", "location", "bucketInfo")
    ),
    ("bucket", "POST", "delete"),
    ("bucket", "PUT", "versioning"),
    *(("bucket", m, "lifecycle") for m in ("GET", "PUT", "DELETE")),
    ("object", "POST", "append"),
    ("object", "PUT", "symlink"),
    ("object", "GET", "symlink"),
    *(("object", m, "tagging") for m in ("GET", "PUT", "DELETE")),
    ("object", "POST", "restore"),
    *(("object", m, "versionId") for m in ("GET", "HEAD", "DELETE")),
    *(("object", m, n) for m in ("GET", "HEAD") for n in RESPONSE_OVERRIDES),
    ("object", "HEAD", "objectMeta"),
}

# Values for sub-resources that need one to be well-formed.
VALUES = {
    "versionId": "CAEQNRiBgIDMh4mD0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFhZjhjYmY0****",
    "uploadId": "0004B9894A22E5B1888A1E29F823****",
    "partNumber": "1",
    "position": "0",
    "x-oss-process": "image/resize,w_10",
    "response-content-type": "text/plain",
    "response-expires": "Thu, 01 Jan 2037 00:00:00 GMT",
    "continuation-token": "ZGlyL2sudHh0",
}


def _v2_operation_subresources() -> set[str]:
    """The ``sub-resource`` names the v2 SDK's operations add to its V1 signing list."""
    names: set[str] = set()
    package = Path(str(resources.files("alibabacloud_oss_v2")))
    pattern = re.compile(r"""['"]sub-resource['"]\s*:\s*\[([^\]]*)\]""", re.S)
    for source in package.rglob("*.py"):
        for match in pattern.finditer(source.read_text(encoding="utf-8")):
            names.update(re.findall(r"""['"]([^'"]+)['"]""", match.group(1)))
    return names


SDK_SUBRESOURCES = (
    set(Auth._subresource_key_set)
    | set(SignerV1._subresource_key_set)
    | _v2_operation_subresources()
)
WALKED = sorted((SDK_SUBRESOURCES | API_ACTIONS) - NEUTRAL)


def test_the_v1_signing_list_is_every_name_the_official_sdks_sign() -> None:
    assert len(SDK_SUBRESOURCES) > 100  # the SDKs' lists were found
    assert SDK_SUBRESOURCES - V1_SUBRESOURCES == set()


@pytest.fixture(scope="module")
def app() -> OssApp:
    store = Store(clock=time.time)
    store.create_bucket(BUCKET, region=REGION)
    store.create_bucket("walk-2", region=REGION)  # an empty bucket a plain DELETE could remove
    store.put_object(BUCKET, KEY, b"0123456789", content_type="text/plain")
    authenticator = Authenticator(
        region=REGION, access_key_id=AK, access_key_secret=SK, clock=time.time
    )
    return OssApp(
        store=store,
        authenticator=authenticator,
        region=REGION,
        clock=time.time,
        bases=base_hosts("127.0.0.1", REGION),
        host_label="localhost",
    )


def _signed(
    method: str, bucket: str | None, key: str | None, name: str, *, declare: bool = True
) -> Request:
    value = VALUES.get(name, "")
    query = f"{name}={value}" if value else name
    path = "/" if bucket is None else f"/{bucket}/{key or ''}"
    http = HttpRequest(method, f"http://127.0.0.1{path}?{query}", headers={})
    ctx = SigningContext(
        product="oss",
        region=REGION,
        bucket=bucket,
        key=key,
        request=http,
        credentials=StaticCredentialsProvider(AK, SK).get_credentials(),
    )
    if declare and name in SDK_SUBRESOURCES:
        ctx.sub_resource = [name]  # as the SDK's operations declare their sub-resource
    SignerV1().sign(ctx)
    headers = {k.lower(): v for k, v in http.headers.items()}
    headers["host"] = "127.0.0.1"
    return Request(method, path, query, headers)


def _code(response: Response, method: str) -> str | None:
    if response.status < 300:
        return None
    document = response.body
    if method == "HEAD":
        document = base64.b64decode(dict(response.headers)["x-oss-err"])
    code = ElementTree.fromstring(document).findtext("Code")
    assert code, "an error without a Code"
    return code


def test_each_subresource_for_each_method_is_served_or_refused(app: OssApp) -> None:
    before = app.store.export_ops()
    wrong: list[str] = []
    levels = (("service", None, None), ("bucket", BUCKET, None), ("object", BUCKET, KEY))
    for name in WALKED:
        for level, bucket, key in levels:
            for method in METHODS:
                response = app.handle(_signed(method, bucket, key, name))
                code = _code(response, method)
                where = f"{method} {level} ?{name}: {response.status} {code}"
                if (level, method, name) in SERVED:
                    if response.status == 501 or response.status >= 500:
                        wrong.append(f"{where} (served, expected an answer)")
                elif (response.status, code) != (501, "NotImplemented"):
                    wrong.append(f"{where} (expected 501 NotImplemented)")
    assert wrong == []
    assert app.store.export_ops() == before


@pytest.mark.parametrize(
    ("method", "bucket", "key", "name"),
    [
        ("DELETE", BUCKET, KEY, "acl"),
        ("GET", BUCKET, KEY, "acl"),
        ("HEAD", BUCKET, KEY, "tagging"),
        ("POST", BUCKET, KEY, "position"),
        ("GET", BUCKET, None, "acl"),
        ("GET", BUCKET, None, "cors"),
        ("GET", BUCKET, None, "stat"),
        ("GET", BUCKET, None, "uploads"),
        ("GET", None, None, "regions"),
        ("PUT", BUCKET, None, "acl"),
        ("PUT", BUCKET, None, "cors"),
        ("DELETE", "walk-2", None, "website"),
        ("GET", BUCKET, KEY, "x-oss-process"),
    ],
)
def test_the_reported_reinterpretations_are_refused(
    app: OssApp, method: str, bucket: str | None, key: str | None, name: str
) -> None:
    before = app.store.export_ops()
    response = app.handle(_signed(method, bucket, key, name))
    assert response.status == 501
    assert _code(response, method) == "NotImplemented"
    assert b"0123456789" not in response.body
    assert app.store.export_ops() == before


def test_an_unknown_x_oss_parameter_is_refused_not_ignored(app: OssApp) -> None:
    # Not a V1 sub-resource: the SDK does not sign it, and neither does the emulator.
    response = app.handle(_signed("GET", BUCKET, KEY, "x-oss-some-future-feature", declare=False))
    assert response.status == 501
