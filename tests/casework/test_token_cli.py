"""`python -m services.casework token mint`: local tokens casework itself accepts."""

import json
from uuid import uuid4

import httpx
import pytest

from services.casework.settings import Settings
from services.casework.token_cli import main


def mint(
    capsys: pytest.CaptureFixture[str], *argv: str, settings: Settings | None = None
) -> dict[str, object]:
    code = main(["mint", *argv], settings or Settings())
    out = capsys.readouterr()
    return {"code": code, "out": out.out, "err": out.err}


class TestMint:
    async def test_a_minted_token_opens_the_bodys_inbox_and_the_office_stats(
        self, client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
    ) -> None:
        body, under = uuid4(), uuid4()
        worker = mint(capsys, "--user", "u1", "--body", str(body), "--role", "caseworker")
        assert worker["code"] == 0
        token = json.loads(str(worker["out"]))["token"]
        inbox = await client.get("/v1/assignments", headers={"Authorization": f"Bearer {token}"})
        assert inbox.status_code == 200
        office = mint(
            capsys,
            "--user",
            "o1",
            "--body",
            str(body),
            "--role",
            "case_management_office",
            "--bodies",
            str(under),
        )
        minted = json.loads(str(office["out"]))
        stats = await client.get(
            "/v1/stats", headers={"Authorization": f"Bearer {minted['token']}"}
        )
        assert set(stats.json()["bodies"]) == {str(body), str(under)}
        refused = await client.get(
            "/v1/assignments", headers={"Authorization": f"Bearer {minted['token']}"}
        )
        assert refused.status_code == 403

    def test_unknown_roles_and_identity_provider_setups_are_refused(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        body = str(uuid4())
        assert mint(capsys, "--user", "u", "--body", body, "--role", "root")["code"] == 2
        assert (
            mint(capsys, "--user", "u", "--body", body, "--role", "caseworker", "--hours", "99")[
                "code"
            ]
            == 1
        )
        jwks = Settings(jwt_jwks_url="https://idp.example/jwks.json")
        refused = mint(capsys, "--user", "u", "--body", body, "--role", "caseworker", settings=jwks)
        assert (refused["code"], refused["out"]) == (1, "")
        assert "identity provider" in str(refused["err"])
