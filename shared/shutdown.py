"""Stopping a loop between two units of work, so that what it holds is finished first.

The relay's unit is a round (rows sent, acknowledged, marked published); a consumer's is a poll
(records applied, offsets committed). On SIGTERM the worker asks each loop's `Drain` to stop:
the unit in hand runs to its end (within a bound), no new one starts, and only then is the task
cancelled, so the next process neither sends a row again nor receives an applied record again.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator


class Drain:
    def __init__(self) -> None:
        self._stopping = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    @contextlib.asynccontextmanager
    async def unit(self) -> AsyncIterator[None]:
        """One unit of work; once stopping, waits to be cancelled instead of starting one."""
        if self._stopping.is_set():
            await asyncio.Future()  # never set: the worker cancels this task after the drain
        self._idle.clear()
        try:
            yield
        finally:
            self._idle.set()

    async def drain(self, seconds: float) -> bool:
        """Lets the unit in hand finish; True when it did within `seconds`."""
        self._stopping.set()
        try:
            await asyncio.wait_for(self._idle.wait(), seconds)
        except TimeoutError:
            return False
        return True
