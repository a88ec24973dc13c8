"""The audit chain's format and its verification (pure: no database here).

Entry n (seq, from 1, no gaps) holds who (`actor`), when (`at`), what (`action`, `details`),
the assignment's state and version `before` and `after`, `prev_hash` (entry n-1's hash; 64
zeros for the first) and
    hash = SHA-256( prev_hash || "\\n" || canonical JSON of the entry's content )
where the content is {seq, assignment_id, body_id, at, actor, action, before, after, details},
keys sorted, no spaces, UTF-8, `at` as RFC 3339 in UTC. The head row holds the last seq and
hash, so deleting the newest entries breaks the chain too.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    seq: int
    assignment_id: UUID
    body_id: UUID
    at: datetime
    actor: str
    action: str
    before: dict[str, Any]
    after: dict[str, Any]
    details: dict[str, str]

    def content(self) -> bytes:
        document = {
            "seq": self.seq,
            "assignment_id": str(self.assignment_id),
            "body_id": str(self.body_id),
            "at": self.at.astimezone(UTC).isoformat(),
            "actor": self.actor,
            "action": self.action,
            "before": self.before,
            "after": self.after,
            "details": self.details,
        }
        return json.dumps(
            document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()


@dataclass(frozen=True)
class Link:
    entry: Entry
    prev_hash: str
    hash: str


def link(entry: Entry, prev_hash: str) -> Link:
    return Link(entry, prev_hash, entry_hash(entry, prev_hash))


def entry_hash(entry: Entry, prev_hash: str) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + entry.content()).hexdigest()


@dataclass(frozen=True)
class Verification:
    entries: int
    broken_seq: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


class Verifier:
    """Fed the stored links in seq order; stops at the first one that does not hold."""

    def __init__(self) -> None:
        self._seq, self._hash = 0, GENESIS
        self.broken: Verification | None = None

    def feed(self, links: Iterable[Link]) -> bool:
        """False once broken: later links prove nothing."""
        for stored in links:
            if self.broken is None:
                self.broken = self._check(stored)
            if self.broken is not None:
                return False
            self._seq, self._hash = stored.entry.seq, stored.hash
        return True

    def finish(self, head_seq: int, head_hash: str) -> Verification:
        if self.broken is not None:
            return self.broken
        if head_seq > self._seq:
            return Verification(self._seq, self._seq + 1, "missing: the head is further on")
        if head_seq < self._seq:
            return Verification(self._seq, head_seq + 1, "added after the head")
        if head_hash != self._hash:
            return Verification(self._seq, self._seq, "the head does not match this entry")
        return Verification(self._seq)

    def _check(self, stored: Link) -> Verification | None:
        expected = self._seq + 1
        if stored.entry.seq != expected:
            return Verification(self._seq, expected, "missing: the next entry is not there")
        if stored.prev_hash != self._hash:
            return Verification(self._seq, expected, "does not follow the previous entry")
        if entry_hash(stored.entry, stored.prev_hash) != stored.hash:
            return Verification(self._seq, expected, "its content does not match its hash")
        return None
