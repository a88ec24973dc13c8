"""Background tasks that never silently stop: a crash is logged and the task started again."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from shared.backoff import Backoff

log = logging.getLogger(__name__)

# A task that ran this long before failing starts again from the shortest delay.
HEALTHY_SECONDS = 60.0


async def supervise(
    name: str, run: Callable[[], Awaitable[None]], *, backoff: Backoff | None = None
) -> None:
    """Runs `run()` until cancelled, starting it again with capped jittered backoff whenever
    it returns or raises."""
    delays = backoff or Backoff(initial=0.5, cap=30.0)
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        try:
            await run()
            log.warning("%s: stopped by itself; starting it again", name)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s: crashed; starting it again", name)
        if loop.time() - started > HEALTHY_SECONDS:
            delays.reset()
        await asyncio.sleep(delays.next())
