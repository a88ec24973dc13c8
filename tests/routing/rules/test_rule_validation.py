"""A rule set with an error is refused with the line (and column) of what is wrong."""

import json
from pathlib import Path
from textwrap import dedent

import jsonschema
import pytest
import yaml

from services.routing.errors import DocumentInvalid, Problem
from services.routing.rules import compile_rule_set, validate_rule_set
from services.routing.rules.compile import DEFAULT_RULES
from services.routing.rules.schema import render

ROOT = Path(__file__).resolve().parents[3]

HEAD = """\
version: "t1"
groups:
  main:
    rules:
"""


def rules(body: str, *, head: str = HEAD) -> str:
    return head + dedent(body).strip("\n").replace("\n", "\n      ").join(["      ", "\n"])


def problems(text: str) -> tuple[Problem, ...]:
    found = validate_rule_set(text)
    assert found, "the rule set was accepted"
    return found


def line_of(text: str, needle: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, f"{needle!r} is on lines {lines}"
    return lines[0]


def assert_refused(text: str, needle: str, message: str) -> Problem:
    found = problems(text)
    line = line_of(text, needle)
    hits = [p for p in found if p.line == line and message in p.message]
    assert hits, f"no problem {message!r} on line {line}: {found}"
    return hits[0]


LEAD = "lead: {resolver: commission_at_managing_level}\n  reason: 由{lead}主办"


class TestStructure:
    def test_an_unknown_field_of_a_rule(self) -> None:
        text = rules(f"- id: a\n  {LEAD}\n  colour: red")
        found = assert_refused(text, "colour", "unknown field 'colour'")
        assert found.column == 9 and found.path == "groups.main.rules.0.colour"

    def test_an_unknown_top_level_field(self) -> None:
        text = "author: me\n" + rules(f"- id: a\n  {LEAD}")
        assert_refused(text, "author", "unknown field 'author'")

    def test_an_unknown_resolver(self) -> None:
        text = rules("- id: a\n  lead: {resolver: commission_next_door}\n  reason: x")
        assert_refused(text, "commission_next_door", "commission_next_door")

    def test_an_unknown_condition_field(self) -> None:
        text = rules(f"- id: a\n  when:\n    weather: {{eq: rain}}\n  {LEAD}")
        assert_refused(text, "weather", "unknown field 'weather'")

    def test_an_unknown_operator(self) -> None:
        text = rules(f"- id: a\n  when:\n    category:\n      like: [integrity]\n  {LEAD}")
        assert_refused(text, "like", "unknown field 'like'")

    @pytest.mark.parametrize(
        ("condition", "bad"),
        [
            ("subject: {managing_level: {in: [county, village]}}", "village"),
            ("category: {eq: gossip}", "gossip"),
            ("topics: {any: [weather]}", "weather"),
            ("channel: {in: [pigeon]}", "pigeon"),
            ("subject: {rank: {eq: general}}", "general"),
            ("agency_kind: {eq: newspaper}", "newspaper"),
        ],
    )
    def test_a_value_outside_the_code_tables(self, condition: str, bad: str) -> None:
        text = rules(f"- id: a\n  when:\n    {condition}\n  {LEAD}")
        found = assert_refused(text, condition, bad)
        assert "Input should be" in found.message

    def test_an_operator_without_a_value(self) -> None:
        text = rules(f"- id: a\n  when:\n    amount: {{}}\n  {LEAD}")
        assert_refused(text, "amount", "give at least one operator")

    def test_a_target_with_two_ways_to_name_a_body(self) -> None:
        text = rules(
            "- id: a\n  lead: {resolver: audit_bureau_of_region, code: jz-cdi}\n  reason: x"
        )
        assert_refused(text, "lead:", "exactly one of resolver, code, id")

    def test_a_missing_version(self) -> None:
        text = rules(f"- id: a\n  {LEAD}", head=HEAD.replace('version: "t1"\n', "description: x\n"))
        found = problems(text)
        assert any(p.message == "missing field 'version'" for p in found)

    def test_not_yaml_at_all(self) -> None:
        text = rules(f"- id: a\n  {LEAD}\n  when: {{category: [}}")
        found = problems(text)
        assert found[0].message.startswith("not valid YAML")
        assert found[0].line == line_of(text, "when:")

    def test_a_key_given_twice(self) -> None:
        text = rules(f"- id: a\n  {LEAD}\n  id: b")
        assert_refused(text, "id: b", "duplicate key 'id'")


class TestMeaning:
    def test_a_rule_id_used_twice(self) -> None:
        text = rules(f"- id: a\n  {LEAD}\n- id: a\n  when: {{channel: {{eq: audit}}}}\n  {LEAD}")
        found = [p for p in problems(text) if "is used on line" in p.message]
        assert len(found) == 1 and found[0].line == 8

    def test_review_cannot_also_choose_a_lead(self) -> None:
        text = rules(f"- id: a\n  review: 转人工\n  {LEAD}")
        assert_refused(text, "review:", "review ends evaluation")

    def test_a_rule_that_does_nothing(self) -> None:
        text = rules(f"- id: a\n  description: idle\n- id: b\n  {LEAD}")
        assert_refused(text, "- id: a", "does nothing")

    def test_an_unknown_placeholder_in_a_reason(self) -> None:
        text = rules(
            "- id: a\n  lead: {resolver: commission_at_managing_level}\n  reason: 由{boss}办"
        )
        assert_refused(text, "{boss}", "unknown placeholder {boss}")

    def test_the_sender_reason_cannot_name_internal_things(self) -> None:
        text = rules(f"- id: a\n  {LEAD}", head=HEAD.replace(
            'version: "t1"\n', 'version: "t1"\nsender_reasons:\n  route: 规则{unit}{co}\n'
        ))  # fmt: skip
        assert_refused(text, "route:", "unknown placeholder {unit}")

    def test_a_rule_after_one_that_matches_everything_and_ends_the_group(self) -> None:
        text = rules(
            f"- id: a\n  {LEAD}\n- id: never\n  when: {{channel: {{eq: audit}}}}\n  {LEAD}"
        )
        found = assert_refused(text, "id: never", "unreachable")
        assert "'a' before it matches every clue and ends the group" in found.message

    def test_a_rule_after_an_unconditional_review_in_an_all_group(self) -> None:
        head = HEAD.replace("    rules:", "    mode: all\n    rules:")
        text = rules(f"- id: a\n  review: 全部转人工\n- id: late\n  {LEAD}", head=head)
        assert_refused(text, "id: late", "ends evaluation")

    def test_a_rule_shadowed_by_an_earlier_one_with_the_same_condition(self) -> None:
        when = "when: {category: {eq: duty_crime}}"
        text = rules(f"- id: a\n  {when}\n  {LEAD}\n- id: b\n  {when}\n  {LEAD}\n- id: c\n  {LEAD}")
        assert_refused(text, "id: b", "matches the same clues")

    def test_a_rule_that_may_skip_does_not_hide_the_next(self) -> None:
        lead = "lead: {resolver: dispatched_group_of_unit}\n  unresolved: skip\n  reason: x"
        assert validate_rule_set(rules(f"- id: a\n  {lead}\n- id: b\n  {LEAD}")) == ()

    def test_a_cycle_between_groups(self) -> None:
        text = dedent("""\
            version: "t1"
            groups:
              main:
                rules:
                  - {id: a, then: second}
              second:
                rules:
                  - {id: b, then: third}
              third:
                rules:
                  - id: c
                    lead: {resolver: dispatched_group_of_unit}
                    reason: x
                    fallback: second
            """)
        found = assert_refused(text, "fallback: second", "cycle between groups")
        assert "second → third → second" in found.message

    def test_an_unknown_group(self) -> None:
        text = rules("- {id: a, then: elsewhere}")
        assert_refused(text, "then: elsewhere", "no group 'elsewhere'")

    def test_a_group_nothing_reaches(self) -> None:
        text = rules(f"- id: a\n  {LEAD}") + "  orphan:\n    rules:\n      - {id: b, review: x}\n"
        assert_refused(text, "orphan:", "never reached")

    def test_after_a_call_to_a_group_that_always_ends_evaluation(self) -> None:
        text = dedent("""\
            version: "t1"
            groups:
              main:
                mode: all
                rules:
                  - {id: a, then: stop}
                  - {id: late, review: x}
              stop:
                rules:
                  - {id: b, review: 全部转人工}
            """)
        assert_refused(text, "id: late", "unreachable")


class TestRefusal:
    def test_compile_raises_with_every_problem_sorted_by_line(self) -> None:
        text = rules("- id: a\n  colour: red\n  lead: {resolver: nowhere}\n  reason: x")
        with pytest.raises(DocumentInvalid) as refused:
            compile_rule_set(text)
        lines = [p.line for p in refused.value.problems]
        assert lines == sorted(lines) and len(lines) == 2
        assert "line 6, column 9" in str(refused.value)


class TestPublishedSchema:
    def test_the_committed_schema_is_current(self) -> None:
        committed = (ROOT / "docs" / "routing-rules.schema.json").read_text(encoding="utf-8")
        assert committed == render(), (
            "run: python -m services.routing.rules > docs/routing-rules.schema.json"
        )

    def test_the_default_rules_validate_against_the_published_schema(self) -> None:
        schema = json.loads(render())
        document = yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema).validate(document)

    def test_the_schema_refuses_what_the_validator_refuses(self) -> None:
        schema = json.loads(render())
        document = yaml.safe_load(rules(f"- id: a\n  {LEAD}\n  colour: red"))
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.Draft202012Validator(schema).validate(document)

    def test_the_default_rules_compile(self) -> None:
        assert validate_rule_set(DEFAULT_RULES.read_text(encoding="utf-8")) == ()
