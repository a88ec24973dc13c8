"""Optional HMAC request signing per agency (scheme v2): the scheme and its checks, pure.

A signing agency sends `X-Guantong-Timestamp` (Unix seconds), `X-Guantong-Nonce` (16-64 of
A-Z a-z 0-9 _ -, new for every request) and `X-Guantong-Signature`: the hex HMAC-SHA256, under
its signing secret, of the canonical request (`canonical_request`): method, path, the query's
pairs sorted, timestamp, nonce, Idempotency-Key and the SHA-256 of the body, one per line. The
secret is sealed with the app's Sealer rather than hashed: verifying an HMAC needs the plaintext.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from services.intake.agencies.domain import Credential
from services.intake.errors import CredentialRefused
from services.intake.reporter.sealing import Sealer

SCHEME = "GT-HMAC-SHA256-V2"
TIMESTAMP_HEADER = "X-Guantong-Timestamp"
NONCE_HEADER = "X-Guantong-Nonce"
SIGNATURE_HEADER = "X-Guantong-Signature"
# A nonce is remembered this much longer than a timestamp stays acceptable.
NONCE_MARGIN_SECONDS = 60
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def canonical_request(
    *,
    method: str,
    path: str,
    query: str,
    timestamp: str,
    nonce: str,
    idempotency_key: str,
    body: bytes,
) -> bytes:
    """What the signature covers: a captured one fits no other path, query, key or body."""
    pairs = "&".join(sorted(pair for pair in query.split("&") if pair))
    lines = [SCHEME, method.upper(), path, pairs, timestamp, nonce, idempotency_key]
    return "\n".join([*lines, hashlib.sha256(body).hexdigest()]).encode()


def sign_request(secret: str, canonical: bytes) -> str:
    return hmac.new(secret.encode(), canonical, hashlib.sha256).hexdigest()


def new_signing_secret() -> str:
    return f"gts_{secrets.token_urlsafe(32)}"


def _associated(agency_id: UUID) -> bytes:
    # Binds the sealed secret to its agency: copied onto another row, it fails to unseal.
    return b"agency-signing-secret:" + agency_id.bytes


def seal_secret(sealer: Sealer, agency_id: UUID, secret: str) -> tuple[str, bytes]:
    return sealer.seal({"secret": secret}, associated=_associated(agency_id))


def unseal_secret(sealer: Sealer, credential: Credential) -> str | None:
    if credential.signing_key_id is None or credential.signing_secret is None:
        return None
    value = sealer.unseal(
        credential.signing_key_id,
        credential.signing_secret,
        associated=_associated(credential.agency_id),
    )
    return str(value["secret"])


@dataclass(frozen=True, kw_only=True)
class SignedRequest:
    """The parts of an HTTP request the signature covers, as received."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class Signature:
    timestamp: int
    nonce: str
    value: str


def signature_of(request: SignedRequest) -> Signature:
    """The signature headers, well formed, or CredentialRefused saying which is not."""
    raw_timestamp = request.headers.get(TIMESTAMP_HEADER.lower(), "")
    nonce = request.headers.get(NONCE_HEADER.lower(), "")
    signature = request.headers.get(SIGNATURE_HEADER.lower(), "").strip().lower()
    if not raw_timestamp or not nonce or not signature:
        raise CredentialRefused(
            f"this agency must sign requests ({TIMESTAMP_HEADER}, {NONCE_HEADER}, "
            f"{SIGNATURE_HEADER})"
        )
    if not raw_timestamp.isdigit() or len(raw_timestamp) > 12:
        raise CredentialRefused(f"{TIMESTAMP_HEADER} must be Unix seconds")
    if not _NONCE.fullmatch(nonce):
        raise CredentialRefused(f"{NONCE_HEADER} must be 16-64 characters of A-Z a-z 0-9 _ -")
    if not _HEX_SHA256.fullmatch(signature):
        raise CredentialRefused(f"{SIGNATURE_HEADER} must be a hex HMAC-SHA256")
    return Signature(int(raw_timestamp), nonce, signature)


def check_signature(
    request: SignedRequest, signature: Signature, *, secret: str | None, now: int, window: int
) -> None:
    """Fresh, and made with the agency's secret over this very request; else refused."""
    if abs(now - signature.timestamp) > window:
        raise CredentialRefused(f"{TIMESTAMP_HEADER} is more than {window} s from our clock")
    if secret is None:
        raise CredentialRefused("this agency has no usable signing secret; ask for a new one")
    canonical = canonical_request(
        method=request.method,
        path=request.path,
        query=request.query,
        timestamp=str(signature.timestamp),
        nonce=signature.nonce,
        idempotency_key=request.headers.get("idempotency-key", ""),
        body=request.body,
    )
    if not hmac.compare_digest(sign_request(secret, canonical), signature.value):
        raise CredentialRefused("the signature does not match this request")
