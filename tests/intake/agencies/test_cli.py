"""The agency CLI in its own process, against the migrated SQLite database the app serves."""

import json
from pathlib import Path
from typing import Any

import pytest

from tests.intake.agencies.builders import audit_rows, new_credit_code, probe
from tests.intake.builders import intake_app, intake_command
from tests.support.databases import DatabaseFactory
from tests.support.http import serve

ROOT = Path(__file__).resolve().parents[2]
AUTHENTICATED = 404  # an unknown referral: the key was accepted


async def _cli(url: str, *args: str) -> tuple[int, Any, str]:
    code, out, err = await intake_command(url, "agency", *args)
    return code, json.loads(out) if out.strip() else None, err


class TestCli:
    """The CLI in its own process, against the migrated SQLite database the app serves."""

    @pytest.fixture
    def sqlite_url(self, databases: DatabaseFactory) -> str:
        return databases.url("sqlite", "intake")

    async def test_creates_lists_issues_rotates_revokes_and_disables(self, sqlite_url: str) -> None:
        code = new_credit_code()
        status, agency, _ = await _cli(
            sqlite_url,
            "create",
            "--name",
            "江州市检察院",
            "--code",
            code,
            "--kind",
            "procuratorate",
        )
        assert status == 0 and agency["credit_code"] == code
        _, listed, _ = await _cli(sqlite_url, "list")
        assert code in {a["credit_code"] for a in listed}
        _, issued, _ = await _cli(sqlite_url, "key", "issue", code, "--label", "prod")
        # TTL 0: this process sees at once what the CLI process changed.
        app = intake_app(sqlite_url, key_cache_ttl_seconds=0)
        async with serve(app) as client:
            assert (await probe(client, issued["api_key"])) == AUTHENTICATED
            _, rotated, _ = await _cli(sqlite_url, "key", "rotate", code, issued["key_id"])
            assert (await probe(client, issued["api_key"])) == 401
            assert (await probe(client, rotated["api_key"])) == AUTHENTICATED
            status, _, _ = await _cli(sqlite_url, "disable", agency["id"])
            assert status == 0
            assert (await probe(client, rotated["api_key"])) == 401
            await _cli(sqlite_url, "enable", code)
            await _cli(sqlite_url, "key", "revoke", code, rotated["key_id"])
            assert (await probe(client, rotated["api_key"])) == 401
        actions = [r.action for r in await audit_rows(sqlite_url, agency["id"])]
        assert actions[:3] == ["agency.create", "agency.key.issue", "agency.key.rotate"]
        assert actions[-1] == "agency.key.revoke"

    async def test_refuses_a_wrong_check_character_and_a_duplicate(self, sqlite_url: str) -> None:
        code = new_credit_code()
        wrong = code[:17] + ("0" if code[17] != "0" else "1")
        status, _, err = await _cli(
            sqlite_url, "create", "--name", "某局", "--code", wrong, "--kind", "police"
        )
        assert status == 1 and "credit_code" in err
        await _cli(sqlite_url, "create", "--name", "某局", "--code", code, "--kind", "police")
        status, _, err = await _cli(
            sqlite_url, "create", "--name", "某局", "--code", code, "--kind", "police"
        )
        assert status == 1 and "already registered" in err
        status, _, err = await _cli(
            sqlite_url, "create", "--name", "某局", "--code", new_credit_code(), "--kind", "bureau"
        )
        assert status == 1 and "kind" in err

    async def test_require_signature_returns_the_secret_once(self, sqlite_url: str) -> None:
        code = new_credit_code()
        _, created, _ = await _cli(
            sqlite_url,
            "create",
            "--name",
            "热线",
            "--code",
            code,
            "--kind",
            "hotline",
            "--require-signature",
        )
        assert created["require_signature"] is True
        assert created["signing_secret"].startswith("gts_")
        _, listed, _ = await _cli(sqlite_url, "list")
        assert created["signing_secret"] not in json.dumps(listed)
