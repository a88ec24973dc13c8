"""Webhook routes: an agency manages its callback URLs and reads its delivery log."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from services.intake.deps import CurrentAgency, ServicesDep, UowDep
from services.intake.webhooks import handlers
from services.intake.webhooks.commands import DeliveryLog, OneWebhook, RegisterWebhook
from services.intake.webhooks.schemas import (
    DeliveryPage,
    WebhookIn,
    WebhookList,
    WebhookWithSecret,
)
from shared.pagination import InvalidCursor, decode_cursor
from shared.problems import Unprocessable

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "absent, deleted, or another agency's webhook"}
}


def _with_secret(registered: handlers.Registered) -> JSONResponse:
    view = WebhookWithSecret(**registered.webhook.model_dump(), secret=registered.secret)
    return JSONResponse(view.model_dump(mode="json"), headers={"Cache-Control": "no-store"})


@router.post(
    "",
    status_code=201,
    response_model=WebhookWithSecret,
    summary="Register a callback URL; the signing secret is shown only in this response",
    responses={422: {"description": "not http(s), or the host is not a public address"}},
)
async def create_webhook(
    body: WebhookIn, agency: CurrentAgency, found: ServicesDep
) -> JSONResponse:
    s = found.settings
    registered = await handlers.register(
        found.uow(),
        RegisterWebhook(agency_id=agency.id, url=body.url, description=body.description),
        sealer=found.sealer,
        allow_private=s.webhook_allow_private,
        max_per_agency=s.webhook_max_per_agency,
    )
    response = _with_secret(registered)
    response.status_code = 201
    response.headers["Location"] = f"/v1/webhooks/{registered.webhook.id}"
    return response


@router.get("", response_model=WebhookList, summary="The agency's callback URLs (no secrets)")
async def list_webhooks(agency: CurrentAgency, uow: UowDep) -> WebhookList:
    return WebhookList(items=await handlers.list_webhooks(uow, agency.id))


@router.delete(
    "/{webhook_id}", status_code=204, summary="Remove a callback URL", responses=_NOT_FOUND
)
async def delete_webhook(webhook_id: UUID, agency: CurrentAgency, uow: UowDep) -> Response:
    await handlers.delete(uow, OneWebhook(agency_id=agency.id, webhook_id=webhook_id))
    return Response(status_code=204)


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=WebhookWithSecret,
    summary="Replace the signing secret; the new one is shown only in this response",
    responses=_NOT_FOUND,
)
async def rotate_secret(
    webhook_id: UUID, agency: CurrentAgency, found: ServicesDep
) -> JSONResponse:
    command = OneWebhook(agency_id=agency.id, webhook_id=webhook_id)
    return _with_secret(await handlers.rotate_secret(found.uow(), command, sealer=found.sealer))


@router.get(
    "/{webhook_id}/deliveries",
    response_model=DeliveryPage,
    summary="Delivery log, newest first",
    responses=_NOT_FOUND,
)
async def list_deliveries(
    webhook_id: UUID,
    agency: CurrentAgency,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> DeliveryPage:
    try:
        before = decode_cursor(cursor) if cursor else None
    except InvalidCursor as exc:
        message = "the cursor is not one this API returned"
        errors = [{"field": "cursor", "message": message}]
        raise Unprocessable(message, slug="bad-cursor", errors=errors) from exc
    query = DeliveryLog(agency_id=agency.id, webhook_id=webhook_id, limit=limit, before=before)
    return await handlers.delivery_log(uow, query)
