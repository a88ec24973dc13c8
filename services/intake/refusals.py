"""A 404 on an id the calling agency does not own is audited: probing another agency's
referrals or webhooks leaves a trace (who, what, when), as refused unsealing does."""

import logging
from typing import Any
from uuid import UUID

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.intake import audit
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.problems import NotFound, render_problem

log = logging.getLogger(__name__)
ACTION = "access.refused"


class AccessRefused(NotFound):
    """Another agency's id, or no such id: the caller cannot tell which, the audit log can."""

    def __init__(self, detail: str, *, agency_id: UUID, target: str) -> None:
        super().__init__(detail)
        self.agency_id, self.target = agency_id, target


def _operation(request: Request) -> str:
    route: Any = request.scope.get("route")
    return f"{request.method} {getattr(route, 'path', request.url.path)}"


def install_refusal_audit(app: FastAPI) -> None:
    @app.exception_handler(AccessRefused)
    async def _refused(request: Request, exc: AccessRefused) -> JSONResponse:
        try:
            async with IntakeUnitOfWork(request.app.state.runtime) as uow:
                await audit.record(
                    uow.session,
                    actor=f"agency:{exc.agency_id}",
                    action=ACTION,
                    target=exc.target,
                    detail={"operation": _operation(request), "status": exc.status},
                )
                await uow.commit()
        except Exception as error:  # the answer stays a 404 even if the record cannot be kept
            log.error("refused access not audited: %s", type(error).__name__)
        return render_problem(request, exc)
