"""Composition root of casework's API process (the relay, consumers and jobs run in worker.py)."""

from fastapi import FastAPI

from services.casework.assignments.api import router as assignments
from services.casework.audit.api import router as audit
from services.casework.deps import Services
from services.casework.domain import CaseworkError
from services.casework.errors import PROBLEMS, extensions
from services.casework.ledger.api import router as ledger
from services.casework.settings import SERVICE, Settings
from services.casework.stats.api import router as stats
from shared.apidocs import install_api_documents
from shared.http_limits import install_limits
from shared.observability.http import install as install_observability
from shared.problems import install_domain_errors, install_problem_handlers
from shared.query import KNOWN_QUERY_ONLY
from shared.runtime import Runtime, RuntimeFactory, health_router, services_lifespan


def create_app(
    settings: Settings | None = None, *, runtime: RuntimeFactory = Runtime.build
) -> FastAPI:
    """`runtime` builds the process's engine and sessions (tests hand in their transaction's)."""
    resolved = settings or Settings()
    app = FastAPI(
        title="Guantong casework",
        version="0.2.0",
        summary="Assignments of routed clues to supervisory bodies: the whole lifecycle",
        lifespan=services_lifespan(lambda: Services.build(resolved, runtime)),
        dependencies=KNOWN_QUERY_ONLY,
    )
    install_problem_handlers(app)
    install_limits(app, resolved)
    install_domain_errors(app, CaseworkError, PROBLEMS, with_detail=False, extensions=extensions)
    install_observability(app, service=SERVICE, settings=resolved)
    app.include_router(health_router(consumes=True))
    for router in (assignments, audit, stats, ledger):
        app.include_router(router)
    install_api_documents(app, resolved)
    return app
