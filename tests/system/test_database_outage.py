"""Routing's PostgreSQL database unreachable for a while in the middle of consumption."""

import asyncio
import contextlib
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from deploy.system import System
from shared.events.topics import CLUE_RECEIVED, CLUE_ROUTED, CLUE_STATUS, dead_letter
from tests.support.databases import PG_DSN
from tests.system.client import Agency, credentials, poll

pytestmark = pytest.mark.system

REFERRALS = 150
OUTAGE_SECONDS = 15.0


async def _cut(database: str) -> None:
    admin = await asyncpg.connect(PG_DSN)
    try:
        await admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", database
        )
    finally:
        await admin.close()


async def _restore(database: str) -> None:
    admin = await asyncpg.connect(PG_DSN)
    try:
        await admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
    finally:
        await admin.close()


class TestRoutingDatabaseOutage:
    async def test_nothing_is_lost_or_dead_lettered_and_every_referral_ends_assigned(
        self, system: System, backend: str
    ) -> None:
        if backend != "postgresql":
            pytest.skip("SQLite has no server to lose; its locking is covered elsewhere")
        database = str(make_url(system.services["routing"].database_url).database)
        agencies = [Agency(system, a.api_key) for a in credentials(system).agencies]
        accepted: list[tuple[Agency, dict[str, Any]]] = []

        async def stream() -> None:
            for n in range(REFERRALS):
                agency = agencies[n % len(agencies)]
                accepted.append((agency, await agency.refer(subject_name=f"断库{n}", sequence=n)))
                await asyncio.sleep(0.1)

        posting = asyncio.create_task(stream())
        try:
            await poll(_count(accepted), lambda n: n >= 20, "the first referrals")
            first_agency, first = accepted[0]
            await first_agency.wait_for_status(first["id"], "assigned")
            await _cut(database)
            try:
                await asyncio.sleep(OUTAGE_SECONDS)
            finally:
                await _restore(database)
            await posting
            for agency, referral in accepted:
                await agency.wait_for_status(referral["id"], "assigned")
        finally:
            posting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await posting
            await _restore(database)
            for agency in agencies:
                await agency.aclose()
        assert len(accepted) == REFERRALS
        ours = {referral["id"].encode() for _, referral in accepted}
        dead = await _dead_letter_keys(system.bootstrap_servers)
        assert not ours & dead, f"{len(ours & dead)} valid events were dead-lettered"


def _count(accepted: list[Any]) -> Any:
    async def count() -> int:
        return len(accepted)

    return count


async def _dead_letter_keys(bootstrap: str) -> set[bytes]:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    keys: set[bytes] = set()
    try:
        await consumer.topics()
        topics = [dead_letter(t) for t in (CLUE_RECEIVED, CLUE_ROUTED, CLUE_STATUS)]
        partitions = [
            TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        quiet = 0
        while quiet < 5:
            batches = await consumer.getmany(timeout_ms=300)
            quiet = 0 if batches else quiet + 1
            keys |= {r.key or b"" for records in batches.values() for r in records}
    finally:
        await consumer.stop()
    return keys
