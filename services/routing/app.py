"""Composition root of routing's API process (the relay and the consumer run in worker.py)."""

from fastapi import FastAPI

from services.routing import api
from services.routing.domain import RoutingError
from services.routing.orm import metadata, revoked_tokens
from services.routing.settings import Settings
from shared.auth import TokenVerifier
from shared.bearer import TokenGate
from shared.http_limits import install_limits
from shared.problems import install_domain_errors, install_problem_handlers
from shared.runtime import Runtime, health_router, lifespan_for

SERVICE = "routing"


def create_app(settings: Settings | None = None) -> FastAPI:
    resolved = settings or Settings()

    def runtime(app: FastAPI) -> Runtime:
        built = Runtime.build(SERVICE, resolved, metadata)
        verifier = TokenVerifier.for_service(SERVICE, resolved)
        app.state.tokens = TokenGate(verifier, built.sessions, revoked_tokens)
        return built

    app = FastAPI(
        title="Guantong routing",
        version="0.1.0",
        summary="Body registry, jurisdiction rules, routing decisions and the review queue",
        lifespan=lifespan_for(runtime),
    )
    app.state.settings = resolved
    install_problem_handlers(app)
    install_limits(app, resolved)
    install_domain_errors(app, RoutingError, api.PROBLEMS, with_detail=True)
    app.include_router(health_router(consumes=True))
    app.include_router(api.router)
    return app
