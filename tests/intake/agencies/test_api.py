"""The agency registry through the admin API, on real migrated databases."""

import json
import uuid

import pytest
from sqlalchemy import select

from services.intake import orm
from services.intake.agencies.domain import hash_secret
from tests.intake.agencies.builders import (
    admin_headers,
    audit_rows,
    create_agency,
    issue_key,
    new_credit_code,
    probe,
)
from tests.intake.builders import intake_app, intake_settings, sessions_of
from tests.support.http import serve
from tests.support.rollback import RolledBack

# An unknown referral: the key was accepted, and the referral API is not under test here.
AUTHENTICATED = 404


class TestAdminAuthentication:
    async def test_without_a_token_is_401(self, db: RolledBack) -> None:
        async with serve(intake_app(db)) as client:
            listed = await client.get("/v1/admin/agencies")
            created = await client.post(
                "/v1/admin/agencies",
                json={"name": "x", "credit_code": new_credit_code(), "kind": "police"},
            )
        for response in (listed, created):
            assert response.status_code == 401
            assert response.headers["content-type"] == "application/problem+json"

    async def test_a_token_signed_with_another_secret_is_401(self, db: RolledBack) -> None:
        forged = admin_headers(
            intake_settings(db, jwt_secret="another-deployment-" + uuid.uuid4().hex)
        )
        async with serve(intake_app(db)) as client:
            response = await client.get("/v1/admin/agencies", headers=forged)
        assert response.status_code == 401

    async def test_an_agency_api_key_is_no_admin_token(self, db: RolledBack) -> None:
        settings = intake_settings(db)
        async with serve(intake_app(db)) as client:
            agency = await create_agency(client, admin_headers(settings))
            key = await issue_key(client, admin_headers(settings), agency["id"])
            response = await client.get(
                "/v1/admin/agencies", headers={"Authorization": f"Bearer {key}"}
            )
        assert response.status_code == 401

    async def test_without_the_admin_role_is_403(self, db: RolledBack) -> None:
        settings = intake_settings(db)
        caseworker = admin_headers(settings, roles=("caseworker",))
        async with serve(intake_app(db)) as client:
            response = await client.get("/v1/admin/agencies", headers=caseworker)
        assert response.status_code == 403
        assert response.json()["type"].endswith("/forbidden")

    async def test_with_the_admin_role_lists_agencies(self, db: RolledBack) -> None:
        settings = intake_settings(db)
        admin = admin_headers(settings)
        async with serve(intake_app(db)) as client:
            agency = await create_agency(client, admin)
            response = await client.get("/v1/admin/agencies", headers=admin)
        assert response.status_code == 200
        assert agency["id"] in {a["id"] for a in response.json()}


class TestRegistry:
    async def test_creates_an_agency_and_audits_it(self, db: RolledBack) -> None:
        settings = intake_settings(db)
        code = new_credit_code()
        async with serve(intake_app(db)) as client:
            agency = await create_agency(client, admin_headers(settings), credit_code=code)
        assert agency["credit_code"] == code
        assert agency["active"] is True and agency["keys"] == []
        assert agency["require_signature"] is False and agency["signing_secret"] is None
        [row] = await audit_rows(db, agency["id"])
        assert (row.actor, row.action) == ("admin-wang", "agency.create")

    async def test_a_wrong_check_character_is_422_naming_the_field(self, db: RolledBack) -> None:
        code = new_credit_code()
        wrong = code[:17] + ("0" if code[17] != "0" else "1")
        async with serve(intake_app(db)) as client:
            response = await client.post(
                "/v1/admin/agencies",
                json={"name": "某局", "credit_code": wrong, "kind": "police"},
                headers=admin_headers(intake_settings(db)),
            )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == ["credit_code"]

    @pytest.mark.parametrize("kind", ["finance_bureau", "Police", ""])
    async def test_a_kind_outside_the_code_table_is_422_and_registers_nothing(
        self, db: RolledBack, kind: str
    ) -> None:
        admin, code = admin_headers(intake_settings(db)), new_credit_code()
        async with serve(intake_app(db)) as client:
            response = await client.post(
                "/v1/admin/agencies",
                json={"name": "某局", "credit_code": code, "kind": kind},
                headers=admin,
            )
            listed = await client.get("/v1/admin/agencies", headers=admin)
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["kind"]
        assert code not in {a["credit_code"] for a in listed.json()}

    async def test_a_registered_credit_code_is_409(self, db: RolledBack) -> None:
        admin = admin_headers(intake_settings(db))
        async with serve(intake_app(db)) as client:
            first = await create_agency(client, admin)
            again = await client.post(
                "/v1/admin/agencies",
                json={"name": "重复", "credit_code": first["credit_code"], "kind": "police"},
                headers=admin,
            )
        assert again.status_code == 409
        assert again.json()["type"].endswith("/agency-exists")

    async def test_an_unknown_agency_is_404(self, db: RolledBack) -> None:
        admin = admin_headers(intake_settings(db))
        async with serve(intake_app(db)) as client:
            response = await client.post(
                f"/v1/admin/agencies/{uuid.uuid4()}/keys", headers=admin, json={}
            )
        assert response.status_code == 404


