"""Dead letters a service's consumer wrote and has not applied since (by a replay or a repair).

Read from the dead-letter topics of what the service consumes; an event whose id is in the
service's inbox was applied after all and is not reported.
"""

import uuid
from collections.abc import Sequence

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.consumer import dead_letters as dl
from shared.dlq import DeadLetter, read_dead_letters
from shared.kafka import client_options
from shared.ledger.schemas import DeadLetterOut
from shared.settings import ServiceSettings


async def unapplied(
    *,
    service: str,
    settings: ServiceSettings,
    topics: Sequence[str],
    sessions: async_sessionmaker[AsyncSession],
    inbox: Table,
) -> list[DeadLetterOut]:
    letters = await read_dead_letters(
        settings.kafka_bootstrap_servers, topics, security=client_options(settings)
    )
    mine = [d for d in letters if d.header(dl.CONSUMER) == service and d.header("ce_id")]
    if not mine:
        return []
    ids = sorted({d.header("ce_id") for d in mine})
    async with sessions() as session:
        query = select(inbox.c.event_id).where(
            inbox.c.consumer == service, inbox.c.event_id.in_(ids)
        )
        applied = set((await session.execute(query)).scalars())
    return [_out(d) for d in mine if d.header("ce_id") not in applied]


def _out(letter: DeadLetter) -> DeadLetterOut:
    key = (letter.record.key or b"").decode("utf-8", "replace")
    try:
        clue_id: uuid.UUID | None = uuid.UUID(key)
    except ValueError:
        clue_id = None
    return DeadLetterOut(
        id=letter.id,
        event_id=letter.header("ce_id"),
        clue_id=clue_id,
        topic=letter.header(dl.SOURCE_TOPIC) or letter.source_topic,
        producer=letter.header("ce_source").rsplit("/", 1)[-1],
        reason=letter.header(dl.REASON)[:300],
        failed_at=letter.header(dl.FAILED_AT),
    )
