"""`python -m services.routing reconcile [--first DATE] [--last DATE] [--no-repair] [--json]`:
one run now (the Kubernetes CronJob runs exactly this), a progress bar on stderr and a summary
table on stdout. Exit 0 when the run completed (discrepancies are in its report), 1 when a
ledger could not be read, 3 when another run holds the lease."""

import argparse
import asyncio
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.routing import orm
from services.routing.audit import cli_actor
from services.routing.reconciliation import handlers
from services.routing.reconciliation.model import KIND_NAMES, Kind
from services.routing.reconciliation.runner import Runner
from services.routing.reconciliation.sources import LedgerUnavailable
from services.routing.settings import SERVICE, Settings
from shared.clock import utcnow
from shared.runtime import Runtime

PHASES = {"digests": "比对摘要 digests", "items": "列出差异 items", "repairs": "请求修复 repairs"}
BUSY = 3


def main(argv: Sequence[str], settings: Settings) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.routing reconcile")
    parser.add_argument("--first", type=date.fromisoformat, help="first receipt date (China)")
    parser.add_argument("--last", type=date.fromisoformat, help="last receipt date (China)")
    parser.add_argument("--no-repair", action="store_true", help="report only")
    parser.add_argument("--json", action="store_true", help="the stored run as JSON on stdout")
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return asyncio.run(_run(args, settings))


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    runtime = Runtime.build(SERVICE, settings, orm.metadata)
    runner = Runner(settings, runtime)
    err = Console(stderr=True)
    try:
        run_id = await handlers.request_run(
            runner.units(),
            trigger="cli",
            actor=cli_actor(),
            first=args.first,
            last=args.last,
            repair=not args.no_repair,
            now=utcnow(),
        )
        with _progress(err) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(PHASES.get(phase, phase), total=max(total, 1))
                bar.update(tasks[phase], completed=done, total=max(total, 1))

            stored = await runner.run_exclusively(run_id, progress)
    except LedgerUnavailable as exc:
        err.print(f"[red]reconciliation failed: {exc}[/red]")
        return 1
    finally:
        await runtime.stop()
    if stored is None:
        err.print("another reconciliation is running; this one stays requested for the worker")
        return BUSY
    if args.json:
        print(json.dumps(stored, default=str, ensure_ascii=False, indent=2))
    else:
        Console(width=110).print(summary_table(stored))
    return 0


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def summary_table(stored: dict[str, Any]) -> Table:
    counts: dict[str, dict[str, int]] = stored.get("counts") or {}
    table = Table(title=f"对账 reconciliation {stored['id']}: {stored.get('clues', 0)} clues")
    table.add_column("class", no_wrap=True, min_width=22)
    table.add_column("类别", no_wrap=True)
    for column in ("found", "repair requested", "repair failed"):
        table.add_column(column, justify="right")
    for kind in Kind:
        c = counts.get(kind.value, {})
        table.add_row(
            kind.value,
            KIND_NAMES[kind],
            str(c.get("found", 0)),
            str(c.get("repair_requested", 0)),
            str(c.get("repair_failed", 0)),
        )
    verification = stored.get("verification") or {}
    table.caption = (
        f"in flight (not judged yet): {stored.get('in_flight', 0)}; last run's repairs verified: "
        f"{verification.get('verified', 0)}, not verified: {verification.get('not_verified', 0)}"
    )
    return table
