"""/v1/reconciliations: ask for a run (the office), read runs and export them."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from services.routing.audit import staff_actor
from services.routing.decisions.review import scope_for
from services.routing.deps import CASE_MANAGEMENT_OFFICE, CaseManager, OfficeOrAdmin, UowDep
from services.routing.errors import BadCursor, UnknownReconciliation
from services.routing.reconciliation import handlers, queries
from services.routing.reconciliation.export.page import as_html
from services.routing.reconciliation.export.tabular import as_csv, as_xlsx
from services.routing.reconciliation.queries import Visible
from services.routing.reconciliation.schemas import (
    DiscrepancyOut,
    ReconciliationRequested,
    RunDetail,
    RunOut,
    RunPage,
)
from shared.auth import Principal
from shared.clock import utcnow

router = APIRouter(prefix="/v1/reconciliations", tags=["reconciliation"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Format = Literal["json", "csv", "xlsx", "html"]


async def visible_to(principal: OfficeOrAdmin, uow: UowDep) -> Visible:
    """An officer sees their commission's tree; an administrator (without the role) all."""
    if CASE_MANAGEMENT_OFFICE in principal.roles and principal.body_id is not None:
        officer = staff_actor(principal.user_id, principal.body_id)
        return Visible(await scope_for(uow, principal.body_id, officer=officer))
    return Visible(None)


VisibleDep = Annotated[Visible, Depends(visible_to)]


@router.post("", status_code=202, summary="Ask for a reconciliation now (the worker runs it)")
async def request_run(
    body: ReconciliationRequested, manager: CaseManager, uow: UowDep, response: Response
) -> RunOut:
    run_id = await handlers.request_run(
        uow,
        trigger="api",
        actor=_actor(manager),
        first=body.first,
        last=body.last,
        repair=body.repair,
        now=utcnow(),
    )
    response.headers["Location"] = f"/v1/reconciliations/{run_id}"
    return _run(await queries.run_row(uow, run_id))


@router.get("", summary="Reconciliation runs, newest first")
async def list_runs(
    _: OfficeOrAdmin,
    uow: UowDep,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> RunPage:
    rows, more = await queries.runs_page(uow, before=_before(cursor), limit=limit)
    items = [_run(r) for r in rows]
    after = items[-1].requested_at.isoformat() if more and items else None
    return RunPage(items=items, next_cursor=after)


@router.get("/{run_id}", summary="One run: counts, bodies, discrepancies (in the caller's scope)")
async def get_run(
    run_id: UUID,
    visible: VisibleDep,
    uow: UowDep,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    cursor: Annotated[int | None, Query(ge=0)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> RunDetail:
    row = await _found(uow, run_id)
    found = await queries.discrepancies(
        uow, run_id, visible, kind=kind, after=cursor, limit=limit + 1
    )
    page = [DiscrepancyOut.model_validate(d) for d in found[:limit]]
    bodies = {b: e for b, e in (row.bodies or {}).items() if visible.body(b)}
    more = str(page[-1].id) if len(found) > limit and page else None
    return RunDetail(**_run(row).model_dump(), bodies=bodies, discrepancies=page, next_cursor=more)


@router.get("/{run_id}/export", summary="The run as JSON, CSV, an XLSX ledger per body, or HTML")
async def export(
    run_id: UUID, visible: VisibleDep, uow: UowDep, format: Format = "json"
) -> Response:
    row = await _found(uow, run_id)
    run = dict(row._mapping)
    run["bodies"] = {b: e for b, e in (row.bodies or {}).items() if visible.body(b)}
    found = await queries.discrepancies(uow, run_id, visible)
    names = {b: str(e.get("name", b)) for b, e in (row.bodies or {}).items()}
    filename = f"reconciliation-{run_id}.{format}"
    if format == "json":
        body = {
            **_run(row).model_dump(mode="json"),
            "bodies": run["bodies"],
            "discrepancies": [
                DiscrepancyOut.model_validate(d).model_dump(mode="json") for d in found
            ],
        }
        return JSONResponse(body, headers=_attachment(filename))
    if format == "csv":
        content, media = as_csv(run, found, names), "text/csv; charset=utf-8"
    elif format == "xlsx":
        content, media = as_xlsx(run, found, names), XLSX
    else:
        history = await queries.history(uow, until=row.started_at or utcnow())
        content, media = as_html(run, history), "text/html; charset=utf-8"
    return Response(content, media_type=media, headers=_attachment(filename))


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


async def _found(uow: UowDep, run_id: UUID) -> Any:
    row = await queries.run_row(uow, run_id)
    if row is None:
        raise UnknownReconciliation(f"no reconciliation {run_id}")
    return row


def _run(row: Any) -> RunOut:
    m = dict(row._mapping)
    return RunOut(**{**m, "first": m["window_first"], "last": m["window_last"]})


def _before(cursor: str | None) -> datetime | None:
    if cursor is None:
        return None
    try:
        return datetime.fromisoformat(cursor)
    except ValueError:
        raise BadCursor("cursor is not one this API gave out") from None


def _actor(principal: Principal) -> str:
    return staff_actor(principal.user_id, principal.body_id)
