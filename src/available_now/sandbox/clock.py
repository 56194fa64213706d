"""The emulator's notion of "now", which tests can move forward.

Telegram rules depend on time (48-hour delete window, flood limits), and tests must reach
those situations without waiting, so every time check goes through one adjustable clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Clock:
    """Wall-clock time plus an offset that :meth:`advance` grows."""

    def __init__(self, source: Callable[[], float] = time.time) -> None:
        self._source = source
        self._offset = 0.0

    def now(self) -> float:
        return self._source() + self._offset

    def timestamp(self) -> int:
        """Unix time in whole seconds, as Telegram puts it in ``date`` fields."""
        return int(self.now())

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds

    def __call__(self) -> float:
        return self.now()
