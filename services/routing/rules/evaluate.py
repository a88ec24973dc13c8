"""One clue through a compiled rule set, in memory: one outcome, never an unusable body."""

from collections.abc import Iterator, Mapping
from typing import Any

from services.routing.registry import RegistrySnapshot
from services.routing.registry.bodies import LEVEL_NAMES
from services.routing.rules.compile import CompiledRule, CompiledRuleSet
from services.routing.rules.context import ClueContext
from services.routing.rules.resolvers import Resolution
from services.routing.rules.result import Effect, Outcome, RoutingResult, RuleHit, SplitPart
from services.routing.rules.schema import Mode, Unresolved
from services.routing.rules.scope import Scope
from shared.codes import DISPLAY_NAMES

NO_LEAD = "现有规则均未确定主办机关，转人工审核"


def evaluate(
    rules: CompiledRuleSet, clue: ClueContext, registry: RegistrySnapshot
) -> RoutingResult:
    run = _Run(rules, Scope.start(clue, registry))
    run.group(rules.entry)
    return run.result()


class _Run:
    def __init__(self, rules: CompiledRuleSet, scope: Scope) -> None:
        self.rules = rules
        self.scope = scope
        self.hits: list[RuleHit] = []
        self.fragments: list[str] = []
        self.lead_fragment: int | None = None
        self.split: SplitPart | None = None
        self.split_sender: str | None = None
        self.ended: tuple[Outcome, str] | None = None
        self.ended_sender: str | None = None

    def group(self, name: str) -> None:
        group = self.rules.groups[name]
        for rule in group.rules:
            if rule.when is not None and not rule.when(self.scope):
                continue
            took_effect = self.apply(rule)
            if self.ended is not None:
                return
            if took_effect and group.mode is Mode.FIRST:
                return

    def apply(self, rule: CompiledRule) -> bool:
        if rule.review is not None:
            self.end(rule, Outcome.REVIEW, self.render(rule.review, rule), Effect.REVIEW)
            return True
        if rule.return_reason is not None:
            office, sender = rule.return_reason
            self.end(rule, Outcome.RETURN, self.render(office, rule), Effect.RETURNED)
            self.ended_sender = self.render(sender, rule)
            return True
        if rule.split is not None and not self.apply_split(rule):
            return False
        if (rule.lead is not None or rule.co_bodies) and not self.choose(rule):
            return self.ended is not None
        if rule.split is None and rule.lead is None and not rule.co_bodies:
            self.hits.append(RuleHit(rule.id, rule.group, Effect.CALLED))
        if rule.then is not None:
            self.group(rule.then)
        return True

    def apply_split(self, rule: CompiledRule) -> bool:
        assert rule.split is not None
        keep = rule.split.keep
        kept = tuple(v for v in self.scope.subjects if keep(v, self.scope))
        if len(kept) == len(self.scope.subjects):
            self.hits.append(RuleHit(rule.id, rule.group, Effect.REDUNDANT, "无需拆分"))
            return False
        returned = tuple(v.index for v in self.scope.subjects if v not in kept)
        self.split = SplitPart(tuple(v.index for v in kept), returned)
        if not kept:
            reason = self.render(rule.split.reason, rule)
            self.end(rule, Outcome.RETURN, reason, Effect.RETURNED)
            self.ended_sender = self.render(rule.split.sender_reason, rule)
            return False
        self.scope.subjects = kept
        self.hits.append(RuleHit(rule.id, rule.group, Effect.SPLIT))
        self.fragments.append(self.render(rule.split.reason, rule))
        self.split_sender = rule.split.sender_reason
        return True

    def choose(self, rule: CompiledRule) -> bool:
        """Sets the lead and adds co-bodies if all targets resolve; else as `unresolved` says."""
        lead = rule.lead(self.scope) if rule.lead is not None else None
        found = [t(self.scope) for t in rule.co_bodies]
        why = "；".join(r.why for r in [lead, *found] if r is not None and r.why)
        if why:
            return self.unresolved(rule, why)
        scope = self.scope
        if lead is not None:
            scope.lead = lead.bodies[0]
            scope.co_bodies.pop(scope.lead.id, None)
            if self.lead_fragment is not None:
                self.fragments[self.lead_fragment] = ""
        added = [
            b
            for r in found
            for b in r.bodies
            if b.id != (scope.lead.id if scope.lead else None) and b.id not in scope.co_bodies
        ]
        if lead is None and not added:
            self.hits.append(RuleHit(rule.id, rule.group, Effect.REDUNDANT, "所需机关已在办理"))
            return False
        scope.co_bodies.update({b.id: b for b in added})
        self.hits.append(RuleHit(rule.id, rule.group, Effect.APPLIED))
        if lead is not None:
            self.lead_fragment = len(self.fragments)
        fragment = self.render(rule.reason or "", rule, found=[lead, *found], co=added)
        notes = [r.note for r in (lead, *found) if r is not None and r.note]
        self.fragments.append(f"{fragment}（{'；'.join(notes)}）" if notes else fragment)
        return True

    def unresolved(self, rule: CompiledRule, why: str) -> bool:
        quoted = f"{self.render(rule.basis, rule)}，但{why}" if rule.basis else why
        if rule.fallback is not None:
            self.hits.append(RuleHit(rule.id, rule.group, Effect.FALLBACK, why))
            if rule.basis:
                self.fragments.append(quoted)
            self.group(rule.fallback)
            return True
        if rule.unresolved is Unresolved.REVIEW:
            self.end(rule, Outcome.REVIEW, quoted, Effect.REVIEW)
            return False
        self.hits.append(RuleHit(rule.id, rule.group, Effect.SKIPPED, why))
        if rule.basis:
            self.fragments.append(quoted)
        return False

    def end(self, rule: CompiledRule, outcome: Outcome, reason: str, effect: Effect) -> None:
        self.hits.append(RuleHit(rule.id, rule.group, effect))
        self.fragments.append(reason)
        self.ended = (outcome, reason)

    def render(
        self,
        template: str,
        rule: CompiledRule,
        *,
        found: list[Resolution | None] | None = None,
        co: list[Any] | None = None,
    ) -> str:
        return template.format_map(_Values(self, rule, found or [], co or []))

    def result(self) -> RoutingResult:
        reason = "；".join(f for f in self.fragments if f)
        version = self.rules.version
        review = self.rules.sender_reasons.review
        if self.ended is not None:
            outcome, _ = self.ended
            sender = self.ended_sender or review
            return RoutingResult(
                outcome, version, reason, sender, hits=tuple(self.hits), split=self.split
            )
        lead = self.scope.lead
        co = tuple(self.scope.co_bodies.values())
        if lead is None or not all(self.scope.usable(b) for b in (lead, *co)):
            reason = "；".join(f for f in (reason, NO_LEAD) if f)
            return RoutingResult(Outcome.REVIEW, version, reason, review, hits=tuple(self.hits))
        sender = self.split_sender or self.rules.sender_reasons.route
        sender = sender.format_map(_SenderValues(lead.name, self.split))
        outcome = Outcome.SPLIT if self.split else Outcome.ROUTE
        return RoutingResult(
            outcome, version, reason, sender, lead, co, tuple(self.hits), self.split
        )