class TestKeys:
    async def test_an_issued_key_works_and_is_stored_only_as_its_hash(self, db: RolledBack) -> None:
        admin = admin_headers(intake_settings(db))
        async with serve(intake_app(db)) as client:
            agency = await create_agency(client, admin)
            issued = await client.post(
                f"/v1/admin/agencies/{agency['id']}/keys", json={"label": "prod"}, headers=admin
            )
            status = await probe(client, issued.json()["api_key"])
        assert issued.headers["cache-control"] == "no-store"
        assert status == AUTHENTICATED
        key_id, api_key = issued.json()["key_id"], issued.json()["api_key"]
        async with sessions_of(db) as sessions, sessions() as conn:
            k = orm.api_keys
            row = (await conn.execute(select(k).where(k.c.key_id == key_id))).one()
        assert row.key_hash == hash_secret(api_key)
        assert api_key not in json.dumps([str(v) for v in row])

    async def test_a_revoked_key_is_401(self, db: RolledBack) -> None:
        admin = admin_headers(intake_settings(db))
        async with serve(intake_app(db)) as client:
            agency = await create_agency(client, admin)
            key = await issue_key(client, admin, agency["id"])
            assert (await probe(client, key)) == AUTHENTICATED
            key_id = key.split("_")[1]
            revoked = await client.post(
                f"/v1/admin/agencies/{agency['id']}/keys/{key_id}/revoke", headers=admin
            )
            after = await probe(client, key)
            twice = await client.post(
                f"/v1/admin/agencies/{agency['id']}/keys/{key_id}/revoke", headers=admin
            )
        assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
        assert after == 401
        assert twice.status_code == 409

    async def test_rotation_stops_the_old_key_and_the_new_one_works(self, db: RolledBack) -> None:
        admin = admin_headers(intake_settings(db))
        async with serve(intake_app(db)) as client:
            agency = await create_agency(client, admin)
            old = await issue_key(client, admin, agency["id"])
            assert (await probe(client, old)) == AUTHENTICATED
            rotated = await client.post(
                f"/v1/admin/agencies/{agency['id']}/keys/{old.split('_')[1]}/rotate",
                json={},
                headers=admin,
            )
            new = rotated.json()["api_key"]
            old_after, new_after = await probe(client, old), await probe(client, new)
        assert rotated.status_code == 201
        assert old_after == 401
        assert new_after == AUTHENTICATED

    async def test_rotation_with_grace_keeps_the_old_key_for_the_period(
        self, db: RolledBack
    ) -> None:
        admin = admin_headers(intake_settings(db))
        async with serve(intake_app(db)) as client:
            agency = await create_agency(client, admin)
            old = await issue_key(client, admin, agency["id"])
            rotated = await client.post(
                f"/v1/admin/agencies/{agency['id']}/keys/{old.split('_')[1]}/rotate",
                json={"grace_seconds": 3600},
                headers=admin,
            )
            old_after = await probe(client, old)
            new_after = await probe(client, rotated.json()["api_key"])
        assert rotated.json()["old_key_id"] == old.split("_")[1]
        assert old_after == new_after == AUTHENTICATED

    async def test_a_disabled_agency_keys_stop_at_once(self, db: RolledBack) -> None:
        admin = admin_headers(intake_settings(db))
        async with serve(intake_app(db)) as client:
            agency = await create_agency(client, admin)
            key = await issue_key(client, admin, agency["id"])
            assert (await probe(client, key)) == AUTHENTICATED
            disabled = await client.post(
                f"/v1/admin/agencies/{agency['id']}/disable", headers=admin
            )
            refused = await probe(client, key)
            await client.post(f"/v1/admin/agencies/{agency['id']}/enable", headers=admin)
            restored = await probe(client, key)
        assert disabled.json()["active"] is False
        assert refused == 401
        assert restored == AUTHENTICATED

    async def test_every_admin_action_is_audited_without_secrets(self, db: RolledBack) -> None:
        admin = admin_headers(intake_settings(db), user="admin-li")
        async with serve(intake_app(db)) as client:
            agency = await create_agency(client, admin)
            base = f"/v1/admin/agencies/{agency['id']}"
            key = await issue_key(client, admin, agency["id"])
            rotated = await client.post(
                f"{base}/keys/{key.split('_')[1]}/rotate", json={}, headers=admin
            )
            new_key = rotated.json()["api_key"]
            await client.post(f"{base}/keys/{new_key.split('_')[1]}/revoke", headers=admin)
            signing = await client.put(f"{base}/signing", json={"required": True}, headers=admin)
            await client.post(f"{base}/disable", headers=admin)
        rows = await audit_rows(db, agency["id"])
        assert [r.action for r in rows] == [
            "agency.create",
            "agency.key.issue",
            "agency.key.rotate",
            "agency.key.revoke",
            "agency.signing.require",
            "agency.disable",
        ]
        assert {r.actor for r in rows} == {"admin-li"}
        recorded = json.dumps([r.detail for r in rows])
        for secret in (key, new_key, signing.json()["signing_secret"]):
            assert secret not in recorded
