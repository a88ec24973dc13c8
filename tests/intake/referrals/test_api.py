"""Referral intake through real HTTP on a real, migrated database (SQLite and PostgreSQL),
each test inside a transaction rolled back at its end; concurrency on committed data."""

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from services.intake import orm
from services.intake.referrals.identifiers import receipt_number_valid
from shared.credit_code import credit_code_with_check
from shared.events.contracts import ClueReceived
from tests.intake.agencies.builders import rows
from tests.intake.builders import Database, auth, intake_app, new_agency, referral
from tests.support.databases import DatabaseFactory
from tests.support.http import serve
from tests.support.rollback import RolledBack


@pytest.fixture
def url(databases: DatabaseFactory, backend: str) -> str:
    return databases.url(backend, "intake")


async def _stored(db: Database, idempotency_key: str) -> list[Any]:
    r = orm.referrals
    return await rows(db, select(r.c.id).where(r.c.idempotency_key == idempotency_key))


class TestCreateReferral:
    async def test_accepts_a_valid_referral_with_a_receipt(self, db: RolledBack) -> None:
        _, key = await new_agency(db)
        async with serve(intake_app(db)) as client:
            response = await client.post(
                "/v1/referrals", json=referral(), headers=auth(key, str(uuid.uuid4()))
            )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["status"] == "received"
        assert receipt_number_valid(body["receipt_number"])
        assert body["subjects"][0]["id_number"] == "110105********002X"
        assert [t["status"] for t in body["timeline"]] == ["received"]
        assert response.headers["location"] == f"/v1/referrals/{body['id']}"

    async def test_stores_the_clue_received_event_in_the_same_transaction(
        self, db: RolledBack
    ) -> None:
        _, key = await new_agency(db)
        async with serve(intake_app(db)) as client:
            response = await client.post(
                "/v1/referrals", json=referral(), headers=auth(key, str(uuid.uuid4()))
            )
        clue_id = response.json()["id"]
        o = orm.outbox
        staged = await rows(db, select(o.c.topic, o.c.payload).where(o.c.message_key == clue_id))
        assert [r.topic for r in staged] == ["clue.received"]
        assert b"11010519491231002X" not in staged[0].payload

    async def test_without_credentials_is_401_and_stores_nothing(self, db: RolledBack) -> None:
        key = str(uuid.uuid4())
        async with serve(intake_app(db)) as client:
            missing = await client.post(
                "/v1/referrals", json=referral(), headers={"Idempotency-Key": key}
            )
            wrong = await client.post(
                "/v1/referrals", json=referral(), headers=auth("gt_000000000000_nope", key)
            )
        for response in (missing, wrong):
            assert response.status_code == 401
            assert response.headers["content-type"] == "application/problem+json"

    async def test_another_agencys_referral_is_404_without_its_data(self, db: RolledBack) -> None:
        _, key_a = await new_agency(db, "甲审计局")
        _, key_b = await new_agency(db, "乙财政局")
        async with serve(intake_app(db)) as client:
            created = await client.post(
                "/v1/referrals", json=referral(), headers=auth(key_a, str(uuid.uuid4()))
            )
            referral_id = created.json()["id"]
            own = await client.get(f"/v1/referrals/{referral_id}", headers=auth(key_a))
            other = await client.get(f"/v1/referrals/{referral_id}", headers=auth(key_b))
        assert own.status_code == 200
        assert other.status_code == 404
        receipt = created.json()["receipt_number"]
        assert receipt not in other.text and "张某" not in other.text


