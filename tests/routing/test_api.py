"""The HTTP API over a real app and database: who may see what, and what they see."""

from uuid import uuid4

from fastapi import FastAPI

from services.routing.demo import DEMO_BODIES
from services.routing.deps import CASE_MANAGEMENT_OFFICE, ROUTING_ADMIN
from services.routing.settings import Settings
from shared.codes import Level
from tests.routing.builders import Deliveries, a_clue, bearer, demo_id
from tests.support.http import serve
from tests.support.tokens import token

PROBLEM_JSON = "application/problem+json"
OFFICE = CASE_MANAGEMENT_OFFICE


class TestAuthentication:
    async def test_no_token_is_401_problem_json(self, app: FastAPI) -> None:
        async with serve(app) as client:
            response = await client.get("/v1/bodies")
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.headers["www-authenticate"] == "Bearer"

    async def test_a_token_signed_with_another_secret_is_401(self, app: FastAPI) -> None:
        forged = token("routing", "another-secret-of-the-same-length-0123456789", roles=[OFFICE])
        async with serve(app) as client:
            response = await client.get(
                "/v1/review-queue", headers={"Authorization": f"Bearer {forged}"}
            )
        assert response.status_code == 401

    async def test_case_management_needs_the_office_role_and_admin_the_admin_role(
        self, api_settings: Settings, app: FastAPI
    ) -> None:
        """The old `case_management` role is gone: it opens nothing any more."""
        wanted = [
            ("/v1/review-queue", "caseworker", 403),
            ("/v1/review-queue", "case_management", 403),
            ("/v1/review-queue", ROUTING_ADMIN, 403),
            ("/v1/review-queue", OFFICE, 200),
            (f"/v1/clues/{uuid4()}", "case_management", 403),
            (f"/v1/clues/{uuid4()}", OFFICE, 404),
            ("/v1/audit", "case_management", 403),
            ("/v1/audit", OFFICE, 403),
            ("/v1/audit", ROUTING_ADMIN, 200),
            ("/v1/rule-sets", "caseworker", 403),
            ("/v1/rule-sets", OFFICE, 200),
            ("/v1/rule-sets", ROUTING_ADMIN, 200),
        ]
        async with serve(app) as client:
            answers = [
                (
                    path,
                    role,
                    (await client.get(path, headers=bearer(api_settings, role))).status_code,
                )
                for path, role, _ in wanted
            ]
        assert answers == wanted


class TestBodies:
    async def test_any_signed_in_user_lists_the_registry(
        self, api_settings: Settings, app: FastAPI
    ) -> None:
        async with serve(app) as client:
            response = await client.get("/v1/bodies", headers=bearer(api_settings))
        assert response.status_code == 200
        listed = {b["code"]: b for b in response.json()["items"]}
        assert {d.code for d in DEMO_BODIES if d.active} <= set(listed)
        assert "yx-audit" not in listed  # inactive
        assert listed["qh-cdi"]["parent_id"] == str(demo_id("jz-cdi"))
        assert listed["qh-qs-cdi"]["zone"] == "qh-east"

    async def test_the_list_filters_by_kind_level_and_region(
        self, api_settings: Settings, app: FastAPI
    ) -> None:
        query = {"kind": "discipline_commission", "level": "county", "region": "365021"}
        async with serve(app) as client:
            response = await client.get("/v1/bodies", params=query, headers=bearer(api_settings))
        assert [b["code"] for b in response.json()["items"]] == ["qh-cdi"]

    async def test_one_body_by_id_and_an_unknown_one_is_404(
        self, api_settings: Settings, app: FastAPI
    ) -> None:
        async with serve(app) as client:
            found = await client.get(
                f"/v1/bodies/{demo_id('jz-audit')}", headers=bearer(api_settings)
            )
            missing = await client.get(f"/v1/bodies/{uuid4()}", headers=bearer(api_settings))
        assert found.json()["name"] == "江州市审计局"
        assert missing.status_code == 404
        assert missing.headers["content-type"] == PROBLEM_JSON


class TestTheClueRecord:
    async def test_the_office_reads_the_record_and_the_history(
        self, api_settings: Settings, app: FastAPI, deliveries: Deliveries
    ) -> None:
        clue = a_clue("365021", Level.CITY)
        await deliveries.deliver(clue)
        headers = bearer(api_settings, OFFICE)
        async with serve(app) as client:
            record = (await client.get(f"/v1/clues/{clue.clue_id}", headers=headers)).json()
            history = await client.get(f"/v1/clues/{clue.clue_id}/decisions", headers=headers)
        assert record["status"] == "routed" and record["stage"] == 1
        assert record["lead_body_id"] == str(demo_id("jz-cdi"))
        assert record["receipt_number"] == clue.receipt_number
        assert "id_number_hash" not in record["subjects"][0]
        (decision,) = history.json()["items"]
        assert decision == record["current"]
        assert decision["kind"] == "initial" and decision["rule_set_version"]
        assert decision["lead_body_name"] == "江州市纪委监委"
        assert {"rule": "jurisdiction", "group": "lead", "effect": "applied", "note": None} in (
            decision["rules"]
        )

    async def test_an_unknown_clue_is_404(self, api_settings: Settings, app: FastAPI) -> None:
        async with serve(app) as client:
            response = await client.get(
                f"/v1/clues/{uuid4()}", headers=bearer(api_settings, OFFICE)
            )
        assert response.status_code == 404


class TestCaseManagementOfficeScope:
    async def test_a_commission_reads_its_own_and_its_counties_clues_only(
        self, api_settings: Settings, app: FastAPI, deliveries: Deliveries
    ) -> None:
        county_clue, city_clue = a_clue("365021"), a_clue("365000", Level.CITY)
        for clue in (county_clue, city_clue):
            await deliveries.deliver(clue)
        city = bearer(api_settings, OFFICE, body="jz-cdi")
        county = bearer(api_settings, OFFICE, body="qh-cdi")
        async with serve(app) as client:
            answers = [
                (await client.get(f"/v1/clues/{clue.clue_id}{tail}", headers=who)).status_code
                for who, clue in (
                    (city, county_clue),
                    (city, city_clue),
                    (county, county_clue),
                    (county, city_clue),
                )
                for tail in ("", "/decisions", "/related")
            ]
        assert answers == [200] * 9 + [404] * 3

    async def test_an_officer_of_a_body_outside_the_tree_sees_nothing(
        self, api_settings: Settings, app: FastAPI, deliveries: Deliveries
    ) -> None:
        clue = a_clue("365021")
        await deliveries.deliver(clue)
        audit_officer = bearer(api_settings, OFFICE, body="jz-audit")  # no commission's tree
        async with serve(app) as client:
            response = await client.get(f"/v1/clues/{clue.clue_id}", headers=audit_officer)
        assert response.status_code == 404


class TestServiceDocuments:
    async def test_openapi_and_health_are_served(self, app: FastAPI) -> None:
        async with serve(app) as client:
            spec = await client.get("/openapi.json")
            health = await client.get("/healthz")
        paths = set(spec.json()["paths"])
        assert {"/v1/bodies", "/v1/review-queue", "/v1/rule-sets", "/readyz"} <= paths
        assert {"/v1/clues/{clue_id}/decisions", "/v1/clues/{clue_id}/related"} <= paths
        assert health.json() == {"status": "ok"}
