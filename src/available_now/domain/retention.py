"""How long the bot keeps what it no longer needs, and what one retention pass removed.

Live data (a profile, a live listing, a pending removal) stays until its owner or its own
schedule ends it. What is left afterwards is kept only for a while: people who never did more
than read the group's list are forgotten when idle, and finished history is removed when old.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta


def day_of(moment: datetime) -> datetime:
    """The start of ``moment``'s day in UTC: what `users.last_seen_at` holds.

    Keeping the day rather than the instant means at most one write per person per day, and
    says no more about her habits than retention needs.
    """
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    member_idle: timedelta = timedelta(days=30)
    """Members who never built a profile, asked for access or went live are forgotten after
    this long without using the bot."""
    history: timedelta = timedelta(days=90)
    """Finished listings, done message removals and untouched conversations go after this."""

    def __post_init__(self) -> None:
        if self.member_idle <= timedelta(0) or self.history <= timedelta(0):
            raise ValueError("retention periods must be positive")


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """How many rows of each kind one pass removed (counts only: nothing about anyone)."""

    members: int = 0
    listings: int = 0
    deletion_jobs: int = 0
    conversations: int = 0
    posts: int = 0
    """Settled rows of the group outbox (posts sent or given up)."""

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    def __add__(self, other: RetentionReport) -> RetentionReport:
        return RetentionReport(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )
