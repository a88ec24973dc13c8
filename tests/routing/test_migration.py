"""Migration 0004 carries the one-row decisions of 0001 over as clues with a stage-1 decision,
and its downgrade carries them back."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, MetaData, String, Table, Text, Uuid, insert, select

from services.routing.decisions.model import RoutingStatus
from services.routing.demo import seed_demo
from services.routing.settings import Settings
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.db import make_engine, make_session_factory
from shared.migrate import downgrade, upgrade
from tests.routing.builders import demo_id
from tests.support.databases import DatabaseFactory

OLD = Table(
    "routing_decisions",
    MetaData(),
    *(Column(n, Uuid) for n in ("id", "clue_id", "lead_body_id", "agency_id")),
    *(Column(n, Text) for n in ("receipt_number", "reason", "summary", "region", "agency_name")),
    *(Column(n, String(40)) for n in ("status", "rule", "category", "channel")),
    Column("co_body_ids", JSON),
    Column("subjects", JSON),
    Column("decided_at", DateTime(timezone=True)),
)
SUBJECT = {
    "name": "李某",
    "id_number_hash": "0" * 64,
    "unit": "清河县水利局",
    "position": "局长",
    "rank": "township_section",
    "managing_level": "county",
    "party_member": True,
    "same_level_committee_leader": False,
}


def _in_thread(fn: Any) -> Any:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result()


def _old_row(status: str, lead: uuid.UUID | None) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(), "clue_id": uuid.uuid4(), "lead_body_id": lead,
        "agency_id": uuid.uuid4(), "receipt_number": "GT-OLD-1", "reason": "旧的分办理由",
        "summary": "旧线索", "region": "365021", "agency_name": "江州市审计局", "status": status,
        "rule": "jurisdiction", "category": "integrity", "channel": "audit",
        "co_body_ids": [], "subjects": [SUBJECT],
        "decided_at": datetime(2026, 11, 3, 8, tzinfo=UTC),
    }  # fmt: skip


async def test_old_decisions_become_clues_with_a_first_stage_and_go_back(
    databases: DatabaseFactory, backend: str
) -> None:
    url = databases.fresh(backend, "routing")
    await seed_demo(Settings(database_url=url))  # bodies stay when going down
    _in_thread(lambda: downgrade("routing", url, "0003"))
    routed, pending = _old_row("routed", demo_id("qh-cdi")), _old_row("pending_review", None)
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(OLD), [routed, pending])
        await engine.dispose()
        _in_thread(lambda: upgrade("routing", url))
        async with RoutingUnitOfWork(make_session_factory(engine)) as uow:
            clue = await uow.clues.get(routed["clue_id"])
            waiting = await uow.clues.get(pending["clue_id"])
            (decision,) = await uow.clues.history(routed["clue_id"])
        assert clue is not None and waiting is not None
        assert (clue.status, clue.stage, clue.lead_body_id) == (
            RoutingStatus.ROUTED, 1, demo_id("qh-cdi"),
        )  # fmt: skip
        assert clue.facts.subjects[0].unit == "清河县水利局"
        assert clue.facts.received_at == routed["decided_at"]
        assert (decision.kind, decision.outcome, decision.reason) == (
            "initial",
            "route",
            "旧的分办理由",
        )
        assert [h.rule for h in decision.hits] == [] and decision.rule_set_version is None
        assert waiting.status is RoutingStatus.PENDING_REVIEW and waiting.queued_at is not None
        await engine.dispose()
        _in_thread(lambda: downgrade("routing", url, "0003"))
        async with engine.connect() as conn:
            back = (await conn.execute(select(OLD.c.clue_id, OLD.c.rule, OLD.c.status))).all()
        assert sorted(back) == sorted(
            [
                (routed["clue_id"], "jurisdiction", "routed"),
                (pending["clue_id"], "jurisdiction", "pending_review"),
            ]
        )
    finally:
        await engine.dispose()
    _in_thread(lambda: upgrade("routing", url))
