"""SIGTERM under load, as Kubernetes sends it (to the main process only): every process exits
by itself within its bound, nothing accepted is lost, and nothing is sent or applied twice
because of the stop: the relay marks what it sent and the consumers commit what they applied
before they go, so the processes that take over receive no event already handled."""

import asyncio
import os
import secrets
import signal
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from deploy.demo import referral
from deploy.system import SERVICES, System
from services.casework.orm import assignments
from shared.worker import HARD_STOP_SECONDS
from tests.support.databases import DatabaseFactory
from tests.system.client import credentials, poll
from tests.system.test_observability import scrape, value

pytestmark = pytest.mark.system

GRACE_SECONDS = 10.0  # the services' default graceful_shutdown_seconds
# How long a process may take to exit after SIGTERM: its grace, the last resort's few seconds
# to leave the group and close, and a margin for a loaded machine. A bound, not a timing.
EXIT_BOUND_SECONDS = GRACE_SECONDS + HARD_STOP_SECONDS + 15.0
MAX_REFERRALS = 2000


@pytest.fixture(scope="module")
def stopping(
    backend: str, databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    urls = {name: databases.fresh(backend, name) for name in SERVICES}
    running = System.on_free_ports(
        urls,
        log_dir=tmp_path_factory.mktemp(f"stopping-{backend}"),
        jwt_secrets={name: secrets.token_urlsafe(32) for name in SERVICES},
        workers={"intake": 2},
    )
    with running:
        yield running


class Load:
    """Agencies referring clues one after another until told to stop."""

    def __init__(self, system: System) -> None:
        self._system = system
        self.accepted: list[tuple[str, str]] = []  # (api key, referral id)
        self.server_errors: list[int] = []
        self._stop = asyncio.Event()

    async def run(self, agencies: int = 3) -> None:
        keys = [a.api_key for a in credentials(self._system).agencies][:agencies]
        await asyncio.gather(*(self._agency(key) for key in keys))

    async def _agency(self, key: str) -> None:
        async with httpx.AsyncClient(
            base_url=self._system.url("intake"),
            headers={"Authorization": f"Bearer {key}"},
            timeout=30.0,
            trust_env=False,
        ) as client:
            while not self._stop.is_set() and len(self.accepted) < MAX_REFERRALS:
                headers = {"Idempotency-Key": str(uuid.uuid4())}
                try:
                    answer = await client.post("/v1/referrals", json=referral(), headers=headers)
                except httpx.TransportError:  # the API is between two lives: not accepted
                    await asyncio.sleep(0.2)
                    continue
                if answer.status_code == 201:
                    self.accepted.append((key, str(answer.json()["id"])))
                elif answer.status_code >= 500:
                    self.server_errors.append(answer.status_code)
                await asyncio.sleep(0.1 if answer.status_code != 429 else 1.0)

    async def grows_by(self, count: int) -> None:
        target = len(self.accepted) + count

        async def accepted() -> int:
            return len(self.accepted)

        await poll(accepted, lambda n: n >= target, f"{count} more referrals accepted")

    def stop(self) -> None:
        self._stop.set()


async def _assigned(system: System, clues: set[uuid.UUID]) -> set[uuid.UUID]:
    engine = create_async_engine(system.services["casework"].database_url)
    try:
        async with engine.connect() as conn:
            query = select(assignments.c.clue_id).where(assignments.c.clue_id.in_(clues))
            return {row.clue_id for row in await conn.execute(query)}
    finally:
        await engine.dispose()


def _terminate(system: System, name: str) -> int:
    """SIGTERM to the process itself; its exit code, once it exited within the bound."""
    os.kill(system.pid(name), signal.SIGTERM)
    deadline = time.monotonic() + EXIT_BOUND_SECONDS
    while time.monotonic() < deadline:
        if (code := system.exited().get(name)) is not None:
            return code
        time.sleep(0.1)
    pytest.fail(f"{name} did not exit within {EXIT_BOUND_SECONDS}s of SIGTERM")


class TestSigtermUnderLoad:
    async def test_processes_stop_in_time_and_nothing_is_lost_or_handled_twice(
        self, stopping: System
    ) -> None:
        load = Load(stopping)
        running = asyncio.create_task(load.run())
        try:
            await load.grows_by(20)
            # Routing's worker first: its next life then counts what intake's next relay sends.
            for name in ("routing-worker", "intake-worker", "intake"):
                code = await asyncio.to_thread(_terminate, stopping, name)
                assert code == 0, f"{name} exited with {code}\n{stopping.log_tail(name)}"
                await asyncio.to_thread(stopping.stop_service, name)
                await asyncio.to_thread(stopping.start_service, name)
                await load.grows_by(20)
        finally:
            load.stop()
            await running
        assert not load.server_errors

        accepted = {uuid.UUID(referral_id) for _, referral_id in load.accepted}
        await poll(
            lambda: _assigned(stopping, accepted),
            lambda found: found == accepted,
            f"every one of the {len(accepted)} accepted referrals to be assigned",
        )

        _, routing = await scrape(stopping, "routing-worker")
        _, casework = await scrape(stopping, "casework-worker")
        received = {"consumer": "routing", "topic": "clue.received"}
        routed = {"consumer": "casework", "topic": "clue.routed"}
        events = "guantong_consumer_events_total"
        assert value(routing, events, outcome="applied", **received) > 0
        assert value(routing, events, outcome="duplicate", **received) == 0
        assert value(casework, events, outcome="duplicate", **routed) == 0