class _Values(Mapping[str, str]):
    """Placeholder values of the office's reason, computed only when a template asks."""

    def __init__(
        self, run: _Run, rule: CompiledRule, found: list[Resolution | None], co: list[Any]
    ) -> None:
        self._run, self._rule, self._found, self._co = run, rule, found, co

    def __getitem__(self, key: str) -> str:
        scope = self._run.scope
        first = scope.first
        split = self._run.split
        if key == "lead":
            return scope.lead.name if scope.lead else ""
        if key == "co":
            return "、".join(b.name for b in self._co)
        if key == "level":
            return LEVEL_NAMES[first.subject.managing_level] if first else ""
        if key == "unit":
            return (first.unit.name if first.unit else first.subject.unit) if first else ""
        if key in ("project", "zone"):
            return "、".join(getattr(r, key) for r in self._found if r and getattr(r, key))
        if key == "basis":
            return self._run.render(self._rule.basis or "", self._rule)
        if key in ("kept_count", "returned_count"):
            return _count(split, key)
        return _clue_value(scope, key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _clue_value(scope: Scope, key: str) -> str:
    clue = scope.clue
    if key == "region":
        return clue.region
    if key == "category":
        return DISPLAY_NAMES[clue.category]
    if key == "topics":
        return "、".join(DISPLAY_NAMES[t] for t in sorted(clue.topics))
    raise KeyError(key)


def _count(split: SplitPart | None, key: str) -> str:
    if split is None:
        return "0"
    return str(len(split.kept if key == "kept_count" else split.returned))


class _SenderValues(Mapping[str, str]):
    def __init__(self, lead: str, split: SplitPart | None) -> None:
        self._lead, self._split = lead, split

    def __getitem__(self, key: str) -> str:
        return self._lead if key == "lead" else _count(self._split, key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0