class TestValidation:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"category": "gossip"}, "category"),
            ({"region": "990000"}, "region"),
            ({"region": "36500"}, "region"),
            ({"unexpected": 1}, "unexpected"),
            ({"subjects": []}, "subjects"),
            ({"topics": ["funds", "funds"]}, "topics"),
            ({"amount": "-1"}, "amount"),
        ],
    )
    async def test_bad_field_is_named_and_nothing_is_stored(
        self, db: RolledBack, changes: dict[str, object], field: str
    ) -> None:
        _, key = await new_agency(db)
        idem = str(uuid.uuid4())
        async with serve(intake_app(db)) as client:
            response = await client.post(
                "/v1/referrals", json=referral(**changes), headers=auth(key, idem)
            )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert any(e["field"].startswith(field) for e in response.json()["errors"])
        assert await _stored(db, idem) == []

    async def test_a_units_credit_code_with_a_wrong_check_character_is_rejected(
        self, db: RolledBack
    ) -> None:
        _, key = await new_agency(db)
        code = credit_code_with_check("11365000MB0001001")
        wrong = code[:17] + ("0" if code[17] != "0" else "1")
        subject = dict(referral()["subjects"][0], unit_credit_code=wrong)
        async with serve(intake_app(db)) as client:
            response = await client.post(
                "/v1/referrals", json=referral(subjects=[subject]), headers=auth(key, "k2")
            )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "subjects.0.unit_credit_code"

    async def test_a_units_credit_code_is_shown_and_sent_to_routing(self, db: RolledBack) -> None:
        _, key = await new_agency(db)
        code = credit_code_with_check("11365000MB0001001")
        subject = dict(referral()["subjects"][0], unit_credit_code=code)
        async with serve(intake_app(db)) as client:
            created = await client.post(
                "/v1/referrals", json=referral(subjects=[subject]), headers=auth(key, "k3")
            )
        assert created.status_code == 201, created.text
        assert created.json()["subjects"][0]["unit_credit_code"] == code
        o = orm.outbox
        [staged] = await rows(
            db, select(o.c.payload).where(o.c.message_key == created.json()["id"])
        )
        received = ClueReceived.model_validate_json(staged.payload)
        assert received.subjects[0].unit_credit_code == code
        assert received.agency_kind == "audit_bureau"

    async def test_id_number_with_a_wrong_check_digit_is_rejected(self, db: RolledBack) -> None:
        _, key = await new_agency(db)
        subject = dict(referral()["subjects"][0], id_number="110105194912310021")
        async with serve(intake_app(db)) as client:
            response = await client.post(
                "/v1/referrals", json=referral(subjects=[subject]), headers=auth(key, "k1")
            )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "subjects.0.id_number"


class TestIdempotency:
    async def test_same_key_same_body_replays_the_original(self, db: RolledBack) -> None:
        _, key = await new_agency(db)
        idem = str(uuid.uuid4())
        async with serve(intake_app(db)) as client:
            first = await client.post("/v1/referrals", json=referral(), headers=auth(key, idem))
            again = await client.post("/v1/referrals", json=referral(), headers=auth(key, idem))
        assert again.status_code == first.status_code == 201
        assert again.json()["receipt_number"] == first.json()["receipt_number"]
        assert again.headers.get("idempotent-replayed") == "true"
        assert "idempotent-replayed" not in first.headers

    async def test_same_key_other_body_is_422(self, db: RolledBack) -> None:
        _, key = await new_agency(db)
        idem = str(uuid.uuid4())
        async with serve(intake_app(db)) as client:
            await client.post("/v1/referrals", json=referral(), headers=auth(key, idem))
            other = await client.post(
                "/v1/referrals", json=referral(summary="另一事项"), headers=auth(key, idem)
            )
        assert other.status_code == 422
        assert other.json()["type"].endswith("idempotency-mismatch")

    async def test_concurrent_requests_with_one_key_make_one_referral(self, url: str) -> None:
        _, key = await new_agency(url)
        idem = str(uuid.uuid4())
        async with serve(intake_app(url)) as client:
            responses = await asyncio.gather(
                *[
                    client.post("/v1/referrals", json=referral(), headers=auth(key, idem))
                    for _ in range(50)
                ]
            )
        # 409 while the first is in flight (PostgreSQL); SQLite's one writer makes later ones
        # wait and replay instead. Either way one referral, and every 201 names it.
        assert {r.status_code for r in responses} <= {201, 409}
        created = [r for r in responses if r.status_code == 201]
        assert created and len({r.json()["id"] for r in created}) == 1
        for conflict in (r for r in responses if r.status_code == 409):
            assert conflict.headers["content-type"] == "application/problem+json"
            assert conflict.headers["retry-after"]
        assert [str(row.id) for row in await _stored(url, idem)] == [created[0].json()["id"]]
