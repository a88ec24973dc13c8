"""The engine's own behaviours: parity with today's rule, targets by code or id, fallbacks."""

from dataclasses import replace
from textwrap import dedent, indent
from uuid import uuid4

import pytest

from services.routing.demo import DEMO_BODIES
from services.routing.domain import RoutingStatus
from services.routing.domain import decide as legacy_decide
from services.routing.registry import RegistrySnapshot
from services.routing.registry.demo import demo_registry
from services.routing.rules import (
    Effect,
    Outcome,
    compile_rule_set,
    context_from_event,
    evaluate,
    unknown_codes,
)
from services.routing.rules.compile import DEFAULT_RULES, cached_rule_set, default_rule_set
from services.routing.rules.context import AgencyKind
from shared.codes import Level
from tests.routing.builders import a_clue as a_received_clue
from tests.routing.builders import a_subject
from tests.routing.rules.builders import a_clue, decide, someone

STATUS = {Outcome.ROUTE: RoutingStatus.ROUTED, Outcome.REVIEW: RoutingStatus.PENDING_REVIEW}


class TestParityWithTodaysRule:
    @pytest.mark.parametrize("leader", [False, True])
    @pytest.mark.parametrize("level", list(Level))
    @pytest.mark.parametrize("region", ["360000", "365000", "365002", "365021", "365022", "369921"])
    def test_a_cadre_of_an_unregistered_unit_is_placed_as_today(
        self, region: str, level: Level, leader: bool
    ) -> None:
        old = legacy_decide(region, [a_subject(level, leader=leader)], DEMO_BODIES)
        new = decide(a_clue(someone("某单位", level, leader=leader), region=region))
        assert STATUS[new.outcome] is old.status
        assert (new.lead and new.lead.id) == (old.lead and old.lead.id)
        assert [b.id for b in new.co_bodies] == [b.id for b in old.co_bodies]
        if old.status is RoutingStatus.ROUTED:
            assert new.reason == old.reason and new.rule == old.rule


class TestFromTheEvent:
    def test_the_clue_received_event_gives_the_context(self) -> None:
        event = a_received_clue("365000", Level.CITY)
        codes = ["11365000MB00010016"]
        context = context_from_event(
            event, agency_kind=AgencyKind.AUDIT_BUREAU, unit_credit_codes=codes
        )
        assert context.subjects[0].unit_credit_code == codes[0]
        assert context.received_on == event.received_at.date()
        result = evaluate(default_rule_set(), context, demo_registry())
        assert result.lead is not None and result.lead.code == "jz-group-water"


def one_group(body: str) -> str:
    return 'version: "t"\ngroups:\n' + indent(dedent(body), "  ")


class TestTargets:
    def test_a_body_named_by_code_that_is_inactive_sends_the_clue_to_review(self) -> None:
        rules = compile_rule_set(
            one_group("""\
            main:
              rules:
                - {id: to_yx_audit, lead: {code: yx-audit}, reason: "由{lead}主办"}
            """)
        )
        result = evaluate(rules, a_clue(), demo_registry())
        assert result.outcome is Outcome.REVIEW and "云溪县审计局）已停用" in result.reason

    def test_a_body_named_by_an_unknown_id_is_not_registered(self) -> None:
        missing = uuid4()
        rules = compile_rule_set(
            one_group(f"""\
            main:
              rules:
                - {{id: by_id, lead: {{id: "{missing}"}}, reason: "由{{lead}}主办"}}
            """)
        )
        result = evaluate(rules, a_clue(), demo_registry())
        assert result.outcome is Outcome.REVIEW and str(missing) in result.reason
        assert unknown_codes(rules, demo_registry()) == [f"by_id: {missing}"]

    def test_a_failed_target_runs_its_fallback_group(self) -> None:
        rules = compile_rule_set(
            one_group("""\
            main:
              rules:
                - id: group_first
                  lead: {resolver: dispatched_group_of_unit}
                  reason: 由{lead}主办
                  fallback: by_level
            by_level:
              rules:
                - id: commission
                  lead: {resolver: commission_at_managing_level}
                  reason: 由{lead}主办
            """)
        )
        result = evaluate(rules, a_clue(), demo_registry())
        assert result.lead is not None and result.lead.code == "qh-cdi"
        assert [(h.rule, h.effect) for h in result.hits] == [
            ("group_first", Effect.FALLBACK),
            ("commission", Effect.APPLIED),
        ]

    def test_a_later_lead_replaces_the_earlier_one_and_its_reason(self) -> None:
        rules = compile_rule_set(
            one_group("""\
            main:
              mode: all
              rules:
                - {id: county, lead: {resolver: commission_at_managing_level}, reason: "甲{lead}"}
                - {id: city, lead: {code: jz-cdi}, reason: "乙{lead}"}
            """)
        )
        result = evaluate(rules, a_clue(), demo_registry())
        assert result.lead is not None and result.lead.code == "jz-cdi"
        assert result.reason == "乙江州市纪委监委"

    def test_no_rule_choosing_a_lead_means_review(self) -> None:
        rules = compile_rule_set(
            one_group("""\
            main:
              rules:
                - {id: audit, co_bodies: [{resolver: audit_bureau_of_region}], reason: "{co}协同"}
            """)
        )
        result = evaluate(rules, a_clue(), demo_registry())
        assert result.outcome is Outcome.REVIEW and result.co_bodies == ()
        assert "现有规则均未确定主办机关" in result.reason


class TestCompiledOnce:
    def test_the_same_text_is_compiled_once_and_its_digest_names_it(self) -> None:
        text = DEFAULT_RULES.read_text(encoding="utf-8")
        assert cached_rule_set(text) is cached_rule_set(text)
        other = cached_rule_set(text + "\n# 注释\n")
        assert other.version == cached_rule_set(text).version
        assert other.digest != cached_rule_set(text).digest


class TestNoGuessing:
    def test_two_active_commissions_at_one_seat_send_the_clue_to_review(self) -> None:
        registry = demo_registry()
        qh = registry.body_by_code("qh-cdi")
        assert qh is not None
        twin = replace(qh, id=uuid4(), code="qh-cdi-2", name="清河县纪委监委（重复）")
        doubled = RegistrySnapshot.of([*registry.bodies.values(), twin], registry.units.values())
        result = decide(a_clue(), doubled)
        assert result.outcome is Outcome.REVIEW
        assert "登记了多个365021的县级纪委监委（qh-cdi、qh-cdi-2）" in result.reason
