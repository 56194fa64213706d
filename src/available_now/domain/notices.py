"""Notices the worker owes models, as queued in `pending_notices` and claimed for sending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from available_now.domain.listings import ListingView


class NoticeKind(StrEnum):
    LISTING_ENDED = "listing_ended"
    """Her listing expired and its post was taken down."""
    LISTING_REMINDER = "listing_reminder"
    """Her listing ends soon: the one-tap extension offer."""
    POST_UP = "post_up"
    """Her post is in the group (or on its board)."""
    POST_FAILED = "post_failed"
    """Telegram refused her post: the listing was ended, she may try again."""


@dataclass(frozen=True, slots=True)
class PendingNotice:
    """A claimed notice with the listing it is about, read fresh at sending time."""

    id: int
    user_id: int
    kind: NoticeKind
    listing: ListingView
    attempts: int
    live: bool
    """Whether the listing is still live now (a reminder for one that is not is stale)."""


MAX_NOTICE_BACKOFF = timedelta(minutes=5)
MAX_NOTICE_ATTEMPTS = 20
"""Transient failures are retried this often (about an hour and a half with the capped
backoff) before the notice is given up, with a log line."""


def notice_backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s … after the n-th failed attempt, at most five minutes."""
    return min(timedelta(seconds=2 ** min(max(attempts, 1), 10)), MAX_NOTICE_BACKOFF)
