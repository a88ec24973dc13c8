"""Routing (API and worker) killed with SIGKILL mid-stream loses and doubles nothing."""

import asyncio
import signal
from collections import Counter
from typing import Any

import pytest

from deploy.demo import CITY_COMMISSION
from deploy.system import System, processes_of
from tests.system.client import Agency, Caseworker, credentials, poll

pytestmark = pytest.mark.system

REFERRALS = 200
CHUNK = 20

Accepted = list[tuple[Agency, dict[str, Any]]]


class TestRoutingKilledMidStream:
    async def test_every_referral_ends_as_exactly_one_assignment(self, system: System) -> None:
        demo = credentials(system)
        agencies = [Agency(system, agency.api_key) for agency in demo.agencies]
        inboxes = [Caseworker(system, person.token) for person in demo.caseworkers]
        accepted: Accepted = []
        try:
            stream = asyncio.create_task(_post_stream(agencies, accepted))
            # Kill only once routing is demonstrably at work on this stream.
            await poll(_count(accepted), lambda n: n >= 3 * CHUNK or stream.done(), "posts")
            first_agency, first = accepted[0]
            await poll(
                lambda: first_agency.referral(first["id"]),
                lambda r: r["status"] != "received",
                "routing to pick up the stream",
            )
            for name in processes_of("routing"):
                await asyncio.to_thread(system.kill, name, signal.SIGKILL)
            posted_at_kill = len(accepted)
            await poll(
                _count(accepted),
                lambda n: n >= posted_at_kill + CHUNK or stream.done(),
                "posts while routing is down",
            )
            # The stream goes on while routing comes back.
            for name in processes_of("routing"):
                await asyncio.to_thread(system.start_service, name)
            await stream

            ours = {referral["id"] for _, referral in accepted}
            assert len(ours) == REFERRALS
            for agency, referral in accepted:
                await agency.wait_for_status(referral["id"], "assigned")

            per_clue: Counter[str] = Counter()
            bodies: set[str] = set()
            for inbox in inboxes:
                for item in await inbox.inbox():
                    if item["clue_id"] in ours:
                        per_clue[item["clue_id"]] += 1
                        bodies.add(item["body_id"])
            assert set(per_clue) == ours
            assert set(per_clue.values()) == {1}
            assert bodies == {demo.caseworker(CITY_COMMISSION).body_id}
        finally:
            for agency in agencies:
                await agency.aclose()
            for inbox in inboxes:
                await inbox.aclose()


async def _post_stream(agencies: list[Agency], accepted: Accepted) -> None:
    async def refer(n: int) -> tuple[Agency, dict[str, Any]]:
        agency = agencies[n % len(agencies)]
        return agency, await agency.refer(subject_name=f"系统测试{n}", sequence=n)

    for start in range(0, REFERRALS, CHUNK):
        accepted.extend(await asyncio.gather(*(refer(n) for n in range(start, start + CHUNK))))


def _count(accepted: Accepted) -> Any:
    async def count() -> int:
        return len(accepted)

    return count
