"""Consuming clue.received on both databases: one routing record per clue, events in the outbox."""

from uuid import uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.routing.domain import RULE_SAME_LEVEL_LEADER, RoutingStatus
from shared.codes import Level
from shared.events.contracts import ClueRouted, ClueStatusChanged
from tests.routing.builders import (
    a_clue,
    decision_of,
    deliver,
    demo_id,
    inbox_count,
    outbox_types,
)

Sessions = async_sessionmaker[AsyncSession]
ROUTED_EVENTS = [ClueRouted.event_type(), ClueStatusChanged.event_type()]


class TestJurisdiction:
    @pytest.mark.parametrize(
        ("region", "level", "code"),
        [
            ("365021", Level.PROVINCE, "prov-cdi"),
            ("365022", Level.CITY, "jz-cdi"),
            ("365002", Level.COUNTY, "jzq-cdi"),
            ("365021", Level.TOWNSHIP, "qh-cdi"),
        ],
    )
    async def test_the_clue_is_routed_to_the_commission_of_its_level(
        self, sessions: Sessions, region: str, level: Level, code: str
    ) -> None:
        clue = a_clue(region, level)
        await deliver(sessions, clue, event_id=str(uuid4()))
        decision = await decision_of(sessions, clue.clue_id)
        assert decision.status is RoutingStatus.ROUTED
        assert decision.lead_body_id == demo_id(code)
        assert decision.receipt_number == clue.receipt_number
        assert decision.summary == clue.summary and decision.region == region
        assert decision.agency_id == clue.agency_id
        assert decision.subjects[0]["managing_level"] == level
        assert await outbox_types(sessions, clue.clue_id) == ROUTED_EVENTS

    async def test_a_committee_leader_adds_the_commission_above(self, sessions: Sessions) -> None:
        clue = a_clue("365022", Level.COUNTY, leader=True)
        await deliver(sessions, clue, event_id=str(uuid4()))
        decision = await decision_of(sessions, clue.clue_id)
        assert decision.lead_body_id == demo_id("yx-cdi")
        assert decision.co_body_ids == (demo_id("jz-cdi"),)
        assert decision.rule == RULE_SAME_LEVEL_LEADER


class TestNoMatch:
    async def test_the_clue_waits_for_review_and_the_sender_is_told(
        self, sessions: Sessions
    ) -> None:
        clue = a_clue("369921", Level.COUNTY)
        await deliver(sessions, clue, event_id=str(uuid4()))
        decision = await decision_of(sessions, clue.clue_id)
        assert decision.status is RoutingStatus.PENDING_REVIEW
        assert decision.lead_body_id is None and decision.co_body_ids == ()
        assert "369921" in decision.reason
        assert await outbox_types(sessions, clue.clue_id) == [ClueStatusChanged.event_type()]


class TestOneRecordPerClue:
    async def test_a_redelivered_event_has_one_effect(self, sessions: Sessions) -> None:
        clue, event_id = a_clue(), str(uuid4())
        await deliver(sessions, clue, event_id=event_id)
        first = await decision_of(sessions, clue.clue_id)
        await deliver(sessions, clue, event_id=event_id)
        assert await decision_of(sessions, clue.clue_id) == first
        assert await outbox_types(sessions, clue.clue_id) == ROUTED_EVENTS
        assert await inbox_count(sessions, event_id) == 1

    async def test_a_second_event_about_the_same_clue_adds_nothing(
        self, sessions: Sessions
    ) -> None:
        clue = a_clue()
        await deliver(sessions, clue, event_id=str(uuid4()))
        first = await decision_of(sessions, clue.clue_id)
        again = clue.model_copy(update={"region": "365022"})
        await deliver(sessions, again, event_id=str(uuid4()))
        assert await decision_of(sessions, clue.clue_id) == first
        assert await outbox_types(sessions, clue.clue_id) == ROUTED_EVENTS
