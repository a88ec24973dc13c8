"""Composition root of the intake process."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.intake import orm
from services.intake.api import router
from services.intake.auth import KeyCache
from services.intake.consumer import SUBSCRIPTIONS
from services.intake.domain import IdempotencyMismatch
from services.intake.sealing import Sealer
from services.intake.settings import Settings
from shared.problems import install_problem_handlers, problem_response
from shared.runtime import Runtime, health_router, lifespan_for

NAME = "intake"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    def build_runtime(app: FastAPI) -> Runtime:
        app.state.settings = settings
        app.state.sealer = Sealer.from_config(settings.seal_keys, settings.seal_key_file)
        app.state.key_cache = KeyCache(ttl_seconds=5.0)
        return Runtime.build(NAME, settings, orm.metadata)

    app = FastAPI(
        title="Guantong intake (贯通·线索接收)",
        version="1",
        description="Partner agencies refer problem clues and follow them to their outcome.",
        lifespan=lifespan_for(build_runtime, lambda _runtime: SUBSCRIPTIONS),
    )
    install_problem_handlers(app)

    @app.exception_handler(IdempotencyMismatch)
    async def _mismatch(request: Request, exc: IdempotencyMismatch) -> JSONResponse:
        return problem_response(
            422,
            "Idempotency-Key reused with a different request",
            slug="idempotency-mismatch",
            detail="this Idempotency-Key was first used with another request body",
            instance=request.url.path,
        )

    app.include_router(health_router())
    app.include_router(router)
    return app
