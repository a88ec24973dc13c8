"""Scheduled handoff reconciliation against the real system: each kind of fault injected on a
real part, found with its class by a run, repaired by its owner where that is possible without
guessing, and the next run clean about it (orphans and duplicates stay reported, never deleted).

The package's system (conftest.py: a settle time of 1 s, no schedule of its own): every run
here is asked for, through the API or the command line, and every assertion is about the clues
a test made, since the other tests' clues are in the same ledgers."""

import io
import secrets
import uuid
from datetime import datetime
from typing import Any

import httpx
import openpyxl
import pytest

from deploy.demo import CITY_COMMISSION
from deploy.system import System
from shared.events.signing import format_public_keys, new_signing_key, parse_private_keys
from shared.service_tokens import LEDGER_READ, ServiceTokenIssuer, audience
from tests.system.client import (
    Agency,
    CaseworkApp,
    Caseworker,
    assignment_of,
    credentials,
    poll,
    staff,
)
from tests.system.ledgers import (
    Office,
    about,
    allow_assignments,
    copy_assignment,
    dead_letters,
    execute,
    long_ago,
    mark_sent_unsent,
    reconcile_cli,
    refuse_assignments_about,
    scalar,
    settled,
    sqlite_key,
    stored_json,
    unpublished,
    without_one_assignment_per_decision,
)

pytestmark = pytest.mark.system

COUNTY = "清河县纪委监委"


class Parts:
    def __init__(self, system: System) -> None:
        demo = credentials(system)
        self.system = system
        self.agency = Agency(system, demo.agencies[0].api_key)
        self.office = Office(system, demo.case_management_office.token)
        city = demo.caseworker(CITY_COMMISSION)
        self.city_inbox = Caseworker(system, city.token)
        self.city_app = CaseworkApp(system, city.token)

    async def refer(self, name: str, **kw: Any) -> str:
        clue: str = (await self.agency.refer(subject_name=name, sequence=7, **kw))["id"]
        return clue

    async def aclose(self) -> None:
        for client in (self.agency, self.office, self.city_inbox, self.city_app):
            await client.aclose()


@pytest.fixture
async def parts(system: System) -> Any:
    found = Parts(system)
    yield found
    await found.aclose()


class Faults:
    """One clue per kind of fault, injected on the running system."""

    def __init__(self, system: System, parts: Parts) -> None:
        demo = credentials(system)
        self.system, self.parts = system, parts
        self.county = demo.caseworker(COUNTY)
        self.supervisor = CaseworkApp(system, staff(demo, CITY_COMMISSION, "supervisor").token)
        self.county_inbox = Caseworker(system, self.county.token)
        self.county_app = CaseworkApp(system, self.county.token)
        self.clues: dict[str, str] = {}

    async def routed(self, name: str) -> dict[str, Any]:
        self.clues[name] = await self.parts.refer(name)
        return await assignment_of(self.parts.city_inbox, self.clues[name], f"{name} assigned")

    async def handed_off(self, name: str) -> dict[str, Any]:
        sent = await self.routed(name)
        assert (await self.parts.city_app.act(sent["id"], "accept")).status_code == 200
        handed = await self.supervisor.act(
            sent["id"],
            "hand_off",
            target_body_id=self.county.body_id,
            reason="属县管干部，移送办理",
        )
        assert handed.status_code == 200, handed.text
        return await assignment_of(self.county_inbox, self.clues[name], f"{name} at the county")

    async def dead_lettered(self, name: str) -> None:
        marker = secrets.token_hex(4)
        await refuse_assignments_about(self.system, marker)
        try:
            self.clues[name] = await self.parts.refer(f"{name}{marker}")
            await poll(
                lambda: dead_letters(self.system),
                lambda found: self.clues[name] in found,
                "casework to dead-letter the decision",
            )
        finally:
            await allow_assignments(self.system)

    async def aclose(self) -> None:
        for client in (self.supervisor, self.county_inbox, self.county_app):
            await client.aclose()


