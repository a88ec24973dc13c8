"""Composition root of casework's API process (the relay, consumers and jobs run in worker.py)."""

from fastapi import FastAPI

from services.casework.assignments.api import router as assignments
from services.casework.audit.api import router as audit
from services.casework.deadlines.calendar import CalendarCache
from services.casework.deps import Services
from services.casework.domain import CaseworkError
from services.casework.errors import PROBLEMS, extensions
from services.casework.ledger.api import router as ledger
from services.casework.orm import metadata, revoked_tokens
from services.casework.settings import Settings
from services.casework.stats.api import router as stats
from shared.auth import TokenVerifier
from shared.bearer import TokenGate
from shared.http_limits import install_limits
from shared.problems import install_domain_errors, install_problem_handlers
from shared.runtime import Runtime, health_router, lifespan_for

SERVICE = "casework"


def create_app(settings: Settings | None = None) -> FastAPI:
    resolved = settings or Settings()

    def runtime(app: FastAPI) -> Runtime:
        built = Runtime.build(SERVICE, resolved, metadata)
        verifier = TokenVerifier.for_service(SERVICE, resolved)
        gate = TokenGate(verifier, built.sessions, revoked_tokens)
        # shared.bearer reads the gate from app.state.tokens; casework's routes read services.
        app.state.tokens = gate
        app.state.services = Services(resolved, built, gate, CalendarCache(resolved.clock_policy()))
        return built

    app = FastAPI(
        title="Guantong casework",
        version="0.2.0",
        summary="Assignments of routed clues to supervisory bodies: the whole lifecycle",
        lifespan=lifespan_for(runtime),
    )
    app.state.settings = resolved
    install_problem_handlers(app)
    install_limits(app, resolved)
    install_domain_errors(app, CaseworkError, PROBLEMS, with_detail=False, extensions=extensions)
    app.include_router(health_router(consumes=True))
    app.include_router(assignments)
    app.include_router(audit)
    app.include_router(stats)
    app.include_router(ledger)
    return app
