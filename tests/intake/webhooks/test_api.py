"""Webhook registration over real HTTP: URL safety, scoping between agencies, the delivery log."""

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from services.intake import orm
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.events.contracts import ClueStatusChanged
from tests.intake.builders import apply_status, auth, intake_app, new_agency, referral, sessions_of
from tests.support.http import serve
from tests.support.rollback import RolledBack

# Registered, never delivered to: no test makes a status change for a webhook with this URL.
PUBLIC = "https://93.184.216.34/guantong/callback"
# Where pending deliveries may point when a later test's worker picks them up: loopback, closed.
NOWHERE = "http://127.0.0.1:9/guantong/callback"


async def _statuses(db: RolledBack, clue_id: uuid.UUID, statuses: list[ClueStatus]) -> None:
    for status in statuses:
        await apply_status(
            db, ClueStatusChanged(clue_id=clue_id, status=status, occurred_at=utcnow())
        )


async def _deliveries_of(db: RolledBack, clue_id: uuid.UUID) -> int:
    d = orm.webhook_deliveries
    async with sessions_of(db) as sessions, sessions() as conn:
        query = select(func.count()).where(d.c.referral_id == clue_id)
        return int((await conn.execute(query)).scalar_one())


class TestRegistration:
    @pytest.mark.parametrize(
        "target",
        [
            "http://127.0.0.1/hook",
            "http://10.0.0.1/",
            "http://[::1]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::ffff:127.0.0.1]/",
            "http://[fe80::1]/",
            "http://0.0.0.0/",
            "http://192.168.1.10:8080/",
            "http://100.64.0.1/",
            "http://224.0.0.1/",
            "ftp://93.184.216.34/",
            "http://user:password@93.184.216.34/",
            "not a url",
        ],
    )
    async def test_unsafe_urls_are_refused_with_422(self, db: RolledBack, target: str) -> None:
        _, key = await new_agency(db)
        async with serve(intake_app(db)) as client:
            response = await client.post("/v1/webhooks", json={"url": target}, headers=auth(key))
            listed = await client.get("/v1/webhooks", headers=auth(key))
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == "url"
        assert listed.json()["items"] == []

    async def test_a_public_url_is_registered_and_its_secret_shown_once(
        self, db: RolledBack
    ) -> None:
        _, key = await new_agency(db)
        body = {"url": PUBLIC, "description": "线索办理状态回调"}
        async with serve(intake_app(db)) as client:
            created = await client.post("/v1/webhooks", json=body, headers=auth(key))
            listed = await client.get("/v1/webhooks", headers=auth(key))
        assert created.status_code == 201, created.text
        hook = created.json()
        assert hook["secret"].startswith("whsec_") and hook["url"] == PUBLIC
        assert created.headers["location"] == f"/v1/webhooks/{hook['id']}"
        assert [h["id"] for h in listed.json()["items"]] == [hook["id"]]
        assert hook["secret"] not in listed.text

    async def test_private_urls_are_accepted_when_the_deployment_allows_them(
        self, db: RolledBack
    ) -> None:
        _, key = await new_agency(db)
        async with serve(intake_app(db, webhook_allow_private=True)) as client:
            response = await client.post(
                "/v1/webhooks", json={"url": "http://127.0.0.1:9/hook"}, headers=auth(key)
            )
        assert response.status_code == 201, response.text

    async def test_every_endpoint_requires_the_agency_key(self, db: RolledBack) -> None:
        some_id = uuid.uuid4()
        async with serve(intake_app(db)) as client:
            responses = [
                await client.post("/v1/webhooks", json={"url": PUBLIC}),
                await client.get("/v1/webhooks"),
                await client.delete(f"/v1/webhooks/{some_id}"),
                await client.post(f"/v1/webhooks/{some_id}/rotate-secret"),
                await client.get(f"/v1/webhooks/{some_id}/deliveries"),
            ]
        assert [r.status_code for r in responses] == [401] * 5


class TestScoping:
    async def test_another_agency_cannot_see_rotate_read_or_delete_a_webhook(
        self, db: RolledBack
    ) -> None:
        _, key_a = await new_agency(db, "甲审计局")
        _, key_b = await new_agency(db, "乙财政局")
        async with serve(intake_app(db)) as client:
            hook = (
                await client.post("/v1/webhooks", json={"url": PUBLIC}, headers=auth(key_a))
            ).json()
            path = f"/v1/webhooks/{hook['id']}"
            b_list = await client.get("/v1/webhooks", headers=auth(key_b))
            b_calls = [
                await client.delete(path, headers=auth(key_b)),
                await client.post(f"{path}/rotate-secret", headers=auth(key_b)),
                await client.get(f"{path}/deliveries", headers=auth(key_b)),
            ]
            a_list = await client.get("/v1/webhooks", headers=auth(key_a))
        assert hook["id"] not in b_list.text
        assert [r.status_code for r in b_calls] == [404, 404, 404]
        assert all(PUBLIC not in r.text and "whsec_" not in r.text for r in b_calls)
        assert [h["id"] for h in a_list.json()["items"]] == [hook["id"]]


class TestDeliveryLog:
    async def test_each_status_change_is_logged_once_per_webhook_and_paginated(
        self, db: RolledBack
    ) -> None:
        _, key = await new_agency(db)
        statuses = [ClueStatus.ROUTED, ClueStatus.ASSIGNED, ClueStatus.ACCEPTED]
        async with serve(intake_app(db, webhook_allow_private=True)) as client:
            hook = (
                await client.post("/v1/webhooks", json={"url": NOWHERE}, headers=auth(key))
            ).json()
            created = await client.post(
                "/v1/referrals", json=referral(), headers=auth(key, str(uuid.uuid4()))
            )
            await _statuses(db, uuid.UUID(created.json()["id"]), statuses)
            log = f"/v1/webhooks/{hook['id']}/deliveries"
            first = (await client.get(f"{log}?limit=2", headers=auth(key))).json()
            cursor = first["next_cursor"]
            second = (await client.get(f"{log}?limit=2&cursor={cursor}", headers=auth(key))).json()
            bad = await client.get(f"{log}?cursor=not-a-cursor", headers=auth(key))
        items: list[dict[str, Any]] = first["items"] + second["items"]
        assert len(first["items"]) == 2 and second["next_cursor"] is None
        assert [i["event"]["status"] for i in items] == ["accepted", "assigned", "routed"]
        assert {i["status"] for i in items} == {"pending"} and {i["attempts"] for i in items} == {0}
        assert bad.status_code == 422

    async def test_a_deleted_webhook_gets_no_further_deliveries(self, db: RolledBack) -> None:
        _, key = await new_agency(db)
        async with serve(intake_app(db)) as client:
            hook = (
                await client.post("/v1/webhooks", json={"url": PUBLIC}, headers=auth(key))
            ).json()
            deleted = await client.delete(f"/v1/webhooks/{hook['id']}", headers=auth(key))
            again = await client.delete(f"/v1/webhooks/{hook['id']}", headers=auth(key))
            listed = await client.get("/v1/webhooks", headers=auth(key))
            created = await client.post(
                "/v1/referrals", json=referral(), headers=auth(key, str(uuid.uuid4()))
            )
        clue_id = uuid.UUID(created.json()["id"])
        await _statuses(db, clue_id, [ClueStatus.ROUTED])
        assert (deleted.status_code, again.status_code) == (204, 404)
        assert listed.json()["items"] == []
        assert await _deliveries_of(db, clue_id) == 0
