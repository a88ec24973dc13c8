"""Composition root of casework's API process (the relay and the consumer run in worker.py)."""

from fastapi import FastAPI

from services.casework import api
from services.casework.domain import CaseworkError
from services.casework.orm import metadata
from services.casework.settings import Settings
from shared.problems import install_domain_errors, install_problem_handlers
from shared.runtime import Runtime, health_router, lifespan_for

SERVICE = "casework"


def create_app(settings: Settings | None = None) -> FastAPI:
    resolved = settings or Settings()
    app = FastAPI(
        title="Guantong casework",
        version="0.1.0",
        summary="Assignments of routed clues to supervisory bodies",
        lifespan=lifespan_for(lambda _app: Runtime.build(SERVICE, resolved, metadata)),
    )
    app.state.settings = resolved
    install_problem_handlers(app)
    # Title only: a detail could echo data of a body the caller does not belong to.
    install_domain_errors(app, CaseworkError, api.PROBLEMS, with_detail=False)
    app.include_router(health_router(consumes=True))
    app.include_router(api.router)
    return app
