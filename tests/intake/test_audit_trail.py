"""Probing another agency's ids leaves a trace, and every request leaves an access log line
that carries no personal data."""

import logging
import uuid

import pytest

from tests.intake.agencies.builders import audit_entries
from tests.intake.builders import auth, intake_app, new_agency, referral
from tests.support.http import serve
from tests.support.rollback import RolledBack

CANARY = "金丝雀被反映人甲乙丙"


async def test_probing_another_agencys_webhook_is_audited(db: RolledBack) -> None:
    _, owner = await new_agency(db)
    prober_id, prober = await new_agency(db)
    async with serve(intake_app(db)) as client:
        hook = await client.post(
            "/v1/webhooks", json={"url": "https://93.184.215.14/h"}, headers=auth(owner)
        )
        webhook_id = hook.json()["id"]
        answers = [
            (await client.request(method, path, headers=auth(prober))).status_code
            for method, path in (
                ("GET", f"/v1/webhooks/{webhook_id}/deliveries"),
                ("POST", f"/v1/webhooks/{webhook_id}/rotate-secret"),
                ("DELETE", f"/v1/webhooks/{webhook_id}"),
            )
        ]
    entries = await audit_entries(db, f"webhook:{webhook_id}")
    assert answers == [404, 404, 404]
    assert [(e.actor, e.action) for e in entries] == [(f"agency:{prober_id}", "access.refused")] * 3


async def test_each_request_is_logged_without_query_or_personal_data(
    db: RolledBack, caplog: pytest.LogCaptureFixture
) -> None:
    agency_id, key = await new_agency(db)
    caplog.set_level(logging.INFO, logger="guantong.access")
    request_id = f"req-{uuid.uuid4().hex[:8]}"
    async with serve(intake_app(db)) as client:
        created = await client.post(
            "/v1/referrals",
            json=referral(summary=f"{CANARY}涉嫌违规"),
            headers={**auth(key, str(uuid.uuid4())), "X-Request-Id": request_id},
        )
        listed = await client.get(
            "/v1/referrals", params={"status": "received", "cursor": CANARY}, headers=auth(key)
        )
        anonymous = await client.get("/healthz")
    lines = [r for r in caplog.records if r.name == "guantong.access"]
    said = [r.getMessage() for r in lines]
    assert created.headers["x-request-id"] == request_id
    assert listed.status_code == 422 and anonymous.status_code == 200
    assert any(
        r.getMessage() == "POST /v1/referrals 201"
        and r.agency == str(agency_id)
        and r.request_id == request_id
        for r in lines
    ), said
    assert "GET /v1/referrals 422" in said
    assert any(r.getMessage() == "GET /healthz 200" and r.agency is None for r in lines), said
    assert all(CANARY not in repr(vars(r)) and "?" not in r.path for r in lines)
    assert all("cursor" not in repr(vars(r)) for r in lines)
