"""The delivery worker: sends pending deliveries, signed, and retries them with backoff.

Several worker processes (replicas) can run it at once: claims take rows with
FOR UPDATE SKIP LOCKED and lease them, and the HTTP call happens outside any transaction,
so a slow receiver never holds a database lock. Delivery is at least once (a worker can stop
after the receiver answered and before the result is written): receivers deduplicate on
`webhook-id`. Signatures follow Standard Webhooks (https://www.standardwebhooks.com).
"""

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Row
from standardwebhooks import Webhook

from services.intake.reporter.sealing import Sealer
from services.intake.settings import Settings
from services.intake.unit_of_work import IntakeUnitOfWork
from services.intake.webhooks.domain import RetryPolicy, open_secret
from services.intake.webhooks.transport import Sent, WebhookClient
from shared.clock import utcnow
from shared.observability import metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerConfig:
    allow_private: bool
    max_attempts: int
    timeout_seconds: float
    backoff_base_seconds: float
    backoff_max_seconds: float
    poll_seconds: float
    batch_size: int = 20

    @classmethod
    def from_settings(cls, settings: Settings) -> "WorkerConfig":
        return cls(
            allow_private=settings.webhook_allow_private,
            max_attempts=settings.webhook_max_attempts,
            timeout_seconds=settings.webhook_timeout_seconds,
            backoff_base_seconds=settings.webhook_backoff_base_seconds,
            backoff_max_seconds=settings.webhook_backoff_max_seconds,
            poll_seconds=settings.webhook_poll_seconds,
        )

    @property
    def retry(self) -> RetryPolicy:
        return RetryPolicy(self.max_attempts, self.backoff_base_seconds, self.backoff_max_seconds)


def signed_request(
    secret: str, delivery_id: str, payload: dict[str, Any]
) -> tuple[dict[str, str], bytes]:
    """Standard Webhooks: the signature covers `<webhook-id>.<webhook-timestamp>.<body>`."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    now = utcnow()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Guantong-Webhooks/1",
        "webhook-id": delivery_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(delivery_id, now, body),
    }
    return headers, body.encode()


class WebhookWorker:
    def __init__(
        self,
        uows: Callable[[], IntakeUnitOfWork],
        sealer: Sealer,
        config: WorkerConfig,
    ) -> None:
        self._uows = uows
        self._sealer = sealer
        self._config = config
        self._client = WebhookClient(
            allow_private=config.allow_private, timeout_seconds=config.timeout_seconds
        )
        self._rng = random.SystemRandom()
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        try:
            while True:
                try:
                    sent = await self.deliver_due()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # the database is away: wait and retry
                    log.warning("webhook worker: %s; retrying", type(exc).__name__)
                    sent = 0
                if sent < self._config.batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self._config.poll_seconds)
                    self._wake.clear()
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def deliver_due(self) -> int:
        """One round: claim what is due, send it all concurrently, record each result."""
        now = utcnow()
        lease = now + timedelta(seconds=self._config.timeout_seconds * 3 + 30)
        async with self._uows() as uow:
            await uow.deliveries.fail_exhausted(now, self._config.max_attempts)
            batch = self._config.batch_size
            claimed = await uow.deliveries.claim_due(now, limit=batch, lease_until=lease)
            await uow.commit()
        if not claimed:
            return 0
        results = await asyncio.gather(*(self._attempt(c) for c in claimed))
        async with self._uows() as uow:
            for claim, sent in zip(claimed, results, strict=True):
                await uow.deliveries.record(claim.id, lease, self._result(claim, sent))
            await uow.commit()
        return len(claimed)

    async def _attempt(self, claim: Row[Any]) -> Sent:
        try:
            secret = open_secret(
                self._sealer, claim.webhook_id, claim.secret_key_id, claim.secret_sealed
            )
        except Exception as exc:  # a seal key removed from the configuration, for instance
            log.error(
                "webhook %s: cannot open its secret (%s)", claim.webhook_id, type(exc).__name__
            )
            return Sent(None, "the signing secret cannot be opened; rotate it")
        headers, body = signed_request(secret, str(claim.id), claim.payload)
        return await self._client.post(claim.url, headers, body)

    def _result(self, claim: Row[Any], sent: Sent) -> dict[str, Any]:
        attempts = claim.attempts + 1
        values = self._config.retry.outcome(
            attempts=attempts,
            status_code=sent.status_code,
            error=sent.error,
            now=utcnow(),
            rng=self._rng,
        )
        metrics.webhook_delivery(str(values.get("status", "retry")))
        if "delivered_at" not in values:
            log.info(
                "webhook delivery %s: attempt %d failed (%s)",
                claim.id,
                attempts,
                values["last_error"],
            )
        return values
