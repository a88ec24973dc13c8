"""The relay on real databases and the real broker: poison rows, order per clue, no lock held
while the broker is slow, and the operator's release of set-aside rows."""

import asyncio
import io
import json
import signal
import uuid
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from services.intake import orm
from services.intake.settings import Settings
from shared import dlq
from shared.broker import EmbeddedBroker
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.db import make_engine
from shared.event_keys import signer_for
from shared.events.contracts import ClueStatusChanged
from shared.events.topics import CLUE_STATUS
from shared.kafka import KafkaPublisher, ensure_topics
from shared.outbox import OutboxRelay, RelayConfig, outbox_rows
from tests.casework.kafka_io import read_topic
from tests.support.databases import DatabaseFactory

SIGNER = signer_for("routing", None)
SMALL_LIMIT = 64 * 1024


async def _stage(engine: AsyncEngine, clue: uuid.UUID, *, padding: int = 0) -> int:
    """One status row for the clue; `padding` bytes of a field no reader knows make it big."""
    event = ClueStatusChanged(clue_id=clue, status=ClueStatus.ROUTED, occurred_at=utcnow())
    (row,) = outbox_rows([event], source="/guantong/routing")
    if padding:
        payload = json.loads(row["payload"]) | {"padding": "x" * padding}
        row["payload"] = json.dumps(payload).encode()
    async with engine.begin() as conn:
        result = await conn.execute(insert(orm.outbox).values(**row).returning(orm.outbox.c.id))
        return int(result.scalar_one())


async def _rows(engine: AsyncEngine, ids: list[int]) -> dict[int, Any]:
    async with engine.connect() as conn:
        found = await conn.execute(select(orm.outbox).where(orm.outbox.c.id.in_(ids)))
        return {r.id: r for r in found}


def _relay(
    engine: AsyncEngine, bootstrap: str, *, limit: int
) -> tuple[OutboxRelay, KafkaPublisher]:
    publisher = KafkaPublisher(bootstrap, client_id="test-relay", max_request_size=limit)
    config = RelayConfig(max_attempts=2, backoff_base_seconds=0.01, backoff_max_seconds=0.02)
    return OutboxRelay(engine, orm.outbox, publisher, SIGNER, config), publisher


async def _rounds(relay: OutboxRelay, count: int) -> None:
    for _ in range(count):
        await relay.publish_pending()
        await asyncio.sleep(0.05)


class TestPoisonRow:
    async def test_it_is_set_aside_while_other_clues_flow_and_its_own_clue_waits_behind_it(
        self, databases: DatabaseFactory, backend: str, kafka_bootstrap: str
    ) -> None:
        url = databases.fresh(backend, "intake")
        engine = make_engine(url)
        await ensure_topics(kafka_bootstrap, [CLUE_STATUS])
        stuck, other = uuid.uuid4(), uuid.uuid4()
        poison = await _stage(engine, stuck, padding=2 * SMALL_LIMIT)
        behind = await _stage(engine, stuck)
        flowing = await _stage(engine, other)
        relay, publisher = _relay(engine, kafka_bootstrap, limit=SMALL_LIMIT)
        try:
            await _rounds(relay, 4)
            rows = await _rows(engine, [poison, behind, flowing])
            assert rows[flowing].published_at is not None
            assert rows[behind].published_at is None, "a later event overtook its clue's first"
            assert rows[poison].published_at is None and rows[poison].set_aside_at is not None
            assert rows[poison].attempts == 2
            assert rows[poison].last_error.startswith("MessageSizeTooLargeError")

            listed = await asyncio.to_thread(_tool, url, "outbox", "list")
            assert f"{poison}  event={rows[poison].event_id}" in listed
            assert "1 set aside" in listed
            # The operator raises the limit and releases the row: it leaves, then its follower.
            assert "released 1" in await asyncio.to_thread(
                _tool, url, "outbox", "release", str(poison)
            )
            bigger, bigger_publisher = _relay(engine, kafka_bootstrap, limit=4 * SMALL_LIMIT)
            try:
                await _rounds(bigger, 2)
            finally:
                await bigger_publisher.stop()
            rows = await _rows(engine, [poison, behind])
            assert rows[poison].published_at is not None and rows[behind].published_at is not None
            sent = await read_topic(kafka_bootstrap, CLUE_STATUS, key=str(stuck).encode(), count=2)
            assert [dict(r.headers)["ce_id"].decode() for r in sent] == [
                rows[poison].event_id,
                rows[behind].event_id,
            ]
        finally:
            await publisher.stop()
            await engine.dispose()


class TestSlowBroker:
    async def test_no_lock_is_held_while_the_broker_is_frozen(
        self, databases: DatabaseFactory, backend: str
    ) -> None:
        url = databases.fresh(backend, "intake")
        engine = make_engine(url)
        broker = EmbeddedBroker().start()
        relay, publisher = _relay(engine, broker.bootstrap_servers, limit=SMALL_LIMIT)
        try:
            await ensure_topics(broker.bootstrap_servers, [CLUE_STATUS])
            await _stage(engine, uuid.uuid4())
            assert await relay.publish_pending() == 1  # the producer knows the cluster now
            row = await _stage(engine, uuid.uuid4())
            broker.signal(signal.SIGSTOP)
            publishing = asyncio.create_task(relay.publish_pending())
            await asyncio.sleep(1.0)
            assert not publishing.done(), "the send should be waiting on the frozen broker"
            # What an API request or a consumer does meanwhile: write, including to that row.
            async with asyncio.timeout(5):
                async with engine.begin() as conn:
                    await conn.execute(
                        update(orm.outbox).where(orm.outbox.c.id == row).values(last_error=None)
                    )
                await _stage(engine, uuid.uuid4())
            broker.signal(signal.SIGCONT)
            assert await publishing == 1
            assert (await _rows(engine, [row]))[row].published_at is not None
        finally:
            broker.signal(signal.SIGCONT)
            await publisher.stop()
            broker.stop()
            await engine.dispose()


def _tool(url: str, *argv: str) -> str:
    out = io.StringIO()
    code = dlq.main(
        list(argv),
        service="intake",
        settings=Settings(database_url=url),
        topics=[CLUE_STATUS],
        outbox=orm.outbox,
        out=out,
    )
    assert code == 0, out.getvalue()
    return out.getvalue()
