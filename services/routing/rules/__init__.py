"""Versioned routing rule sets: validated, compiled once, evaluated in memory (pure)."""

from services.routing.rules.compile import (
    CompiledRuleSet,
    cached_rule_set,
    compile_rule_set,
    default_rule_set,
    unknown_codes,
    validate_rule_set,
)
from services.routing.rules.context import (
    AgencyKind,
    ClueContext,
    SubjectContext,
    context_from_event,
)
from services.routing.rules.dry_run import DecisionChange, dry_run
from services.routing.rules.evaluate import evaluate
from services.routing.rules.result import Effect, Outcome, RoutingResult, RuleHit, SplitPart

__all__ = [
    "AgencyKind",
    "ClueContext",
    "CompiledRuleSet",
    "DecisionChange",
    "Effect",
    "Outcome",
    "RoutingResult",
    "RuleHit",
    "SplitPart",
    "SubjectContext",
    "cached_rule_set",
    "compile_rule_set",
    "context_from_event",
    "default_rule_set",
    "dry_run",
    "evaluate",
    "unknown_codes",
    "validate_rule_set",
]
