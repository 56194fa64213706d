"""What the bot keeps about one person: counted for erasure, listed in full for her export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Holdings:
    """What erasing a person removes, counted: the confirmation lists it, the report repeats it,
    and the audit row keeps these numbers (never the values)."""

    user_id: int
    profile: bool
    """She has a profile (finished or a draft)."""
    draft: bool
    """Her profile is a draft she has not confirmed yet."""
    photos: int
    videos: int
    services: int
    live_listings: int
    listings: int
    """Listing rows, live or past."""
    posts: int
    """Group posts still waiting to be removed (a live listing's, or an ended one's)."""
    conversations: int
    """Saved conversation states: her wizard progress and any half-done answer."""
    account_details: bool
    """Her name, username, language or request time are on record."""

    @property
    def nothing(self) -> bool:
        """Nothing of hers is left to remove (an empty saved conversation holds only her id)."""
        return not (self.profile or self.listings or self.conversations or self.account_details)


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """Her `users` row, every column."""

    id: int
    username: str | None
    first_name: str | None
    last_name: str | None
    is_approved: bool
    access_requested_at: datetime | None
    access_rejected_at: datetime | None
    language_code: str | None
    language: str | None
    last_seen_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ListingRecord:
    """One of her listings, live or past, as stored."""

    id: int
    group_id: int
    message_id: int | None
    duration_hours: int | None
    posted_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    ended_reason: str | None
    reminder_sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    """A saved conversation of hers (aiogram's FSM state and data), by chat."""

    chat_id: int
    state: str | None
    data: dict[str, Any]
