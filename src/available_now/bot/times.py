"""Times as people read them: in the group's zone, in the current locale's words."""

from __future__ import annotations

from datetime import datetime, tzinfo

from available_now.bot.i18n import CURRENT
from available_now.domain.listings import clock_time


def until(moment: datetime, zone: tzinfo, now: datetime) -> str:
    """`21:30 CET`, or `Sat 01:30 CET` when that is not today in ``zone`` (translated)."""
    return clock_time(moment, zone, now=now, translator=CURRENT)
