"""Rule set routes: upload, list, read, activate, dry run."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from services.routing.audit import staff_actor
from services.routing.deps import OfficeOrAdmin, RoutingAdmin, ServicesDep, UowDep
from services.routing.documents import openapi_body, read_document
from services.routing.rules import handlers
from services.routing.rules.commands import ActivateRuleSet, DryRunRuleSet, UploadRuleSet
from services.routing.rules.schemas import (
    RULES_EXAMPLE,
    DryRunIn,
    DryRunOut,
    RuleSetList,
    RuleSetOut,
    UploadOut,
)
from shared.clock import utcnow

router = APIRouter(prefix="/v1/rule-sets", tags=["rule sets"])
Version = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


@router.post(
    "",
    status_code=201,
    summary="Upload a rule set version (YAML); validated, stored, not yet in force",
    openapi_extra=openapi_body(RULES_EXAMPLE),
    responses={
        200: {"description": "this very text was uploaded before under this version"},
        409: {"description": "the version exists with another text"},
        422: {"description": "refused, with the line and column of each problem"},
    },
)
async def upload(
    admin: RoutingAdmin, uow: UowDep, request: Request, response: Response
) -> UploadOut:
    document = await read_document(request)
    actor = staff_actor(admin.user_id, admin.body_id)
    command = UploadRuleSet(source=document.source, actor=actor)
    uploaded = await handlers.upload_rule_set(uow, command, now=utcnow())
    if not uploaded.created:
        response.status_code = 200
    return UploadOut.of(uploaded)


@router.get("", summary="Every uploaded version, which one is in force")
async def versions(_: OfficeOrAdmin, uow: UowDep) -> RuleSetList:
    return RuleSetList(items=[RuleSetOut.of(r) for r in await handlers.rule_set_versions(uow)])


@router.get("/{version}", summary="One version with its text")
async def version(version: Version, _: OfficeOrAdmin, uow: UowDep) -> RuleSetOut:
    return RuleSetOut.of(await handlers.rule_set(uow, version), with_source=True)


@router.post(
    "/{version}/activate",
    summary="Put this version in force: every process uses it from its next decision",
)
async def activate(version: Version, admin: RoutingAdmin, uow: UowDep) -> RuleSetOut:
    command = ActivateRuleSet(version=version, actor=staff_actor(admin.user_id, admin.body_id))
    return RuleSetOut.of(await handlers.activate_rule_set(uow, command, now=utcnow()))


@router.post(
    "/{version}/dry-run",
    summary="Replay this version over recent clues against the one in force; changes nothing",
)
async def dry_run(
    version: Version, body: DryRunIn, _: RoutingAdmin, uow: UowDep, services: ServicesDep
) -> DryRunOut:
    command = DryRunRuleSet(
        version=version,
        last=min(body.last, services.settings.dry_run_max_clues),
        since=body.since,
        until=body.until,
        include_reason_only=body.include_reason_only,
    )
    return DryRunOut.of(await handlers.dry_run_rule_set(uow, command, rules=services.rules))
