"""Optional HMAC request signing per agency: sealed secrets, verification, replay memory.

A signing agency sends `X-Guantong-Timestamp` (unix seconds) and `X-Guantong-Signature`
(hex HMAC-SHA256 over `<timestamp>.<raw body>`, shared.auth.sign). The secret is sealed with
the app's Sealer rather than hashed, because verifying an HMAC needs the plaintext.
"""

import re
import secrets
from datetime import UTC, datetime
from uuid import UUID

from fastapi import Request
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import audit, orm
from services.intake.agencies import Credential, get_agency, target
from services.intake.sealing import Sealer, SealError
from shared.auth import verify_signature
from shared.clock import utcnow
from shared.db import insert_ignoring_duplicates
from shared.problems import Unauthorized
from shared.runtime import Runtime

TIMESTAMP_HEADER = "X-Guantong-Timestamp"
SIGNATURE_HEADER = "X-Guantong-Signature"
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


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
    raw_timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    signature = request.headers.get(SIGNATURE_HEADER, "").strip().lower()
    if not raw_timestamp or not signature:
        raise Unauthorized(
            f"this agency must sign requests ({TIMESTAMP_HEADER}, {SIGNATURE_HEADER})"
        )
    try:
        timestamp = int(raw_timestamp)
    except ValueError:
        raise Unauthorized(f"{TIMESTAMP_HEADER} must be unix seconds") from None
    if not _HEX_SHA256.fullmatch(signature):
        raise Unauthorized(f"{SIGNATURE_HEADER} must be a hex HMAC-SHA256")
    try:
        secret = unseal_secret(request.app.state.sealer, credential)
    except SealError:
        secret = None  # sealed under a key this deployment no longer has: nothing can verify
    if secret is None:
        raise Unauthorized("this agency has no usable signing secret; ask for a new one")
    body = await request.body()
    if not verify_signature(secret, timestamp, body, signature, window_seconds=window):
        raise Unauthorized("the signature does not match, or its timestamp is outside the window")
    runtime: Runtime = request.app.state.runtime
    async with runtime.sessions.begin() as session:
        first_use = await remember_signature(
            session, credential.agency_id, signature, expires_at=timestamp + window
        )
    if not first_use:
        raise Unauthorized("this signature was already used; sign each request anew")


async def remember_signature(
    session: AsyncSession, agency_id: UUID, signature: str, *, expires_at: int
) -> bool:
    """True the first time; the agency's expired entries are pruned on the way."""
    s = orm.request_signatures
    await session.execute(delete(s).where(s.c.agency_id == agency_id, s.c.expires_at < utcnow()))
    return await insert_ignoring_duplicates(
        session,
        s,
        {
            "agency_id": agency_id,
            "signature": signature,
            "expires_at": datetime.fromtimestamp(expires_at, UTC),
        },
    )
