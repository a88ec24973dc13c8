"""One pass over the three ledgers: digests, narrowing, listing, classifying.

It only reads; repairs and storage are the run's (handlers.py). A ledger that does not answer
fails the whole pass: a run never concludes anything from a partial view.
"""

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from services.routing.reconciliation import compare, handoffs
from services.routing.reconciliation.classify import classify
from services.routing.reconciliation.model import Discrepancy, Kind, Repair
from services.routing.reconciliation.sources import Digests, LedgerSource
from shared.ledger.schemas import (
    MAX_ITEM_PREFIXES,
    MAX_PREFIXES,
    DeadLetterOut,
    DigestRequest,
    ItemsRequest,
    LedgerItem,
)
from shared.ledger.window import Window

Progress = Callable[[str, int, int], None]
Items = dict[str, dict[UUID, LedgerItem]]


def quiet(_phase: str, _done: int, _total: int) -> None:
    return None


@dataclass
class Findings:
    discrepancies: list[Discrepancy] = field(default_factory=list)
    in_flight: set[UUID] = field(default_factory=set)
    ranges_listed: int = 0
    clues_listed: int = 0
    # Seconds per phase: the first pass over every clue, and what the differences cost after.
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Pass:
    sources: Mapping[str, LedgerSource]
    window: Window
    now: datetime
    settle: timedelta
    progress: Progress = quiet

    async def run(self, total: int, transfers: Sequence[handoffs.OpenTransfer]) -> Findings:
        first, leaf = compare.levels(total)
        self.progress("digests", 0, leaf - first + 1)
        clock = time.perf_counter()
        digests = await self._digests(first, [])
        differing = compare.differing(digests)
        timings = {"first_pass": time.perf_counter() - clock}
        for length in range(first + 1, leaf + 1):
            self.progress("digests", length - first, leaf - first + 1)
            if not differing:
                break
            digests = await self._digests(length, compare.children(differing))
            differing = compare.differing(digests)
        self.progress("digests", leaf - first + 1, leaf - first + 1)
        findings = Findings(ranges_listed=len(differing), timings=timings)
        timings["narrowing"] = time.perf_counter() - clock - timings["first_pass"]
        mark = time.perf_counter()
        items = await self._items(sorted(differing))
        self._classify(items, findings)
        timings["listing"] = time.perf_counter() - mark
        mark = time.perf_counter()
        await self._handoffs(transfers, findings)
        self._dead_letters(await self._letters(), findings)
        timings["handoffs_and_dead_letters"] = time.perf_counter() - mark
        return findings

    async def _digests(self, length: int, within: list[str]) -> dict[str, Digests]:
        found: dict[str, Digests] = {s: {} for s in self.sources}
        for part in compare.chunks(within, MAX_PREFIXES) if within else [[]]:
            query = DigestRequest(window=self.window, prefix_length=length, within=part)
            answers = await asyncio.gather(*(s.digests(query) for s in self.sources.values()))
            for service, answer in zip(self.sources, answers, strict=True):
                found[service] = {**found[service], **answer}
        return found

    async def _items(self, prefixes: list[str]) -> Items:
        items: Items = {s: {} for s in self.sources}
        parts = compare.chunks(prefixes, MAX_ITEM_PREFIXES)
        for n, part in enumerate(parts):
            self.progress("items", n, len(parts))
            query = ItemsRequest(window=self.window, prefixes=part)
            answers = await asyncio.gather(*(s.items(query) for s in self.sources.values()))
            for service, answer in zip(self.sources, answers, strict=True):
                items[service].update({i.clue_id: i for i in answer})
        self.progress("items", len(parts), len(parts))
        return items

    def _classify(self, items: Items, findings: Findings) -> None:
        clues = compare.differing_clues(items)
        findings.clues_listed = len({c for per in items.values() for c in per})
        for clue in sorted(clues):
            if compare.in_flight(clue, items, now=self.now, settle=self.settle):
                findings.in_flight.add(clue)
                continue
            findings.discrepancies += classify(
                clue,
                intake=items["intake"].get(clue),
                routing=items["routing"].get(clue),
                casework=items["casework"].get(clue),
            )

    async def _handoffs(
        self, transfers: Sequence[handoffs.OpenTransfer], findings: Findings
    ) -> None:
        if not transfers:
            return
        prefixes = sorted({str(t.clue_id)[:8] for t in transfers})
        items = (await self._items(prefixes))["casework"]
        for transfer in transfers:
            found = handoffs.check(transfer, items.get(transfer.clue_id), now=self.now)
            if found is not None:
                findings.discrepancies.append(found)

    async def _letters(self) -> list[DeadLetterOut]:
        answers = await asyncio.gather(*(s.dead_letters() for s in self.sources.values()))
        return [letter for answer in answers for letter in answer]

    def _dead_letters(self, letters: list[DeadLetterOut], findings: Findings) -> None:
        """A dead letter is the cause of what it left missing: reported once, as itself, and
        repaired by its producer sending the original event again (never applied, so the
        consumer's inbox lets it through)."""
        explained = {(letter.clue_id, letter.topic) for letter in letters}
        findings.discrepancies = [
            d
            for d in findings.discrepancies
            if d.repair is None or (d.clue_id, d.repair.topic) not in explained
        ]
        for letter in letters:
            repair = Repair(letter.producer, letter.topic, event_id=letter.event_id)
            findings.discrepancies.append(
                Discrepancy(
                    Kind.DEAD_LETTERED,
                    letter.topic,
                    clue_id=letter.clue_id,
                    receipt_number=None,
                    note=f"{letter.topic}事件进入死信队列后未重放",
                    facts={
                        "dead_letter": letter.id,
                        "event_id": letter.event_id,
                        "reason": letter.reason[:200],
                        "failed_at": letter.failed_at,
                    },
                    repair=repair if letter.clue_id is not None else None,
                )
            )
