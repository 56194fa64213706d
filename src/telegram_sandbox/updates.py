"""Pending updates for the bot, served by long polling or pushed to a webhook.

Mirrors Telegram's queue semantics: update ids grow monotonically, an ``offset`` confirms
everything before it, only one ``getUpdates`` may wait at a time and polling is refused
while a webhook is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError

DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)

CONFLICT_POLLING = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@dataclass(slots=True)
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(slots=True)
class UpdateQueue:
    """Updates waiting for the bot plus the polling/webhook delivery state."""

    next_update_id: int = 100_000_001
    pending: list[dict[str, Any]] = field(default_factory=list)
    allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
    webhook: WebhookConfig | None = None
    _changed: asyncio.Condition | None = None
    _poll_generation: int = 0
    closed: bool = False
    """Set while the server stops: a waiting long poll answers at once."""

    @property
    def changed(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def push(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update (``{"message": {...}}``); dropped if its type is not allowed."""
        (kind,) = payload.keys()
        if kind not in self.allowed_updates:
            return None
        update = {"update_id": self.next_update_id, **payload}
        self.next_update_id += 1
        self.pending.append(update)
        await self.notify()
        return update

    async def close(self) -> None:
        """Answer the long poll that is waiting (with nothing) at once: the server stops."""
        self.closed = True
        await self.notify()

    def confirm(self, offset: int) -> None:
        if offset < 0:
            self.pending = self.pending[offset:] if -offset < len(self.pending) else self.pending
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def drop_pending(self) -> None:
        self.pending.clear()

    def set_allowed(self, allowed: list[str] | None) -> None:
        if allowed is None:
            return
        self.allowed_updates = frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES

    async def get_updates(self, offset: int | None, limit: int, wait_seconds: float) -> list[Any]:
        if self.webhook is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
        self._poll_generation += 1
        generation = self._poll_generation
        await self.notify()
        if offset is not None:
            self.confirm(offset)
        deadline = time.monotonic() + max(wait_seconds, 0.0)
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT_POLLING)
            if self.webhook is not None:
                raise ApiError(409, CONFLICT_WEBHOOK)
            if self.pending:
                return list(self.pending[:limit])
            remaining = deadline - time.monotonic()
            if self.closed:
                return []
            if remaining <= 0:
                return []
            async with self.changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.changed.wait(), remaining)
