"""Use cases of intake's ledger: reads for the reconciler, and re-publishing a referral's
clue.received from the outbox, each request in intake's audit trail."""

from typing import Any

from services.intake.unit_of_work import IntakeUnitOfWork
from shared.events.topics import CLUE_RECEIVED
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

# Routing records a clue once (by its id), so a copy under a new event id is safe too.
OFFERED: dict[str, frozenset[RepublishMode]] = {CLUE_RECEIVED: frozenset({"republish", "reissue"})}


async def digests(uow: IntakeUnitOfWork, query: DigestRequest) -> list[Bucket]:
    async with uow:
        return await uow.ledger.digests(
            query.window, prefix_length=query.prefix_length, under=query.within
        )


async def items(uow: IntakeUnitOfWork, query: ItemsRequest) -> list[LedgerItem]:
    async with uow:
        return await uow.ledger.items(query.window, query.prefixes)


async def republish(
    uow: IntakeUnitOfWork, command: RepublishRequest, caller: ServiceCaller
) -> list[RepublishResult]:
    async with uow:
        results = await republish_items(uow.session, uow.outbox, command.items, allowed=OFFERED)
        for result in results:
            await uow.audit.record(
                actor=caller.actor,
                action="ledger.republish",
                target=f"referral:{result.clue_id}",
                reason="reconciliation",
                detail={
                    "run_id": str(command.run_id) if command.run_id else None,
                    **result.model_dump(mode="json", exclude={"clue_id"}),
                },
            )
        await uow.commit()
        return results


async def failed_feedback(uow: IntakeUnitOfWork, window: Window) -> list[dict[str, Any]]:
    async with uow:
        return await uow.ledger.failed_feedback(window)
