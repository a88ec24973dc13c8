"""`python -m services.routing registry load FILE [--dry-run] | registry export | calendar seed`."""

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import yaml

from services.routing.audit import cli_actor
from services.routing.decisions.handlers import seed_calendar
from services.routing.errors import DocumentInvalid
from services.routing.registry.commands import LoadRegistry
from services.routing.registry.diff import Change
from services.routing.registry.export import export_registry
from services.routing.registry.handlers import current_registry, load_registry
from services.routing.settings import Settings
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.clock import utcnow
from shared.db import make_engine, make_session_factory

T = TypeVar("T")
USAGE = (
    "usage: python -m services.routing registry load FILE [--dry-run]\n"
    "       python -m services.routing registry export\n"
    "       python -m services.routing calendar seed"
)


def registry(args: list[str], settings: Settings) -> int:
    if args[:1] == ["export"] and len(args) == 1:
        found = _run(settings, current_registry)
        print(yaml.safe_dump(export_registry(found), allow_unicode=True, sort_keys=False), end="")
        return 0
    if args[:1] != ["load"] or len(args) not in (2, 3) or args[2:] not in ([], ["--dry-run"]):
        print(USAGE, file=sys.stderr)
        return 2
    dry_run = args[2:] == ["--dry-run"]
    try:
        source = Path(args[1]).read_text(encoding="utf-8")
        command = LoadRegistry(source=source, actor=cli_actor(), dry_run=dry_run)
        plan = _run(settings, lambda uow: load_registry(uow, command, now=utcnow()))
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {args[1]}: {exc}", file=sys.stderr)
        return 1
    except DocumentInvalid as refused:
        for problem in refused.problems:
            print(f"{args[1]}: {problem}", file=sys.stderr)
        return 1
    for change in plan.changes:
        print(describe(change))
    verb = "would change" if dry_run else "changed"
    print(f"{verb} {len(plan.changes)} entries" if plan.changes else "nothing to change")
    return 0


def calendar(args: list[str], settings: Settings) -> int:
    if args != ["seed"]:
        print(USAGE, file=sys.stderr)
        return 2
    added = _run(settings, lambda uow: seed_calendar(uow, now=utcnow()))
    print(f"loaded years {', '.join(map(str, added))}" if added else "every shipped year is loaded")
    return 0


def describe(change: Change) -> str:
    fields = ", ".join(f"{f.name}: {f.old!r} -> {f.new!r}" for f in change.fields)
    return f"{change.action.value} {change.entity} {change.key}" + (
        f" ({fields})" if fields else ""
    )


def _run(settings: Settings, work: Callable[[RoutingUnitOfWork], Awaitable[T]]) -> T:
    async def run() -> T:
        engine = make_engine(settings.database_url)
        try:
            return await work(RoutingUnitOfWork(make_session_factory(engine)))
        finally:
            await engine.dispose()

    return asyncio.run(run())
