"""Reconciliation time over 100,000 and 1,000,000 clues, when the three ledgers agree and when
0.1% of the clues differ (DESIGN.md target: 1,000,000 agreeing clues in <= 20 s; beyond the
first pass, time grows with the differences, not with the total).

The three services' PostgreSQL databases are filled set-based (INSERT ... SELECT over
generate_series), intake's and casework's APIs run as processes (their ledgers are read over
HTTP, as in production), and `python -m services.routing reconcile --json` is timed. Alone:
`python -m bench.reconciliation [--sizes 100000 1000000] [--fraction 0.001]`; `make bench` calls
`measure()` last.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from deploy.process import ServiceProcess
from shared.broker import EmbeddedBroker, free_port
from shared.migrate import upgrade

REPO_ROOT = Path(__file__).resolve().parents[1]
ADMIN_DSN = os.environ.get("GUANTONG_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
SERVER = ADMIN_DSN.rsplit("/", 1)[0]
TARGET_SECONDS = 20.0
SIZES = (100_000, 1_000_000)
BODIES = 10
# Where the differing clues are, and what is wrong with each: g % every == 0, by (g / every) % 4.
KINDS = ("not_routed", "not_assigned", "intake_behind_routing", "intake_behind_casework")


@dataclass(frozen=True)
class Measured:
    clues: int
    differing: int
    seconds: float
    run_seconds: float
    timings: dict[str, float]
    found: dict[str, int]


def _ids(prefix: str, g: str = "g") -> str:
    return f"md5('{prefix}' || {g})::uuid"


def _receipt(g: str = "g") -> str:
    return f"'GT-20261101-' || lpad({g}::text, 9, '0')"


POPULATE = {
    "intake": [
        "INSERT INTO agencies (id, credit_code, name, kind, active, created_at, require_signature) "
        "VALUES ('00000000-0000-0000-0000-00000000a001', '11365021MB0000001C', '基准审计局', "
        "'audit_bureau', true, now(), false)",
        "INSERT INTO referrals (id, agency_id, receipt_number, request_hash, status, status_at, "
        "status_stage, status_sequence, body_id, body_name, category, topics, channel, summary, "
        "facts, region, subjects, attachments, received_at) "
        f"SELECT {_ids('c')}, '00000000-0000-0000-0000-00000000a001', {_receipt()}, md5('h' || g), "
        "'assigned', now() - interval '1 day', 1, 1, "
        f"{_ids('b', f'g % {BODIES}')}, '基准机关', 'integrity', '[]', 'audit', '基准', '基准', "
        "'365000', '[]', '[]', now() - interval '1 day' FROM generate_series(1, :n) g",
    ],
    "routing": [
        "INSERT INTO bodies (id, code, name, kind, level, region, active) "
        f"SELECT {_ids('b')}, 'bench-' || g, '基准机关' || g, 'discipline_commission', 'city', "
        f"'365000', true FROM generate_series(0, {BODIES - 1}) g",
        "INSERT INTO clues (clue_id, receipt_number, received_at, agency_id, agency_name, region, "
        "category, channel, facts, status, stage, status_sequence, current_decision_id, "
        "lead_body_id, co_body_ids, excluded_body_ids, updated_at) "
        f"SELECT {_ids('c')}, {_receipt()}, now() - interval '1 day', "
        "'00000000-0000-0000-0000-00000000a001', '基准审计局', '365000', 'integrity', 'audit', "
        f"'{{}}', 'routed', 1, 1, {_ids('d')}, {_ids('b', f'g % {BODIES}')}, '[]', '[]', "
        "now() - interval '1 day' FROM generate_series(1, :n) g",
        "INSERT INTO routing_decisions (id, clue_id, stage, kind, outcome, lead_body_id, "
        "co_body_ids, rules, reason, sender_reason, decided_at) "
        f"SELECT {_ids('d')}, {_ids('c')}, 1, 'initial', 'route', {_ids('b', f'g % {BODIES}')}, "
        "'[]', '[]', '基准', '基准', now() - interval '1 day' FROM generate_series(1, :n) g",
    ],
    "casework": [
        "INSERT INTO assignments (id, clue_id, body_id, role, state, receipt_number, category, "
        "channel, summary, region, subjects, decision_id, assigned_at, stage, version, document, "
        "next_due_at, provisional, received_month, repeat_of_concluded) "
        f"SELECT {_ids('a')}, {_ids('c')}, {_ids('b', f'g % {BODIES}')}, 'lead', 'assigned', "
        f"{_receipt()}, 'integrity', 'audit', '基准', '365000', '[]', {_ids('d')}, "
        "now() - interval '1 day', 1, 1, '{}', '2100-01-01', false, '2026-11', false "
        "FROM generate_series(1, :n) g",
    ],
}


def _differing(kind: int) -> str:
    """The clue ids of one kind of difference, as a subquery (:every, :n bound)."""
    return (
        f"SELECT {_ids('c')} FROM generate_series(1, :n) g "
        f"WHERE :every > 0 AND g % :every = 0 AND (g / :every) % 4 = {kind}"
    )


DIFFER = {
    "routing": [
        f"DELETE FROM routing_decisions WHERE clue_id IN ({_differing(0)})",
        f"DELETE FROM clues WHERE clue_id IN ({_differing(0)})",
    ],
    "casework": [
        f"DELETE FROM assignments WHERE clue_id IN ({_differing(1)})",
        f"UPDATE assignments SET state = 'accepted' WHERE clue_id IN ({_differing(3)})",
    ],
    "intake": [
        f"UPDATE referrals SET status_stage = 0, status = 'received' WHERE id IN ({_differing(2)})",
    ],
}


async def _admin(statements: list[str]) -> None:
    connection = await asyncpg.connect(ADMIN_DSN, timeout=10)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def _fill(url: str, statements: list[str], *, n: int, every: int = 0) -> None:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        for statement in statements:
            # Our own integers, written into our own statements.
            await connection.execute(statement.replace(":n", str(n)).replace(":every", str(every)))
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


class Ledgers:
    """Three databases, a broker, and intake's and casework's APIs serving their ledgers."""

    def __init__(self, stamp: str, log_dir: Path) -> None:
        self.names = {s: f"gt_bench_{stamp}_recon_{s}" for s in ("intake", "routing", "casework")}
        self.urls = {
            s: f"{SERVER.replace('postgresql:', 'postgresql+asyncpg:')}/{n}"
            for s, n in self.names.items()
        }
        self.log_dir = log_dir
        self.ports = {"intake": free_port(), "casework": free_port()}
        self.broker = EmbeddedBroker(log_path=log_dir / "recon-broker.log")
        self.apis: list[ServiceProcess] = []

    def env(self, service: str) -> dict[str, str]:
        prefix = service.upper()
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap_servers,
            "GUANTONG_SECRETS_DIR": str(self.log_dir / "recon-secrets"),
            f"{prefix}_DATABASE_URL": self.urls[service],
            "PYTHONUNBUFFERED": "1",
        }
        if service in self.ports:
            env[f"{prefix}_PORT"] = str(self.ports[service])
        env["ROUTING_INTAKE_URL"] = f"http://127.0.0.1:{self.ports['intake']}"
        env["ROUTING_CASEWORK_URL"] = f"http://127.0.0.1:{self.ports['casework']}"
        return env

    async def create(self, n: int) -> None:
        names = list(self.names.values())
        await _admin([f'DROP DATABASE IF EXISTS "{d}" WITH (FORCE)' for d in names])
        await _admin([f'CREATE DATABASE "{d}"' for d in names])
        for service, url in self.urls.items():
            await asyncio.to_thread(upgrade, service, url)
        await asyncio.gather(*(_fill(self.urls[s], POPULATE[s], n=n) for s in self.urls))

    async def differ(self, n: int, every: int) -> None:
        await asyncio.gather(*(_fill(self.urls[s], DIFFER[s], n=n, every=every) for s in DIFFER))

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.broker.start()
        for service in self.ports:
            argv = [sys.executable, "-m", f"services.{service}"]
            log = self.log_dir / f"recon-{service}.log"
            self.apis.append(
                ServiceProcess(
                    service, argv, cwd=REPO_ROOT, env=self.env(service), log_path=log, echo=False
                )
            )
        for service, port in self.ports.items():
            _wait_ready(f"http://127.0.0.1:{port}/readyz", service)

    def reconcile(self) -> Measured:
        clock = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "services.routing", "reconcile", "--json"],
            cwd=REPO_ROOT,
            env=self.env("routing"),
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        seconds = time.perf_counter() - clock
        if done.returncode != 0:
            raise RuntimeError(f"reconcile exited {done.returncode}: {done.stderr[-2000:]}")
        run = json.loads(done.stdout)
        found = {k: v["found"] for k, v in run["counts"].items()}
        started, finished = (_instant(run["started_at"]), _instant(run["finished_at"]))
        return Measured(
            run["clues"],
            sum(found.values()),
            seconds,
            finished - started,
            {k: round(v, 3) for k, v in run["timings"].items()},
            found,
        )

    def stop(self) -> None:
        for api in self.apis:
            api.stop(15)
        self.apis.clear()
        self.broker.stop()
        asyncio.run(
            _admin([f'DROP DATABASE IF EXISTS "{d}" WITH (FORCE)' for d in self.names.values()])
        )


def _instant(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()


def _wait_ready(url: str, name: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=5.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            try:
                if client.get(url).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
    raise RuntimeError(f"{name} was not ready within {timeout}s")


def measure(
    sizes: tuple[int, ...] = SIZES, fraction: float = 0.001, *, stamp: str, log_dir: Path
) -> list[dict[str, Any]]:
    """Per size: a run over agreeing ledgers, then one with `fraction` of the clues differing."""
    results: list[dict[str, Any]] = []
    for n in sizes:
        ledgers = Ledgers(f"{stamp}_{n}", log_dir)
        try:
            print(f"reconciliation: filling {n:,} clues in three databases ...", flush=True)
            asyncio.run(ledgers.create(n))
            ledgers.start()
            agree = ledgers.reconcile()
            every = max(1, round(1 / fraction)) if fraction > 0 else 0
            asyncio.run(ledgers.differ(n, every))
            differ = ledgers.reconcile()
        finally:
            ledgers.stop()
        results += [_row(n, 0.0, agree), _row(n, fraction, differ)]
        print(table(results[-2:]), flush=True)
    return results


def _row(n: int, fraction: float, m: Measured) -> dict[str, Any]:
    row = {
        "clues": n,
        "differing_fraction": fraction,
        "discrepancies_found": m.differing,
        "seconds": round(m.seconds, 2),
        "run_seconds": round(m.run_seconds, 2),
        "timings": m.timings,
        "found": m.found,
    }
    if n == 1_000_000 and fraction == 0:
        row["target_seconds"] = TARGET_SECONDS
        row["meets_target"] = m.seconds <= TARGET_SECONDS
    return row


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{'clues':>10} {'differ':>7} {'found':>6} {'total s':>8} {'run s':>7} "
        f"{'1st pass':>8} {'narrow':>7} {'list':>6} {'dlq+ho':>7} {'repairs':>8}"
    ]
    for r in rows:
        t = r["timings"]
        lines.append(
            f"{r['clues']:>10,} {r['differing_fraction']:>7.1%} {r['discrepancies_found']:>6} "
            f"{r['seconds']:>8.2f} {r['run_seconds']:>7.2f} {t.get('first_pass', 0):>8.2f} "
            f"{t.get('narrowing', 0):>7.2f} {t.get('listing', 0):>6.2f} "
            f"{t.get('handoffs_and_dead_letters', 0):>7.2f} {t.get('repairs_and_bodies', 0):>8.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reconciliation", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--fraction", type=float, default=0.001)
    args = parser.parse_args(argv)
    from datetime import UTC, datetime

    stamp = datetime.now(UTC).strftime("%Y%m%dt%H%M%Sz")
    log_dir = REPO_ROOT / "var" / f"bench-{stamp}"
    rows = measure(tuple(args.sizes), args.fraction, stamp=stamp, log_dir=log_dir)
    print(table(rows))
    out = REPO_ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"{stamp}-reconciliation.json"
    path.write_text(json.dumps({"reconciliation": rows}, indent=2) + "\n")
    print(f"written to {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
