"""Unsealing a referral's reporter: staff holding the reporter_unsealer role, every attempt
audited (who, when, why, and whether it was refused). Nothing here writes to the app log."""

import json
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from fastapi import Request
from pydantic import ValidationError

from services.intake import audit
from services.intake.schemas import ReporterOut, UnsealedReporterOut, UnsealIn
from services.intake.sealing import Sealer
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.auth import Principal, split_api_key
from shared.bearer import token_gate
from shared.clock import utcnow
from shared.problems import Forbidden, NotFound, Problem, Unauthorized, ValidationFailed
from shared.runtime import Runtime
from shared.text import without_controls

UNSEAL_ROLE = "reporter_unsealer"
GRANTED = "reporter.unseal"
REFUSED = "reporter.unseal_refused"


@dataclass
class Attempt:
    """What the audit record says about one call, filled in as the call is understood."""

    target: str
    actor: str = "anonymous"
    reason: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


async def unseal(request: Request, raw_referral_id: str) -> UnsealedReporterOut:
    runtime: Runtime = request.app.state.runtime
    attempt = Attempt(target=f"referral:{raw_referral_id[:100]}")
    try:
        principal = await _staff(request, attempt)
        body = await _body(request, attempt)
        referral_id = _uuid(raw_referral_id)
        return await _unseal(runtime, request.app.state.sealer, principal, referral_id, body)
    except Problem as refused:
        attempt.detail.update(status=refused.status, cause=refused.detail)
        await _record(runtime, attempt, action=REFUSED)
        raise


async def _staff(request: Request, attempt: Attempt) -> Principal:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        attempt.detail["credential"] = "none"
        raise Unauthorized("a staff bearer token is required")
    if split_api_key(token) is not None:
        attempt.detail["credential"] = "agency_api_key"
        raise Unauthorized("agency API keys cannot unseal a reporter; a staff token is required")
    try:
        principal = await token_gate(request).principal(token)
    except Unauthorized:
        attempt.detail["credential"] = "invalid_token"
        raise
    attempt.actor = f"staff:{principal.user_id}"
    attempt.detail.update(
        name=principal.name,
        body_id=str(principal.body_id) if principal.body_id else None,
        bodies=sorted(str(b) for b in principal.bodies),
        roles=sorted(principal.roles),
    )
    if not principal.has(UNSEAL_ROLE):
        raise Forbidden(f"unsealing a reporter needs the {UNSEAL_ROLE} role")
    return principal


async def _body(request: Request, attempt: Attempt) -> UnsealIn:
    # Parsed here rather than by FastAPI so that a refused body is audited like any refusal.
    try:
        data = json.loads(await request.body())
    except ValueError:
        raise ValidationFailed.of("body", "not a JSON document") from None
    if isinstance(data, dict) and isinstance(data.get("reason"), str):
        attempt.reason = without_controls(data["reason"])[:500]  # refused or not, it is recorded
    try:
        return UnsealIn.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
            for e in exc.errors()
        ]
        raise ValidationFailed(errors) from None


def _uuid(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise NotFound("no such referral") from None


async def _unseal(
    runtime: Runtime, sealer: Sealer, principal: Principal, referral_id: UUID, body: UnsealIn
) -> UnsealedReporterOut:
    actor = f"staff:{principal.user_id}"
    async with IntakeUnitOfWork(runtime) as uow:
        row = await uow.referrals.sealed_reporter(referral_id)
        # An unsealer serves certain bodies: a referral they do not handle reads as absent.
        if row is None or not principal.serves(row.body_id):
            raise NotFound("no such referral")
        reporter = None
        if row.reporter_sealed is not None:
            data = sealer.unseal(row.reporter_key_id, row.reporter_sealed, associated=row.id.bytes)
            reporter = ReporterOut(**data)
        # The record is committed before the reporter leaves: no audit row, no disclosure.
        await audit.record(
            uow.session,
            actor=actor,
            action=GRANTED,
            target=f"referral:{referral_id}",
            reason=body.reason,
            detail={"name": principal.name, "reporter_present": reporter is not None},
        )
        await uow.commit()
    return UnsealedReporterOut(
        referral_id=row.id,
        receipt_number=row.receipt_number,
        reporter=reporter,
        unsealed_by=actor,
        unsealed_at=utcnow(),
    )


async def _record(runtime: Runtime, attempt: Attempt, *, action: str) -> None:
    async with IntakeUnitOfWork(runtime) as uow:
        await audit.record(
            uow.session,
            actor=attempt.actor,
            action=action,
            target=attempt.target,
            reason=attempt.reason,
            detail=attempt.detail,
        )
        await uow.commit()
