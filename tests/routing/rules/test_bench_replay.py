"""The bench's replay is representative: its clues reach every outcome and every default rule."""

from bench import run
from bench.routing_rules import generate_clues, measure
from services.routing.registry.demo import demo_registry
from services.routing.rules import Effect, evaluate
from services.routing.rules.compile import default_rule_set


def test_the_replay_reaches_every_outcome() -> None:
    result = measure(clues=600)
    assert sum(result.outcomes.values()) == 600
    assert all(result.outcomes.values()), result.outcomes


def test_the_replay_exercises_every_default_rule() -> None:
    rules = default_rule_set()
    registry = demo_registry()
    applied = {
        h.rule
        for clue in generate_clues(2_000, registry)
        for h in evaluate(rules, clue, registry).hits
        if h.effect not in (Effect.SKIPPED, Effect.REDUNDANT)
    }
    every = {r.id for g in rules.document.groups.values() for r in g.rules}
    assert every - applied == set()


def test_make_bench_reports_the_routing_phase_in_its_table_and_json() -> None:
    result = measure(clues=300)
    summary = run._routing_summary(result)
    assert summary["phase"] == run.ROUTING_PHASE and summary["clues"] == 300
    assert summary["decisions_per_second"] == result.per_second
    assert summary["target_per_second"] == run.TARGETS["routing_decisions_per_second"]
    table = run._routing_table(result)
    assert run.ROUTING_PHASE in table and f"{result.per_second:.0f}" in table
