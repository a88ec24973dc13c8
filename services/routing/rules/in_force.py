"""The rule set and registry in force, compiled and indexed once per process.

Every decision reads the one `routing_state` row with its clue; this cache compares the active
rule set id and the registry generation found there with what it holds and reloads only what
changed. So an activation or a registry load anywhere is seen by every process on its next
decision, and a decision itself costs no extra round trip.
"""

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from services.routing.registry import RegistrySnapshot
from services.routing.rules.compile import CompiledRuleSet, cached_rule_set, default_rule_set


@dataclass(frozen=True)
class RoutingState:
    active_rule_set_id: UUID | None  # None: the built-in default set until one is activated
    registry_generation: UUID


@dataclass(frozen=True)
class InForce:
    rules: CompiledRuleSet
    registry: RegistrySnapshot
    rule_set_id: UUID | None


class RuleTexts(Protocol):
    async def rule_set_text(self, rule_set_id: UUID) -> str: ...


class RegistrySource(Protocol):
    async def snapshot(self) -> RegistrySnapshot: ...


class RulesInForce:
    def __init__(self) -> None:
        self._rules: tuple[UUID | None, CompiledRuleSet] | None = None
        self._registry: tuple[UUID, RegistrySnapshot] | None = None
        self.loads = 0  # how often it had to read the database: a test can tell it cached

    async def get(
        self, state: RoutingState, *, texts: RuleTexts, registry: RegistrySource
    ) -> InForce:
        rules = await self._rules_for(state.active_rule_set_id, texts)
        if self._registry is None or self._registry[0] != state.registry_generation:
            self.loads += 1
            self._registry = (state.registry_generation, await registry.snapshot())
        return InForce(rules, self._registry[1], state.active_rule_set_id)

    async def _rules_for(self, rule_set_id: UUID | None, texts: RuleTexts) -> CompiledRuleSet:
        if self._rules is not None and self._rules[0] == rule_set_id:
            return self._rules[1]
        if rule_set_id is None:
            compiled = default_rule_set()
        else:
            self.loads += 1
            compiled = cached_rule_set(await texts.rule_set_text(rule_set_id))
        self._rules = (rule_set_id, compiled)
        return compiled
