"""Composition root of intake's API process (relay, consumers, webhooks, pruning: worker.py)."""

from fastapi import FastAPI

from services.intake.agencies.api import router as agencies_router
from services.intake.attachments.api import router as attachments_router
from services.intake.deps import Services
from services.intake.errors import PROBLEMS, IntakeError
from services.intake.ledger.api import router as ledger_router
from services.intake.middleware import UploadAwareBodyLimit
from services.intake.referrals.api import router as referrals_router
from services.intake.refusals import audit_refusal
from services.intake.reporter.api import router as reporter_router
from services.intake.settings import SERVICE, Settings
from services.intake.webhooks.api import router as webhooks_router
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
        title="Guantong intake (贯通·线索接收)",
        version="1",
        description="Partner agencies refer problem clues and follow them to their outcome.",
        lifespan=services_lifespan(lambda: Services.build(resolved, runtime)),
        dependencies=KNOWN_QUERY_ONLY,
    )
    install_problem_handlers(app)
    install_domain_errors(app, IntakeError, PROBLEMS, with_detail=True, observe=audit_refusal)
    app.add_middleware(
        UploadAwareBodyLimit,
        max_bytes=resolved.max_body_bytes,
        upload_max_bytes=resolved.attachment_max_bytes,
    )
    install_limits(app, resolved)
    install_observability(app, service=SERVICE, settings=resolved)
    app.include_router(health_router(consumes=True))
    for router in (
        referrals_router,
        attachments_router,
        reporter_router,
        webhooks_router,
        agencies_router,
    ):
        app.include_router(router)
    app.include_router(ledger_router)
    install_api_documents(app, resolved)
    return app
