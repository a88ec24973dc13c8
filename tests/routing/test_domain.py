"""The jurisdiction rule on its own: no database, the demo registry as plain objects."""

from uuid import uuid4

import pytest

from services.routing.demo import DEMO_BODIES
from services.routing.domain import (
    RULE_JURISDICTION,
    RULE_SAME_LEVEL_LEADER,
    Body,
    RoutingStatus,
    Seat,
    commission_seat,
    decide,
    seat_above,
    seats_to_look_up,
)
from shared.codes import BodyKind, Level
from shared.events.contracts import SubjectSnapshot
from tests.routing.builders import a_subject, demo_id

REGISTRY = list(DEMO_BODIES)


class TestCommissionSeat:
    @pytest.mark.parametrize(
        ("level", "seat"),
        [
            (Level.PROVINCE, Seat(Level.PROVINCE, "360000")),
            (Level.CITY, Seat(Level.CITY, "365000")),
            (Level.COUNTY, Seat(Level.COUNTY, "365021")),
            (Level.TOWNSHIP, Seat(Level.COUNTY, "365021")),
        ],
    )
    def test_the_division_code_is_cut_to_the_managing_level(self, level: Level, seat: Seat) -> None:
        assert commission_seat(level, "365021") == seat

    def test_the_seat_above_a_county_is_its_city_and_above_a_province_is_none(self) -> None:
        assert seat_above(Seat(Level.COUNTY, "365021")) == Seat(Level.CITY, "365000")
        assert seat_above(Seat(Level.CITY, "365000")) == Seat(Level.PROVINCE, "360000")
        assert seat_above(Seat(Level.PROVINCE, "360000")) is None

    def test_only_the_seats_the_rule_may_need_are_looked_up(self) -> None:
        assert seats_to_look_up("365021", [a_subject(Level.COUNTY)]) == [
            Seat(Level.COUNTY, "365021")
        ]
        seats = seats_to_look_up("365021", [a_subject(Level.COUNTY, leader=True)])
        assert seats == [Seat(Level.COUNTY, "365021"), Seat(Level.CITY, "365000")]
        assert seats_to_look_up("36502", [a_subject()]) == []
        assert seats_to_look_up("365021", []) == []


class TestLeadBody:
    @pytest.mark.parametrize(
        ("region", "level", "code"),
        [
            ("365021", Level.PROVINCE, "prov-cdi"),
            ("365021", Level.CITY, "jz-cdi"),
            ("365002", Level.COUNTY, "jzq-cdi"),
            ("365022", Level.TOWNSHIP, "yx-cdi"),
        ],
    )
    def test_the_commission_at_the_managing_level_and_region_leads(
        self, region: str, level: Level, code: str
    ) -> None:
        decision = decide(region, [a_subject(level)], REGISTRY)
        assert decision.status is RoutingStatus.ROUTED
        assert decision.lead is not None and decision.lead.id == demo_id(code)
        assert decision.co_bodies == ()
        assert decision.rule == RULE_JURISDICTION
        assert decision.lead.name in decision.reason

    def test_the_first_subject_decides_the_level(self) -> None:
        subjects = [a_subject(Level.CITY), a_subject(Level.COUNTY)]
        decision = decide("365021", subjects, REGISTRY)
        assert decision.lead is not None and decision.lead.id == demo_id("jz-cdi")

    def test_audit_and_finance_bodies_never_lead_by_jurisdiction(self) -> None:
        others = [b for b in REGISTRY if b.kind != BodyKind.DISCIPLINE_COMMISSION]
        assert decide("365021", [a_subject(Level.COUNTY)], others).lead is None


class TestSameLevelCommitteeLeader:
    def test_the_commission_one_level_up_joins_as_co_body(self) -> None:
        decision = decide("365021", [a_subject(Level.COUNTY, leader=True)], REGISTRY)
        assert decision.status is RoutingStatus.ROUTED
        assert decision.lead is not None and decision.lead.id == demo_id("qh-cdi")
        assert [b.id for b in decision.co_bodies] == [demo_id("jz-cdi")]
        assert decision.rule == RULE_SAME_LEVEL_LEADER
        assert "第二十二条" in decision.reason

    def test_a_township_leader_is_already_one_level_up_at_the_county(self) -> None:
        decision = decide("365021", [a_subject(Level.TOWNSHIP, leader=True)], REGISTRY)
        assert decision.lead is not None and decision.lead.id == demo_id("qh-cdi")
        assert decision.co_bodies == ()

    def test_a_province_leader_waits_for_review_as_the_level_above_is_not_registered(
        self,
    ) -> None:
        decision = decide("360000", [a_subject(Level.PROVINCE, leader=True)], REGISTRY)
        assert decision.status is RoutingStatus.PENDING_REVIEW
        assert decision.lead is None


class TestNothingFits:
    @pytest.mark.parametrize(
        ("region", "subjects", "why"),
        [
            ("369921", [a_subject(Level.COUNTY)], "未登记369921"),
            ("36502", [a_subject(Level.COUNTY)], "不是6位行政区划代码"),
            ("３６５０２１", [a_subject(Level.COUNTY)], "不是6位行政区划代码"),
            ("365021", [], "未列被反映人"),
        ],
    )
    def test_the_clue_waits_for_review_with_the_reason(
        self, region: str, subjects: list[SubjectSnapshot], why: str
    ) -> None:
        decision = decide(region, subjects, REGISTRY)
        assert decision.status is RoutingStatus.PENDING_REVIEW
        assert decision.lead is None and decision.co_bodies == ()
        assert why in decision.reason

    def test_two_commissions_at_one_seat_are_not_guessed_between(self) -> None:
        twin = Body(
            uuid4(),
            "qh-cdi-2",
            "清河县纪委监委（重复）",
            BodyKind.DISCIPLINE_COMMISSION,
            Level.COUNTY,
            "365021",
        )
        decision = decide("365021", [a_subject(Level.COUNTY)], [*REGISTRY, twin])
        assert decision.status is RoutingStatus.PENDING_REVIEW
        assert "qh-cdi-2" in decision.reason

    def test_an_inactive_commission_is_not_chosen(self) -> None:
        registry = [
            Body(b.id, b.code, b.name, b.kind, b.level, b.region, b.parent_id, active=False)
            if b.code == "yx-cdi"
            else b
            for b in REGISTRY
        ]
        assert decide("365022", [a_subject(Level.COUNTY)], registry).lead is None
