"""Composition root of routing's API process (the relay and the consumers run in worker.py)."""

from fastapi import FastAPI

from services.routing import problems
from services.routing.audit.api import router as audit_routes
from services.routing.decisions.api import router as decision_routes
from services.routing.deps import Services
from services.routing.ledger.api import router as ledger_routes
from services.routing.links.api import router as link_routes
from services.routing.orm import metadata, revoked_tokens
from services.routing.reconciliation.api import router as reconciliation_routes
from services.routing.registry.api import router as registry_routes
from services.routing.rules.api import router as rule_routes
from services.routing.rules.in_force import RulesInForce
from services.routing.settings import SERVICE, Settings
from shared.auth import TokenVerifier
from shared.bearer import TokenGate
from shared.http_limits import install_limits
from shared.problems import install_problem_handlers
from shared.runtime import Runtime, health_router, lifespan_for


def create_app(settings: Settings | None = None) -> FastAPI:
    resolved = settings or Settings()

    def runtime(app: FastAPI) -> Runtime:
        built = Runtime.build(SERVICE, resolved, metadata)
        tokens = TokenGate(
            TokenVerifier.for_service(SERVICE, resolved), built.sessions, revoked_tokens
        )
        app.state.tokens = tokens  # where shared.bearer looks for the gate
        app.state.services = Services(resolved, built, tokens, RulesInForce())
        return built

    app = FastAPI(
        title="Guantong routing",
        version="0.2.0",
        summary="The case-management office: registry, rule sets, decisions, review, transfers",
        lifespan=lifespan_for(runtime),
    )
    app.state.settings = resolved
    install_problem_handlers(app)
    install_limits(app, resolved)
    problems.install(app)
    app.include_router(health_router(consumes=True))
    for router in (registry_routes, rule_routes, decision_routes, link_routes, audit_routes):
        app.include_router(router)
    app.include_router(ledger_routes)
    app.include_router(reconciliation_routes)
    return app
