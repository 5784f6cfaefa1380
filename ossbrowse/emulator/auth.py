"""Request authentication for the emulator: V1/V4 headers, V1/V4 presigned URLs, STS.

Signatures are recomputed with the same pure functions the client signs with
(:mod:`ossbrowse.oss.signing`) and compared in constant time. Checks run in the order OSS
documents: a malformed ``Authorization`` is 400 InvalidArgument; an unknown AccessKeyId 403
InvalidAccessKeyId; a missing or bad date 403 AccessDenied; more than 15 minutes of skew 403
RequestTimeTooSkewed; a V4 scope for another region 400 InvalidArgument (EC 0002-00000226, as
real OSS answers); then 403 SignatureDoesNotMatch carrying the server's StringToSign (and for
V4 the canonical request).

STS: a request that carries a security token (``x-oss-security-token`` header, ``security-token``
or ``x-oss-security-token`` query parameter) is accepted only if the token is one of the
emulator's ``sts_tokens`` and the AccessKeyId is the one issued with it; the long-term key never
accepts a token. The Python SDK v2's V1 signer sends the token in a header literally named
``security-token``; it is accepted too. A token is a secret: it is masked in echoed
string-to-sign documents.

This module chooses the scheme; :mod:`.auth_headers` verifies ``Authorization`` headers,
:mod:`.auth_presign` presigned URLs, and :mod:`.auth_common` holds what they share.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ossbrowse.emulator.auth_common import (
    MAX_SKEW_SECONDS,
    TOKEN_MASK,
    AuthRequest,
    Identity,
    Verifier,
)
from ossbrowse.emulator.auth_headers import verify_v1_header, verify_v4_header
from ossbrowse.emulator.auth_presign import verify_v1_url, verify_v4_url
from ossbrowse.emulator.errors import EC, access_denied, invalid_argument
from ossbrowse.oss.canonical import V4_ALGORITHM

__all__ = ["MAX_SKEW_SECONDS", "TOKEN_MASK", "AuthRequest", "Authenticator", "Identity"]


class Authenticator(Verifier):
    """Verifies requests against the emulator's key pair, STS tokens and region."""

    def __init__(
        self,
        *,
        region: str,
        access_key_id: str,
        access_key_secret: str,
        sts_tokens: Mapping[str, tuple[str, str]] | None = None,
        allow_anonymous: bool = False,
        clock: Callable[[], float],
    ) -> None:
        super().__init__(
            region=region,
            access_key_id=access_key_id,
            access_key_secret=access_key_secret,
            sts_tokens=sts_tokens,
            clock=clock,
        )
        self.allow_anonymous = allow_anonymous

    def authenticate(self, request: AuthRequest) -> Identity:
        """Verify ``request``; raise OssError when OSS would refuse it."""
        authorization = request.headers.get("authorization")
        query_names = {name for name, _ in request.query}
        v4_query = "x-oss-signature-version" in query_names
        v1_query = "OSSAccessKeyId" in query_names or "Signature" in query_names
        if authorization is not None and (v4_query or v1_query):
            raise invalid_argument(
                "Signing in both the Authorization header and the URL is not supported.",
                ec=EC["InvalidAuthorization"],
            )
        if authorization is not None:
            if authorization.startswith(V4_ALGORITHM + " "):
                return verify_v4_header(self, request, authorization[len(V4_ALGORITHM) + 1 :])
            if authorization.startswith("OSS "):
                return verify_v1_header(self, request, authorization[4:])
            raise invalid_argument(
                "Authorization header is invalid.",
                "Authorization",
                authorization.split(" ")[0],
                EC["InvalidAuthorization"],
            )
        if v4_query:
            return verify_v4_url(self, request)
        if v1_query:
            return verify_v1_url(self, request)
        if self.allow_anonymous:
            return Identity(None, "anonymous")
        raise access_denied(
            "You have no right to access this object because of bucket acl.",
            EC["AccessDeniedAnonymous"],
        )
