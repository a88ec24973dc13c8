"""Scheduled handoff reconciliation against the real system: each kind of fault injected on a
real part, found with its class by a run, repaired by its owner where that is possible without
guessing, and the next run clean about it (orphans and duplicates stay reported, never deleted).

One system per backend for the module, with a settle time of 1 s and no schedule of its own:
every run here is asked for, through the API or the command line."""

import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from deploy.demo import CITY_COMMISSION
from deploy.system import SERVICES, System
from tests.support.databases import DatabaseFactory
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
    refuse_assignments_about,
    scalar,
    settled,
    sqlite_key,
    unpublished,
    without_one_assignment_per_decision,
)

pytestmark = pytest.mark.system

COUNTY = "清河县纪委监委"
RECONCILER = {
    "ROUTING_RECONCILE_SETTLE_SECONDS": "1",
    "ROUTING_RECONCILE_INTERVAL_SECONDS": "0",
    "ROUTING_RECONCILE_POLL_SECONDS": "0.3",
}


@pytest.fixture(scope="module")
def system(
    backend: str, databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    urls = {name: databases.fresh(backend, name) for name in SERVICES}
    running = System.on_free_ports(
        urls,
        log_dir=tmp_path_factory.mktemp(f"system-reconciliation-{backend}"),
        jwt_secrets={name: secrets.token_urlsafe(32) for name in SERVICES},
        extra_env=RECONCILER,
    )
    with running:
        yield running


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


class TestAReferralWhoseEventWasNeverPublished:
    async def test_is_missing_downstream_reissued_by_intake_and_clean_next_run(
        self, system: System, parts: Parts
    ) -> None:
        system.stop_service("intake-worker")
        try:
            clue = await parts.refer("未发布")
            assert await mark_sent_unsent(system, "intake", clue, "clue.received") == 1
        finally:
            system.start_service("intake-worker")
        await settled(system)
        first = await parts.office.reconcile()
        assert about(first, clue) == [("missing_downstream", "not_routed", "requested")]
        await parts.agency.wait_for_status(clue, "assigned")
        await settled(system)
        second = await parts.office.reconcile()
        assert about(second, clue) == []
        repaired = await parts.office.run(first["id"])
        assert [d["repair_status"] for d in repaired["discrepancies"] if d["clue_id"] == clue] == [
            "verified"
        ]


class TestAnAssignmentRowDeleted:
    async def test_is_missing_downstream_the_decision_reissued_and_clean_next_run(
        self, system: System, parts: Parts
    ) -> None:
        clue = await parts.refer("删除交办")
        await assignment_of(parts.city_inbox, clue, "the clue in the city's inbox")
        await execute(
            system,
            "casework",
            "DELETE FROM assignments WHERE clue_id = :c",
            c=sqlite_key(system, "casework", clue),
        )
        await settled(system)
        first = await parts.office.reconcile()
        assert about(first, clue) == [("missing_downstream", "not_assigned", "requested")]
        await assignment_of(parts.city_inbox, clue, "the assignment made again")
        await settled(system)
        assert about(await parts.office.reconcile(), clue) == []


class TestAStatusEventLost:
    async def test_intake_behind_casework_is_a_state_mismatch_republished_by_casework(
        self, system: System, parts: Parts
    ) -> None:
        clue = await parts.refer("状态丢失")
        item = await assignment_of(parts.city_inbox, clue, "the clue in the city's inbox")
        await parts.agency.wait_for_status(clue, "assigned")
        system.stop_service("casework-worker")
        try:
            assert (await parts.city_app.act(item["id"], "accept")).status_code == 200
            assert await mark_sent_unsent(system, "casework", clue, "clue.status") == 1
        finally:
            system.start_service("casework-worker")
        await settled(system)
        first = await parts.office.reconcile()
        assert about(first, clue) == [("state_mismatch", "status_behind_casework", "requested")]
        await parts.agency.wait_for_status(clue, "accepted")
        await settled(system)
        assert about(await parts.office.reconcile(), clue) == []


class TestAHandoffNeverAcknowledged:
    async def test_overdue_is_reported_and_a_lost_acknowledgement_is_sent_again(
        self, system: System, parts: Parts
    ) -> None:
        demo = credentials(system)
        county = demo.caseworker(COUNTY)
        supervisor = CaseworkApp(system, staff(demo, CITY_COMMISSION, "supervisor").token)
        county_inbox, county_app = (
            Caseworker(system, county.token),
            CaseworkApp(system, county.token),
        )
        try:
            clue = await parts.refer("移送未签收")
            sent = await assignment_of(parts.city_inbox, clue, "the clue in the city's inbox")
            assert (await parts.city_app.act(sent["id"], "accept")).status_code == 200
            handed = await supervisor.act(
                sent["id"], "hand_off", target_body_id=county.body_id, reason="属县管干部，移送办理"
            )
            assert handed.status_code == 200, handed.text
            received = await assignment_of(county_inbox, clue, "the clue in the county's inbox")
            # The forwarding clock ran out (5 working days, in the past here).
            await execute(
                system,
                "routing",
                "UPDATE transfers SET due_at = :due WHERE clue_id = :c",
                due=long_ago(system, "routing"),
                c=sqlite_key(system, "routing", clue),
            )
            await settled(system)
            overdue = await parts.office.reconcile()
            assert about(overdue, clue) == [("handoff_unacknowledged", "overdue", "none")]

            system.stop_service("casework-worker")
            try:
                assert (await county_app.act(received["id"], "accept")).status_code == 200
                assert await mark_sent_unsent(system, "casework", clue, "assignment.accepted") == 1
            finally:
                system.start_service("casework-worker")
            await settled(system)
            lost = await parts.office.reconcile()
            assert ("handoff_unacknowledged", "acknowledgement_lost", "requested") in about(
                lost, clue
            )
            await poll(
                lambda: scalar(
                    system,
                    "routing",
                    "SELECT acknowledged_at FROM transfers WHERE clue_id = :c",
                    c=sqlite_key(system, "routing", clue),
                ),
                lambda at: at is not None,
                "routing to record the acknowledgement",
            )
            await settled(system)
            assert about(await parts.office.reconcile(), clue) == []
        finally:
            for client in (supervisor, county_inbox, county_app):
                await client.aclose()


class TestADeadLetteredEvent:
    async def test_is_reported_as_itself_sent_again_by_its_producer_and_clean_next_run(
        self, system: System, parts: Parts
    ) -> None:
        marker = secrets.token_hex(4)
        await refuse_assignments_about(system, marker)
        try:
            clue = await parts.refer(f"死信{marker}")
            await poll(
                lambda: dead_letters(system),
                lambda found: clue in found,
                "casework to dead-letter the decision",
            )
        finally:
            await allow_assignments(system)
        await settled(system)
        first = await parts.office.reconcile()
        assert about(first, clue) == [("dead_lettered", "clue.routed", "requested")]
        await assignment_of(parts.city_inbox, clue, "the decision applied after all")
        await settled(system)
        assert about(await parts.office.reconcile(), clue) == []


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


class TestOrphansAndDuplicates:
    async def test_are_reported_never_deleted_and_still_reported_next_run(
        self, system: System, parts: Parts
    ) -> None:
        clue = await parts.refer("重复交办")
        item = await assignment_of(parts.city_inbox, clue, "the clue in the city's inbox")
        await without_one_assignment_per_decision(system)
        await copy_assignment(system, item["id"], clue=None)
        orphan = await copy_assignment(system, item["id"], clue=secrets.token_hex(16))
        await settled(system)
        for _ in range(2):
            run = await parts.office.reconcile()
            assert about(run, clue) == [("duplicate", "two_live_assignments", "none")]
            assert about(run, orphan) == [("orphan", "assignment_without_decision", "none")]
        copies = await scalar(
            system,
            "casework",
            "SELECT count(*) FROM assignments WHERE clue_id = :c",
            c=sqlite_key(system, "casework", clue),
        )
        assert copies == 2
