"""Use cases of routing's ledger: reads, and re-publishing a clue's decisions or status reports
from the outbox; each request is in routing's audit."""

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.audit import AuditEntry
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.clock import utcnow
from shared.events.topics import CLUE_LINKED, CLUE_ROUTED, CLUE_STATUS
from shared.ledger.digest import Bucket
from shared.ledger.republishing import republish_items
from shared.ledger.schemas import (
    DigestRequest,
    ItemsRequest,
    LedgerItem,
    RepublishItem,
    RepublishMode,
    RepublishRequest,
    RepublishResult,
)

# Casework makes one assignment per (decision, body) whatever the event id, so a decision may
# go out again under a new id; intake folds status reports by order, so those go out as they were.
OFFERED: dict[str, frozenset[RepublishMode]] = {
    CLUE_ROUTED: frozenset({"republish", "reissue"}),
    CLUE_STATUS: frozenset({"republish"}),
    CLUE_LINKED: frozenset({"republish"}),
}


async def digests(uow: RoutingUnitOfWork, query: DigestRequest) -> list[Bucket]:
    async with uow:
        return await uow.ledger.digests(
            query.window, prefix_length=query.prefix_length, under=query.within
        )


async def items(uow: RoutingUnitOfWork, query: ItemsRequest) -> list[LedgerItem]:
    async with uow:
        return await uow.ledger.items(query.window, query.prefixes)


async def republish(
    uow: RoutingUnitOfWork, command: RepublishRequest, *, actor: str
) -> list[RepublishResult]:
    async with uow:
        ledger = uow.ledger

        async def still_latest(_: AsyncSession, item: RepublishItem) -> str | None:
            """A decision goes out again only while it is the clue's latest: never one that a
            later decision (made meanwhile) replaced, which casework would take as newer."""
            wanted = item.match.get("decision_id")
            if item.topic != CLUE_ROUTED or wanted is None:
                return None
            current = await ledger.current_decision(item.clue_id)
            if current is None or str(current) != wanted:
                return "no longer the clue's latest decision"
            return None

        results = await republish_items(
            uow.session, uow.outbox, command.items, allowed=OFFERED, check=still_latest
        )
        await uow.audit.append(*(_audited(r, actor, command.run_id) for r in results))
        await uow.commit()
        return results


def _audited(result: RepublishResult, actor: str, run: UUID | None) -> AuditEntry:
    detail = result.model_dump(mode="json", exclude={"clue_id"})
    return AuditEntry(
        at=utcnow(),
        actor=actor,
        action="ledger.republish",
        entity="clue",
        entity_key=str(result.clue_id),
        detail={**detail, "run_id": str(run) if run else None},
    )
