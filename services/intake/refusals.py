"""A 404 on an id the calling agency does not own is audited: probing another agency's
referrals or webhooks leaves a trace (who, what, when), as refused unsealing does."""

import logging
from typing import Any

from fastapi import Request

from services.intake.deps import Services
from services.intake.errors import IntakeError, NotOwned
from shared.runtime import services_of

log = logging.getLogger(__name__)
services = services_of(Services)
ACTION = "access.refused"


def _operation(request: Request) -> str:
    route: Any = request.scope.get("route")
    return f"{request.method} {getattr(route, 'path', request.url.path)}"


async def audit_refusal(request: Request, exc: IntakeError) -> None:
    """Sees every domain error on its way to problem+json; records the refused accesses."""
    if not isinstance(exc, NotOwned):
        return
    try:
        async with services(request).uow() as uow:
            await uow.audit.record(
                actor=f"agency:{exc.agency_id}",
                action=ACTION,
                target=exc.target,
                detail={"operation": _operation(request), "status": 404},
            )
            await uow.commit()
    except Exception as error:  # the answer stays a 404 even if the record cannot be kept
        log.error("refused access not audited: %s", type(error).__name__)
