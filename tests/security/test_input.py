"""Hostile input is a 422 naming the field, never a 5xx, on either database."""

import base64
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from services.routing.demo import seed_demo
from services.routing.settings import Settings as RoutingSettings
from shared.db import make_engine
from shared.problems import install_problem_handlers
from tests.intake.builders import auth, intake_app, new_agency, referral
from tests.security.apps import client_for
from tests.support.databases import DatabaseFactory
from tests.support.http import serve
from tests.support.tokens import bearer

NUL = "\x00"


def forged_cursor(at: str) -> str:
    return base64.urlsafe_b64encode(f"{at}|{uuid.uuid4()}".encode()).decode().rstrip("=")


def fields(response: httpx.Response) -> set[str]:
    return {e["field"] for e in response.json().get("errors", [])}


@pytest.fixture
async def agency(databases: DatabaseFactory, backend: str) -> tuple[str, str]:
    url = databases.url(backend, "intake")
    _, key = await new_agency(url)
    return url, key


class TestControlCharacters:
    @pytest.mark.parametrize(
        ("field", "changes"),
        [
            ("summary", {"summary": f"摘要{NUL}内容"}),
            ("facts", {"facts": f"事实{NUL}"}),
            (
                "subjects.0.unit",
                {"subjects": [{**referral()["subjects"][0], "unit": f"单位{NUL}"}]},
            ),
            ("reporter", {"reporter": {"anonymous": False, "name": f"李{NUL}某"}}),
            ("summary", {"summary": "摘要\u202e内容"}),
            ("summary", {"summary": "摘要\x1b[31m"}),
        ],
    )
    async def test_a_control_character_is_422_naming_the_field(
        self, agency: tuple[str, str], field: str, changes: dict[str, Any]
    ) -> None:
        url, key = agency
        async with serve(intake_app(url)) as client:
            response = await client.post(
                "/v1/referrals", json=referral(**changes), headers=auth(key, str(uuid.uuid4()))
            )
        assert response.status_code == 422, response.text
        assert any(f.startswith(field) for f in fields(response)), response.json()

    async def test_tab_and_newline_are_kept_in_long_text(self, agency: tuple[str, str]) -> None:
        url, key = agency
        facts = "第一段\n\t第二段"
        async with serve(intake_app(url)) as client:
            created = await client.post(
                "/v1/referrals", json=referral(facts=facts), headers=auth(key, str(uuid.uuid4()))
            )
        assert created.status_code == 201, created.text

    async def test_a_nul_in_an_unseal_reason_is_422(
        self, databases: DatabaseFactory, backend: str
    ) -> None:
        async with client_for("intake", databases, backend) as (client, settings):
            response = await client.post(
                f"/v1/referrals/{uuid.uuid4()}/reporter:unseal",
                json={"reason": f"经批准进行保护性回访{NUL}核实"},
                headers=bearer("intake", settings, roles=["reporter_unsealer"]),
            )
        assert response.status_code == 422
        assert "reason" in fields(response)

    async def test_a_nul_in_a_webhook_description_is_422(self, agency: tuple[str, str]) -> None:
        url, key = agency
        async with serve(intake_app(url)) as client:
            response = await client.post(
                "/v1/webhooks",
                json={"url": "https://example.com/h", "description": f"回调{NUL}"},
                headers=auth(key),
            )
        assert response.status_code == 422
        assert "description" in fields(response)


class TestInstants:
    @pytest.mark.parametrize(
        "params",
        [
            {"received_after": "0001-01-01T00:00:00+14:00"},
            {"received_before": "9999-12-31T23:59:59-14:00"},
            {"received_before": "0.5"},
            {"received_after": "1700000000"},
            {"received_after": "2025-01-01T00:00:00"},  # no offset
            {"cursor": forged_cursor("0001-01-01T00:00:00+14:00")},
            {"cursor": forged_cursor("9999-12-31T23:59:59-14:00")},
        ],
    )
    async def test_intake_listing_refuses_with_422(
        self, agency: tuple[str, str], params: dict[str, str]
    ) -> None:
        url, key = agency
        async with serve(intake_app(url)) as client:
            response = await client.get("/v1/referrals", params=params, headers=auth(key))
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"

    async def test_a_forged_webhook_log_cursor_is_422(self, agency: tuple[str, str]) -> None:
        url, key = agency
        async with serve(intake_app(url)) as client:
            response = await client.get(
                f"/v1/webhooks/{uuid.uuid4()}/deliveries",
                params={"cursor": forged_cursor("0001-01-01T00:00:00+14:00")},
                headers=auth(key),
            )
        assert response.status_code == 422

    async def test_routing_and_casework_refuse_forged_cursors(
        self, databases: DatabaseFactory, backend: str
    ) -> None:
        await seed_demo(RoutingSettings(database_url=databases.url(backend, "routing")))
        cursor = {"cursor": forged_cursor("0001-01-01T00:00:00+14:00")}
        async with client_for("routing", databases, backend) as (client, settings):
            manager = bearer(
                "routing", settings, roles=["case_management_office"], body_id=uuid.uuid4()
            )
            queue = await client.get("/v1/review-queue", params=cursor, headers=manager)
        async with client_for("casework", databases, backend) as (client, settings):
            caseworker = bearer("casework", settings, roles=["caseworker"], body_id=uuid.uuid4())
            inbox = await client.get("/v1/assignments", params=cursor, headers=caseworker)
        assert (queue.status_code, inbox.status_code) == (422, 422)


class TestUnknownQueryParameters:
    async def test_a_misspelt_filter_is_422_naming_it_not_ignored(
        self, agency: tuple[str, str], databases: DatabaseFactory, backend: str
    ) -> None:
        url, key = agency
        misspelt = {"recieved_after": "2026-01-01T00:00:00Z", "limit": "5"}
        async with serve(intake_app(url)) as client:
            listing = await client.get("/v1/referrals", params=misspelt, headers=auth(key))
            declared = await client.get("/v1/referrals", params={"limit": "5"}, headers=auth(key))
        async with client_for("casework", databases, backend) as (client, settings):
            caseworker = bearer("casework", settings, roles=["caseworker"], body_id=uuid.uuid4())
            inbox = await client.get("/v1/assignments", params={"stat": "x"}, headers=caseworker)
        assert (listing.status_code, declared.status_code, inbox.status_code) == (422, 200, 422)
        assert fields(listing) == {"query.recieved_after"}
        assert fields(inbox) == {"query.stat"}


class TestDatabaseRefusals:
    async def test_a_value_the_database_refuses_is_422_not_503(
        self, databases: DatabaseFactory
    ) -> None:
        """PostgreSQL's data exceptions (a NUL in text, a bad number) are the client's to fix."""
        url = databases.url("postgresql", "intake")
        engine = make_engine(url)
        app = FastAPI()
        install_problem_handlers(app)

        @app.get("/cast/{value}")
        async def cast(value: str) -> int:
            async with engine.connect() as conn:
                return int(
                    (
                        await conn.execute(
                            text("SELECT CAST(CAST(:v AS text) AS integer)"), {"v": value}
                        )
                    ).scalar_one()
                )

        @app.get("/nul")
        async def nul() -> str:
            async with engine.connect() as conn:
                return str(
                    (
                        await conn.execute(text("SELECT CAST(:v AS text)"), {"v": "a\x00b"})
                    ).scalar_one()
                )

        try:
            async with serve(app) as client:
                answers = [
                    (await client.get(p)).status_code for p in ("/cast/12", "/cast/x", "/nul")
                ]
        finally:
            await engine.dispose()
        assert answers == [200, 422, 422]
