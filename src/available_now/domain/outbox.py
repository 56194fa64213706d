"""The group outbox's rules: how many posts a group takes, when the board stands in, and waits.

Telegram lets a bot post 20 messages a minute into a group. Listing posts get most of that
budget (`POSTS_PER_MINUTE`); the rest is left for the living list, answers to `/start` and
`/help`, and the occasional re-send. A listing that does not fit in the budget goes on the
group's board (one message edited in place) at once instead of waiting for a free minute, so
every model is visible within seconds even at peak hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from available_now.domain.listings import ListingView
from available_now.domain.profiles import ProfileView

POSTS_PER_MINUTE = 15
"""Listing posts per group per rolling minute; Telegram's limit is 20."""
POST_WINDOW = timedelta(minutes=1)
POST_SPACING = timedelta(seconds=1)
"""The bot's limiter sends at most one message a second into a chat."""
BOARD_EDIT_INTERVAL = timedelta(seconds=3)
"""The board is redrawn at most this often; each redraw shows the newest state."""
RENDER_DELAY = timedelta(seconds=2)
"""A live post is redrawn this long after the first of a run of edits, once for all of them."""
POST_LEASE = timedelta(minutes=2)
"""A claimed post not settled within this is treated as "may have been posted"."""
BOARD_LIFETIME = timedelta(hours=46)
"""A board older than this is replaced: Telegram lets bots delete messages for 48 hours."""
STRAY_SEARCH_LIMIT = 30
"""How many message ids after an uncertain send are looked at for a stray post."""
STRAY_SEARCH_WAIT = timedelta(minutes=10)
"""How long an uncertain send waits for a later message of ours to bound the search."""


class PostState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    """Claimed and on its way; after its lease it counts as uncertain."""
    UNCERTAIN = "uncertain"
    """Telegram may have posted it (timeout, 5xx): a stray may be in the group."""
    POSTED = "posted"
    BOARDING = "boarding"
    """Put on the board instead of a post of its own; she is told once the board shows her."""
    BOARDED = "boarded"
    """Shown on the board (and she was told)."""
    CANCELLED = "cancelled"
    """The listing ended (or was erased) before it was posted."""


@dataclass(frozen=True, slots=True)
class PostJob:
    """A claimed post: the listing and the profile to render, read at claiming time."""

    id: int
    chat_id: int
    listing: ListingView
    profile: ProfileView


@dataclass(frozen=True, slots=True)
class StrayCheck:
    """An uncertain send: any message of ours between the two ids that is not known is it."""

    id: int
    chat_id: int
    listing_id: int
    after_message_id: int
    before_message_id: int | None
    """The first message of ours known to be newer; None when there is none yet."""
    known: frozenset[int]
    waited: timedelta


@dataclass(frozen=True, slots=True)
class BoardJob:
    chat_id: int
    message_id: int | None
    """The board to edit; None: send a new one."""
    replace: bool
    """The board is too old to be deleted much longer: send a new one, remove this one."""


@dataclass(frozen=True, slots=True)
class Redraw:
    """A live post to redraw after her edits."""

    listing: ListingView
    profile: ProfileView


def queue_estimate(position: int, sent_last_minute: int) -> timedelta:
    """About how long until the post at `position` (1 = next) is in the group.

    Posts within the minute's budget go out a second apart; beyond it she is on the board
    after its next redraw.
    """
    room = max(POSTS_PER_MINUTE - sent_last_minute, 0)
    if position <= room:
        return POST_SPACING * position
    return POST_SPACING * room + BOARD_EDIT_INTERVAL


def board_due(now: datetime, rendered_at: datetime | None) -> datetime:
    """The earliest moment the board may be redrawn again."""
    return now if rendered_at is None else max(now, rendered_at + BOARD_EDIT_INTERVAL)
