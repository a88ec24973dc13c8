"""Composition root of intake's API process (relay, consumer, webhooks, pruning: worker.py)."""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.intake import orm
from services.intake.access_log import AccessLog
from services.intake.admin_api import router as admin_router
from services.intake.api import router
from services.intake.attachments import AttachmentStore, UploadAwareBodyLimit
from services.intake.auth import KeyCache
from services.intake.domain import (
    ContentRejected,
    IdempotencyInFlight,
    IdempotencyMismatch,
    IntakeError,
)
from services.intake.ratelimit import RateLimiter
from services.intake.refusals import install_refusal_audit
from services.intake.sealing import Sealer
from services.intake.settings import Settings
from services.intake.webhooks.api import router as webhooks_router
from shared.auth import TokenVerifier
from shared.bearer import TokenGate
from shared.http_limits import install_limits
from shared.problems import Problem, install_problem_handlers, render_problem
from shared.runtime import Runtime, health_router, lifespan_for

NAME = "intake"


def _problem(exc: IntakeError) -> Problem:
    """Intake's domain refusals as problem+json, each with what the client can do next."""
    if isinstance(exc, IdempotencyMismatch):
        return Problem(
            "this Idempotency-Key was first used with another request body",
            status=422,
            slug="idempotency-mismatch",
            title="Idempotency-Key reused with a different request",
        )
    if isinstance(exc, IdempotencyInFlight):
        return Problem(
            "the first request with this key has not finished; retry with the same key",
            status=409,
            slug="idempotency-in-flight",
            title="A request with this Idempotency-Key is still in flight",
            headers={"Retry-After": "1"},
        )
    if isinstance(exc, ContentRejected):
        return Problem(
            f"{exc.detail}; nothing was kept",
            status=exc.status,
            slug="attachment-content",
            title="Attachment content rejected",
            errors=[{"field": exc.field, "message": exc.detail}],
        )
    return Problem()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    def build_runtime(app: FastAPI) -> Runtime:
        app.state.settings = settings
        app.state.sealer = Sealer.from_spec(settings.seal_keys.get_secret_value())
        app.state.key_cache = KeyCache(ttl_seconds=settings.key_cache_ttl_seconds)
        app.state.rate_limiter = RateLimiter(
            settings.rate_limit_per_second, settings.rate_limit_burst
        )
        runtime = Runtime.build(NAME, settings, orm.metadata)
        verifier = TokenVerifier.for_service(NAME, settings)
        app.state.tokens = TokenGate(verifier, runtime.sessions, orm.revoked_tokens)
        app.state.attachment_store = AttachmentStore(Path(settings.attachment_dir))
        return runtime

    app = FastAPI(
        title="Guantong intake (贯通·线索接收)",
        version="1",
        description="Partner agencies refer problem clues and follow them to their outcome.",
        lifespan=lifespan_for(build_runtime),
    )
    install_problem_handlers(app)
    install_refusal_audit(app)
    app.add_middleware(
        UploadAwareBodyLimit,
        max_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.attachment_max_bytes,
    )
    install_limits(app, settings)
    app.add_middleware(AccessLog)

    @app.exception_handler(IntakeError)
    async def _refused(request: Request, exc: IntakeError) -> JSONResponse:
        return render_problem(request, _problem(exc))

    app.include_router(health_router(consumes=True))
    app.include_router(router)
    app.include_router(webhooks_router)
    app.include_router(admin_router)
    return app
