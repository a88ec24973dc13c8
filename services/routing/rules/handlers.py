"""Rule set use cases: a version uploaded (validated, stored, audited), activated explicitly
(one at a time, audited), replayed against the clues of the ledger (changing nothing)."""

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from services.routing.audit import AuditEntry
from services.routing.decisions.domain import RoutedClue
from services.routing.errors import RuleSetConflict, UnknownRuleSet
from services.routing.rules import DecisionChange, context_from_event, dry_run, unknown_codes
from services.routing.rules.commands import ActivateRuleSet, DryRunRuleSet, UploadRuleSet
from services.routing.rules.compile import cached_rule_set, compile_rule_set
from services.routing.rules.in_force import RulesInForce
from services.routing.rules.versions import StoredRuleSet, digest_of
from services.routing.unit_of_work import RoutingUnitOfWork


@dataclass(frozen=True)
class Uploaded:
    rule_set: StoredRuleSet
    created: bool  # False: this very text was uploaded before under this version
    warnings: list[str]  # body codes and ids the registry does not know (yet)


@dataclass(frozen=True)
class DryRunReport:
    version: str
    against_version: str
    replayed: int
    changes: list[tuple[RoutedClue, DecisionChange]]


async def upload_rule_set(
    uow: RoutingUnitOfWork, command: UploadRuleSet, *, now: datetime
) -> Uploaded:
    compiled = compile_rule_set(command.source)  # DocumentInvalid names line and column
    async with uow:
        warnings = unknown_codes(compiled, await uow.registry.snapshot())
        existing = await uow.rule_sets.by_version(compiled.version)
        if existing is not None:
            if existing.digest != compiled.digest:
                raise RuleSetConflict(f"version {compiled.version} exists with another text")
            return Uploaded(existing, False, warnings)
        stored = StoredRuleSet(
            id=uuid.uuid4(),
            version=compiled.version,
            digest=digest_of(command.source),
            source=command.source,
            description=compiled.document.description,
            uploaded_at=now,
            uploaded_by=command.actor,
        )
        await uow.rule_sets.add(stored)
        detail = {"digest": stored.digest, "warnings": warnings}
        entry = AuditEntry(
            now, command.actor, "rule_set.uploaded", "rule_set", stored.version, detail
        )
        await uow.audit.append(entry)
        await uow.commit()
        return Uploaded(stored, True, warnings)


async def activate_rule_set(
    uow: RoutingUnitOfWork, command: ActivateRuleSet, *, now: datetime
) -> StoredRuleSet:
    """From the next decision on, in every process: they read the active id with each clue."""
    async with uow:
        stored = await _stored(uow, command.version)
        if stored.active:
            return stored
        previous = next((r.version for r in await uow.rule_sets.versions() if r.active), None)
        await uow.rule_sets.activate(stored.id, now=now)
        detail = {"previous": previous, "digest": stored.digest}
        entry = AuditEntry(
            now, command.actor, "rule_set.activated", "rule_set", stored.version, detail
        )
        await uow.audit.append(entry)
        await uow.commit()
    return replace(stored, active=True, activated_at=now)


async def ensure_in_force(
    uow: RoutingUnitOfWork, command: UploadRuleSet, *, now: datetime
) -> StoredRuleSet:
    """Uploads the set and activates it when no version is active yet (seeding an install)."""
    uploaded = await upload_rule_set(uow, command, now=now)
    async with uow:
        state = await uow.rule_sets.state()
    if state.active_rule_set_id is not None:
        return uploaded.rule_set
    activate = ActivateRuleSet(version=uploaded.rule_set.version, actor=command.actor)
    return await activate_rule_set(uow, activate, now=now)


async def rule_set_versions(uow: RoutingUnitOfWork) -> list[StoredRuleSet]:
    async with uow:
        return await uow.rule_sets.versions()


async def rule_set(uow: RoutingUnitOfWork, version: str) -> StoredRuleSet:
    async with uow:
        return await _stored(uow, version)


async def dry_run_rule_set(
    uow: RoutingUnitOfWork, command: DryRunRuleSet, *, rules: RulesInForce
) -> DryRunReport:
    """Reads only: the transaction is rolled back, nothing is decided, staged or audited."""
    async with uow:
        candidate = cached_rule_set((await _stored(uow, command.version)).source)
        state = await uow.rule_sets.state()
        current = await rules.get(state, texts=uow.rule_sets, registry=uow.registry)
        clues = await uow.clues.recent(last=command.last, since=command.since, until=command.until)
    by_id = {c.clue_id: c for c in clues}
    contexts = [context_from_event(c.facts, excluded_body_ids=c.excluded) for c in clues]
    changes = dry_run(
        current.rules,
        candidate,
        contexts,
        current.registry,
        include_reason_only=command.include_reason_only,
    )
    paired = [(by_id[c.clue_id], c) for c in changes]
    return DryRunReport(command.version, current.rules.version, len(clues), paired)


async def _stored(uow: RoutingUnitOfWork, version: str) -> StoredRuleSet:
    stored = await uow.rule_sets.by_version(version)
    if stored is None:
        raise UnknownRuleSet(f"no rule set version {version}")
    return stored
