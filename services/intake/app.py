"""Composition root of the intake process."""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.intake import orm
from services.intake.admin_api import router as admin_router
from services.intake.api import router
from services.intake.attachments import AttachmentStore, UploadAwareBodyLimit
from services.intake.auth import KeyCache
from services.intake.consumer import SUBSCRIPTIONS
from services.intake.domain import ContentRejected, IdempotencyInFlight, IdempotencyMismatch
from services.intake.key_pruner import start_key_pruner
from services.intake.ratelimit import RateLimiter
from services.intake.sealing import Sealer
from services.intake.settings import Settings
from services.intake.webhooks.api import router as webhooks_router
from services.intake.webhooks.worker import start_worker as start_webhook_worker
from shared.problems import install_problem_handlers, problem_response
from shared.runtime import Runtime, health_router, lifespan_for

NAME = "intake"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    def build_runtime(app: FastAPI) -> Runtime:
        app.state.settings = settings
        app.state.sealer = Sealer.from_config(settings.seal_keys, settings.seal_key_file)
        app.state.key_cache = KeyCache(ttl_seconds=settings.key_cache_ttl_seconds)
        app.state.rate_limiter = RateLimiter(
            settings.rate_limit_per_second, settings.rate_limit_burst
        )
        runtime = Runtime.build(NAME, settings, orm.metadata)
        start_webhook_worker(runtime, app.state.sealer, settings)
        app.state.attachment_store = AttachmentStore(Path(settings.attachment_dir))
        start_key_pruner(runtime, settings)
        return runtime

    app = FastAPI(
        title="Guantong intake (贯通·线索接收)",
        version="1",
        description="Partner agencies refer problem clues and follow them to their outcome.",
        lifespan=lifespan_for(build_runtime, lambda _runtime: SUBSCRIPTIONS),
    )
    install_problem_handlers(app)
    app.add_middleware(
        UploadAwareBodyLimit,
        max_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.attachment_max_bytes,
    )

    @app.exception_handler(IdempotencyMismatch)
    async def _mismatch(request: Request, exc: IdempotencyMismatch) -> JSONResponse:
        return problem_response(
            422,
            "Idempotency-Key reused with a different request",
            slug="idempotency-mismatch",
            detail="this Idempotency-Key was first used with another request body",
            instance=request.url.path,
        )

    @app.exception_handler(IdempotencyInFlight)
    async def _in_flight(request: Request, exc: IdempotencyInFlight) -> JSONResponse:
        return problem_response(
            409,
            "A request with this Idempotency-Key is still in flight",
            slug="idempotency-in-flight",
            detail="the first request with this key has not finished; retry with the same key",
            instance=request.url.path,
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(ContentRejected)
    async def _content(request: Request, exc: ContentRejected) -> JSONResponse:
        return problem_response(
            exc.status,
            "Attachment content rejected",
            slug="attachment-content",
            detail=f"{exc.detail}; nothing was kept",
            instance=request.url.path,
            errors=[{"field": exc.field, "message": exc.detail}],
        )

    app.include_router(health_router())
    app.include_router(router)
    app.include_router(webhooks_router)
    app.include_router(admin_router)
    return app
