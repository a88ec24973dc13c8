"""Optional HMAC request signing per agency (scheme v2): sealed secrets, verification, nonces.

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
import time
from datetime import UTC, datetime
from uuid import UUID

from fastapi import Request
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import audit, orm
from services.intake.agencies import Credential, get_agency, target
from services.intake.sealing import Sealer, SealError
from shared.clock import utcnow
from shared.db import insert_ignoring_duplicates
from shared.problems import Unauthorized
from shared.runtime import Runtime

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


def unseal_secret(sealer: Sealer, credential: Credential) -> str | None:
    if credential.signing_key_id is None or credential.signing_secret is None:
        return None
    value = sealer.unseal(
        credential.signing_key_id,
        credential.signing_secret,
        associated=_associated(credential.agency_id),
    )
    return str(value["secret"])


async def _store_new_secret(session: AsyncSession, agency_id: UUID, sealer: Sealer) -> str:
    secret = new_signing_secret()
    key_id, sealed = sealer.seal({"secret": secret}, associated=_associated(agency_id))
    a = orm.agencies
    await session.execute(
        update(a).where(a.c.id == agency_id).values(signing_key_id=key_id, signing_secret=sealed)
    )
    return secret


async def set_signing(
    session: AsyncSession, *, actor: str, agency_id: UUID, required: bool, sealer: Sealer
) -> str | None:
    """Turns the requirement on or off; returns a new secret when the agency had none."""
    await get_agency(session, agency_id)
    a = orm.agencies
    sealed = (
        await session.execute(select(a.c.signing_secret).where(a.c.id == agency_id))
    ).scalar_one()
    secret = None
    if required and sealed is None:
        secret = await _store_new_secret(session, agency_id, sealer)
    await session.execute(update(a).where(a.c.id == agency_id).values(require_signature=required))
    await audit.record(
        session,
        actor=actor,
        action="agency.signing.require" if required else "agency.signing.relax",
        target=target(agency_id),
        detail={"new_secret_issued": secret is not None},
    )
    return secret


async def rotate_signing_secret(
    session: AsyncSession, *, actor: str, agency_id: UUID, sealer: Sealer
) -> str:
    """Replaces the secret at once: HMAC has no key id, so two live secrets would be ambiguous."""
    await get_agency(session, agency_id)
    secret = await _store_new_secret(session, agency_id, sealer)
    await audit.record(
        session, actor=actor, action="agency.signing.rotate", target=target(agency_id)
    )
    return secret


async def verify_request(request: Request, credential: Credential) -> None:
    """Raises 401 unless the request is signed with the agency's secret, fresh and first seen."""
    window: int = request.app.state.settings.signature_window_seconds
    timestamp, nonce, signature = _signature_headers(request)
    if abs(int(time.time()) - timestamp) > window:
        raise Unauthorized(f"{TIMESTAMP_HEADER} is more than {window} s from our clock")
    try:
        secret = unseal_secret(request.app.state.sealer, credential)
    except SealError:
        secret = None  # sealed under a key this deployment no longer has: nothing can verify
    if secret is None:
        raise Unauthorized("this agency has no usable signing secret; ask for a new one")
    canonical = canonical_request(
        method=request.method,
        path=request.scope.get("raw_path", b"").decode("latin-1") or request.url.path,
        query=request.scope.get("query_string", b"").decode("latin-1"),
        timestamp=str(timestamp),
        nonce=nonce,
        idempotency_key=request.headers.get("idempotency-key", ""),
        body=await request.body(),
    )
    if not hmac.compare_digest(sign_request(secret, canonical), signature):
        raise Unauthorized("the signature does not match this request")
    runtime: Runtime = request.app.state.runtime
    async with runtime.sessions.begin() as session:
        until = timestamp + window + NONCE_MARGIN_SECONDS
        first_use = await remember_nonce(session, credential.agency_id, nonce, expires_at=until)
    if not first_use:
        raise Unauthorized(f"this {NONCE_HEADER} was already used; sign each request anew")


def _signature_headers(request: Request) -> tuple[int, str, str]:
    raw_timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    nonce = request.headers.get(NONCE_HEADER, "")
    signature = request.headers.get(SIGNATURE_HEADER, "").strip().lower()
    if not raw_timestamp or not nonce or not signature:
        raise Unauthorized(
            f"this agency must sign requests ({TIMESTAMP_HEADER}, {NONCE_HEADER}, "
            f"{SIGNATURE_HEADER})"
        )
    if not raw_timestamp.isdigit() or len(raw_timestamp) > 12:
        raise Unauthorized(f"{TIMESTAMP_HEADER} must be Unix seconds")
    if not _NONCE.fullmatch(nonce):
        raise Unauthorized(f"{NONCE_HEADER} must be 16-64 characters of A-Z a-z 0-9 _ -")
    if not _HEX_SHA256.fullmatch(signature):
        raise Unauthorized(f"{SIGNATURE_HEADER} must be a hex HMAC-SHA256")
    return int(raw_timestamp), nonce, signature


async def remember_nonce(
    session: AsyncSession, agency_id: UUID, nonce: str, *, expires_at: int
) -> bool:
    """True the first time; the agency's expired entries are pruned on the way."""
    n = orm.request_nonces
    await session.execute(delete(n).where(n.c.agency_id == agency_id, n.c.expires_at < utcnow()))
    return await insert_ignoring_duplicates(
        session,
        n,
        {
            "agency_id": agency_id,
            "nonce": nonce,
            "expires_at": datetime.fromtimestamp(expires_at, UTC),
        },
    )
