"""Putting a clue's events back on the wire from the outbox, for reconciliation's repairs.

`republish`: the retained row is marked unpublished and the relay sends it again, with its
original id, so a consumer that applied it already skips it (the inbox) and one that never got
it applies it. `reissue`: a copy of the row under a new event id, for an effect that a consumer
lost after applying the event (its inbox would skip the original); only for topics whose
consumers are idempotent by their own keys (a clue, a decision and a body).
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Row, Table, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.clock import utcnow
from shared.outbox.table import OUTBOX_CHANNEL


async def rows_about(
    session: AsyncSession, table: Table, *, clue_ids: Sequence[UUID], topics: Sequence[str]
) -> list[Row[Any]]:
    """Every retained row about these clues on these topics, oldest first."""
    t = table.c
    query = (
        select(table)
        .where(t.message_key.in_([str(c) for c in clue_ids]), t.topic.in_(list(topics)))
        .order_by(t.id)
    )
    return list((await session.execute(query)).all())


def matches(row: Row[Any], fields: Mapping[str, str]) -> bool:
    """The row's payload has each of `fields` with that value (compared as text)."""
    if not fields:
        return True
    try:
        payload = json.loads(row.payload)
    except ValueError:
        return False
    return all(str(payload.get(name)) == value for name, value in fields.items())


async def republish(session: AsyncSession, table: Table, row_ids: Sequence[int]) -> None:
    t = table.c
    await session.execute(
        update(table)
        .where(t.id.in_(list(row_ids)), t.set_aside_at.is_(None))
        .values(published_at=None, attempts=0, next_attempt_at=None, last_error=None)
    )
    await _wake(session)


async def reissue(session: AsyncSession, table: Table, rows: Sequence[Row[Any]]) -> list[str]:
    """Copies under new ids (the CloudEvents id header with them); the new ids."""
    now, copies = utcnow(), []
    for row in rows:
        event_id = str(uuid4())
        headers = [[n, event_id if n == "ce_id" else v] for n, v in row.headers]
        copies.append(
            {
                "event_id": event_id,
                "topic": row.topic,
                "message_key": row.message_key,
                "event_type": row.event_type,
                "headers": headers,
                "payload": row.payload,
                "created_at": now,
                "attempts": 0,
            }
        )
    if copies:
        await session.execute(insert(table), copies)
        await _wake(session)
    return [c["event_id"] for c in copies]


async def _wake(session: AsyncSession) -> None:
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": OUTBOX_CHANNEL})
