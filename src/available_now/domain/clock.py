"""The one source of "now" for services, workers and the Bot API emulator.

Listings expire, reminders fall due and Telegram refuses to delete old messages, all by the
clock. Reading it through one injectable object lets tests (and a playground) move time forward
for the bot and the emulator together instead of rewriting rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


class SystemClock:
    """The machine's clock: what production runs on."""

    def now(self) -> datetime:
        return datetime.now(UTC)


SYSTEM_CLOCK = SystemClock()


class ManualClock:
    """A clock moved by hand: another clock's time (the system's by default), or a fixed
    moment (`at`), plus whatever `advance` added.

    Left running with real time, timeouts and rate limits still behave; standing still, every
    reading is exact, which suits tests of the rules themselves.
    """

    def __init__(self, *, at: datetime | None = None, base: Clock = SYSTEM_CLOCK) -> None:
        if at is not None and at.utcoffset() is None:
            raise ValueError("a clock keeps timezone-aware time; give `at` a tzinfo")
        self._fixed = at.astimezone(UTC) if at is not None else None
        self._base = base
        self._offset = timedelta(0)

    def now(self) -> datetime:
        base = self._fixed if self._fixed is not None else self._base.now()
        return base + self._offset

    def advance(self, by: timedelta) -> None:
        if by < timedelta(0):
            raise ValueError("the clock only moves forward")
        self._offset += by
