"""Registry routes: bodies for every signed-in officer; the whole registry (units, zones,
projects) for the case-management office and admins; loads for admins."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request

from services.routing.audit import staff_actor
from services.routing.deps import CurrentStaff, OfficeOrAdmin, RoutingAdmin, UowDep
from services.routing.documents import openapi_body, read_document
from services.routing.errors import BadDocument
from services.routing.registry import handlers
from services.routing.registry.commands import GetBody, ListBodies, LoadRegistry
from services.routing.registry.document import RegistryFile
from services.routing.registry.export import export_registry
from services.routing.registry.schemas import REGISTRY_EXAMPLE, BodyList, BodyOut, RegistryLoadOut
from shared.clock import utcnow
from shared.codes import BodyKind, Level

router = APIRouter(prefix="/v1", tags=["registry"])
Region = Annotated[str | None, Query(pattern=r"^\d{6}$", description="6-digit division code")]


@router.get("/bodies", summary="Supervision bodies in the registry (active ones)")
async def list_bodies(
    _: CurrentStaff,
    uow: UowDep,
    kind: BodyKind | None = None,
    level: Level | None = None,
    region: Region = None,
) -> BodyList:
    found = await handlers.list_bodies(uow, ListBodies(kind=kind, level=level, region=region))
    return BodyList(items=[BodyOut.of(b) for b in found])


@router.get("/bodies/{body_id}", summary="One supervision body")
async def get_body(body_id: UUID, _: CurrentStaff, uow: UowDep) -> BodyOut:
    return BodyOut.of(await handlers.get_body(uow, GetBody(body_id=body_id)))


@router.get(
    "/registry",
    summary="The whole registry in the form of a registry file (edit it and load it back)",
    response_model_exclude_none=True,
)
async def get_registry(_: OfficeOrAdmin, uow: UowDep) -> RegistryFile:
    return RegistryFile.model_validate(export_registry(await handlers.current_registry(uow)))


@router.post(
    "/registry/loads",
    summary="Load a registry document: each section given replaces that section; idempotent",
    openapi_extra={
        **openapi_body(REGISTRY_EXAMPLE, dry_run={"type": "boolean"}),
        "parameters": [{"name": "dry_run", "in": "query", "schema": {"type": "boolean"}}],
    },
    responses={422: {"description": "refused, with the line and column of each problem"}},
)
async def load_registry(admin: RoutingAdmin, uow: UowDep, request: Request) -> RegistryLoadOut:
    document = await read_document(request)
    dry_run = _flag(document.options.get("dry_run", request.query_params.get("dry_run")))
    command = LoadRegistry(
        source=document.source, actor=staff_actor(admin.user_id, admin.body_id), dry_run=dry_run
    )
    plan = await handlers.load_registry(uow, command, now=utcnow())
    return RegistryLoadOut.of(plan, dry_run=dry_run)


def _flag(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise BadDocument("dry_run is true or false")
