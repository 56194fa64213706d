"""Who a user is to the bot, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TelegramIdentity:
    """What Telegram tells us about a user with every update."""

    id: int
    username: str | None
    first_name: str | None
    last_name: str | None
    language_code: str | None = None
    """Her Telegram app's language (an IETF tag such as `es` or `pt-br`), if it says."""


@dataclass(frozen=True, slots=True)
class UserAccount:
    """A user as stored, with the rights the bot grants."""

    id: int
    username: str | None
    first_name: str | None
    last_name: str | None
    is_approved: bool
    language: str | None = None
    """The language she chose with /language; None follows her Telegram app."""
    language_code: str | None = None
    """Her Telegram app's language, as last reported."""
    last_seen_at: datetime | None = None
    """The start (UTC) of the last day she used the bot; None before it was first recorded."""
    banned_at: datetime | None = None
    """When an owner banned her; a banned user is never `is_approved`, whatever she was."""

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None

    @property
    def display_name(self) -> str:
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        if name:
            return name
        return f"@{self.username}" if self.username else str(self.id)
