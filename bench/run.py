"""`make bench`: the whole system on PostgreSQL, loaded through intake, measured end to end.

Phases: a warm-up (not counted); `saturate`, a fixed concurrency as fast as intake answers
(intake throughput); `paced`, the same concurrency held to a fixed rate (end-to-end latency at
the load the design's targets name). Everything runs on loopback, bounded in time, and is
stopped and dropped at the end. Results: a table on stdout and bench/results/<timestamp>.json.
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

from bench.load import AssignmentWatcher, Load, PhaseResult
from deploy.system import REPO_ROOT, SERVICES, System

RESULTS = Path(__file__).resolve().parent / "results"
ADMIN_DSN = os.environ.get("GUANTONG_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_URL = ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
TARGETS = {
    "intake_referrals_per_second": 1500,
    "pipeline_clues_per_second": 500,
    "e2e_p50_ms_at_250_per_second": 50,
    "e2e_p99_ms_at_250_per_second": 250,
}


@dataclass(frozen=True)
class Options:
    seconds: float
    concurrency: int
    rate: float
    intake_workers: int
    drain_seconds: float

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
        args = parser.parse_args(argv)
        return cls(
            args.seconds, args.concurrency, args.rate, args.intake_workers, args.drain_seconds
        )


def main(argv: list[str]) -> int:
    options = Options.parse(argv)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    names = {svc: f"gt_bench_{stamp.lower()}_{svc}" for svc in SERVICES}
    asyncio.run(_admin([f'CREATE DATABASE "{n}"' for n in names.values()]))
    try:
        urls = {
            svc: f"postgresql+asyncpg://postgres@127.0.0.1:5432/{n}" for svc, n in names.items()
        }
        system = System.on_free_ports(
            urls,
            log_dir=REPO_ROOT / "var" / f"bench-{stamp}",
            jwt_secret=secrets.token_urlsafe(32),
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
    report = _report(stamp, options, phases)
    print(_table(phases))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(f"\nwritten to {path.relative_to(REPO_ROOT)}")
    return 0


async def _measure(system: System, casework_url: str, options: Options) -> list[PhaseResult]:
    assert system.credentials is not None
    keys = [agency.api_key for agency in system.credentials.agencies]
    watcher = AssignmentWatcher(casework_url.replace("+asyncpg", ""))
    await watcher.start()
    try:
        load = Load(system.url("intake"), keys, watcher)
        plan: list[tuple[str, float, float | None]] = [
            ("warm-up", min(5.0, options.seconds), None),
            ("saturate", options.seconds, None),
        ]
        if options.rate > 0:
            plan.append(("paced", options.seconds, options.rate))
        phases = []
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


def _report(stamp: str, options: Options, phases: list[PhaseResult]) -> dict[str, Any]:
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
        "phases": [_summary(p) for p in phases],
    }


def _table(phases: list[PhaseResult]) -> str:
    summaries = [_summary(p) for p in phases]
    titles = [
        f"{s['name']} c={s['concurrency']}"
        + (f" @{s['target_rate_per_second']:.0f}/s" if s["target_rate_per_second"] else "")
        for s in summaries
    ]
    rows: list[tuple[str, list[str]]] = [
        ("accepted referrals", [str(s["accepted"]) for s in summaries]),
        ("errors", [str(sum(s["errors"].values())) for s in summaries]),
        ("intake referrals/s", [f"{s['intake_per_second']:.1f}" for s in summaries]),
        ("pipeline assignments/s", [f"{s['pipeline_per_second']:.1f}" for s in summaries]),
    ]
    for key, label in (
        ("post_ms", "POST latency ms"),
        ("e2e_visible_ms", "POST → assignment seen ms"),
        ("e2e_committed_ms", "POST → assigned_at ms"),
    ):
        for p in ("p50", "p95", "p99"):
            rows.append((f"{label} {p}", [_ms(s[key][p]) for s in summaries]))
    rows.append(
        ("not assigned after drain", [str(s["not_assigned_after_drain"]) for s in summaries])
    )
    width = max(len(label) for label, _ in rows) + 2
    columns = [max(len(t), 10) + 2 for t in titles]
    lines = ["", " " * width + "".join(t.rjust(c) for t, c in zip(titles, columns, strict=True))]
    for label, values in rows:
        cells = "".join(v.rjust(c) for v, c in zip(values, columns, strict=True))
        lines.append(label.ljust(width) + cells)
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
