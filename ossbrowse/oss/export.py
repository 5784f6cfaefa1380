"""Shareable reproductions of a probe: an ossutil command, a curl command, a Python snippet.

What is exported never carries a secret: the ossutil and SDK forms read credentials from the
environment, and the curl form uses a presigned URL (a time-limited signature, not the key).
With an STS token the signature covers the token, so the URL is signed with it but the token
itself is left out: curl adds it from the ``OSS_SESSION_TOKEN`` environment variable.
"""

from __future__ import annotations

import shlex
from datetime import datetime

import httpx

from .addressing import effective_style, endpoint_for_region, object_url, parse_endpoint
from .conditions import request_headers
from .httpdates import format_http_date
from .profile import Profile
from .results import HeadRequest
from .signing import Credentials, presign_v1, presign_v4, utc_now

TOKEN_VARIABLE = "OSS_SESSION_TOKEN"  # noqa: S105 (the name of a variable, not a token)


def _request_flags(request: HeadRequest) -> list[str]:
    flags = ["--bucket", request.bucket, "--key", request.key]
    if request.version_id:
        flags += ["--version-id", request.version_id]
    for flag, value in (
        ("--if-match", request.if_match),
        ("--if-none-match", request.if_none_match),
    ):
        if value is not None:
            flags += [flag, value]
    for flag, moment in (
        ("--if-modified-since", request.if_modified_since),
        ("--if-unmodified-since", request.if_unmodified_since),
    ):
        if moment is not None:
            flags += [flag, format_http_date(moment)]
    return flags


def _profile_flags(profile: Profile) -> list[str]:
    flags: list[str] = []
    if profile.region:
        flags += ["--region", profile.region]
    if profile.endpoint:
        flags += ["-e", profile.endpoint]
    if profile.sign_version != "v4":
        flags += ["--sign-version", profile.sign_version]
    if profile.addressing_style != "virtual":
        flags += ["--addressing-style", profile.addressing_style]
    if profile.proxy:
        # A proxy's password is a secret too: the export names the proxy without it.
        proxy = profile.proxy
        if proxy != "env":
            proxy = str(httpx.URL(proxy).copy_with(username=None, password=None))
        flags += ["--proxy", proxy]
    defaults = Profile()
    for flag, name in (
        ("--connect-timeout", "connect_timeout"),
        ("--read-timeout", "read_timeout"),
        ("--retry-times", "retry_times"),
    ):
        if getattr(profile, name) != getattr(defaults, name):
            flags += [flag, f"{getattr(profile, name):g}"]
    if profile.skip_verify_cert:
        flags.append("--skip-verify-cert")
    return flags


def to_ossutil(request: HeadRequest, profile: Profile) -> str:
    """``ossutil api head-object ...``; credentials come from the user's own ossutil setup."""
    args = ["ossutil", "api", "head-object", *_request_flags(request), *_profile_flags(profile)]
    if profile.name not in ("default", "demo", ""):
        args += ["--profile", profile.name]
    return shlex.join(args)


def to_ossbrowse(request: HeadRequest, profile: Profile) -> str:
    """The same probe as ``ossbrowse head``."""
    args = ["ossbrowse", "head", *_request_flags(request), *_profile_flags(profile)]
    if profile.name not in ("default", "demo", ""):
        args += ["--profile", profile.name]
    return shlex.join(args)


def to_curl(
    request: HeadRequest,
    profile: Profile,
    *,
    expires: int = 900,
    now: datetime | None = None,
) -> str:
    """``curl -I`` with a presigned URL valid for ``expires`` seconds, plus the If-* headers.

    With an STS token the URL is signed with it, but the token is read by curl from the
    environment (``-G --data-urlencode``) so the export itself holds no secret.
    """
    assert profile.access_key_id and profile.access_key_secret
    creds = Credentials(profile.access_key_id, profile.access_key_secret, profile.sts_token)
    endpoint = parse_endpoint(profile.endpoint or endpoint_for_region(profile.region or ""))
    style = effective_style(endpoint, profile.addressing_style)
    base = object_url(endpoint, request.bucket, request.key, style=style)
    query = [("versionId", request.version_id)] if request.version_id else []
    moment = now or utc_now()
    if profile.sign_version == "v1":
        signed = presign_v1(
            creds,
            method="HEAD",
            base_url=base,
            bucket=request.bucket,
            key=request.key,
            expires_at=int(moment.timestamp()) + expires,
            query=query,
        )
    else:
        signed = presign_v4(
            creds,
            method="HEAD",
            base_url=base,
            bucket=request.bucket,
            key=request.key,
            region=profile.region or "",
            query=query,
            expires=expires,
            signing_time=moment,
        )
    args = ["curl", "-I"]
    for name, value in request_headers(request).items():
        args += ["-H", f"{name}: {value}"]
    if not profile.sts_token:
        return shlex.join([*args, signed.url])
    param = "security-token" if profile.sign_version == "v1" else "x-oss-security-token"
    base_url, _, signed_query = signed.url.partition("?")
    kept = "&".join(p for p in signed_query.split("&") if not p.startswith(param + "="))
    # Double quotes: the shell expands the variable when the command runs.
    token_arg = f'-G --data-urlencode "{param}=${{{TOKEN_VARIABLE}}}"'
    return f"{shlex.join(args)} {token_arg} {shlex.quote(base_url + '?' + kept)}"


def to_python(request: HeadRequest, profile: Profile) -> str:
    """An ``alibabacloud-oss-v2`` snippet; credentials from the OSS_* environment variables.

    It prints the status and ETag of a 200, or the status the SDK raised for (304, 412, 404...),
    so its first word is the status the probe got.
    """
    fields = [f"bucket={request.bucket!r}", f"key={request.key!r}"]
    if request.version_id:
        fields.append(f"version_id={request.version_id!r}")
    for name, value in request_headers(request).items():
        fields.append(f"{name.lower().replace('-', '_')}={value!r}")
    lines = [
        "import alibabacloud_oss_v2 as oss",
        "",
        "cfg = oss.config.load_default()",
        "cfg.credentials_provider = oss.credentials.EnvironmentVariableCredentialsProvider()",
        f"cfg.region = {profile.region!r}",
    ]
    if profile.endpoint:
        lines.append(f"cfg.endpoint = {profile.endpoint!r}")
    if profile.sign_version == "v1":
        lines.append('cfg.signature_version = "v1"')
    lines += [
        "client = oss.Client(cfg)",
        "try:",
        f"    result = client.head_object(oss.HeadObjectRequest({', '.join(fields)}))",
        "    print(result.status_code, result.etag)",
        "except oss.exceptions.OperationError as error:",
        "    # The SDK raises for every status but 2xx (304 and 412 too): print that status.",
        "    cause = error.unwrap()",
        "    if not isinstance(cause, oss.exceptions.ServiceError):",
        "        raise",
        "    print(cause.status_code)",
    ]
    return "\n".join(lines)
