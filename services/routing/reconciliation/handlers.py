"""Use cases of reconciliation: ask for a run, carry one out, read runs back.

A run is a row from the moment it is asked for (by the office, the schedule or the command
line) to its end: what it found, what it asked the owners to re-publish, and what became of
the repairs the run before it asked for (verified, or not).
"""

import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from services.routing.audit import AuditEntry
from services.routing.reconciliation import classify
from services.routing.reconciliation.engine import Pass, Progress, quiet
from services.routing.reconciliation.model import Discrepancy
from services.routing.reconciliation.repair import request_repairs, summarise, verify
from services.routing.reconciliation.repository import (
    COMPLETED,
    FAILED,
    REQUESTED,
    RUNNING,
    window_of,
)
from services.routing.reconciliation.sources import LedgerSource, LedgerUnavailable
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.clock import utcnow
from shared.ledger.window import Window

Units = Callable[[], RoutingUnitOfWork]
BodyCounts = Callable[[Window], Any]
Undelivered = Callable[[Window], Awaitable[list[dict[str, Any]]]]


async def request_run(
    uow: RoutingUnitOfWork,
    *,
    trigger: str,
    actor: str,
    first: date | None,
    last: date | None,
    repair: bool,
    now: datetime,
) -> UUID:
    run_id = uuid4()
    async with uow:
        await uow.reconciliations.add_run(
            {
                "id": run_id,
                "trigger": trigger,
                "requested_by": actor[:200],
                "status": REQUESTED,
                "window_first": first,
                "window_last": last,
                "repair": repair,
                "requested_at": now,
                "counts": {},
                "verification": {},
                "bodies": {},
            }
        )
        await uow.audit.append(
            _entry(
                actor,
                "reconciliation.requested",
                run_id,
                now,
                {"trigger": trigger, "first": str(first), "last": str(last), "repair": repair},
            )
        )
        await uow.commit()
    return run_id


async def execute(
    units: Units,
    run_id: UUID,
    *,
    sources: Mapping[str, LedgerSource],
    body_counts: BodyCounts,
    undelivered: Undelivered,
    settle: timedelta,
    progress: Progress = quiet,
) -> dict[str, Any]:
    """Carries out a requested run; the stored run, as `run_view` would show it."""
    async with units() as uow:
        row = await uow.reconciliations.run(run_id)
        if row is None or row.status != REQUESTED:
            raise LookupError(f"run {run_id} is not waiting to run")
        window, repair = window_of(row), bool(row.repair)
        await uow.reconciliations.update_run(run_id, {"status": RUNNING, "started_at": utcnow()})
        total = await uow.reconciliations.clue_count(window)
        transfers = await uow.reconciliations.open_transfers(window)
        names = await uow.reconciliations.body_names()
        await uow.commit()
    try:
        now = utcnow()
        findings = await Pass(sources, window, now, settle, progress).run(total, transfers)
        findings.discrepancies += [classify.undelivered(r) for r in await undelivered(window)]
        progress("repairs", 0, 1)
        clock = time.perf_counter()
        outcomes = await request_repairs(sources, run_id, findings.discrepancies, repair=repair)
        bodies = _bodies(await body_counts(window), findings.discrepancies, names)
    except LedgerUnavailable as exc:
        await _failed(units, run_id, str(exc))
        raise
    except Exception as exc:
        # Never left `running`: the error's kind only (a message could carry data).
        await _failed(units, run_id, type(exc).__name__)
        raise
    progress("repairs", 1, 1)
    stored = await _store(units, run_id, total, findings, outcomes, bodies)
    repairs = time.perf_counter() - clock
    timings = {**findings.timings, "repairs_and_bodies": repairs}
    return {**stored, "timings": timings, "ranges_listed": findings.ranges_listed}


async def _store(
    units: Units, run_id: UUID, total: int, findings: Any, outcomes: Any, bodies: Any
) -> dict[str, Any]:
    now = utcnow()
    async with units() as uow:
        repo = uow.reconciliations
        previous = await repo.previous_completed(besides=run_id)
        verification: dict[str, int] = {}
        if previous is not None:
            pending = await repo.pending_repairs(previous.id)
            verification = await verify(repo, pending, findings, by=run_id, at=now)
        await repo.add_discrepancies(
            [_row(run_id, d, o) for d, o in zip(findings.discrepancies, outcomes, strict=True)]
        )
        counts = summarise(findings.discrepancies, outcomes)
        values = {
            "status": COMPLETED,
            "finished_at": now,
            "clues": total,
            "in_flight": len(findings.in_flight),
            "counts": counts,
            "verification": verification,
            "bodies": bodies,
        }
        await repo.update_run(run_id, values)
        await uow.audit.append(
            _entry(
                "system:reconciliation",
                "reconciliation.completed",
                run_id,
                now,
                {"counts": counts, "verification": verification},
            )
        )
        stored = await repo.run(run_id)
        await uow.commit()
        return {**dict(stored._mapping), "id": str(run_id)} if stored else {"id": str(run_id)}


async def _failed(units: Units, run_id: UUID, why: str) -> None:
    now = utcnow()
    async with units() as uow:
        values = {"status": FAILED, "finished_at": now, "error": why[:500]}
        await uow.reconciliations.update_run(run_id, values)
        await uow.audit.append(
            _entry("system:reconciliation", "reconciliation.failed", run_id, now, {"error": why})
        )
        await uow.commit()


def _row(run_id: UUID, d: Discrepancy, outcome: Any) -> dict[str, Any]:
    status, event_ids, reason = outcome
    return {
        "run_id": run_id,
        "kind": d.kind.value,
        "detail": d.detail,
        "clue_id": d.clue_id,
        "receipt_number": d.receipt_number,
        "region": d.region,
        "body_ids": [str(b) for b in d.body_ids],
        "note": d.note,
        "facts": d.facts,
        "repair": None
        if d.repair is None
        else {
            "owner": d.repair.owner,
            "topic": d.repair.topic,
            "mode": d.repair.mode,
            "match": d.repair.match,
            "event_id": d.repair.event_id,
        },
        "repair_status": status.value,
        "repair_event_ids": event_ids,
        "repair_reason": reason,
    }


def _bodies(
    counted: list[dict[str, Any]], found: list[Discrepancy], names: dict[str, str]
) -> dict[str, dict[str, Any]]:
    per: dict[str, dict[str, Any]] = {}
    empty = {"assigned": 0, "signed_for": 0, "disposed": 0, "concluded": 0, "overdue": 0}
    for row in counted:
        per[row["body_id"]] = {**empty, **{k: v for k, v in row.items() if k != "body_id"}}
    for d in found:
        for body_id in d.body_ids:
            entry = per.setdefault(str(body_id), dict(empty))
            entry["discrepancies"] = entry.get("discrepancies", 0) + 1
            if d.detail == "overdue":
                entry["overdue_handoffs"] = entry.get("overdue_handoffs", 0) + 1
    for body_key, entry in per.items():
        entry.setdefault("discrepancies", 0)
        entry.setdefault("overdue_handoffs", 0)
        entry["name"] = names.get(body_key, body_key)
    return per


def _entry(
    actor: str, action: str, run_id: UUID, at: datetime, detail: dict[str, Any]
) -> AuditEntry:
    return AuditEntry(
        at=at,
        actor=actor,
        action=action,
        entity="reconciliation",
        entity_key=str(run_id),
        detail=detail,
    )
