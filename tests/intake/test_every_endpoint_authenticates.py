"""A sweep over every route intake serves: none answers without a credential, and none shows
one agency's referral to another."""

import re
import uuid

import pytest

from services.intake.app import create_app
from tests.intake.agencies.builders import audit_entries
from tests.intake.builders import auth, intake_app, intake_settings, new_agency, referral
from tests.support.http import serve
from tests.support.rollback import RolledBack

PUBLIC = {"/healthz", "/readyz"}


def _routes() -> list[tuple[str, str]]:
    """From the OpenAPI document: every operation an agency or a client can call."""
    app = create_app(intake_settings("sqlite+aiosqlite:///:memory:"))
    return sorted(
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path not in PUBLIC
        for method in operations
    )


def _fill(path: str, referral_id: str) -> str:
    path = path.replace("{referral_id}", referral_id)
    path = re.sub(r"\{(index|n)\}", "0", path)
    return re.sub(r"\{[a-z_]+\}", str(uuid.uuid4()), path)


def _referral_routes() -> list[tuple[str, str]]:
    """Operations on one referral an agency may call (unsealing is staff-only: 401 above)."""
    return [
        (method, path)
        for method, path in _routes()
        if "{referral_id}" in path and not path.endswith("reporter:unseal")
    ]


class TestEveryEndpoint:
    @pytest.mark.parametrize(("method", "path"), _routes())
    async def test_refuses_a_missing_or_wrong_credential(
        self, db: RolledBack, method: str, path: str
    ) -> None:
        target = _fill(path, str(uuid.uuid4()))
        async with serve(intake_app(db)) as client:
            missing = await client.request(method, target)
            wrong = await client.request(
                method, target, headers={"Authorization": "Bearer gt_0123456789ab_wrong"}
            )
        assert (missing.status_code, wrong.status_code) == (401, 401), target
        assert missing.headers["content-type"] == "application/problem+json"

    @pytest.mark.parametrize(("method", "path"), _referral_routes())
    async def test_another_agencys_referral_is_not_found(
        self, db: RolledBack, method: str, path: str
    ) -> None:
        _, owner = await new_agency(db, "甲审计局")
        prober_id, other = await new_agency(db, "乙公安局")
        async with serve(intake_app(db)) as client:
            created = await client.post(
                "/v1/referrals", json=referral(), headers=auth(owner, str(uuid.uuid4()))
            )
            target = _fill(path, created.json()["id"])
            answer = await client.request(
                method, target, headers=auth(other), content=b"{}" if method != "GET" else None
            )
        assert answer.status_code == 404, (target, answer.text)
        assert created.json()["receipt_number"] not in answer.text
        assert "张某" not in answer.text
        [entry] = await audit_entries(db, f"referral:{created.json()['id']}")
        assert (entry.actor, entry.action) == (f"agency:{prober_id}", "access.refused")
        assert entry.detail["operation"] == f"{method} {path}" and entry.at is not None
