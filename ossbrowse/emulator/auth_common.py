"""What header signatures and presigned URLs share: the request view, keys, and the checks.

:class:`Verifier` holds the emulator's key pair, STS tokens, region and clock, and makes the
checks every signing scheme runs in the same way: which secret signs for an AccessKeyId (and
security token), clock skew, the signing region and V4 credential scope, and the 403
SignatureDoesNotMatch document. :mod:`ossbrowse.emulator.auth_headers` and
:mod:`ossbrowse.emulator.auth_presign` build on it; :mod:`ossbrowse.emulator.auth` dispatches.
"""

from __future__ import annotations

import functools
import hmac
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, quote_plus

from ossbrowse.emulator.errors import EC, OssError, invalid_argument
from ossbrowse.oss.canonical import V4_TERMINATOR

MAX_SKEW_SECONDS = 15 * 60
TOKEN_MASK = "****"  # noqa: S105 (a mask, not a password)
_V4_DATE = re.compile(r"^\d{8}T\d{6}Z$")
_LOWER_HEX = re.compile(r"%[0-9A-F]{2}")
_SIGNATURE_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)


@dataclass(frozen=True)
class AuthRequest:
    """What authentication needs to know about a request."""

    method: str
    bucket: str | None
    key: str | None
    query: Sequence[tuple[str, str]]  # decoded pairs, in order
    headers: Mapping[str, str]  # lower-case names, repeated headers joined with ","


@dataclass(frozen=True)
class Identity:
    """Who made the request: an AccessKeyId (None when anonymous) and how it was signed."""

    access_key_id: str | None
    scheme: str  # "anonymous", "v1", "v4", "v1-presign", "v4-presign"


def first_param(query: Sequence[tuple[str, str]], name: str) -> str | None:
    """The first value of a query parameter (OSS: the first of repeated auth params wins)."""
    for key, value in query:
        if key == name:
            return value
    return None


def iso_time(moment: float) -> str:
    """``moment`` (POSIX seconds) as OSS writes times in error documents."""
    return datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@functools.lru_cache(maxsize=256)
def parse_v4_timestamp(text: str) -> float | None:
    """POSIX seconds of a ``YYYYMMDDTHHMMSSZ`` V4 timestamp; None if it is not one.

    Cached: every request signed in the same second carries the same timestamp, and strptime
    was a tenth of the emulator's CPU per HEAD.
    """
    if not _V4_DATE.match(text):
        return None
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None


def _token_forms(token: str) -> list[str]:
    """The ways a token can appear in a string to sign or a canonical request, longest first:
    as sent, and percent-encoded as each signer encodes a query value (either hex case, "+"
    or "%20" for a space)."""
    forms = {token}
    for safe in ("", "-_.~", "/", "-_.~/"):
        encoded = quote(token, safe=safe)
        forms.update({encoded, _LOWER_HEX.sub(lambda m: m.group(0).lower(), encoded)})
    forms.add(quote_plus(token, safe=""))
    return sorted(forms, key=len, reverse=True)


def mask_token(text: str, token: str | None) -> str:
    """``text`` with the security token, in any encoding, replaced by a mask: a token is a
    secret (a V4 canonical request holds it percent-encoded)."""
    if not token:
        return text
    for form in _token_forms(token):
        text = text.replace(form, TOKEN_MASK)
    return text


def _hex_bytes(text: str) -> str:
    return " ".join(f"{b:02x}" for b in text.encode("utf-8"))