class TestEveryFaultOnTheLedgers:
    """One scenario, so that the faults share the waits: each found by one run with its class,
    the repairable ones repaired by their owners and gone from the next run, which verifies the
    repairs; orphans, duplicates and an overdue handoff reported by both, nothing deleted."""

    async def test_found_classified_repaired_and_verified(
        self, system: System, parts: Parts
    ) -> None:
        faults = Faults(system, parts)
        try:
            await self._inject(system, parts, faults)
            await settled(system)
            first = await parts.office.reconcile()
            c = faults.clues
            assert about(first, c["未发布"]) == [("missing_downstream", "not_routed", "requested")]
            assert about(first, c["删除交办"]) == [
                ("missing_downstream", "not_assigned", "requested")
            ]
            assert about(first, c["状态丢失"]) == [
                ("state_mismatch", "status_behind_casework", "requested")
            ]
            assert about(first, c["死信"]) == [("dead_lettered", "clue.routed", "requested")]
            assert about(first, c["签收回执丢失"]) == [
                ("handoff_unacknowledged", "acknowledgement_lost", "requested")
            ]
            assert about(first, c["移送超期"]) == [("handoff_unacknowledged", "overdue", "none")]
            assert about(first, c["重复交办"]) == [("duplicate", "two_live_assignments", "none")]
            assert about(first, c["孤立"]) == [("orphan", "assignment_without_decision", "none")]

            await self._repaired(system, parts, faults)
            await settled(system)
            second = await parts.office.reconcile()
            for name in ("未发布", "删除交办", "状态丢失", "死信", "签收回执丢失"):
                assert about(second, c[name]) == [], name
            assert about(second, c["移送超期"]) == [("handoff_unacknowledged", "overdue", "none")]
            assert about(second, c["重复交办"]) == [("duplicate", "two_live_assignments", "none")]
            assert about(second, c["孤立"]) == [("orphan", "assignment_without_decision", "none")]
            checked = await parts.office.run(first["id"])
            statuses = {d["clue_id"]: d["repair_status"] for d in checked["discrepancies"]}
            for name in ("未发布", "删除交办", "状态丢失", "死信", "签收回执丢失"):
                assert statuses[c[name]] == "verified", name
            copies = await scalar(
                system,
                "casework",
                "SELECT count(*) FROM assignments WHERE clue_id = :c",
                c=sqlite_key(system, "casework", c["重复交办"]),
            )
            assert copies == 2
        finally:
            await faults.aclose()

    async def _inject(self, system: System, parts: Parts, faults: Faults) -> None:
        c = faults.clues
        deleted = await faults.routed("删除交办")
        duplicated = await faults.routed("重复交办")
        status_lost = await faults.routed("状态丢失")
        await parts.agency.wait_for_status(c["状态丢失"], "assigned")
        await faults.handed_off("移送超期")
        ack_lost = await faults.handed_off("签收回执丢失")
        await faults.dead_lettered("死信")
        system.stop_service("intake-worker")
        system.stop_service("casework-worker")
        try:
            c["未发布"] = await parts.refer("未发布")
            assert await mark_sent_unsent(system, "intake", c["未发布"], "clue.received") == 1
            assert (await parts.city_app.act(status_lost["id"], "accept")).status_code == 200
            assert await mark_sent_unsent(system, "casework", c["状态丢失"], "clue.status") == 1
            assert (await faults.county_app.act(ack_lost["id"], "accept")).status_code == 200
            lost = await mark_sent_unsent(
                system, "casework", c["签收回执丢失"], "assignment.accepted"
            )
            assert lost == 1
        finally:
            system.start_service("intake-worker")
            system.start_service("casework-worker")
        await execute(
            system,
            "casework",
            "DELETE FROM assignments WHERE id = :a",
            a=sqlite_key(system, "casework", deleted["id"]),
        )
        # The forwarding clock ran out (5 working days: set in the past here).
        await execute(
            system,
            "routing",
            "UPDATE transfers SET due_at = :due WHERE clue_id = :c",
            due=long_ago(system, "routing"),
            c=sqlite_key(system, "routing", c["移送超期"]),
        )
        await without_one_assignment_per_decision(system)
        await copy_assignment(system, duplicated["id"], clue=None)
        c["孤立"] = await copy_assignment(system, duplicated["id"], clue=str(uuid.uuid4()))

    async def _repaired(self, system: System, parts: Parts, faults: Faults) -> None:
        c = faults.clues
        await parts.agency.wait_for_status(c["未发布"], "assigned")
        await assignment_of(parts.city_inbox, c["删除交办"], "the assignment made again")
        await parts.agency.wait_for_status(c["状态丢失"], "accepted")
        await assignment_of(parts.city_inbox, c["死信"], "the dead-lettered decision applied")
        await poll(
            lambda: scalar(
                system,
                "routing",
                "SELECT acknowledged_at FROM transfers WHERE clue_id = :c",
                c=sqlite_key(system, "routing", c["签收回执丢失"]),
            ),
            lambda at: at is not None,
            "routing to record the acknowledgement",
        )


class TestTheBrokerRestartedWithEventsInFlight:
    async def test_what_it_held_is_found_missing_and_repaired(
        self, system: System, parts: Parts
    ) -> None:
        for name in ("routing-worker", "casework-worker"):
            system.stop_service(name)
        try:
            clues = [await parts.refer(f"重启{n}") for n in range(3)]
            await poll(
                lambda: unpublished(system, "intake"),
                lambda n: n == 0,
                "intake to publish its clues to the broker",
            )
            system.restart_broker()
        finally:
            for name in ("routing-worker", "casework-worker"):
                system.start_service(name)
        await settled(system)
        first = await parts.office.reconcile()
        for clue in clues:
            assert about(first, clue) == [("missing_downstream", "not_routed", "requested")]
        for clue in clues:
            await parts.agency.wait_for_status(clue, "assigned")
        await settled(system)
        second = await parts.office.reconcile()
        assert [about(second, clue) for clue in clues] == [[], [], []]


