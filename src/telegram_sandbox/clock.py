"""The emulator's notion of "now", which tests can move forward.

Telegram rules depend on time (48-hour delete window, flood limits), and tests must reach
those situations without waiting, so every time check goes through one adjustable clock. It is
a view in Unix seconds of a `TimeSource`: given the one the bot under test reads, moving either
moves both.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class TimeSource(Protocol):
    """Any clock that tells timezone-aware time and can be moved forward."""

    def now(self) -> datetime: ...

    def advance(self, by: timedelta) -> None: ...


class RunningClock:
    """Real time plus whatever `advance` added: the emulator's own clock when none is given."""

    def __init__(self) -> None:
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, by: timedelta) -> None:
        if by < timedelta(0):
            raise ValueError("the clock only moves forward")
        self._offset += by


class Clock:
    """Unix time from a `TimeSource` (a private one, running with real time, by default)."""

    def __init__(self, time: TimeSource | None = None) -> None:
        self.time: TimeSource = time if time is not None else RunningClock()

    def now(self) -> float:
        return self.time.now().timestamp()

    def timestamp(self) -> int:
        """Unix time in whole seconds, as Telegram puts it in ``date`` fields."""
        return int(self.now())

    def advance(self, seconds: float) -> None:
        self.time.advance(timedelta(seconds=seconds))

    def __call__(self) -> float:
        return self.now()
