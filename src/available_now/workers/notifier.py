"""What the expiry worker needs to tell people, as a protocol the bot layer implements.

Words and buttons live in the bot layer (`bot/texts.py`, `bot/keyboards.py`); the worker only
decides when something must be said, so it depends on this interface and not on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

from available_now.domain.listings import ListingView


class ListingNotifier(Protocol):
    """The notices to models raise Telegram's errors: the notice sender decides, from the
    error, whether to try again later or give up. The others handle refusals themselves."""

    async def listing_ended(self, listing: ListingView) -> None:
        """Tell the model her listing expired and was removed."""

    async def listing_reminder(self, listing: ListingView, left: timedelta) -> None:
        """Offer the model a one-tap extension shortly before her listing expires."""

    async def post_up(self, listing: ListingView) -> None:
        """Tell the model her post is in the group now."""

    async def post_failed(self, listing: ListingView) -> None:
        """Tell the model Telegram refused her post and her listing was ended."""

    async def post_ended(self, chat_id: int, message_id: int) -> bool:
        """Make a post that cannot be deleted say the listing ended; False if that failed too.

        A flood limit is raised (`TelegramRetryAfter`): the worker tries again later.
        """

    async def cleanup_failed(self, messages: Sequence[tuple[int, int]], error: str) -> None:
        """Ask the owners to remove by hand what (chat id, message id) the bot could not."""
