"""Members joining and leaving routing's consumer group while referrals flow."""

import asyncio
import contextlib
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer

from deploy.system import System
from shared.events.topics import CLUE_RECEIVED
from tests.system.client import Agency, credentials, poll, readiness

pytestmark = pytest.mark.system

MAX_REFERRALS = 500
CONCURRENCY = 8
CHURNS = 4
MEMBER_SECONDS = 3.0


async def _intruder(bootstrap: str) -> None:
    """A second member of the group for a few seconds: it takes partitions, reads from them,
    commits nothing, and leaves."""
    member = AIOKafkaConsumer(
        CLUE_RECEIVED,
        bootstrap_servers=bootstrap,
        group_id="routing",
        enable_auto_commit=False,
        session_timeout_ms=6000,
        heartbeat_interval_ms=2000,
    )
    await member.start()
    try:
        loop = asyncio.get_running_loop()
        until = loop.time() + MEMBER_SECONDS
        while loop.time() < until:
            await member.getmany(timeout_ms=200)
    finally:
        await member.stop()


def _count(accepted: list[Any]) -> Any:
    async def count() -> int:
        return len(accepted)

    return count


class TestConsumerGroupChurn:
    async def test_nothing_is_lost_and_routing_keeps_consuming(self, system: System) -> None:
        agencies = [Agency(system, a.api_key) for a in credentials(system).agencies]
        accepted: list[tuple[Agency, dict[str, Any]]] = []

        churning = True

        async def stream(lane: int) -> None:
            # Batches keep arriving and being committed while the group rebalances.
            n = lane
            while churning and n < MAX_REFERRALS:
                agency = agencies[n % len(agencies)]
                accepted.append((agency, await agency.refer(subject_name=f"扰动{n}", sequence=n)))
                n += CONCURRENCY

        try:
            posting = asyncio.gather(*(stream(lane) for lane in range(CONCURRENCY)))
            try:
                await poll(_count(accepted), lambda n: n >= 50, "the flow to start")
                for _ in range(CHURNS):
                    await _intruder(system.bootstrap_servers)
                    await asyncio.sleep(1.0)
                churning = False
                await posting
            finally:
                posting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await posting
            for agency, referral in accepted:
                await agency.wait_for_status(referral["id"], "assigned")
            # And after the churn, routing still consumes what comes next.
            agency, late = agencies[0], await agencies[0].refer(subject_name="扰动之后")
            await agency.wait_for_status(late["id"], "assigned")
            ready = await poll(
                lambda: readiness(system, "routing"),
                lambda r: r["consumers"] == "joined",
                "routing's consumer to report joined",
            )
        finally:
            for agency in agencies:
                await agency.aclose()
        assert len(accepted) >= 50
        assert any(w["component"] == "consumer:routing" for w in ready["workers"])
