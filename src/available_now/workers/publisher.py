"""What the outbox worker needs from Telegram, as a protocol the bot layer implements.

Rendering (words, buttons, the group's language) lives in the bot layer; the worker decides
what is sent when, and tells Telegram's answers apart by aiogram's errors, which these calls
raise unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from available_now.domain.listings import ListingView
from available_now.domain.profiles import ProfileView
from available_now.services.outbox import LiveEntry


class GroupPublisher(Protocol):
    async def post(self, listing: ListingView, profile: ProfileView) -> int:
        """Post her listing into its group; the message id."""

    async def redraw(self, listing: ListingView, profile: ProfileView) -> bool:
        """Redraw her live post from her profile as it is now; False when it cannot be done in
        place and the post must be replaced."""

    async def send_board(self, chat_id: int, entries: Sequence[LiveEntry], total: int) -> int:
        """Send the group's living list; the message id."""

    async def edit_board(
        self, chat_id: int, message_id: int, entries: Sequence[LiveEntry], total: int
    ) -> None:
        """Redraw the living list in place."""

    async def is_ours(self, chat_id: int, message_id: int) -> bool:
        """Whether the message exists and the bot sent it."""

    async def delete(self, chat_id: int, message_id: int) -> None:
        """Remove a message of ours."""

    async def stray_unresolved(self, chat_id: int, after_message_id: int) -> None:
        """Ask the owners to look for a stray post after the given message (with a link)."""
