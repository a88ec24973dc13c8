"""The broker frozen (SIGSTOP) under a stream of referrals, then thawed (SIGCONT)."""

import asyncio
import signal
from typing import Any

import pytest

from deploy.system import System
from tests.system.client import Agency, credentials, readiness

pytestmark = pytest.mark.system

# "Quickly": every POST answers within this, or the test fails (a bound, not a measurement).
PER_REQUEST_SECONDS = 5.0
FROZEN_POSTS = 16
# Longer than the consumers' session timeout, so groups must recover after the thaw.
FROZEN_SECONDS = 8.0


class TestBrokerFrozen:
    async def test_referrals_are_accepted_meanwhile_and_all_delivered_after_the_thaw(
        self, system: System
    ) -> None:
        agency = Agency(
            system, credentials(system).agencies[0].api_key, timeout=PER_REQUEST_SECONDS
        )
        accepted: list[dict[str, Any]] = []
        try:
            system.signal_broker(signal.SIGSTOP)
            try:
                for n in range(FROZEN_POSTS):
                    accepted.append(await agency.refer(subject_name=f"冻结{n}", sequence=n))
                    await asyncio.sleep(FROZEN_SECONDS / FROZEN_POSTS)
                ready = await readiness(system, "intake")
            finally:
                system.signal_broker(signal.SIGCONT)
            assert ready["checks"]["database"] is True
            assert ready["broker"]["reachable"] is False
            assert ready["outbox"]["backlog"] >= 1
            for referral in accepted:
                await agency.wait_for_status(referral["id"], "assigned")
        finally:
            await agency.aclose()
        assert len(accepted) == FROZEN_POSTS
