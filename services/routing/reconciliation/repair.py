"""Asking owners to re-publish, and checking last run's repairs. The owner decides which rows
(its outbox, its audit); the reconciler only says which clue, which topic, which mode."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from services.routing.reconciliation.model import Counts, Discrepancy, RepairStatus
from services.routing.reconciliation.repository import ReconciliationRepository
from services.routing.reconciliation.sources import LedgerSource
from shared.ledger.schemas import MAX_REPUBLISH, RepublishItem, RepublishRequest

Outcome = tuple[RepairStatus, list[str], str | None]
DONE = frozenset({"republished", "reissued"})


async def request_repairs(
    sources: Mapping[str, LedgerSource],
    run_id: UUID,
    found: Sequence[Discrepancy],
    *,
    repair: bool,
) -> list[Outcome]:
    """One outcome per discrepancy, in order."""
    outcomes: list[Outcome] = [(RepairStatus.NONE, [], None) for _ in found]
    if not repair:
        return outcomes
    by_owner: dict[str, list[int]] = {}
    for n, d in enumerate(found):
        if d.repair is not None and d.clue_id is not None:
            by_owner.setdefault(d.repair.owner, []).append(n)
    for owner, indexes in by_owner.items():
        source = sources.get(owner)
        if source is None:
            continue
        for start in range(0, len(indexes), MAX_REPUBLISH):
            part = indexes[start : start + MAX_REPUBLISH]
            command = RepublishRequest(run_id=run_id, items=[_item(found[n]) for n in part])
            results = await source.republish(command)
            for n, result in zip(part, results, strict=True):
                ok = result.outcome in DONE
                status = RepairStatus.REQUESTED if ok else RepairStatus.FAILED
                outcomes[n] = (status, result.event_ids, result.reason or result.outcome)
    return outcomes


def _item(d: Discrepancy) -> RepublishItem:
    assert d.repair is not None and d.clue_id is not None
    return RepublishItem(
        clue_id=d.clue_id,
        topic=d.repair.topic,
        mode="reissue" if d.repair.mode == "reissue" else "republish",
        match=d.repair.match,
        event_id=d.repair.event_id,
    )


def summarise(found: Sequence[Discrepancy], outcomes: Sequence[Outcome]) -> dict[str, Any]:
    counts: dict[str, Counts] = {}
    for d, (status, _, _) in zip(found, outcomes, strict=True):
        c = counts.setdefault(d.kind.value, Counts())
        c.found += 1
        c.repair_requested += status is RepairStatus.REQUESTED
        c.repair_failed += status is RepairStatus.FAILED
    return {kind: c.as_json() for kind, c in sorted(counts.items())}


async def verify(
    repo: ReconciliationRepository, pending: Sequence[Any], findings: Any, *, by: UUID, at: datetime
) -> dict[str, int]:
    """Last run's repairs: gone now (verified), still there (not verified), or in flight
    (left for the run after)."""
    present = {d.key for d in findings.discrepancies}
    verified: list[int] = []
    not_verified: list[int] = []
    for row in pending:
        if row.clue_id in findings.in_flight:
            continue
        key = (row.kind, row.detail, str(row.clue_id))
        (not_verified if key in present else verified).append(row.id)
    await repo.mark_verified(verified, status=RepairStatus.VERIFIED, by=by, at=at)
    await repo.mark_verified(not_verified, status=RepairStatus.NOT_VERIFIED, by=by, at=at)
    return {"verified": len(verified), "not_verified": len(not_verified)}
