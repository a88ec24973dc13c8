"""The unsealing route. It reads the staff token and the body itself, rather than through
dependencies, so that every refusal (no token, an agency key, no role, a bad body) is
audited like a refused unsealing."""

import json
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from services.intake.agencies.domain import split_api_key
from services.intake.deps import Services, ServicesDep
from services.intake.errors import ReporterNotFound
from services.intake.reporter import handlers
from services.intake.reporter.commands import Attempt, UnsealReporter
from services.intake.reporter.handlers import UNSEAL_ROLE
from services.intake.reporter.schemas import UnsealedReporterOut, UnsealIn
from shared.auth import Principal
from shared.bearer import STAFF_BEARER
from shared.problems import Forbidden, NotFound, Problem, Unauthorized, ValidationFailed
from shared.text import without_controls

router = APIRouter(prefix="/v1", tags=["staff"])


@router.post(
    "/referrals/{referral_id}/reporter:unseal",
    response_model=UnsealedReporterOut,
    summary="Unseal the reporter (staff with the reporter_unsealer role; audited)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": UnsealIn.model_json_schema()}},
        }
    },
    responses={401: {"description": "no staff token"}, 403: {"description": "lacks the role"}},
    # Names the scheme in the document only: the route reads the token itself, to audit.
    dependencies=[Depends(STAFF_BEARER)],
)
async def unseal_reporter(
    referral_id: Annotated[str, Path(max_length=100, json_schema_extra={"format": "uuid"})],
    request: Request,
    found: ServicesDep,
) -> JSONResponse:
    # The referral id stays text until parsed, so even a malformed call is audited.
    attempt = Attempt(target=f"referral:{referral_id[:100]}")
    try:
        command = UnsealReporter(
            staff=await _staff(request, found, attempt),
            reason=(await _body(request, attempt)).reason,
            referral_id=_uuid(referral_id),
        )
        unsealed = await handlers.unseal_reporter(found.uow(), command, sealer=found.sealer)
    except ReporterNotFound as refused:
        attempt.detail.update(status=404, cause=str(refused))
        await handlers.record_refusal(found.uow(), attempt)
        raise
    except Problem as refused:
        attempt.detail.update(status=refused.status, cause=refused.detail)
        await handlers.record_refusal(found.uow(), attempt)
        raise
    return JSONResponse(unsealed.model_dump(mode="json"), headers={"Cache-Control": "no-store"})


async def _staff(request: Request, found: Services, attempt: Attempt) -> Principal:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        attempt.detail["credential"] = "none"
        raise Unauthorized("a staff bearer token is required")
    if split_api_key(token) is not None:
        attempt.detail["credential"] = "agency_api_key"
        raise Unauthorized("agency API keys cannot unseal a reporter; a staff token is required")
    try:
        principal = await found.tokens.principal(token)
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
