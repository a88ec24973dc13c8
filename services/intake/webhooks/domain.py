"""Webhooks' rules, pure: what a status change sends, the signing secret, retry and outcome."""

import base64
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from services.intake.referrals.status import ReferralState, StatusReport
from services.intake.reporter.sealing import Sealer

EVENT_TYPE = "referral.status_changed"
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


def status_payload(referral: ReferralState, report: StatusReport) -> dict[str, Any]:
    """Only what the agency already reads on GET /v1/referrals/{id}: never the reporter."""
    state = referral.status
    return {
        "type": EVENT_TYPE,
        "referral_id": str(referral.id),
        "receipt_number": referral.receipt_number,
        "status": str(report.status),
        "occurred_at": report.occurred_at.isoformat(),
        "body_name": report.body_name,
        # Reports arrive out of order; this is where the referral stands after this one.
        "current_status": str(state.status),
        "outcome": str(state.outcome) if state.outcome else None,
        "outcome_summary": state.outcome_summary,
    }


def new_secret() -> str:
    # Standard Webhooks: `whsec_` and the base64 of the key's bytes (24 to 64 of them).
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def seal_secret(sealer: Sealer, webhook_id: UUID, secret: str) -> tuple[str, bytes]:
    # Bound to the webhook id, so a sealed secret copied onto another row does not open.
    return sealer.seal({"secret": secret}, associated=webhook_id.bytes)


def open_secret(sealer: Sealer, webhook_id: UUID, key_id: str, sealed: bytes) -> str:
    return str(sealer.unseal(key_id, sealed, associated=webhook_id.bytes)["secret"])


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    backoff_base_seconds: float
    backoff_max_seconds: float

    def backoff_seconds(self, attempts: int, rng: random.Random) -> float:
        """Doubling delay with jitter, so receivers that come back are not hit all at once."""
        ceiling = min(self.backoff_max_seconds, self.backoff_base_seconds * 2.0 ** (attempts - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)

    def outcome(
        self,
        *,
        attempts: int,
        status_code: int | None,
        error: str | None,
        now: datetime,
        rng: random.Random,
    ) -> dict[str, Any]:
        """What one attempt leaves on the delivery: delivered, failed, or the next try's time."""
        if status_code is not None and 200 <= status_code < 300:
            return {
                "status": DELIVERED,
                "delivered_at": now,
                "last_status_code": status_code,
                "last_error": None,
            }
        values: dict[str, Any] = {
            "last_status_code": status_code,
            "last_error": error or _why(status_code),
        }
        if attempts >= self.max_attempts:
            values["status"] = FAILED
        else:
            delay = self.backoff_seconds(attempts, rng)
            values["next_attempt_at"] = now + timedelta(seconds=delay)
        return values


def _why(code: int | None) -> str:
    if code is not None and 300 <= code < 400:
        return f"HTTP {code}: redirects are not followed"
    return f"HTTP {code}"
