"""The relay's lease: a second worker takes over within seconds when the holder is SIGKILLed in
the middle of publishing, and nothing is missing or out of order per clue."""

import asyncio
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import func, select

from deploy.process import ServiceProcess
from deploy.system import REPO_ROOT
from services.routing.orm import heartbeats, outbox
from shared.broker import EmbeddedBroker
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.db import make_engine, make_session_factory
from shared.events.contracts import ClueStatusChanged
from shared.events.topics import CLUE_STATUS
from shared.outbox import stage
from tests.support.databases import DatabaseFactory

pytestmark = pytest.mark.system

ROWS = 1200
CLUES = 12
BOUND_SECONDS = 90.0
T = TypeVar("T")


async def _until(probe: Callable[[], Awaitable[T]], what: str) -> T:
    deadline = time.monotonic() + BOUND_SECONDS
    while time.monotonic() < deadline:
        if found := await probe():
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


class TestRelayTakeover:
    async def test_a_killed_holder_is_replaced_with_no_gap_and_no_reordering(
        self, databases: DatabaseFactory, backend: str, tmp_path: Path
    ) -> None:
        url = databases.fresh(backend, "routing")
        engine = make_engine(url)
        written = await _stage_rows(engine)
        broker = EmbeddedBroker(log_path=tmp_path / "broker.log").start()
        env = {
            **os.environ,
            "ROUTING_DATABASE_URL": url,
            "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
            "ROUTING_RUN_CONSUMERS": "false",
            "ROUTING_OUTBOX_BATCH_SIZE": "1",  # many small rounds: a kill lands mid-publish
            "ROUTING_LEASE_RETRY_SECONDS": "0.5",
            "ROUTING_WORKER_METRICS_PORT": "0",  # never a fixed port in tests
            "GUANTONG_SECRETS_DIR": str(tmp_path / "secrets"),
            "PYTHONUNBUFFERED": "1",
        }
        workers: list[ServiceProcess] = []

        def start(name: str) -> ServiceProcess:
            argv = [sys.executable, "-m", "services.routing", "worker"]
            log = tmp_path / f"{name}.log"
            workers.append(
                ServiceProcess(name, argv, cwd=REPO_ROOT, env=env, log_path=log, echo=False)
            )
            return workers[-1]

        try:
            holder = start("worker-a")
            await _until(lambda: _relay_state(engine, holder.pid, "active"), "the first lease")
            standby = start("worker-b")
            await _until(lambda: _relay_state(engine, standby.pid, "standby"), "a standby")
            await _until(lambda: _published_at_least(engine, ROWS // 10), "publishing to start")
            holder.kill(timeout=10)
            left = ROWS - await _published(engine)
            assert left > 0, "the holder finished before it was killed; the test proved nothing"
            await _until(lambda: _relay_state(engine, standby.pid, "active"), "the takeover")
            await _until(lambda: _published_at_least(engine, ROWS), "every row published")
            received = await _read_all(broker.bootstrap_servers)
        finally:
            for worker in workers:
                worker.stop(timeout=15)
            broker.stop()
            await engine.dispose()
        first_seen: dict[str, list[str]] = {}
        for key, event_id in received:
            seen = first_seen.setdefault(key, [])
            if event_id not in seen:
                seen.append(event_id)
        assert first_seen == written, "an event is missing or a clue's events are out of order"


async def _stage_rows(engine: Any) -> dict[str, list[str]]:
    clues = [uuid.uuid4() for _ in range(CLUES)]
    sessions = make_session_factory(engine)
    for start in range(0, ROWS, 100):
        events = [
            ClueStatusChanged(
                clue_id=clues[n % CLUES], status=ClueStatus.ROUTED, occurred_at=utcnow(), sequence=n
            )
            for n in range(start, start + 100)
        ]
        async with sessions() as session, session.begin():
            await stage(session, outbox, events, source="/guantong/routing")
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(outbox.c.message_key, outbox.c.event_id).order_by(outbox.c.id)
        )
        written: dict[str, list[str]] = {}
        for key, event_id in rows:
            written.setdefault(key, []).append(event_id)
    return written


async def _relay_state(engine: Any, pid: int, state: str) -> bool:
    query = select(heartbeats.c.instance).where(
        heartbeats.c.component == "relay", heartbeats.c.state == state
    )
    async with engine.connect() as conn:
        instances = (await conn.execute(query)).scalars().all()
    return any(i.endswith(f":{pid}") for i in instances)


async def _published(engine: Any) -> int:
    query = select(func.count()).where(outbox.c.published_at.is_not(None))
    async with engine.connect() as conn:
        return int((await conn.execute(query)).scalar_one())


async def _published_at_least(engine: Any, count: int) -> bool:
    return await _published(engine) >= count


async def _read_all(bootstrap: str) -> list[tuple[str, str]]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    found: list[tuple[str, str]] = []
    try:
        await consumer.topics()
        partitions = [
            TopicPartition(CLUE_STATUS, p) for p in consumer.partitions_for_topic(CLUE_STATUS) or ()
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        quiet = 0
        while quiet < 5:
            batches = await consumer.getmany(timeout_ms=300, max_records=1000)
            quiet = 0 if batches else quiet + 1
            for records in batches.values():
                found += [
                    ((r.key or b"").decode(), dict(r.headers)["ce_id"].decode()) for r in records
                ]
    finally:
        await consumer.stop()
    return found