class Verifier:
    """The emulator's credentials, region and clock, and the checks shared by every scheme."""

    def __init__(
        self,
        *,
        region: str,
        access_key_id: str,
        access_key_secret: str,
        sts_tokens: Mapping[str, tuple[str, str]] | None = None,
        clock: Callable[[], float],
    ) -> None:
        self.region = region
        self._keys = {access_key_id: access_key_secret}
        self._sts = dict(sts_tokens or {})
        self.clock = clock

    def secret(self, access_key_id: str, token: str | None) -> str:
        """The secret that signs for ``access_key_id`` (with ``token``, an STS key pair).

        Raises 403 InvalidSecurityToken for an unknown token, 403 InvalidAccessKeyId for an
        unknown key or a key that was not issued with the token.
        """
        if token is not None:
            issued = self._sts.get(token)
            if issued is None:
                raise OssError(
                    403,
                    "InvalidSecurityToken",
                    "The security token you provided is invalid.",
                    EC["InvalidSecurityToken"],
                )
            if not hmac.compare_digest(issued[0], access_key_id):
                raise OssError(
                    403,
                    "InvalidAccessKeyId",
                    "The OSS Access Key Id you provided does not exist in our records.",
                    EC["InvalidStsAccessKeyId"],
                    (("OSSAccessKeyId", access_key_id),),
                )
            return issued[1]
        secret = self._keys.get(access_key_id)
        if secret is None:
            raise OssError(
                403,
                "InvalidAccessKeyId",
                "The OSS Access Key Id you provided does not exist in our records.",
                EC["InvalidAccessKeyId"],
                (("OSSAccessKeyId", access_key_id),),
            )
        return secret

    def check_skew(self, request_time: float, now: float) -> None:
        """Raise 403 RequestTimeTooSkewed when the request is over 15 minutes off ``now``."""
        if abs(request_time - now) > MAX_SKEW_SECONDS:
            raise OssError(
                403,
                "RequestTimeTooSkewed",
                "The difference between the request time and the current time is too large.",
                EC["RequestTimeTooSkewed"],
                (
                    ("RequestTime", iso_time(request_time)),
                    ("ServerTime", iso_time(now)),
                    ("MaxAllowedSkewMilliseconds", str(MAX_SKEW_SECONDS * 1000)),
                ),
            )

    def check_region(self, region: str, where: str) -> None:
        """Raise 400 InvalidArgument when ``region`` is not ours.

        The message is OSS's own wording (the SDK test suites compare it); the elements name
        both regions, which OSS's document does not, so a client can say which one to use.
        """
        if region != self.region:
            message = (
                "Invalid signing region in Authorization header."
                if where == "Authorization header"
                else "The signing region in credential is invalid."
            )
            raise OssError(
                400,
                "InvalidArgument",
                message,
                EC["InvalidSigningRegion"],
                (("SigningRegion", region), ("Region", self.region)),
            )

    def scope_parts(self, credential: str, where: str) -> tuple[str, str, str]:
        """(AccessKeyId, YYYYMMDD, region) of a V4 credential; ``where`` names its source.

        Raises 400 InvalidArgument for a malformed scope, another product or another region.
        """
        parts = credential.split("/")
        if len(parts) != 5 or parts[4] != V4_TERMINATOR or not parts[0]:
            # OSS's wording; the expected shape is the ArgumentValue's fix.
            raise invalid_argument(
                f"Invalid credential in {where}.",
                "Credential",
                credential,
                EC["InvalidAuthorization"],
            )
        access_key_id, date8, region, product, _ = parts
        if product != "oss":
            raise invalid_argument(
                f"Invalid signing product in {where}: got '{product}', expected 'oss'.",
                ec=EC["InvalidAuthorization"],
            )
        self.check_region(region, where)
        return access_key_id, date8, region

    @staticmethod
    def mismatch(
        access_key_id: str,
        provided: str,
        string_to_sign: str,
        token: str | None,
        canonical_request: str | None = None,
    ) -> OssError:
        """The 403 SignatureDoesNotMatch carrying our string to sign (token masked)."""
        masked = mask_token(string_to_sign, token)
        extra = [
            ("OSSAccessKeyId", access_key_id),
            ("SignatureProvided", provided),
            ("StringToSign", masked),
            ("StringToSignBytes", _hex_bytes(masked)),
        ]
        if canonical_request is not None:
            # Not also as hex bytes: on HEAD the document travels base64-encoded in a header,
            # and HTTP clients cap the header block (h11, under httpx, at 16 KiB).
            extra.append(("CanonicalRequest", mask_token(canonical_request, token)))
        return OssError(
            403,
            "SignatureDoesNotMatch",
            _SIGNATURE_MESSAGE,
            EC["SignatureDoesNotMatch"],
            tuple(extra),
        )

    def check_signature(
        self,
        expected: str,
        provided: str,
        access_key_id: str,
        string_to_sign: str,
        token: str | None,
        canonical_request: str | None = None,
    ) -> None:
        """Compare signatures in constant time; raise :meth:`mismatch` when they differ."""
        if not hmac.compare_digest(expected.encode(), provided.encode()):
            raise self.mismatch(access_key_id, provided, string_to_sign, token, canonical_request)
