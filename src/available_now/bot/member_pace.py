"""How often a member may ask the bot something in the group: once every 30 seconds.

Asking again sooner gets nothing (the command is still removed), so one member cannot make
the bot fill the group or spend its minute's budget of messages. Kept per instance: across
instances the living list stays one message anyway, this only spares edits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from available_now.domain.clock import SYSTEM_CLOCK, Clock

MEMBER_PACE = timedelta(seconds=30)
_REMEMBERED = 10_000


class MemberPace:
    def __init__(self, clock: Clock = SYSTEM_CLOCK, *, every: timedelta = MEMBER_PACE) -> None:
        self._clock = clock
        self._every = every
        self._last: dict[tuple[int, int], datetime] = {}

    def allow(self, chat_id: int, user_id: int) -> bool:
        """True (and remembered) when the member's last request is old enough."""
        now = self._clock.now()
        key = (chat_id, user_id)
        last = self._last.get(key)
        if last is not None and now - last < self._every:
            return False
        if len(self._last) >= _REMEMBERED:
            cutoff = now - self._every
            self._last = {k: v for k, v in self._last.items() if v > cutoff}
        self._last[key] = now
        return True
