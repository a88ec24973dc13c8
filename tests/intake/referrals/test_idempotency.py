"""What an Idempotency-Key decides, with no database: replay, mismatch, in flight, the window."""

import uuid
from datetime import timedelta

import pytest

from services.intake.referrals.idempotency import KeyClaim, PriorUse, Verdict, decide
from shared.clock import utcnow

WINDOW = timedelta(hours=24)
NOW = utcnow()


def _used(*, hours_ago: float, request_hash: str = "h1") -> KeyClaim:
    at = NOW - timedelta(hours=hours_ago)
    return KeyClaim(held=True, prior=PriorUse(uuid.uuid4(), request_hash, at, {}))


class TestDecide:
    def test_a_key_never_used_is_fresh(self) -> None:
        assert decide(KeyClaim(held=True), request_hash="h1", now=NOW, window=WINDOW) is (
            Verdict.FRESH
        )

    def test_the_same_body_inside_the_window_replays(self) -> None:
        verdict = decide(_used(hours_ago=23), request_hash="h1", now=NOW, window=WINDOW)
        assert verdict is Verdict.REPLAY

    def test_another_body_inside_the_window_is_a_mismatch(self) -> None:
        verdict = decide(_used(hours_ago=1), request_hash="h2", now=NOW, window=WINDOW)
        assert verdict is Verdict.MISMATCH

    @pytest.mark.parametrize("request_hash", ["h1", "h2"])
    def test_after_the_window_the_key_is_released_for_any_body(self, request_hash: str) -> None:
        claim = _used(hours_ago=24.01)
        assert decide(claim, request_hash=request_hash, now=NOW, window=WINDOW) is (Verdict.EXPIRED)

    def test_exactly_at_the_window_edge_the_key_is_over(self) -> None:
        # "received_at > now - window" replays: at the edge itself the first use has aged out.
        verdict = decide(_used(hours_ago=24), request_hash="h1", now=NOW, window=WINDOW)
        assert verdict is Verdict.EXPIRED

    def test_a_key_another_transaction_holds_is_in_flight_whatever_was_found(self) -> None:
        in_flight = KeyClaim(held=False, prior=_used(hours_ago=1).prior)
        assert decide(in_flight, request_hash="h1", now=NOW, window=WINDOW) is Verdict.IN_FLIGHT
        assert decide(KeyClaim(held=False), request_hash="h1", now=NOW, window=WINDOW) is (
            Verdict.IN_FLIGHT
        )
