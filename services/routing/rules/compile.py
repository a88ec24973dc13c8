"""A rule set document checked and compiled once per version into closures the engine runs."""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from uuid import UUID

from services.routing.errors import DocumentInvalid, Problem
from services.routing.registry import RegistrySnapshot
from services.routing.registry.bodies import Body
from services.routing.rules.conditions import ClueTest, ViewTest, clue_test, subject_test
from services.routing.rules.resolvers import RESOLVERS, Resolution, one_active
from services.routing.rules.schema import Mode, RuleSetDocument, SenderReasons, Target, Unresolved
from services.routing.rules.schema import Rule as RuleDoc
from services.routing.rules.scope import Scope
from services.routing.rules.validate import check_rule_set
from services.routing.yamldoc import read_yaml, validate_model

DEFAULT_RULES = Path(__file__).with_name("default.yaml")

TargetFn = Callable[[Scope], Resolution]


@dataclass(frozen=True)
class CompiledSplit:
    keep: ViewTest
    reason: str
    sender_reason: str


@dataclass(frozen=True)
class CompiledRule:
    id: str
    group: str
    when: ClueTest | None
    lead: TargetFn | None
    co_bodies: tuple[TargetFn, ...]
    unresolved: Unresolved
    fallback: str | None
    basis: str | None
    reason: str | None
    review: str | None
    return_reason: tuple[str, str] | None  # (office, sender)
    split: CompiledSplit | None
    then: str | None


@dataclass(frozen=True)
class CompiledGroup:
    name: str
    mode: Mode
    rules: tuple[CompiledRule, ...]


@dataclass(frozen=True)
class CompiledRuleSet:
    version: str
    digest: str  # sha256 of the source text: the same version with other text is another set
    entry: str
    groups: Mapping[str, CompiledGroup]
    sender_reasons: SenderReasons
    document: RuleSetDocument


def validate_rule_set(text: str) -> tuple[Problem, ...]:
    """Every problem of the document with its line; empty when it compiles."""
    try:
        compile_rule_set(text)
    except DocumentInvalid as err:
        return err.problems
    return ()


def compile_rule_set(text: str) -> CompiledRuleSet:
    source = read_yaml(text)
    doc = validate_model(RuleSetDocument, source)
    problems = check_rule_set(doc, source)
    if problems:
        raise DocumentInvalid(problems)
    digest = hashlib.sha256(text.encode()).hexdigest()
    groups = {name: _group(name, g.mode, g.rules) for name, g in doc.groups.items()}
    return CompiledRuleSet(doc.version, digest, doc.entry, groups, doc.sender_reasons, doc)


@lru_cache(maxsize=16)
def cached_rule_set(text: str) -> CompiledRuleSet:
    """Compiles each stored version once per process, however often a decision asks for it."""
    return compile_rule_set(text)


@cache
def default_rule_set() -> CompiledRuleSet:
    return compile_rule_set(DEFAULT_RULES.read_text(encoding="utf-8"))


def unknown_codes(rules: CompiledRuleSet, registry: RegistrySnapshot) -> list[str]:
    """Body codes and ids a rule set names that the registry lacks: worth a warning on upload."""
    missing = []
    for group in rules.document.groups.values():
        for rule in group.rules:
            for target in [rule.lead, *(rule.co_bodies or [])]:
                if target is None or target.resolver is not None:
                    continue
                known = (
                    registry.body_by_code(target.code) if target.code else registry.body(target.id)
                )
                if known is None:
                    missing.append(f"{rule.id}: {target.code or target.id}")
    return missing


def _group(name: str, mode: Mode, rules: list[RuleDoc]) -> CompiledGroup:
    return CompiledGroup(name, mode, tuple(_rule(name, r) for r in rules))


def _rule(group: str, rule: RuleDoc) -> CompiledRule:
    returned = rule.return_
    return CompiledRule(
        id=rule.id,
        group=group,
        when=None if rule.when is None else clue_test(rule.when),
        lead=None if rule.lead is None else _target(rule.lead),
        co_bodies=tuple(_target(t) for t in rule.co_bodies or ()),
        unresolved=rule.unresolved,
        fallback=rule.fallback,
        basis=rule.basis,
        reason=rule.reason,
        review=rule.review,
        return_reason=None if returned is None else (returned.reason, returned.sender_reason),
        split=None
        if rule.split is None
        else CompiledSplit(
            subject_test(rule.split.keep), rule.split.reason, rule.split.sender_reason
        ),
        then=rule.then,
    )


def _target(target: Target) -> TargetFn:
    if target.resolver is not None:
        return RESOLVERS[target.resolver]
    if target.code is not None:
        code = target.code
        return lambda scope: _named(scope, scope.registry.body_by_code(code), code)
    body_id: UUID | None = target.id
    return lambda scope: _named(scope, scope.registry.body(body_id), str(body_id))


def _named(scope: Scope, body: Body | None, key: str) -> Resolution:
    if body is None:
        return Resolution(why=f"未登记机关“{key}”")
    return one_active(scope, [body], body.name)
