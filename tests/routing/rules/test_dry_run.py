"""A candidate rule set against the current one: only the decisions that change, old and new."""

from services.routing.registry.demo import demo_registry
from services.routing.rules import compile_rule_set, dry_run, evaluate
from services.routing.rules.compile import DEFAULT_RULES, default_rule_set
from shared.codes import Topic
from tests.routing.rules.builders import a_clue, someone

DEFAULT_TEXT = DEFAULT_RULES.read_text(encoding="utf-8")


def candidate(old: str, new: str) -> str:
    assert old in DEFAULT_TEXT
    return DEFAULT_TEXT.replace(old, new).replace('version: "2026.12.1"', 'version: "2026.12.2"')


CLUES = [
    a_clue(),
    a_clue(someone("江州区教育局"), region="365002", topics=(Topic.FUNDS,)),
    a_clue(someone("清河县柳河镇人民政府"), amount=800_000),
    a_clue(someone(leader=True)),
]


class TestDryRun:
    def test_a_raised_amount_threshold_changes_only_the_large_amount_clue(self) -> None:
        new = compile_rule_set(candidate("amount: {gte: 500000}", "amount: {gte: 1000000}"))
        changes = dry_run(default_rule_set(), new, CLUES, demo_registry())
        assert [c.clue_id for c in changes] == [CLUES[2].clue_id]
        (change,) = changes
        assert change.changed == ("co_bodies", "reason")
        assert [b.code for b in change.old.co_bodies] == ["qh-audit"]
        assert change.new.co_bodies == () and change.new.rule_set_version == "2026.12.2"

    def test_new_wording_alone_is_reported_only_when_asked(self) -> None:
        new = compile_rule_set(candidate("{basis}，{co}协办", "{basis}，由{co}协办"))
        assert dry_run(default_rule_set(), new, CLUES, demo_registry()) == []
        (change,) = dry_run(
            default_rule_set(), new, CLUES, demo_registry(), include_reason_only=True
        )
        assert change.clue_id == CLUES[3].clue_id and change.changed == ("reason",)

    def test_the_same_rule_set_changes_nothing_and_later_decisions_are_the_same(self) -> None:
        before = [evaluate(default_rule_set(), c, demo_registry()) for c in CLUES]
        assert dry_run(default_rule_set(), default_rule_set(), CLUES, demo_registry()) == []
        assert [evaluate(default_rule_set(), c, demo_registry()) for c in CLUES] == before

    def test_a_new_lead_rule_moves_the_lead(self) -> None:
        new = compile_rule_set(candidate(
            "      - id: jurisdiction\n",
            "      - id: city_cadres_by_city\n"
            "        when: {subject: {managing_level: {eq: county}}, region: {prefix: ['36502']}}\n"
            "        lead: {code: jz-cdi}\n"
            "        reason: 试行：由{lead}主办\n"
            "      - id: jurisdiction\n",
        ))  # fmt: skip
        changes = dry_run(default_rule_set(), new, CLUES, demo_registry())
        # The clue from 江州区 (365002) keeps its lead; the three county cadres of 清河县 move.
        assert {c.clue_id for c in changes} == {CLUES[i].clue_id for i in (0, 2, 3)}
        assert all(c.new.lead is not None and c.new.lead.code == "jz-cdi" for c in changes)
        assert all("lead" in c.changed for c in changes)
