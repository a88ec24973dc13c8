"""What evaluating a clue yields: one outcome, the bodies, the rules that matched, two reasons."""

from dataclasses import dataclass
from enum import StrEnum

from services.routing.registry.bodies import Body


class Outcome(StrEnum):
    ROUTE = "route"  # lead body plus co-bodies
    REVIEW = "review"  # manual review queue, with the reason
    RETURN = "return"  # back to the sender: no supervisory body has jurisdiction (Reg Art 171(4))
    SPLIT = "split"  # the part within jurisdiction routed, the rest back (Reg Art 171(3))


class Effect(StrEnum):
    APPLIED = "applied"
    SKIPPED = "skipped"  # matched, but a target found no single active body
    REDUNDANT = "redundant"  # matched, but the bodies it found were already chosen
    FALLBACK = "fallback"  # matched, a target failed, its fallback group ran
    CALLED = "called"  # matched and only passed on to another group
    REVIEW = "review"
    RETURNED = "returned"
    SPLIT = "split"


DECIDING = frozenset({Effect.APPLIED, Effect.REVIEW, Effect.RETURNED, Effect.SPLIT})


@dataclass(frozen=True)
class RuleHit:
    rule: str
    group: str
    effect: Effect
    note: str | None = None


@dataclass(frozen=True)
class SplitPart:
    """Subjects by their position in the clue: those kept here and those sent back."""

    kept: tuple[int, ...]
    returned: tuple[int, ...]


@dataclass(frozen=True)
class RoutingResult:
    outcome: Outcome
    rule_set_version: str
    reason: str  # the case-management office's words; may name bodies and rules
    sender_reason: str  # what the sending agency reads: no rule names, no body codes
    lead: Body | None = None
    co_bodies: tuple[Body, ...] = ()
    hits: tuple[RuleHit, ...] = ()
    split: SplitPart | None = None

    @property
    def rule(self) -> str:
        """The rules that decided, joined as today's `ClueRouted.rule` expects."""
        return "+".join(h.rule for h in self.hits if h.effect in DECIDING) or "none"

    @property
    def applied(self) -> tuple[str, ...]:
        return tuple(h.rule for h in self.hits if h.effect is Effect.APPLIED)
