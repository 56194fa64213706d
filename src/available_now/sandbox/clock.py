"""The emulator's notion of "now", which tests can move forward.

Telegram rules depend on time (48-hour delete window, flood limits), and tests must reach
those situations without waiting, so every time check goes through one adjustable clock. It is
a view in Unix seconds of the project's `ManualClock`: given the one the bot reads, moving
either moves both.
"""

from __future__ import annotations

from datetime import timedelta

from available_now.domain.clock import ManualClock


class Clock:
    """Unix time from a `ManualClock` (a private one, running with real time, by default)."""

    def __init__(self, time: ManualClock | None = None) -> None:
        self.time = time if time is not None else ManualClock()

    def now(self) -> float:
        return self.time.now().timestamp()

    def timestamp(self) -> int:
        """Unix time in whole seconds, as Telegram puts it in ``date`` fields."""
        return int(self.now())

    def advance(self, seconds: float) -> None:
        self.time.advance(timedelta(seconds=seconds))

    def __call__(self) -> float:
        return self.now()
