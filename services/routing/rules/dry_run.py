"""A candidate rule set replayed against the current one: the decisions that would change."""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from services.routing.registry import RegistrySnapshot
from services.routing.rules.compile import CompiledRuleSet
from services.routing.rules.context import ClueContext
from services.routing.rules.evaluate import evaluate
from services.routing.rules.result import RoutingResult


@dataclass(frozen=True)
class DecisionChange:
    clue_id: UUID
    old: RoutingResult
    new: RoutingResult
    changed: tuple[str, ...]  # outcome, lead, co_bodies, split, reason


def differences(old: RoutingResult, new: RoutingResult) -> tuple[str, ...]:
    """What differs between two decisions; the version and the trace of rules do not count."""
    pairs = {
        "outcome": (old.outcome, new.outcome),
        "lead": (old.lead and old.lead.id, new.lead and new.lead.id),
        "co_bodies": ({b.id for b in old.co_bodies}, {b.id for b in new.co_bodies}),
        "split": (old.split, new.split),
        "reason": (old.reason, new.reason),
    }
    return tuple(name for name, (a, b) in pairs.items() if a != b)


def dry_run(
    current: CompiledRuleSet,
    candidate: CompiledRuleSet,
    clues: Iterable[ClueContext],
    registry: RegistrySnapshot,
    *,
    include_reason_only: bool = False,
) -> list[DecisionChange]:
    """Changes nothing: evaluates each clue under both sets and keeps those decided differently.

    A change of wording alone is left out unless `include_reason_only` asks for it.
    """
    changes = []
    for clue in clues:
        old = evaluate(current, clue, registry)
        new = evaluate(candidate, clue, registry)
        changed = differences(old, new)
        if changed and (include_reason_only or changed != ("reason",)):
            changes.append(DecisionChange(clue.clue_id, old, new, changed))
    return changes
