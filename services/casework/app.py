"""Composition root of casework's API process (the relay and the consumer run in worker.py)."""

from fastapi import FastAPI

from services.casework import api
from services.casework.domain import CaseworkError
from services.casework.orm import metadata, revoked_tokens
from services.casework.settings import Settings
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
        app.state.tokens = TokenGate(verifier, built.sessions, revoked_tokens)
        return built

    app = FastAPI(
        title="Guantong casework",
        version="0.1.0",
        summary="Assignments of routed clues to supervisory bodies",
        lifespan=lifespan_for(runtime),
    )
    app.state.settings = resolved
    install_problem_handlers(app)
    install_limits(app, resolved)
    # Title only: a detail could echo data of a body the caller does not belong to.
    install_domain_errors(app, CaseworkError, api.PROBLEMS, with_detail=False)
    app.include_router(health_router(consumes=True))
    app.include_router(api.router)
    return app
