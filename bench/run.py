"""`make bench`: the whole system on PostgreSQL, loaded through intake, measured end to end.

First, before the system starts so that nothing competes with them, the baselines of
bench/baselines.py (a naive FastAPI + ORM + outbox endpoint, a bare asyncpg insert), each with
intake's number of workers, a warm-up and one phase as long as `saturate` at the same
concurrency, through the same load generator. Then the system's phases: `intake alone`, with
routing and casework stopped so that intake, like the baselines, has the machine to itself (its
throughput is divided by each baseline's and checked against the design's ratios); a warm-up
(not counted); `saturate`, a fixed concurrency as fast as intake answers with the whole
pipeline running (pipeline throughput, end-to-end latency); `paced`, the same
concurrency held to a fixed rate (end-to-end latency at the load the design's targets name).
Everything runs on loopback, bounded in time, and is stopped and dropped at the end. Results: a
table on stdout and bench/results/<timestamp>.json.
"""

import argparse
import asyncio
import json
import os
import platform
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from bench import baselines, reconciliation, routing_rules
from bench.baselines import BaselineRun
from bench.load import AssignmentWatcher, Load, PhaseResult
from bench.routing_rules import RoutingBench
from deploy.system import REPO_ROOT, SERVICES, System, processes_of

RESULTS = Path(__file__).resolve().parent / "results"
ALONE = "intake alone"
ROUTING_PHASE = "routing decisions/s over a 10,000-clue replay of the demo rules"
ADMIN_DSN = os.environ.get("GUANTONG_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_URL = ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
TARGETS = {
    "intake_referrals_per_second": 1500,
    "pipeline_clues_per_second": 500,
    "e2e_p50_ms_at_250_per_second": 50,
    "e2e_p99_ms_at_250_per_second": 250,
    "intake_vs_orm_outbox_ratio": 1.5,
    "intake_vs_bare_asyncpg_ratio": 0.5,
    "routing_decisions_per_second": routing_rules.TARGET_PER_SECOND,
}
# Baseline kind → the TARGETS key of the least intake's throughput divided by the baseline's.
RATIO_TARGETS = {"orm": "intake_vs_orm_outbox_ratio", "asyncpg": "intake_vs_bare_asyncpg_ratio"}


@dataclass(frozen=True)
class Options:
    seconds: float
    concurrency: int
    rate: float
    intake_workers: int
    drain_seconds: float
    baselines: bool
    reconciliation: bool = True

    @classmethod
    def parse(cls, argv: list[str]) -> "Options":
        parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
        parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
        parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
        parser.add_argument(
            "--rate", type=float, default=250.0, help="paced phase, referrals/s (0: skip it)"
        )
        parser.add_argument("--intake-workers", type=int, default=2)
        parser.add_argument(
            "--drain-seconds", type=float, default=120.0, help="wait for the backlog at most"
        )
        parser.add_argument(
            "--no-baselines",
            dest="baselines",
            action="store_false",
            help="skip the ORM+outbox and bare asyncpg baselines (and so the ratios)",
        )
        parser.add_argument(
            "--no-reconciliation",
            dest="reconciliation",
            action="store_false",
            help="skip reconciliation over 100,000 and 1,000,000 clues (bench/reconciliation.py)",
        )
        args = parser.parse_args(argv)
        return cls(
            args.seconds,
            args.concurrency,
            args.rate,
            args.intake_workers,
            args.drain_seconds,
            args.baselines,
            args.reconciliation,
        )


def main(argv: list[str]) -> int:
    options = Options.parse(argv)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    log_dir = REPO_ROOT / "var" / f"bench-{stamp}"
    print(f"{ROUTING_PHASE} ...", flush=True)
    routing = routing_rules.measure()  # in memory, before anything else loads the machine
    runs = [
        baselines.measure(
            kind,
            admin_dsn=ADMIN_DSN,
            database=f"gt_bench_{stamp.lower()}_baseline_{kind}",
            workers=options.intake_workers,
            seconds=options.seconds,
            concurrency=options.concurrency,
            log_dir=log_dir,
            loop_factory=_fast_loop(),
        )
        for kind in (RATIO_TARGETS if options.baselines else ())
    ]
    names = {svc: f"gt_bench_{stamp.lower()}_{svc}" for svc in SERVICES}
    asyncio.run(_admin([f'CREATE DATABASE "{n}"' for n in names.values()]))
    try:
        urls = {
            svc: f"postgresql+asyncpg://postgres@127.0.0.1:5432/{n}" for svc, n in names.items()
        }
        system = System.on_free_ports(
            urls,
            log_dir=log_dir,
            jwt_secrets={name: secrets.token_urlsafe(32) for name in SERVICES},
            workers={"intake": options.intake_workers},
            kafka_bootstrap_servers=os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or None,
            # The per-agency limit still runs on every request; it just must not be the ceiling.
            extra_env={
                "INTAKE_RATE_LIMIT_PER_SECOND": "1000000",
                "INTAKE_RATE_LIMIT_BURST": "1000000",
            },
        )
        print(f"starting the system on PostgreSQL (logs in {system.log_dir}) ...", flush=True)
        with system, asyncio.Runner(loop_factory=_fast_loop()) as runner:
            phases = runner.run(_measure(system, urls["casework"], options))
    finally:
        asyncio.run(_admin([f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names.values()]))
    report = _report(stamp, options, phases, runs) | {"routing": _routing_summary(routing)}
    if options.reconciliation:  # last: it fills its own databases, with the system stopped
        rows = reconciliation.measure(stamp=stamp.lower(), log_dir=log_dir)
        report["reconciliation"] = rows
    print(_table(phases, runs))
    print(_routing_table(routing))
    if "reconciliation" in report:
        print(reconciliation.table(report["reconciliation"]))
    if runs:
        print(_comparison_table(report["comparison"], options))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(f"\nwritten to {path.relative_to(REPO_ROOT)}")
    failed = [run for run in runs if run.error]
    for run in failed:
        print(f"baseline {run.kind} failed: {run.error}", file=sys.stderr)
    return 1 if failed else 0


async def _measure(system: System, casework_url: str, options: Options) -> list[PhaseResult]:
    assert system.credentials is not None
    keys = [agency.api_key for agency in system.credentials.agencies]
    watcher = AssignmentWatcher(casework_url.replace("+asyncpg", ""))
    await watcher.start()
    try:
        load = Load(system.url("intake"), keys, watcher)
        phases = [await _intake_alone(system, load, watcher, options)]
        plan: list[tuple[str, float, float | None]] = [
            ("warm-up", min(5.0, options.seconds), None),
            ("saturate", options.seconds, None),
        ]
        if options.rate > 0:
            plan.append(("paced", options.seconds, options.rate))
        for name, seconds, rate in plan:
            print(f"{name}: {seconds:.0f} s at concurrency {options.concurrency}", flush=True)
            result = await load.run(
                name, seconds=seconds, concurrency=options.concurrency, rate=rate
            )
            result.unfinished = await watcher.drain(options.drain_seconds)
            if name != "warm-up":
                phases.append(result)
        return phases
    finally:
        await watcher.stop()


async def _intake_alone(
    system: System, load: Load, watcher: AssignmentWatcher, options: Options
) -> PhaseResult:
    """Intake with nothing else loading the machine, as the baselines ran: the fair side of
    the ratio. Routing and casework are stopped meanwhile, then started again to drain what
    piled up in the outbox before the pipeline phases begin."""
    downstream = [p for svc in ("routing", "casework") for p in processes_of(svc)]
    for name in downstream:
        await asyncio.to_thread(system.stop_service, name)
    print(f"{ALONE}: {options.seconds:.0f} s at concurrency {options.concurrency}", flush=True)
    await load.run("warm-up", seconds=min(5.0, options.seconds), concurrency=options.concurrency)
    alone = await load.run(ALONE, seconds=options.seconds, concurrency=options.concurrency)
    for name in downstream:
        await asyncio.to_thread(system.start_service, name)
    alone.unfinished = await watcher.drain(options.drain_seconds)
    # Its end-to-end times measure the stopped pipeline, not the system: not reported.
    alone.visible_ms.clear()
    alone.committed_ms.clear()
    alone.last_seen_at = 0.0
    return alone


def _fast_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop (uvicorn's, already installed) when there, so the load generator costs less CPU."""
    try:
        import uvloop
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


async def _admin(statements: list[str]) -> None:
    connection = await asyncpg.connect(ADMIN_DSN, timeout=5)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile; None when nothing was measured."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def _summary(result: PhaseResult) -> dict[str, Any]:
    def stats(values: list[float]) -> dict[str, float | None]:
        return {f"p{p}": percentile(values, p) for p in (50, 95, 99)} | {
            "max": max(values, default=None)
        }

    return {
        "name": result.name,
        "seconds": round(result.duration, 3),
        "concurrency": result.concurrency,
        "target_rate_per_second": result.target_rate,
        "accepted": result.accepted,
        "errors": dict(result.errors),
        "intake_per_second": result.accepted / result.duration if result.duration else 0.0,
        "pipeline_per_second": result.pipeline_per_second,
        "post_ms": stats(result.post_ms),
        "e2e_visible_ms": stats(result.visible_ms),
        "e2e_committed_ms": stats(result.committed_ms),
        "not_assigned_after_drain": result.unfinished,
    }


def _report(
    stamp: str, options: Options, phases: list[PhaseResult], runs: list[BaselineRun]
) -> dict[str, Any]:
    return {
        "timestamp": stamp,
        "options": options.__dict__,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "database": "postgresql",
        "broker": os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or "embedded",
        "targets": TARGETS,
        "baselines": [_baseline_summary(run) for run in runs] if runs else None,
        "phases": [_summary(p) for p in phases],
        "comparison": _comparison(options, phases, runs) if runs else None,
    }


def _baseline_summary(run: BaselineRun) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "kind": run.kind,
        "title": run.title,
        "workers": run.workers,
        "error": run.error,
    }
    if run.result is not None:
        full = _summary(run.result)
        summary |= {k: full[k] for k in ("seconds", "concurrency", "accepted", "errors")}
        summary |= {"per_second": full["intake_per_second"], "post_ms": full["post_ms"]}
    return summary


def _comparison(
    options: Options, phases: list[PhaseResult], runs: list[BaselineRun]
) -> dict[str, Any]:
    """Intake's throughput alone over each baseline's, against the design's least ratio."""
    measured = next((p for p in phases if p.name == ALONE), None)
    intake = _per_second(measured)
    against = []
    for run in runs:
        baseline = _per_second(run.result)
        ratio = intake / baseline if intake is not None and baseline else None
        target = TARGETS[RATIO_TARGETS[run.kind]]
        against.append(
            {
                "baseline": run.kind,
                "title": run.title,
                "baseline_per_second": baseline,
                "ratio": ratio,
                "target_ratio": target,
                "pass": None if ratio is None else ratio >= target,
            }
        )
    return {
        "workers": options.intake_workers,
        "concurrency": options.concurrency,
        "seconds": options.seconds,
        "intake_phase": ALONE,
        "intake_per_second": intake,
        "against": against,
    }


def _per_second(result: PhaseResult | None) -> float | None:
    if result is None or not result.duration:
        return None
    return result.accepted / result.duration


def _table(phases: list[PhaseResult], runs: list[BaselineRun]) -> str:
    """One column per measured phase: the baselines first (as run), then the system's.

    A baseline has no pipeline behind it: its cells in the end-to-end rows are "-".
    """
    columns: list[tuple[str, dict[str, Any]]] = []
    for run in runs:
        if run.result is not None:
            s = _summary(run.result) | {"baseline": True}
            columns.append((f"{baselines.COLUMNS[run.kind]} c={s['concurrency']}", s))
    for phase in phases:
        s = _summary(phase)
        rate = s["target_rate_per_second"]
        paced = f" @{rate:.0f}/s" if rate else ""
        columns.append((f"{s['name']} c={s['concurrency']}{paced}", s))

    rows: list[tuple[str, list[str]]] = []

    def row(label: str, cell: Callable[[dict[str, Any]], str], *, e2e: bool = False) -> None:
        rows.append((label, ["-" if e2e and _no_pipeline(s) else cell(s) for _, s in columns]))

    row("accepted referrals", lambda s: str(s["accepted"]))
    row("errors", lambda s: str(sum(s["errors"].values())))
    row("referrals/s", lambda s: f"{s['intake_per_second']:.1f}")
    row("pipeline assignments/s", lambda s: f"{s['pipeline_per_second']:.1f}", e2e=True)
    for key, label, e2e in (
        ("post_ms", "POST latency ms", False),
        ("e2e_visible_ms", "POST → assignment seen ms", True),
        ("e2e_committed_ms", "POST → assigned_at ms", True),
    ):
        for p in ("p50", "p95", "p99"):
            row(f"{label} {p}", _percentile_cell(key, p), e2e=e2e)
    row("not assigned after drain", lambda s: str(s["not_assigned_after_drain"]), e2e=True)
    return _layout([title for title, _ in columns], rows)


def _no_pipeline(summary: dict[str, Any]) -> bool:
    return bool(summary.get("baseline")) or summary["name"] == ALONE


def _percentile_cell(key: str, p: str) -> Callable[[dict[str, Any]], str]:
    return lambda s: _ms(s[key][p])


def _routing_summary(result: RoutingBench) -> dict[str, Any]:
    target = TARGETS["routing_decisions_per_second"]
    return {
        "phase": ROUTING_PHASE,
        "clues": result.clues,
        "seconds": round(result.seconds, 3),
        "decisions_per_second": result.per_second,
        "outcomes": result.outcomes,
        "target_per_second": target,
        "pass": result.per_second >= target,
    }


def _routing_table(result: RoutingBench) -> str:
    """The routing engine alone, in memory: compiled demo rules over the demo registry."""
    s = _routing_summary(result)
    outcomes = ", ".join(f"{k} {v}" for k, v in s["outcomes"].items())
    row = [
        str(s["clues"]),
        f"{s['seconds']:.3f}",
        f"{s['decisions_per_second']:.0f}",
        f"≥ {s['target_per_second']}",
        "pass" if s["pass"] else "FAIL",
    ]
    titles = ["clues", "seconds", "decisions/s", "target", "result"]
    return f"\n{ROUTING_PHASE} (outcomes: {outcomes})" + _layout(titles, [("routing", row)])


def _comparison_table(comparison: dict[str, Any], options: Options) -> str:
    """Intake against each baseline: both rates, the ratio, the least ratio wanted, the verdict."""
    intake = comparison["intake_per_second"]
    rows = []
    for item in comparison["against"]:
        ratio, verdict = item["ratio"], {True: "pass", False: "FAIL", None: "n/a"}[item["pass"]]
        rows.append(
            (
                f"intake ÷ {item['title']}",
                [
                    _rate(item["baseline_per_second"]),
                    _rate(intake),
                    "-" if ratio is None else f"{ratio:.2f}×",
                    f"≥ {item['target_ratio']}×",
                    verdict,
                ],
            )
        )
    heading = (
        f"\nintake (alone) against the baselines: {comparison['workers']} workers each, "
        f"concurrency {comparison['concurrency']}, {options.seconds:.0f} s phases"
    )
    titles = ["baseline/s", "intake/s", "ratio", "target", "result"]
    return heading + _layout(titles, rows)


def _layout(titles: list[str], rows: list[tuple[str, list[str]]]) -> str:
    width = max(len(label) for label, _ in rows) + 2
    columns = [max(len(t), 10) + 2 for t in titles]
    lines = ["", " " * width + "".join(t.rjust(c) for t, c in zip(titles, columns, strict=True))]
    for label, values in rows:
        cells = "".join(v.rjust(c) for v, c in zip(values, columns, strict=True))
        lines.append(label.ljust(width) + cells)
    return "\n".join(lines)


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
