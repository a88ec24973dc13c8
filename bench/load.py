"""Load against intake, and a watcher that sees each assignment appear in casework's database.

End-to-end latency is from the moment a POST's 201 arrives to the moment the watcher, polling
casework's database every few milliseconds, first sees the clue's assignment: an upper bound.
The assignment's own `assigned_at` gives the lower bound, reported beside it.
"""

import asyncio
import contextlib
import itertools
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import orjson

from bench.http import Connection, HttpError
from deploy.demo import referral


@dataclass
class PhaseResult:
    name: str
    concurrency: int
    target_rate: float | None
    duration: float = 0.0
    accepted: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    post_ms: list[float] = field(default_factory=list)
    visible_ms: list[float] = field(default_factory=list)
    committed_ms: list[float] = field(default_factory=list)
    unfinished: int = 0
    started_at: float = 0.0
    last_seen_at: float = 0.0

    @property
    def pipeline_per_second(self) -> float:
        """Assignments that appeared, over the time from the first POST to the last of them."""
        span = self.last_seen_at - self.started_at
        return len(self.visible_ms) / span if span > 0 else 0.0


class AssignmentWatcher:
    """Polls casework's `assignments` for the clues still waiting; records when each appears."""

    def __init__(self, dsn: str, *, interval: float = 0.01) -> None:
        self._dsn = dsn
        self._interval = interval
        self._pending: dict[uuid.UUID, float] = {}
        self._result: PhaseResult | None = None
        self._task: asyncio.Task[None] | None = None
        self._drained = asyncio.Event()

    def expect(self, clue_id: str, accepted_at: float) -> None:
        self._pending[uuid.UUID(clue_id)] = accepted_at

    def record_into(self, result: PhaseResult) -> None:
        self._result = result

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def start(self) -> None:
        self._connection = await asyncpg.connect(self._dsn)
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._connection.close()

    async def drain(self, seconds: float) -> int:
        """Waits (bounded) until every expected assignment was seen; returns how many were not."""
        self._drained.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._drained.wait()
        left = len(self._pending)
        self._pending.clear()
        return left

    async def _run(self) -> None:
        while True:
            if self._pending:
                rows = await self._connection.fetch(
                    "SELECT clue_id, assigned_at FROM assignments WHERE clue_id = ANY($1::uuid[])",
                    list(self._pending),
                )
                seen_at = time.time()
                for row in rows:
                    accepted_at = self._pending.pop(row["clue_id"], None)
                    if accepted_at is not None and self._result is not None:
                        committed = row["assigned_at"].timestamp()
                        self._result.visible_ms.append((seen_at - accepted_at) * 1000)
                        self._result.committed_ms.append(max(0.0, committed - accepted_at) * 1000)
                        self._result.last_seen_at = seen_at
            if not self._pending:
                self._drained.set()
            await asyncio.sleep(self._interval)


class Load:
    """Posts referrals from `concurrency` workers, as fast as answered or paced at `rate`/s.

    Without a watcher (the baselines of bench/baselines.py) the answers are parsed all the same,
    so the generator costs the same CPU whatever it loads.
    """

    def __init__(
        self, intake_url: str, api_keys: list[str], watcher: AssignmentWatcher | None
    ) -> None:
        parsed = urlsplit(intake_url)
        self._host, self._port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self._keys = api_keys
        self._watcher = watcher
        self._sequence = itertools.count()

    async def run(
        self, name: str, *, seconds: float, concurrency: int, rate: float | None = None
    ) -> PhaseResult:
        result = PhaseResult(name, concurrency, rate, started_at=time.time())
        if self._watcher is not None:
            self._watcher.record_into(result)
        start = time.monotonic()
        await asyncio.gather(
            *(
                self._worker(result, i, start, start + seconds, concurrency, rate)
                for i in range(concurrency)
            )
        )
        result.duration = time.monotonic() - start
        return result

    async def _worker(
        self,
        result: PhaseResult,
        index: int,
        start: float,
        end: float,
        concurrency: int,
        rate: float | None,
    ) -> None:
        connection = Connection(self._host, self._port)
        try:
            for turn in itertools.count():
                if rate:
                    # A worker that falls behind its schedule sends at once, but never past the end.
                    slot = start + (turn * concurrency + index) / rate
                    if slot >= end:
                        return
                    await asyncio.sleep(max(0.0, slot - time.monotonic()))
                if time.monotonic() >= end:
                    return
                await self._post(connection, result)
        finally:
            await connection.close()

    async def _post(self, connection: Connection, result: PhaseResult) -> None:
        n = next(self._sequence)
        headers = {
            "Authorization": f"Bearer {self._keys[n % len(self._keys)]}",
            "Idempotency-Key": f"bench-{uuid.uuid4()}",
            "Content-Type": "application/json",
        }
        body = orjson.dumps(referral(subject_name=f"压测对象{n}", sequence=n))
        sent = time.perf_counter()
        try:
            response = await connection.request("POST", "/v1/referrals", headers=headers, body=body)
        except HttpError as exc:
            result.errors[str(exc).split(":", 1)[0]] += 1
            return
        answered = time.perf_counter()
        if response.status != 201:
            result.errors[f"HTTP {response.status}"] += 1
            return
        payload: dict[str, Any] = orjson.loads(response.body)
        if self._watcher is not None:
            self._watcher.expect(payload["id"], time.time())
        result.accepted += 1
        result.post_ms.append((answered - sent) * 1000)
