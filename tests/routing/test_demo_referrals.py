"""Every default rule, with the reason it gives, through routing's consumer on both databases.

The rows are the demo referrals `make run` posts (deploy/demo_referrals.yaml): each is
published as intake would, consumed by routing's own clue.received handler on a migrated
database seeded with the demo registry and the default rules, and its recorded decision and
outbox events are checked.
"""

import json

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from deploy.demo import DemoReferral, demo_referrals
from services.routing.registry.demo import demo_registry
from services.routing.rules import Effect
from services.routing.rules.compile import default_rule_set
from shared.events.contracts import ClueRouted, ClueStatusChanged
from tests.routing.builders import Deliveries, clue_of, demo_id, outbox_events

REFERRALS, RECEIVED_AT = demo_referrals()
ROUTED = ClueRouted.event_type()
STATUS = ClueStatusChanged.event_type()
EVENTS = {
    "route": [ROUTED, STATUS],
    "split": [ROUTED, STATUS],
    "review": [STATUS],
    "return": [STATUS],
}
AGENCY_STATUS = {
    "route": "routed",
    "split": "routed",
    "review": "pending_review",
    "return": "returned_to_sender",
}
NOT_TAKING_EFFECT = (Effect.SKIPPED, Effect.REDUNDANT)


def assert_no_rule_or_code_in(note: str) -> None:
    """What the agency may be told names no rule and no body code (intake shows its own words
    all the same, but nothing internal should reach it to begin with)."""
    rule_ids = {r.id for g in default_rule_set().document.groups.values() for r in g.rules}
    codes = {b.code for b in demo_registry().bodies.values()}
    assert note
    assert not [w for w in rule_ids | codes if w in note]


def _code(body_id: object) -> str:
    return next(b.code for b in demo_registry().bodies.values() if b.id == body_id)


class TestEveryDefaultRuleOnADemoReferral:
    @pytest.mark.parametrize("referral", REFERRALS, ids=[r.title for r in REFERRALS])
    async def test_the_consumer_records_the_decision_and_publishes_it(
        self,
        referral: DemoReferral,
        deliveries: Deliveries,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        clue = clue_of(referral, received_at=RECEIVED_AT)
        await deliveries.deliver(clue)
        (decision,) = await deliveries.history(clue.clue_id)
        expect = referral.expect
        assert decision.outcome.value == expect.outcome, decision.reason
        lead = None if decision.lead_body_id is None else _code(decision.lead_body_id)
        assert (lead, tuple(_code(b) for b in decision.co_body_ids)) == (expect.lead, expect.co)
        assert expect.reason in decision.reason
        took_effect = {h.rule for h in decision.hits if h.effect not in NOT_TAKING_EFFECT}
        assert set(expect.rules) <= took_effect, decision.hits
        assert decision.rule_set_version == default_rule_set().version
        assert decision.stage == 1 and decision.decided_by is None
        events = await outbox_events(sessions, clue.clue_id)
        assert [t for t, _ in events] == EVENTS[expect.outcome]
        status = json.loads(events[-1][1])
        assert status["status"] == AGENCY_STATUS[expect.outcome]
        assert status["stage"] == 1 and status["sequence"] == 1
        assert_no_rule_or_code_in(status["note"])
        if lead is not None:
            routed = ClueRouted.model_validate_json(events[0][1])
            assert routed.lead_body_id == demo_id(lead) and routed.decision_id == decision.id
            assert routed.rule_set_version == decision.rule_set_version
            assert set(expect.rules) <= set(routed.rules)


def test_the_demo_referrals_make_every_default_rule_take_effect() -> None:
    claimed = {rule for r in REFERRALS for rule in r.expect.rules}
    every = {r.id for g in default_rule_set().document.groups.values() for r in g.rules}
    called = {"choose_lead", "joint_supervision"}  # pass on to a group on every routed clue
    assert every - claimed - called == set()
    assert any(set(r.expect.rules) >= called for r in REFERRALS)