class TestTheOfficesLedger:
    async def test_the_command_line_shows_progress_and_a_table_and_stores_the_run(
        self, system: System, parts: Parts
    ) -> None:
        await parts.agency.wait_for_status(await parts.refer("命令行"), "assigned")
        shown = reconcile_cli(system)
        assert shown.returncode == 0, shown.stderr
        assert "下游缺失" in shown.stdout and "missing_downstream" in shown.stdout
        assert "比对摘要" in shown.stderr  # the progress bar, on stderr
        stored = stored_json(reconcile_cli(system, "--json", "--no-repair").stdout)
        assert stored["status"] == "completed" and stored["clues"] > 0
        run = await parts.office.run(stored["id"])
        assert all(d["repair_status"] == "none" for d in run["discrepancies"])

    async def test_exports_open_as_what_they_claim(self, system: System, parts: Parts) -> None:
        await parts.refer("导出")
        run = await parts.office.reconcile()
        path = f"/v1/reconciliations/{run['id']}/export"
        book = openpyxl.load_workbook(
            io.BytesIO((await parts.office.get(path, params={"format": "xlsx"})).content)
        )
        assert book.sheetnames[:2] == ["汇总", "差异明细"] and len(book.sheetnames) > 2
        detail = book["差异明细"]
        assert detail.freeze_panes == "A2"
        assert [c.value for c in detail[1]][:5] == ["序号", "类别", "类别代码", "情形", "回执编号"]
        assert detail.max_row == 1 + len(run["discrepancies"])
        summary = book["汇总"]
        assert summary["A1"].value == "机关" and summary.column_dimensions["A"].width == 28
        started = [r for r in summary.iter_rows(values_only=True) if r[0] == "开始时间"]
        assert isinstance(started[0][1], datetime)
        city = [s for s in book.sheetnames if s.startswith("江州市纪委监委")]
        assert city and book[city[0]]["A2"].value == "江州市纪委监委"
        csv = (await parts.office.get(path, params={"format": "csv"})).content.decode("utf-8-sig")
        assert csv.splitlines()[0].startswith("序号,类别,类别代码")
        assert len(csv.splitlines()) == 1 + len(run["discrepancies"])
        page = (await parts.office.get(path, params={"format": "html"})).text
        assert page.count("<svg") == 2 and "src=" not in page and "<script" not in page
        exported = (await parts.office.get(path, params={"format": "json"})).json()
        assert exported["id"] == run["id"] and len(exported["discrepancies"]) == len(
            run["discrepancies"]
        )
        listed = (await parts.office.get("/v1/reconciliations")).json()["items"]
        assert run["id"] in [r["id"] for r in listed]


class TestTheLedgerAPIs:
    async def test_open_only_to_routing_with_the_right_scope(self, system: System) -> None:
        demo = credentials(system)
        reconcile_cli(system, "--no-repair")  # routing's key exists once it ran
        routing = ServiceTokenIssuer(
            "routing",
            parse_private_keys((system.secrets_dir / "service-signing-routing").read_text()),
        )
        intruder = new_signing_key("casework-svc-test")
        (system.secrets_dir / "service-public-casework").write_text(
            format_public_keys("casework", [intruder])
        )
        casework = ServiceTokenIssuer("casework", [intruder])
        body = {"prefix_length": 1}
        for service, refused in (
            ("intake", f"Bearer {demo.agencies[0].api_key}"),
            ("casework", f"Bearer {demo.caseworker(CITY_COMMISSION).token}"),
            ("routing", f"Bearer {demo.case_management_office.token}"),
            (
                "intake",
                "Bearer " + routing.token(audience=audience("casework"), scopes=[LEDGER_READ]),
            ),
        ):
            answer = await _post(system, service, "/internal/ledger/digests", refused, body)
            assert answer.status_code == 401, (service, answer.text)
        read_only = "Bearer " + routing.token(audience=audience("intake"), scopes=[LEDGER_READ])
        item = {"items": [{"clue_id": str(uuid.uuid4()), "topic": "clue.received"}]}
        assert (
            await _post(system, "intake", "/internal/ledger/republish", read_only, item)
        ).status_code == 403
        other = "Bearer " + casework.token(audience=audience("intake"), scopes=[LEDGER_READ])
        assert (
            await _post(system, "intake", "/internal/ledger/digests", other, body)
        ).status_code == 403
        answer = await _post(system, "intake", "/internal/ledger/digests", read_only, body)
        assert answer.status_code == 200 and answer.json()["service"] == "intake"
        # Asking for a run is the office's; an administrator reads runs but asks for none.
        admin = f"Bearer {demo.routing_admin.token}"
        assert (await _post(system, "routing", "/v1/reconciliations", admin, {})).status_code == 403


async def _post(
    system: System, service: str, path: str, authorization: str, body: Any
) -> httpx.Response:
    async with httpx.AsyncClient(
        base_url=system.url(service), trust_env=False, timeout=30
    ) as client:
        return await client.post(path, json=body, headers={"Authorization": authorization})
