"""/readyz tells the truth about the worker: a killed worker reads as down, not joined."""

import asyncio
import signal

import pytest

from deploy.system import System, worker_of
from tests.system.client import Agency, credentials, poll, readiness

pytestmark = pytest.mark.system


class TestWorkerKilled:
    async def test_readiness_reports_it_down_while_the_api_stays_ready(
        self, system: System
    ) -> None:
        name = worker_of("intake")
        before = await readiness(system, "intake")
        assert (before["relay"], before["consumers"]) == ("active", "joined")
        await asyncio.to_thread(system.kill, name, signal.SIGKILL)
        try:
            down = await poll(
                lambda: readiness(system, "intake"),
                lambda r: r["relay"] == "down" and r["consumers"] == "down",
                "intake's readiness to notice its worker is gone",
            )
            agency = Agency(system, credentials(system).agencies[0].api_key)
            try:
                accepted = await agency.refer(subject_name="无工作进程")
            finally:
                await agency.aclose()
        finally:
            await asyncio.to_thread(system.start_service, name)
        assert down["checks"]["database"] is True
        assert not [w for w in down["workers"] if w["component"].startswith("consumer")]
        back = await readiness(system, "intake")
        assert (back["relay"], back["consumers"]) == ("active", "joined")
        agency = Agency(system, credentials(system).agencies[0].api_key)
        try:
            await agency.wait_for_status(accepted["id"], "assigned")
        finally:
            await agency.aclose()
