"""Releases idempotency keys whose window is over, now and then, in the worker process."""

import asyncio
import logging
from datetime import timedelta

from services.intake.referrals.handlers import prune_idempotency_keys
from services.intake.settings import Settings
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.runtime import Runtime

log = logging.getLogger(__name__)


async def prune_forever(runtime: Runtime, settings: Settings) -> None:
    window = timedelta(hours=settings.idempotency_window_hours)
    while True:
        await asyncio.sleep(settings.idempotency_prune_seconds)
        try:
            released = await prune_idempotency_keys(IntakeUnitOfWork.of(runtime), window)
        except Exception as exc:
            # A missed round only delays hygiene: a request meeting an expired key releases it.
            log.warning("idempotency key pruning failed: %s", type(exc).__name__)
        else:
            if released:
                log.info("released %d expired idempotency keys", released)
