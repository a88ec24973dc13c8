"""Composition root of routing's API process (the relay and the consumers run in worker.py)."""

from fastapi import FastAPI

from services.routing.audit.api import router as audit_routes
from services.routing.decisions.api import router as decision_routes
from services.routing.deps import Services
from services.routing.errors import PROBLEMS, RoutingError
from services.routing.ledger.api import router as ledger_routes
from services.routing.links.api import router as link_routes
from services.routing.reconciliation.api import router as reconciliation_routes
from services.routing.registry.api import router as registry_routes
from services.routing.rules.api import router as rule_routes
from services.routing.settings import SERVICE, Settings
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
        title="Guantong routing",
        version="0.2.0",
        summary="The case-management office: registry, rule sets, decisions, review, transfers",
        lifespan=services_lifespan(lambda: Services.build(resolved, runtime)),
        dependencies=KNOWN_QUERY_ONLY,
    )
    install_problem_handlers(app)
    install_limits(app, resolved)
    install_domain_errors(app, RoutingError, PROBLEMS, with_detail=True)
    install_observability(app, service=SERVICE, settings=resolved)
    app.include_router(health_router(consumes=True))
    for router in (registry_routes, rule_routes, decision_routes, link_routes, audit_routes):
        app.include_router(router)
    app.include_router(ledger_routes)
    app.include_router(reconciliation_routes)
    install_api_documents(app, resolved)
    return app
