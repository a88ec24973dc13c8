"""The outbox relay and the inbox on real databases and the real broker."""

import asyncio
import uuid

from aiokafka import AIOKafkaConsumer
from sqlalchemy import func, select

from services.intake import orm
from shared.broker import EmbeddedBroker, free_port
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.db import make_engine, make_session_factory
from shared.event_keys import signer_for
from shared.events import Envelope, decode
from shared.events.contracts import ClueStatusChanged
from shared.inbox import claim
from shared.kafka import KafkaPublisher, ensure_topics
from shared.outbox import OutboxRelay, RelayConfig, stage
from tests.support.databases import DatabaseFactory

SIGNER = signer_for("routing", None)


def _events(n: int) -> list[ClueStatusChanged]:
    return [
        ClueStatusChanged(clue_id=uuid.uuid4(), status=ClueStatus.ROUTED, occurred_at=utcnow())
        for _ in range(n)
    ]


async def _consume(bootstrap: str, topic: str, expected: int) -> list[Envelope]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"test-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        session_timeout_ms=6000,
    )
    await consumer.start()
    received: list[Envelope] = []
    try:
        for _ in range(100):
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                received += [Envelope.from_record(r.headers, r.value) for r in records]
            if len(received) >= expected:
                break
    finally:
        await consumer.stop()
    return received


class TestOutboxRelay:
    async def test_a_broker_outage_loses_nothing(
        self, databases: DatabaseFactory, backend: str
    ) -> None:
        url = databases.fresh(backend, "intake")
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        events = _events(5)
        async with sessions() as session, session.begin():
            await stage(session, orm.outbox, events, source="/test")
        broker = EmbeddedBroker(port=free_port())
        publisher = KafkaPublisher(broker.bootstrap_servers, client_id="test")
        relay = OutboxRelay(engine, orm.outbox, publisher, SIGNER)
        try:
            try:
                await relay.publish_pending()
                raise AssertionError("publishing to a stopped broker must fail")
            except Exception as exc:
                assert not isinstance(exc, AssertionError)
            async with sessions() as session:
                pending = await session.scalar(
                    select(func.count()).where(orm.outbox.c.published_at.is_(None))
                )
            assert pending == 5
            await asyncio.to_thread(broker.start)
            await ensure_topics(broker.bootstrap_servers, ["clue.status"], partitions=3)
            assert await relay.publish_pending() == 5
            assert await relay.publish_pending() == 0
            received = await _consume(broker.bootstrap_servers, "clue.status", 5)
        finally:
            await publisher.stop()
            broker.stop()
            await engine.dispose()
        assert sorted(str(decode(e).clue_id) for e in received) == sorted(
            str(e.clue_id) for e in events
        )

    async def test_published_rows_are_kept_then_purged_after_retention(
        self, databases: DatabaseFactory, backend: str, kafka_bootstrap: str
    ) -> None:
        from datetime import timedelta

        url = databases.fresh(backend, "intake")
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        async with sessions() as session, session.begin():
            await stage(session, orm.outbox, _events(3), source="/test")
        publisher = KafkaPublisher(kafka_bootstrap, client_id="test")
        keep = OutboxRelay(
            engine, orm.outbox, publisher, SIGNER, RelayConfig(retention=timedelta(days=7))
        )
        expire = OutboxRelay(
            engine, orm.outbox, publisher, SIGNER, RelayConfig(retention=timedelta(seconds=-1))
        )
        try:
            await ensure_topics(kafka_bootstrap, ["clue.status"])
            assert await keep.publish_pending() == 3
            assert await keep.purge_expired() == 0
            assert await expire.purge_expired() == 3
        finally:
            await publisher.stop()
            await engine.dispose()


class TestInbox:
    async def test_an_event_id_is_claimed_once_per_consumer(
        self, databases: DatabaseFactory, backend: str
    ) -> None:
        engine = make_engine(databases.url(backend, "intake"))
        sessions = make_session_factory(engine)
        event_id = str(uuid.uuid4())
        results = []
        try:
            for consumer in ("a", "a", "b"):
                async with sessions() as session, session.begin():
                    results.append(
                        await claim(session, orm.inbox, consumer=consumer, event_id=event_id)
                    )
        finally:
            await engine.dispose()
        assert results == [True, False, True]
