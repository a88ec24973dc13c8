"""Rule set versions through the API: refused with the line, stored, replayed, activated, and
every process deciding with the active version from its next decision on."""

from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.routing.app import create_app
from services.routing.deps import CASE_MANAGEMENT_OFFICE, ROUTING_ADMIN
from services.routing.orm import outbox, routing_decisions
from services.routing.rules.compile import DEFAULT_RULES, default_rule_set
from services.routing.settings import Settings
from shared.db import make_engine, make_session_factory
from tests.routing.builders import Deliveries, a_clue, a_subject, bearer
from tests.support.http import serve

DEFAULT_TEXT = DEFAULT_RULES.read_text(encoding="utf-8")
CURRENT = default_rule_set().version
# The large-amount threshold raised: the one clue of 800,000 below loses its audit co-body.
CANDIDATE = DEFAULT_TEXT.replace("amount: {gte: 500000}", "amount: {gte: 1000000}").replace(
    f'version: "{CURRENT}"', 'version: "2026.12.9"'
)
BROKEN = """\
version: "broken"
groups:
  main:
    rules:
      - id: lead
        lead: {resolver: nobody_at_all}
"""
YAML = {"Content-Type": "application/yaml"}


@pytest.fixture
async def fresh_sessions(fresh_url: str):  # type: ignore[no-untyped-def]
    # A database of its own: a dry run replays the newest clues of the whole database.
    engine = make_engine(fresh_url)
    yield make_session_factory(engine)
    await engine.dispose()


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, run_relay=False, run_consumers=False)


async def upload(client: httpx.AsyncClient, admin: dict[str, str], text: str) -> httpx.Response:
    return await client.post("/v1/rule-sets", content=text.encode(), headers=admin | YAML)


class TestUpload:
    async def test_a_rule_set_with_an_error_is_refused_with_its_line_and_column(
        self, api_settings: Settings, app: FastAPI
    ) -> None:
        admin = bearer(api_settings, ROUTING_ADMIN)
        async with serve(app) as client:
            as_yaml = await upload(client, admin, BROKEN)
            as_json = await client.post("/v1/rule-sets", json={"source": BROKEN}, headers=admin)
            listed = await client.get("/v1/rule-sets", headers=admin)
        for refused in (as_yaml, as_json):
            assert refused.status_code == 422
            assert refused.headers["content-type"] == "application/problem+json"
            (error,) = refused.json()["errors"]
            assert (error["line"], error["column"]) == (6, 16)
            assert "nobody_at_all" in error["message"]
            assert "line 6, column 16" in refused.json()["detail"]
        assert "broken" not in {r["version"] for r in listed.json()["items"]}

    async def test_a_version_names_one_text_and_a_second_upload_of_it_changes_nothing(
        self, api_settings: Settings, app: FastAPI
    ) -> None:
        admin = bearer(api_settings, ROUTING_ADMIN)
        version = f'version: "t-{id(self)}"'
        text = CANDIDATE.replace('version: "2026.12.9"', version)
        async with serve(app) as client:
            first = await upload(client, admin, text)
            again = await upload(client, admin, text)
            other = await upload(client, admin, text + "\n# 另一文本\n")
            office = await client.get(
                f"/v1/rule-sets/t-{id(self)}", headers=bearer(api_settings, CASE_MANAGEMENT_OFFICE)
            )
            not_admin = await upload(client, bearer(api_settings, CASE_MANAGEMENT_OFFICE), text)
        assert (first.status_code, first.json()["created"]) == (201, True)
        assert (again.status_code, again.json()["created"]) == (200, False)
        assert first.json()["rule_set"]["active"] is False
        assert other.status_code == 409
        assert office.json()["source"] == text
        assert not_admin.status_code == 403


class TestDryRunAndActivation:
    async def test_a_dry_run_reports_the_changed_decisions_and_changes_nothing(
        self, fresh_url: str, fresh_sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        deliveries = Deliveries(fresh_sessions)
        large = a_clue("365021", subjects=[a_subject(unit="清河县柳河镇人民政府")])
        large = large.model_copy(update={"amount": Decimal(800_000)})
        for clue in (a_clue("365021"), large, a_clue("365022", leader=True)):
            await deliveries.deliver(clue)
        settings = settings_for(fresh_url)
        admin = bearer(settings, ROUTING_ADMIN)
        before = await _counts(fresh_sessions)
        async with serve(create_app(settings)) as client:
            assert (await upload(client, admin, CANDIDATE)).status_code == 201
            after_upload = await _counts(fresh_sessions)
            report = await client.post(
                "/v1/rule-sets/2026.12.9/dry-run", json={"last": 10}, headers=admin
            )
            versions = await client.get("/v1/rule-sets", headers=admin)
        assert report.status_code == 200, report.text
        body = report.json()
        assert (body["version"], body["against_version"], body["replayed"]) == (
            "2026.12.9", CURRENT, 3,
        )  # fmt: skip
        (changed,) = body["changed"]
        assert changed["clue_id"] == str(large.clue_id)
        assert changed["changed"] == ["co_bodies", "reason"]
        assert len(changed["old"]["co_body_ids"]) == 1 and changed["new"]["co_body_ids"] == []
        assert await _counts(fresh_sessions) == after_upload == before
        active = [r["version"] for r in versions.json()["items"] if r["active"]]
        assert active == [CURRENT]

    async def test_activation_is_audited_and_the_next_decision_anywhere_uses_it(
        self, deliveries: Deliveries, api_settings: Settings, app: FastAPI
    ) -> None:
        worker = deliveries  # another process's consumer, its cache warm
        await worker.deliver(a_clue("365021"))
        warm = worker.consumer.rules.loads
        await worker.deliver(a_clue("365021"))
        assert worker.consumer.rules.loads == warm  # decisions read nothing but the clue
        admin = bearer(api_settings, ROUTING_ADMIN)
        async with serve(app) as client:
            await upload(client, admin, CANDIDATE)
            activated = await client.post("/v1/rule-sets/2026.12.9/activate", headers=admin)
            audit = await client.get("/v1/audit", params={"entity": "rule_set"}, headers=admin)
        assert activated.status_code == 200 and activated.json()["active"] is True
        actions = [(e["action"], e["entity_key"]) for e in audit.json()["items"]]
        assert ("rule_set.activated", "2026.12.9") in actions
        clue = a_clue("365021")
        await worker.deliver(clue)
        (decision,) = await worker.history(clue.clue_id)
        assert decision.rule_set_version == "2026.12.9"
        assert worker.consumer.rules.loads == warm + 1

    async def test_an_unknown_version_is_404(self, api_settings: Settings, app: FastAPI) -> None:
        admin = bearer(api_settings, ROUTING_ADMIN)
        async with serve(app) as client:
            answers = [
                (await client.post(path, json={}, headers=admin)).status_code
                for path in ("/v1/rule-sets/nope/activate", "/v1/rule-sets/nope/dry-run")
            ]
        assert answers == [404, 404]


async def _counts(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with sessions() as session:
        decisions = await session.execute(select(func.count()).select_from(routing_decisions))
        staged = await session.execute(select(func.count()).select_from(outbox))
        return int(decisions.scalar_one()), int(staged.scalar_one())
