"""The engine's own behaviours: parity with today's rule, targets by code or id, fallbacks."""

from dataclasses import replace
from textwrap import dedent, indent
from uuid import uuid4

from services.routing.registry import RegistrySnapshot, body_id
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
from shared.workdays import china_day
from tests.routing.builders import a_clue as a_received_clue
from tests.routing.builders import a_subject
from tests.routing.rules.builders import a_clue, decide, someone


class TestReturnedBodies:
    def test_a_group_that_returned_the_clue_leaves_it_to_the_commission(self) -> None:
        clue = a_clue(someone("江州市水利局", Level.CITY), region="365000")
        excluded = replace(clue, excluded_body_ids=frozenset({body_id("jz-group-water")}))
        result = decide(excluded)
        assert result.lead is not None and result.lead.code == "jz-cdi"
        assert "江州市纪委监委驻市水利局纪检监察组已退回或移送本线索" in result.reason

    def test_when_the_only_commission_returned_it_the_clue_goes_to_review(self) -> None:
        excluded = replace(a_clue(), excluded_body_ids=frozenset({body_id("qh-cdi")}))
        result = decide(excluded)
        assert result.outcome is Outcome.REVIEW
        assert "（清河县纪委监委）已退回或移送本线索" in result.reason

    def test_a_returned_co_body_is_passed_over_for_the_one_above(self) -> None:
        clue = a_clue(someone("清河县柳河镇人民政府"), amount=800_000)
        assert [b.code for b in decide(clue).co_bodies] == ["qh-audit"]
        excluded = replace(clue, excluded_body_ids=frozenset({body_id("qh-audit")}))
        assert [b.code for b in decide(excluded).co_bodies] == ["jz-audit"]


class TestFromTheEvent:
    def test_the_clue_received_event_gives_the_context(self) -> None:
        code = "11365000MB00010016"
        subject = a_subject(Level.CITY).model_copy(update={"unit_credit_code": code})
        event = a_received_clue("365000", Level.CITY, subjects=[subject])
        event = event.model_copy(update={"agency_kind": AgencyKind.AUDIT_BUREAU})
        context = context_from_event(event)
        assert context.subjects[0].unit_credit_code == code
        assert context.agency_kind is AgencyKind.AUDIT_BUREAU
        assert context.received_on == china_day(event.received_at)
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
