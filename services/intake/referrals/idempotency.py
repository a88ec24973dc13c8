"""What an Idempotency-Key means for a new request: the decision alone, with no database.

The referral row is the idempotency record: its unique (agency, key) makes one key one
referral, and the key is "in flight" exactly while the transaction that claims it is open (a
PostgreSQL advisory lock; on SQLite the one writer). The repository claims the key and finds
its prior use; `decide` says what follows from that.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID


class Verdict(StrEnum):
    FRESH = "fresh"  # never used: accept the request
    REPLAY = "replay"  # used inside the window with this very body: answer as the first time
    MISMATCH = "mismatch"  # used inside the window with another body: refuse
    IN_FLIGHT = "in_flight"  # the first request with the key has not finished: retry later
    EXPIRED = "expired"  # used before the window: release the key from that referral, accept


@dataclass(frozen=True)
class PriorUse:
    """The referral that used the key before, as stored (a replay repeats it)."""

    referral_id: UUID
    request_hash: str
    received_at: datetime
    stored: Mapping[str, Any]


@dataclass(frozen=True)
class KeyClaim:
    """What claiming the key found: whether this transaction holds it, and its prior use."""

    held: bool
    prior: PriorUse | None = None


def decide(claim: KeyClaim, *, request_hash: str, now: datetime, window: timedelta) -> Verdict:
    if not claim.held:
        return Verdict.IN_FLIGHT
    if claim.prior is None:
        return Verdict.FRESH
    if claim.prior.received_at > now - window:
        return same_request(claim.prior, request_hash)
    return Verdict.EXPIRED


def same_request(prior: PriorUse, request_hash: str) -> Verdict:
    """A key already taken answers for its first request only."""
    return Verdict.REPLAY if prior.request_hash == request_hash else Verdict.MISMATCH
