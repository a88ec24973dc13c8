"""Events nobody may produce are dead-lettered and change nothing: unsigned with a made-up
source, signed by a service that does not own the topic, or larger than intake would accept."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from deploy.system import System
from services.routing.orm import routing_decisions
from shared.codes import Category, Channel, ClueStatus, Level, Outcome, Rank
from shared.events.contracts import ClueReceived, ClueStatusChanged, SubjectSnapshot
from shared.events.topics import CLUE_RECEIVED, CLUE_STATUS, dead_letter
from tests.casework.kafka_io import read_topic
from tests.support.events import Record, signed, unsigned
from tests.system.client import Agency, credentials

pytestmark = pytest.mark.system


@contextmanager
def secrets_of(system: System) -> Iterator[None]:
    """Signs with the keys of that system's installation, as its own services would."""
    before = os.environ.get("GUANTONG_SECRETS_DIR")
    os.environ["GUANTONG_SECRETS_DIR"] = str(system.secrets_dir)
    try:
        yield
    finally:
        if before is not None:
            os.environ["GUANTONG_SECRETS_DIR"] = before


async def _publish(bootstrap: str, records: list[Record]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_request_size=4 * 1024 * 1024)
    await producer.start()
    try:
        for topic, key, value, headers in records:
            await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()


def _concluded(clue_id: str) -> ClueStatusChanged:
    return ClueStatusChanged(
        clue_id=uuid.UUID(clue_id),
        status=ClueStatus.CONCLUDED,
        occurred_at=datetime.now(UTC),
        outcome=Outcome.FORM_4,
        outcome_summary="伪造的办结结果",
        stage=9,
        sequence=9,
    )


def _oversized_clue() -> ClueReceived:
    subject = SubjectSnapshot(
        name="李某", unit="某局", rank=Rank.OTHER, managing_level=Level.CITY, party_member=False
    )
    # Built past validation, as a buggy or hostile producer would send it.
    return ClueReceived.model_construct(
        clue_id=uuid.uuid4(),
        receipt_number="GT-FORGED-1",
        agency_id=uuid.uuid4(),
        agency_name="某单位",
        received_at=datetime.now(UTC),
        subjects=[subject],
        category=Category.INTEGRITY,
        topics=[],
        channel=Channel.AUDIT,
        summary="超长摘要" * 75_000,
        region="365000",
        amount=None,
    )


class TestForgedEvents:
    async def test_they_are_dead_lettered_and_change_nothing(self, system: System) -> None:
        agency = Agency(system, credentials(system).agencies[0].api_key)
        try:
            referral = await agency.refer(subject_name="伪造测试")
            before = await agency.wait_for_status(referral["id"], "assigned")
            with secrets_of(system):
                forged = unsigned(_concluded(referral["id"]), source="urn:attacker")
                wrong_owner = signed(_concluded(referral["id"]), producer="intake")
                oversized = signed(_oversized_clue(), producer="intake")
            await _publish(system.bootstrap_servers, [forged, wrong_owner, oversized])

            status_dlq = await read_topic(
                system.bootstrap_servers, dead_letter(CLUE_STATUS), key=forged[1], count=2
            )
            received_dlq = await read_topic(
                system.bootstrap_servers, dead_letter(CLUE_RECEIVED), key=oversized[1]
            )
            after = await agency.referral(referral["id"])
        finally:
            await agency.aclose()
        reasons = {_id(r.headers): dict(r.headers)["dlq_reason"].decode() for r in status_dlq}
        assert reasons[_id(forged[3])].startswith("unauthenticated")
        assert reasons[_id(wrong_owner[3])].startswith("wrong-producer")
        (refused,) = received_dlq
        reason = dict(refused.headers)["dlq_reason"].decode()
        assert reason.startswith("contract-invalid") and "summary (string_too_long)" in reason
        assert "超长摘要" not in reason
        assert (after["status"], after.get("outcome")) == ("assigned", None)
        assert after["timeline"] == before["timeline"]
        assert not await _routed(system, oversized[1].decode())
        for log in system.log_dir.glob("*.log"):
            assert "伪造的办结结果" not in log.read_text(errors="replace"), log.name


def _id(headers: Any) -> str:
    return str(dict(headers)["ce_id"].decode())


async def _routed(system: System, clue_id: str) -> bool:
    engine = create_async_engine(system.services["routing"].database_url)
    try:
        async with engine.connect() as conn:
            query = select(routing_decisions.c.id).where(
                routing_decisions.c.clue_id == uuid.UUID(clue_id)
            )
            return (await conn.execute(query)).first() is not None
    finally:
        await engine.dispose()
