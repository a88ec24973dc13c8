"""Use cases of casework's ledger: reads for the reconciler, and re-publishing the events a
clue's sender or routing did not get, each in the audit chain of the assignment concerned."""

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from services.casework.audit.chain import Entry
from services.casework.unit_of_work import CaseworkUnitOfWork
from shared.clock import utcnow
from shared.events.topics import (
    ASSIGNMENT_ACCEPTED,
    ASSIGNMENT_RETURNED,
    CASE_CONCLUDED,
    CASE_HANDOFF_REQUESTED,
    CLUE_STATUS,
)
from shared.ledger.digest import Bucket
from shared.ledger.republishing import republish_items
from shared.ledger.schemas import (
    DigestRequest,
    ItemsRequest,
    LedgerItem,
    RepublishMode,
    RepublishRequest,
    RepublishResult,
)
from shared.ledger.window import Window
from shared.service_tokens import ServiceCaller

# Intake folds status reports by their order and routing acknowledges a transfer once: the
# original events, sent again, are enough (a copy would add a duplicate timeline entry).
OFFERED: dict[str, frozenset[RepublishMode]] = {
    CLUE_STATUS: frozenset({"republish"}),
    CASE_CONCLUDED: frozenset({"republish"}),
    ASSIGNMENT_ACCEPTED: frozenset({"republish"}),
    # Sent again only when routing dead-lettered them and never applied them since.
    ASSIGNMENT_RETURNED: frozenset({"republish"}),
    CASE_HANDOFF_REQUESTED: frozenset({"republish"}),
}
REPUBLISHED = "events_republished"


async def digests(uow: CaseworkUnitOfWork, query: DigestRequest) -> list[Bucket]:
    async with uow:
        return await uow.ledger.digests(
            query.window, prefix_length=query.prefix_length, under=query.within
        )


async def items(uow: CaseworkUnitOfWork, query: ItemsRequest) -> list[LedgerItem]:
    async with uow:
        return await uow.ledger.items(query.window, query.prefixes)


async def per_body(
    uow: CaseworkUnitOfWork, window: Window, *, now: datetime
) -> list[dict[str, Any]]:
    async with uow:
        return await uow.ledger.per_body(window, now=now)


async def republish(
    uow: CaseworkUnitOfWork, command: RepublishRequest, caller: ServiceCaller
) -> list[RepublishResult]:
    async with uow:
        await uow.lock_for_writing()
        results = await republish_items(uow.session, uow.outbox, command.items, allowed=OFFERED)
        entries = []
        for result in results:
            if result.event_ids and result.outcome == "republished":
                entries += await _entries(uow, result, caller, command.run_id)
        await uow.audit.append(entries)
        await uow.commit()
        return results


async def _entries(
    uow: CaseworkUnitOfWork, result: RepublishResult, caller: ServiceCaller, run: UUID | None
) -> list[Entry]:
    found: dict[UUID, Any] = {}
    for payload in await uow.ledger.payloads(uow.outbox, result.event_ids):
        event = json.loads(payload)
        if event.get("assignment_id"):
            row = await uow.ledger.assignment(UUID(event["assignment_id"]))
        elif event.get("body_id"):
            row = await uow.ledger.lead_at(
                result.clue_id, stage=int(event.get("stage") or 1), body_id=UUID(event["body_id"])
            )
        else:
            row = None
        if row is not None:
            found[row.id] = row
    now = utcnow()
    details = {"topic": result.topic, "event_ids": ",".join(result.event_ids), "run_id": str(run)}
    return [
        Entry(0, r.id, r.body_id, now, caller.actor, REPUBLISHED,
              {"state": r.state, "version": r.version}, {"state": r.state, "version": r.version},
              details)
        for r in found.values()
    ]  # fmt: skip
