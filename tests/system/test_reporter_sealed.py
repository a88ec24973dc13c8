"""A reporter's identity never leaves intake's sealed column: not on Kafka, not in a log line,
not in routing's or casework's database, not in anything an agency reads back."""

import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import create_async_engine

from deploy.demo import referral
from deploy.system import System
from tests.system.client import Agency, credentials

pytestmark = pytest.mark.system

CANARY = "举报人金丝雀" + uuid.uuid4().hex[:6]
CANARY_PHONE = "13912345678"
# A subject's name and the summary travel to routing and casework, but never into a log line.
SUBJECT_CANARY = "被反映人金丝雀" + uuid.uuid4().hex[:6]


async def _kafka_values(bootstrap: str) -> list[bytes]:
    """Every record on every topic, keys, headers and values, read from the beginning."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    seen: list[bytes] = []
    try:
        partitions = [
            TopicPartition(topic, p)
            for topic in await consumer.topics()
            for p in consumer.partitions_for_topic(topic) or ()
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        quiet = 0
        while quiet < 5:
            batches = await consumer.getmany(timeout_ms=300)
            records = [r for rs in batches.values() for r in rs]
            quiet = 0 if records else quiet + 1
            for r in records:
                seen += [r.key or b"", r.value or b""] + [v for _, v in r.headers or ()]
    finally:
        await consumer.stop()
    return seen


async def _database_rows(url: str) -> list[str]:
    engine = create_async_engine(url)
    metadata = MetaData()
    try:
        async with engine.connect() as conn:
            await conn.run_sync(metadata.reflect)
            rows: list[Any] = []
            for table in metadata.sorted_tables:
                rows += (await conn.execute(select(table))).all()
    finally:
        await engine.dispose()
    return [repr(tuple(row)) for row in rows]


class TestReporterIdentityIsSealed:
    async def test_canary_reporter_appears_nowhere_outside_intakes_sealed_column(
        self, system: System
    ) -> None:
        agency = Agency(system, credentials(system).agencies[0].api_key)
        body = referral(subject_name=SUBJECT_CANARY)
        body["summary"] = f"{SUBJECT_CANARY}涉嫌违规"
        body["reporter"] = {"anonymous": False, "name": CANARY, "phone": CANARY_PHONE}
        try:
            created = await agency._send(
                "POST", "/v1/referrals", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}
            )
            assert created.status_code == 201, created.text
            shown = await agency.wait_for_status(created.json()["id"], "assigned")
        finally:
            await agency.aclose()
        secrets = (CANARY, CANARY_PHONE)
        assert not any(s in created.text or s in str(shown) for s in secrets)

        records = await _kafka_values(system.bootstrap_servers)
        assert any(created.json()["id"].encode() in r for r in records)  # we did read the flow
        assert not any(s.encode() in r for r in records for s in secrets)

        for name in ("routing", "casework"):
            rows = await _database_rows(system.services[name].database_url)
            assert any(
                created.json()["id"] in r or created.json()["id"].replace("-", "") in r
                for r in rows
            ), f"{name} rows do not show the clue"
            assert not any(s in r for r in rows for s in secrets), name
        intake_rows = await _database_rows(system.services["intake"].database_url)
        assert not any(s in r for r in intake_rows for s in secrets), "intake stores it in clear"

        # The logs are JSON lines written with ensure_ascii=False: a canary would be seen as is.
        logs = list(system.log_dir.glob("*.log"))
        assert {f"{p}.log" for p in system.processes} <= {log.name for log in logs}
        for log in logs:
            text = log.read_text(encoding="utf-8", errors="replace")
            assert not any(s in text for s in (*secrets, SUBJECT_CANARY)), log.name
