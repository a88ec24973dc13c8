"""Webhook routes: an agency manages its callback URLs and reads its delivery log."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from services.intake.app_state import runtime_of, settings_of
from services.intake.auth import CurrentAgency
from services.intake.refusals import AccessRefused
from services.intake.unit_of_work import IntakeUnitOfWork
from services.intake.webhooks import registration
from services.intake.webhooks.schemas import (
    DeliveryPage,
    WebhookIn,
    WebhookList,
    WebhookWithSecret,
)
from services.intake.webhooks.urls import UnsafeUrl
from shared.pagination import InvalidCursor
from shared.problems import Unprocessable

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

_NO_WEBHOOK = "no such webhook"
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "absent, deleted, or another agency's webhook"}
}


def _error(field: str, message: str) -> list[dict[str, str]]:
    # The same shape as validation errors, so clients read one format for every 422.
    return [{"field": field, "message": message}]


def _refused(agency_id: UUID, webhook_id: UUID) -> AccessRefused:
    return AccessRefused(_NO_WEBHOOK, agency_id=agency_id, target=f"webhook:{webhook_id}")


def _with_secret(registered: registration.Registered) -> WebhookWithSecret:
    return WebhookWithSecret(**registered.webhook.model_dump(), secret=registered.secret)


@router.post(
    "",
    status_code=201,
    response_model=WebhookWithSecret,
    summary="Register a callback URL; the signing secret is shown only in this response",
    responses={422: {"description": "not http(s), or the host is not a public address"}},
)
async def create_webhook(body: WebhookIn, agency: CurrentAgency, request: Request) -> JSONResponse:
    settings = settings_of(request)
    try:
        registered = await registration.register(
            IntakeUnitOfWork(runtime_of(request)),
            agency.id,
            url=body.url,
            description=body.description,
            sealer=request.app.state.sealer,
            allow_private=settings.webhook_allow_private,
            max_per_agency=settings.webhook_max_per_agency,
        )
    except UnsafeUrl as exc:
        raise Unprocessable(
            str(exc), slug="unsafe-callback-url", errors=_error("url", str(exc))
        ) from exc
    except registration.TooManyWebhooks as exc:
        raise Unprocessable(str(exc), slug="too-many-webhooks") from exc
    view = _with_secret(registered)
    headers = {"Location": f"/v1/webhooks/{view.id}", "Cache-Control": "no-store"}
    return JSONResponse(view.model_dump(mode="json"), status_code=201, headers=headers)


@router.get("", response_model=WebhookList, summary="The agency's callback URLs (no secrets)")
async def list_webhooks(agency: CurrentAgency, request: Request) -> WebhookList:
    items = await registration.list_webhooks(runtime_of(request).sessions, agency.id)
    return WebhookList(items=items)


@router.delete(
    "/{webhook_id}", status_code=204, summary="Remove a callback URL", responses=_NOT_FOUND
)
async def delete_webhook(webhook_id: UUID, agency: CurrentAgency, request: Request) -> Response:
    if not await registration.delete(IntakeUnitOfWork(runtime_of(request)), agency.id, webhook_id):
        raise _refused(agency.id, webhook_id)
    return Response(status_code=204)


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=WebhookWithSecret,
    summary="Replace the signing secret; the new one is shown only in this response",
    responses=_NOT_FOUND,
)
async def rotate_secret(webhook_id: UUID, agency: CurrentAgency, request: Request) -> JSONResponse:
    registered = await registration.rotate_secret(
        IntakeUnitOfWork(runtime_of(request)),
        agency.id,
        webhook_id,
        sealer=request.app.state.sealer,
    )
    if registered is None:
        raise _refused(agency.id, webhook_id)
    view = _with_secret(registered)
    return JSONResponse(view.model_dump(mode="json"), headers={"Cache-Control": "no-store"})


@router.get(
    "/{webhook_id}/deliveries",
    response_model=DeliveryPage,
    summary="Delivery log, newest first",
    responses=_NOT_FOUND,
)
async def list_deliveries(
    webhook_id: UUID,
    agency: CurrentAgency,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> DeliveryPage:
    try:
        page = await registration.delivery_log(
            runtime_of(request).sessions, agency.id, webhook_id, limit=limit, cursor=cursor
        )
    except InvalidCursor as exc:
        message = "the cursor is not one this API returned"
        raise Unprocessable(message, slug="bad-cursor", errors=_error("cursor", message)) from exc
    if page is None:
        raise _refused(agency.id, webhook_id)
    return page
