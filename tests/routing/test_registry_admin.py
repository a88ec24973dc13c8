"""Registry loads by the admin API and by the command line: reported, applied, audited,
idempotent, refused with the line; and routing sees the new registry on its next decision."""

import json
from pathlib import Path

import pytest
from fastapi import FastAPI

from services.routing import cli
from services.routing.deps import CASE_MANAGEMENT_OFFICE, ROUTING_ADMIN
from services.routing.registry.demo import DEMO_REGISTRY_FILE
from services.routing.settings import Settings
from tests.routing.builders import Deliveries, a_clue, bearer
from tests.support.http import serve

DEMO = DEMO_REGISTRY_FILE.read_text(encoding="utf-8")
RENAMED = DEMO.replace("name: 清河县水利局,", "name: 清河县水利局（更名）,", 1)
UNIT = '  - {credit_code: %s, name: %s, region: "%s", leaders_level: county}'
NEW_UNIT = "\n".join(
    [
        "units:",
        UNIT % ("11365021MB0002001T", "清河县水利局", "365021"),
        UNIT % ("11365022MB0003001G", "云溪县财政局", "365022"),
        UNIT % ("11365021MB0002001T", "重复", "365021"),
    ]
)
QH_OFF = DEMO.replace(
    "parent: jz-cdi}\n  - {code: qh-audit", "parent: jz-cdi, active: false}\n  - {code: qh-audit", 1
)


class TestTheAdminApi:
    async def test_a_load_is_reported_applied_audited_and_a_second_one_changes_nothing(
        self, api_settings: Settings, app: FastAPI
    ) -> None:
        admin = bearer(api_settings, ROUTING_ADMIN)
        yaml = admin | {"Content-Type": "application/yaml"}
        async with serve(app) as client:
            dry = await client.post(
                "/v1/registry/loads", json={"source": RENAMED, "dry_run": True}, headers=admin
            )
            unchanged = await client.get("/v1/registry", headers=admin)
            first = await client.post("/v1/registry/loads", content=RENAMED.encode(), headers=yaml)
            second = await client.post("/v1/registry/loads", content=RENAMED.encode(), headers=yaml)
            audit = await client.get("/v1/audit", params={"entity": "unit"}, headers=admin)
            office = await client.post(
                "/v1/registry/loads", json={"source": RENAMED},
                headers=bearer(api_settings, CASE_MANAGEMENT_OFFICE),
            )  # fmt: skip
        assert (dry.json()["dry_run"], dry.json()["applied"]) == (True, False)
        renamed = {"name": "name", "old": "清河县水利局", "new": "清河县水利局（更名）"}
        expected = [
            {
                "entity": "unit",
                "key": "11365021MB0002001T",
                "action": "changed",
                "fields": [renamed],
            }
        ]
        assert dry.json()["changes"] == expected
        assert "（更名）" not in unchanged.text
        assert (first.json()["applied"], first.json()["changes"]) == (True, expected)
        assert (second.json()["applied"], second.json()["changes"]) == (False, [])
        (entry,) = [e for e in audit.json()["items"] if e["entity_key"] == "11365021MB0002001T"
                    and e["action"] == "registry.unit.changed"]  # fmt: skip
        assert entry["actor"].startswith("staff:") and entry["detail"]["fields"][0]["new"].endswith(
            "（更名）"
        )
        assert office.status_code == 403

    async def test_the_exported_registry_loads_back_without_a_change(
        self, api_settings: Settings, app: FastAPI
    ) -> None:
        admin = bearer(api_settings, ROUTING_ADMIN)
        async with serve(app) as client:
            exported = await client.get("/v1/registry", headers=admin)
            loaded = await client.post(
                "/v1/registry/loads", json={"source": json.dumps(exported.json())}, headers=admin
            )
        assert {b["code"] for b in exported.json()["bodies"]} >= {"jz-cdi", "qh-qs-cdi"}
        assert loaded.json()["changes"] == []

    async def test_a_refused_document_names_the_line_and_changes_nothing(
        self, api_settings: Settings, app: FastAPI
    ) -> None:
        admin = bearer(api_settings, ROUTING_ADMIN)
        async with serve(app) as client:
            refused = await client.post(
                "/v1/registry/loads", json={"source": NEW_UNIT}, headers=admin
            )
            not_yaml = await client.post(
                "/v1/registry/loads",
                content=b"\xff\xfe",
                headers=admin | {"Content-Type": "application/yaml"},
            )
        assert refused.status_code == 422
        assert [(e["line"], e["message"]) for e in refused.json()["errors"]] == [
            (4, "duplicate credit code '11365021MB0002001T'")
        ]
        assert not_yaml.status_code == 422

    async def test_the_next_decision_sees_the_new_registry(
        self, deliveries: Deliveries, api_settings: Settings, app: FastAPI
    ) -> None:
        worker = deliveries
        before = a_clue("365021")
        await worker.deliver(before)
        async with serve(app) as client:
            loaded = await client.post(
                "/v1/registry/loads", json={"source": QH_OFF},
                headers=bearer(api_settings, ROUTING_ADMIN),
            )  # fmt: skip
        assert [c["action"] for c in loaded.json()["changes"]] == ["deactivated"]
        after = a_clue("365021")
        await worker.deliver(after)
        assert (await worker.history(before.clue_id))[0].outcome == "route"
        decision = (await worker.history(after.clue_id))[0]
        assert decision.outcome == "review" and "清河县纪委监委）已停用" in decision.reason


class TestTheCommandLine:
    def test_load_reports_what_changed_then_nothing_and_refuses_with_the_line(
        self, fresh_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        settings = Settings(database_url=fresh_url)
        changed, broken = tmp_path / "registry.yaml", tmp_path / "broken.yaml"
        changed.write_text(RENAMED, encoding="utf-8")
        broken.write_text(NEW_UNIT, encoding="utf-8")
        assert cli.registry(["load", str(changed), "--dry-run"], settings) == 0
        dry = capsys.readouterr().out
        assert cli.registry(["load", str(changed)], settings) == 0
        first = capsys.readouterr().out
        assert cli.registry(["load", str(changed)], settings) == 0
        second = capsys.readouterr().out
        assert cli.registry(["load", str(broken)], settings) == 1
        refused = capsys.readouterr().err
        assert (
            "changed unit 11365021MB0002001T (name: '清河县水利局' -> '清河县水利局（更名）')"
            in dry
        )
        assert dry.endswith("would change 1 entries\n")
        assert first.endswith("changed 1 entries\n") and second == "nothing to change\n"
        assert "broken.yaml: line 4, column 5 (units.2): duplicate credit code" in refused
        assert cli.registry(["export"], settings) == 0
        assert "清河县水利局（更名）" in capsys.readouterr().out
