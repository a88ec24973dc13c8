"""Capped exponential backoff with jitter, so that processes retrying together spread out."""

import random


class Backoff:
    def __init__(self, *, initial: float = 0.2, cap: float = 30.0, factor: float = 2.0) -> None:
        self._initial, self._cap, self._factor = initial, cap, factor
        self._ceiling = initial
        self._rng = random.SystemRandom()

    def next(self) -> float:
        """The next delay: between half and all of a ceiling that doubles up to the cap."""
        ceiling = self._ceiling
        self._ceiling = min(self._cap, self._ceiling * self._factor)
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    def reset(self) -> None:
        self._ceiling = self._initial


def backoff_delay(
    attempts: int, *, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """The delay before try `attempts + 1` of something that failed `attempts` times."""
    ceiling = min(cap, base * 2.0 ** max(attempts - 1, 0))
    return ceiling / 2 + (rng or random.SystemRandom()).uniform(0, ceiling / 2)
