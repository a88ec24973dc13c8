"""The consumer loop on the real broker: batches in one transaction, poison isolated."""

import asyncio
import contextlib
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import orm
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.consumer import EventConsumer, EventRefused, Subscription
from shared.db import make_engine, make_session_factory
from shared.event_keys import keyring_for
from shared.events import Event
from shared.events.contracts import ClueStatusChanged
from shared.events.topics import CLUE_STATUS, dead_letter
from shared.kafka import KafkaPublisher, ensure_topics
from tests.support.databases import DatabaseFactory
from tests.support.events import signed


class TestEventConsumer:
    async def test_a_failing_record_is_dead_lettered_and_its_batch_mates_still_apply(
        self, databases: DatabaseFactory, backend: str, kafka_bootstrap: str
    ) -> None:
        # The real topic (consumers accept it only from its owners), a group of this test alone.
        topic = CLUE_STATUS
        await ensure_topics(kafka_bootstrap, [topic, dead_letter(topic)])
        clue = uuid.uuid4()  # one key: one partition, so the five records arrive as one batch
        events = [
            ClueStatusChanged(clue_id=clue, status=ClueStatus.ROUTED, occurred_at=utcnow())
            for _ in range(5)
        ]
        records = [signed(e, producer="routing") for e in events]
        ids = [dict(r[3])["ce_id"].decode() for r in records]
        poison = ids[2]

        async def handler(session: AsyncSession, event: Event) -> None:
            if event == events[2]:
                raise EventRefused("this one cannot be applied")

        engine = make_engine(databases.fresh(backend, "intake"))
        publisher = KafkaPublisher(kafka_bootstrap, client_id="test")
        consumer = EventConsumer(
            name=f"test-{uuid.uuid4().hex[:8]}",
            bootstrap_servers=kafka_bootstrap,
            subscriptions=[Subscription(topic, handler)],
            session_factory=make_session_factory(engine),
            inbox=orm.inbox,
            dead_letters=publisher,
            keyring=keyring_for(None),
            max_attempts=2,
        )
        await publisher.send_batch([(topic, k.decode(), v, h) for _, k, v, h in records])
        task = asyncio.create_task(consumer.run())
        try:
            dead = await _read(kafka_bootstrap, dead_letter(topic), ids=set(ids), expected=1)
            applied = await _applied(engine, consumer.name, ids=set(ids), expected=4)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await publisher.stop()
            await engine.dispose()
        assert applied == set(ids) - {poison}
        assert [dict(r.headers)["ce_id"].decode() for r in dead] == [poison]
        assert dict(dead[0].headers)["dlq_reason"] == b"refused: this one cannot be applied"


async def _applied(engine: object, consumer: str, *, ids: set[str], expected: int) -> set[str]:
    sessions = make_session_factory(engine)  # type: ignore[arg-type]
    found: set[str] = set()
    for _ in range(200):
        async with sessions() as session:
            found = (
                set(
                    (
                        await session.execute(
                            select(orm.inbox.c.event_id).where(orm.inbox.c.consumer == consumer)
                        )
                    ).scalars()
                )
                & ids
            )
        if len(found) >= expected:
            break
        await asyncio.sleep(0.1)
    return found


async def _read(bootstrap: str, topic: str, *, ids: set[str], expected: int) -> list[Any]:
    reader = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await reader.start()
    records: list[Any] = []
    try:
        for _ in range(60):
            for batch in (await reader.getmany(timeout_ms=500)).values():
                records += [r for r in batch if dict(r.headers)["ce_id"].decode() in ids]
            if len(records) >= expected:
                break
    finally:
        await reader.stop()
    return records
