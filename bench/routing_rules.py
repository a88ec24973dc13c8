"""Routing decisions per second: 10,000 generated clues replayed through the compiled demo rules.

In memory only (DESIGN.md target: >= 5,000/s). `python -m bench.routing_rules [--clues N]`
prints the figure; `make bench` calls `measure()`.
"""

import argparse
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from services.routing.registry import RegistrySnapshot
from services.routing.registry.demo import demo_registry
from services.routing.rules import ClueContext, Outcome, SubjectContext, evaluate
from services.routing.rules.compile import CompiledRuleSet, default_rule_set
from services.routing.rules.context import AgencyKind
from shared.codes import Category, Channel, Level, Rank, Topic

TARGET_PER_SECOND = 5_000
REGIONS = ["360000", "365000", "365002", "365021", "365022", "369921", "36502"]
STRANGERS = ["江州某建材有限公司", "清河县某村民委员会", "某个体经营户"]


@dataclass(frozen=True)
class RoutingBench:
    clues: int
    seconds: float
    per_second: float
    outcomes: dict[str, int]


def generate_clues(count: int, registry: RegistrySnapshot, *, seed: int = 9) -> list[ClueContext]:
    """Clues spread over the registry's units and strangers, every level, category and topic."""
    rng = random.Random(seed)
    units = [u.name for u in registry.units.values()] + STRANGERS
    return [_clue(rng, units, i) for i in range(count)]


def _clue(rng: random.Random, units: list[str], i: int) -> ClueContext:
    subjects = tuple(_subject(rng, units) for _ in range(rng.choice([0, *[1] * 30, 2, 2, 3])))
    return ClueContext(
        clue_id=UUID(int=i),
        received_on=date(2026, 12, 1),
        region=rng.choice(REGIONS),
        category=rng.choice(list(Category)),
        channel=rng.choice(list(Channel)),
        subjects=subjects,
        topics=frozenset(rng.sample(list(Topic), rng.randint(0, 2))),
        amount=Decimal(rng.randint(0, 2_000_000)) if rng.random() < 0.5 else None,
        agency_kind=rng.choice(list(AgencyKind)),
    )


def _subject(rng: random.Random, units: list[str]) -> SubjectContext:
    outsider = rng.random() < 0.1
    return SubjectContext(
        unit=rng.choice(STRANGERS if outsider else units),
        rank=Rank.OTHER if outsider else rng.choice(list(Rank)),
        managing_level=rng.choice(list(Level)),
        party_member=not outsider and rng.random() < 0.8,
        same_level_committee_leader=rng.random() < 0.1,
    )


def measure(
    clues: int = 10_000,
    rules: CompiledRuleSet | None = None,
    registry: RegistrySnapshot | None = None,
) -> RoutingBench:
    """Compiles nothing inside the timed loop: one compiled rule set, one registry snapshot."""
    rules = rules or default_rule_set()
    registry = registry or demo_registry()
    replay = generate_clues(clues, registry)
    outcomes: Counter[Outcome] = Counter()
    started = time.perf_counter()
    for clue in replay:
        outcomes[evaluate(rules, clue, registry).outcome] += 1
    seconds = time.perf_counter() - started
    counted = {o.value: outcomes[o] for o in Outcome}
    return RoutingBench(clues, seconds, clues / seconds, counted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clues", type=int, default=10_000)
    args = parser.parse_args()
    result = measure(args.clues)
    verdict = "meets" if result.per_second >= TARGET_PER_SECOND else "misses"
    print(
        f"routing: {result.clues} clues in {result.seconds:.3f} s = "
        f"{result.per_second:,.0f} decisions/s ({verdict} the {TARGET_PER_SECOND:,}/s target); "
        f"outcomes {result.outcomes}"
    )


if __name__ == "__main__":
    main()
