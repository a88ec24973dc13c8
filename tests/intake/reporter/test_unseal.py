"""Unsealing the reporter: staff with the role only, every attempt audited, none in logs."""

import logging
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from services.intake import orm
from tests.intake.builders import (
    HANDLING_BODY,
    auth,
    handled_by,
    intake_app,
    intake_settings,
    new_agency,
    referral,
    sessions_of,
)
from tests.support.http import serve
from tests.support.rollback import RolledBack
from tests.support.tokens import bearer

CANARY = "金丝雀举报人丁戊己"
REASON = "经批准对举报人进行保护性回访，需核实联系方式"
SECRET = intake_settings("sqlite+aiosqlite:///:memory:").hs256_secret()


def staff(
    *roles: str, user: str = "unsealer-1", bodies: tuple[uuid.UUID, ...] = (HANDLING_BODY,)
) -> dict[str, str]:
    return bearer("intake", SECRET, roles=roles, user=user, bodies=bodies, name="王审批")


async def _refer(
    client: httpx.AsyncClient, key: str, reporter: dict[str, Any] | None, db: RolledBack
) -> str:
    """A referral that the body of the unsealer's token handles."""
    response = await client.post(
        "/v1/referrals", json=referral(reporter=reporter), headers=auth(key, str(uuid.uuid4()))
    )
    assert response.status_code == 201, response.text
    referral_id = str(response.json()["id"])
    await handled_by(db, referral_id)
    return referral_id


async def _audit(db: RolledBack, target: str) -> list[Any]:
    a = orm.audit_log
    async with sessions_of(db) as sessions, sessions() as conn:
        query = select(a).where(a.c.target == target).order_by(a.c.id)
        return list((await conn.execute(query)).all())


def _unseal(
    client: httpx.AsyncClient, referral_id: str, headers: dict[str, str], **body: Any
) -> Any:
    path = f"/v1/referrals/{referral_id}/reporter:unseal"
    return client.post(path, json=body or {"reason": REASON}, headers=headers)


class TestGranted:
    async def test_the_role_unseals_and_the_audit_says_who_when_why(
        self, db: RolledBack, caplog: pytest.LogCaptureFixture
    ) -> None:
        _, key = await new_agency(db)
        caplog.set_level(logging.DEBUG)
        reporter = {"anonymous": False, "name": CANARY, "phone": "13900000000"}
        async with serve(intake_app(db)) as client:
            referral_id = await _refer(client, key, reporter, db)
            response = await _unseal(client, referral_id, staff("reporter_unsealer"))
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        assert response.json()["reporter"]["name"] == CANARY
        assert response.json()["unsealed_by"] == "staff:unsealer-1"
        [entry] = await _audit(db, f"referral:{referral_id}")
        assert (entry.actor, entry.action, entry.reason) == (
            "staff:unsealer-1",
            "reporter.unseal",
            REASON,
        )
        assert entry.at is not None
        assert CANARY not in str(entry.detail)
        assert CANARY not in caplog.text

    async def test_a_referral_without_reporter_unseals_to_null(self, db: RolledBack) -> None:
        _, key = await new_agency(db)
        async with serve(intake_app(db)) as client:
            referral_id = await _refer(client, key, None, db)
            response = await _unseal(client, referral_id, staff("reporter_unsealer"))
        assert response.status_code == 200
        assert response.json()["reporter"] is None


class TestRefused:
    @pytest.mark.parametrize(
        ("headers", "status", "actor", "credential"),
        [
            (lambda key: {}, 401, "anonymous", "none"),
            (lambda key: auth(key), 401, "anonymous", "agency_api_key"),
            (lambda key: {"Authorization": "Bearer not.a.jwt"}, 401, "anonymous", "invalid_token"),
            (lambda key: staff("caseworker", user="cw-9"), 403, "staff:cw-9", None),
        ],
    )
    async def test_without_the_role_is_refused_and_audited(
        self,
        db: RolledBack,
        caplog: pytest.LogCaptureFixture,
        headers: Any,
        status: int,
        actor: str,
        credential: str | None,
    ) -> None:
        _, key = await new_agency(db)
        caplog.set_level(logging.DEBUG)
        reporter = {"anonymous": False, "name": CANARY}
        async with serve(intake_app(db)) as client:
            referral_id = await _refer(client, key, reporter, db)
            response = await _unseal(client, referral_id, headers(key))
        assert response.status_code == status
        assert response.headers["content-type"] == "application/problem+json"
        assert CANARY not in response.text and CANARY not in caplog.text
        [entry] = await _audit(db, f"referral:{referral_id}")
        assert (entry.actor, entry.action) == (actor, "reporter.unseal_refused")
        assert entry.detail["status"] == status
        assert entry.detail.get("credential") == credential

    @pytest.mark.parametrize(
        "body", [{"reason": "太短"}, {"reason": "x" * 501}, {}, {"reason": REASON, "extra": 1}]
    )
    async def test_a_missing_or_bad_reason_is_422_and_audited(
        self, db: RolledBack, body: dict[str, Any]
    ) -> None:
        _, key = await new_agency(db)
        async with serve(intake_app(db)) as client:
            referral_id = await _refer(client, key, {"anonymous": True}, db)
            path = f"/v1/referrals/{referral_id}/reporter:unseal"
            response = await client.post(path, json=body, headers=staff("reporter_unsealer"))
        assert response.status_code == 422
        assert response.json()["errors"]
        [entry] = await _audit(db, f"referral:{referral_id}")
        assert entry.action == "reporter.unseal_refused" and entry.detail["status"] == 422

    async def test_an_unknown_referral_is_404_and_audited(self, db: RolledBack) -> None:
        missing = str(uuid.uuid4())
        async with serve(intake_app(db)) as client:
            response = await _unseal(client, missing, staff("reporter_unsealer"))
            malformed = await _unseal(client, "not-an-id", staff("reporter_unsealer"))
        assert response.status_code == malformed.status_code == 404
        [entry] = await _audit(db, f"referral:{missing}")
        assert (entry.action, entry.reason) == ("reporter.unseal_refused", REASON)


class TestScope:
    async def test_an_unsealer_of_other_bodies_gets_404_and_the_refusal_is_audited(
        self, db: RolledBack
    ) -> None:
        _, key = await new_agency(db)
        elsewhere = staff("reporter_unsealer", user="unsealer-9", bodies=(uuid.uuid4(),))
        async with serve(intake_app(db)) as client:
            referral_id = await _refer(client, key, {"anonymous": False, "name": CANARY}, db)
            refused = await _unseal(client, referral_id, elsewhere)
            granted = await _unseal(client, referral_id, staff("reporter_unsealer"))
        assert refused.status_code == 404 and CANARY not in refused.text
        assert granted.status_code == 200
        refusal, grant = await _audit(db, f"referral:{referral_id}")
        assert (refusal.actor, refusal.action) == ("staff:unsealer-9", "reporter.unseal_refused")
        assert refusal.detail["status"] == 404 and refusal.reason == REASON
        assert grant.action == "reporter.unseal"

    async def test_a_referral_no_body_handles_yet_unseals_for_nobody(self, db: RolledBack) -> None:
        _, key = await new_agency(db)
        async with serve(intake_app(db)) as client:
            created = await client.post(
                "/v1/referrals",
                json=referral(reporter={"anonymous": False, "name": CANARY}),
                headers=auth(key, str(uuid.uuid4())),
            )
            response = await _unseal(client, created.json()["id"], staff("reporter_unsealer"))
        assert response.status_code == 404
