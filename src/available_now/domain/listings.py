"""Listing rules: durations, extension caps and how times read to people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Final

from available_now.domain.limits import TELEGRAM_DELETE_WINDOW_HOURS
from available_now.domain.wording import ENGLISH, N_, Translator

# A listing must be removable: stay this far inside Telegram's 48-hour delete window.
DELETE_WINDOW_MARGIN = timedelta(minutes=30)
MAX_LIFETIME = timedelta(hours=TELEGRAM_DELETE_WINDOW_HOURS) - DELETE_WINDOW_MARGIN


class EndReason(StrEnum):
    EXPIRED = "expired"
    ENDED = "ended"
    REVOKED = "revoked"
    PROFILE_DELETED = "profile_deleted"
    MODERATED = "moderated"
    POST_FAILED = "post_failed"
    BOT_REMOVED = "bot_removed"
    """The bot was removed from the group: nothing of hers can be shown or removed there."""
    REMOVED_BY_OWNER = "removed_by_owner"
    """An owner took the listing down (after a report)."""
    BANNED = "banned"
    """An owner banned her."""


class MessagePurpose(StrEnum):
    """Why the bot must remove a message later (`scheduled_deletions.purpose`)."""

    LISTING = "listing"
    AVAILABLE_LIST = "available_list"
    COMMAND = "command"
    ANSWER = "answer"
    """The bot's short answer to a command in the group (`/id`)."""


class CleanupFallback(StrEnum):
    """What was done about a message Telegram refused to delete (the stored words are kept)."""

    NONE = "none"
    NO_ACCESS = "none: no access"
    LEFT_IN_PLACE = "left in place"
    EDITED_TO_ENDED = "edited to ended"
    REPORTED_TO_OWNERS = "reported to owners"


@dataclass(frozen=True, slots=True)
class ListingView:
    id: int
    user_id: int
    group_id: int
    message_id: int | None
    duration_hours: int | None
    posted_at: datetime
    expires_at: datetime

    def time_left(self, now: datetime) -> timedelta:
        return max(self.expires_at - now, timedelta(0))


@dataclass(frozen=True, slots=True)
class DeletionJob:
    """A message claimed for removal (`scheduled_deletions`), as the expiry worker handles it."""

    id: int
    chat_id: int
    message_id: int
    purpose: MessagePurpose
    listing_id: int | None
    attempts: int


def capped_expiry(posted_at: datetime, wanted: datetime) -> datetime:
    """An expiry no later than the bot can still delete the post."""
    return min(wanted, posted_at + MAX_LIFETIME)


WEEKDAYS: Final = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
"""Short weekday names, Monday first (`datetime.weekday()`), translated where they are shown."""


def clock_time(
    moment: datetime,
    zone: tzinfo,
    *,
    now: datetime | None = None,
    translator: Translator = ENGLISH,
) -> str:
    """`21:30 CET` in the group's time zone; `Sat 01:30 CET` when that is not today there.

    The zone's abbreviation is always shown (a member abroad reads the group's time, not
    hers), and the day whenever ``now`` falls on another date in that zone, so "until 01:30"
    can never be read as last night. Without ``now`` the day is left out.
    """
    local = moment.astimezone(zone)
    shown = f"{local:%H:%M} {local.tzname() or ''}".rstrip()
    if now is None or now.astimezone(zone).date() == local.date():
        return shown
    return f"{translator.gettext(WEEKDAYS[local.weekday()])} {shown}"


def duration_text(delta: timedelta, translator: Translator = ENGLISH) -> str:
    """`2 h 15 min`, `45 min`, `under a minute`."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return translator.gettext("under a minute")
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return translator.gettext("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
    if hours:
        return translator.gettext("{hours} h").format(hours=hours)
    return translator.gettext("{minutes} min").format(minutes=minutes)
