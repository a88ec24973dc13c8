"""Casework's clock ten minutes behind routing's: the status still advances at intake.

Every part is real: routing's and casework's own handlers make the reports in their databases,
their relays sign and publish them through the broker, intake's worker folds them."""

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from services.casework.consumer import subscriptions as casework_subscriptions
from services.casework.deadlines.calendar import CalendarCache
from services.casework.settings import Settings as CaseworkSettings
from services.casework.worker import build_worker as casework_worker
from services.intake.app import create_app
from services.intake.worker import build_worker as intake_worker
from services.routing.consumer import RoutingConsumer
from services.routing.demo import seed_demo
from services.routing.orm import outbox as routing_outbox
from services.routing.settings import Settings as RoutingSettings
from services.routing.worker import build_worker as routing_worker
from shared.broker import EmbeddedBroker
from shared.clock import utcnow
from shared.codes import Level
from shared.db import make_engine, make_session_factory
from shared.events.contracts import ClueRouted
from shared.events.topics import CLUE_ROUTED
from tests.intake.builders import auth, intake_settings, new_agency, referral
from tests.routing.builders import a_clue
from tests.support.databases import DatabaseFactory
from tests.support.http import serve

SKEW = timedelta(minutes=10)
POLLS = 400


class TestSkewedProducerClock:
    async def test_a_report_stamped_ten_minutes_early_still_advances_the_status(
        self, databases: DatabaseFactory, backend: str
    ) -> None:
        intake_url = databases.fresh(backend, "intake")
        routing_url, casework_url = (
            databases.fresh(backend, "routing"),
            databases.fresh(backend, "casework"),
        )
        await seed_demo(RoutingSettings(database_url=routing_url))
        _, key = await new_agency(intake_url)
        with EmbeddedBroker() as broker:
            kafka = {"kafka_bootstrap_servers": broker.bootstrap_servers}
            intake = intake_settings(intake_url, run_relay=True, run_consumers=True, **kafka)
            routing = RoutingSettings(database_url=routing_url, run_consumers=False, **kafka)
            casework = CaseworkSettings(database_url=casework_url, run_consumers=False, **kafka)
            async with (
                serve(create_app(intake)) as client,
                intake_worker(intake).running(),
                routing_worker(routing).running(),
                casework_worker(casework).running(),
            ):
                created = await client.post(
                    "/v1/referrals", json=referral(), headers=auth(key, str(uuid.uuid4()))
                )
                clue_id = uuid.UUID(created.json()["id"])
                routed = await _route(routing_url, clue_id)
                await _assign(casework_url, routed, now=utcnow() - SKEW)
                shown = await _until_status(client, key, clue_id, "assigned")
        assert {e["status"] for e in shown["timeline"]} >= {"received", "routed", "assigned"}


async def _route(url: str, clue_id: uuid.UUID) -> ClueRouted:
    """Routing's own consumer handler, with routing's (correct) clock."""
    engine = make_engine(url)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            clue = a_clue("365000", Level.CITY).model_copy(update={"clue_id": clue_id})
            await RoutingConsumer(RoutingSettings()).clue_received(session, clue)
        async with engine.connect() as conn:
            payload = (
                await conn.execute(
                    select(routing_outbox.c.payload).where(
                        routing_outbox.c.message_key == str(clue_id),
                        routing_outbox.c.topic == "clue.routed",
                    )
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    return ClueRouted.model_validate_json(payload)


async def _assign(url: str, routed: ClueRouted, *, now: datetime) -> None:
    """Casework's own clue.routed handler for that decision, on a clock ten minutes behind."""
    calendar = CalendarCache(CaseworkSettings().clock_policy())
    handle = {s.topic: s.handler for s in casework_subscriptions(calendar)}[CLUE_ROUTED]
    engine = make_engine(url)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            await handle(session, routed.model_copy(update={"routed_at": now}))
    finally:
        await engine.dispose()


async def _until_status(
    client: object, key: str, clue_id: uuid.UUID, status: str
) -> dict[str, object]:
    last: dict[str, Any] = {}
    for _ in range(POLLS):
        answer = await client.get(f"/v1/referrals/{clue_id}", headers=auth(key))
        last = answer.json()
        if last["status"] == status:
            return last
        await asyncio.sleep(0.1)
    raise AssertionError(f"status stayed {last.get('status')}; timeline {last.get('timeline')}")
