"""Knows which updates are being handled, so that shutdown lets them finish, for a moment.

A handler may be waiting on something slow (its turn to post in a busy group, a long flood
pause); stopping must not wait for it indefinitely. `drain` gives the handlers in hand a grace
period, then cancels the rest: what they had not committed is rolled back, and the person can
simply try again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from available_now.bot.middlewares import Handler

logger = logging.getLogger(__name__)


class InFlightUpdates(BaseMiddleware):
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def count(self) -> int:
        return len(self._tasks)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        task = asyncio.current_task()
        if task is None:
            return await handler(event, data)
        self._tasks.add(task)
        try:
            return await handler(event, data)
        finally:
            self._tasks.discard(task)

    async def drain(self, grace: float) -> None:
        """Wait up to `grace` seconds for the updates in hand, then cancel what is left."""
        pending = self._tasks - {asyncio.current_task()}
        if not pending:
            return
        _, unfinished = await asyncio.wait(pending, timeout=grace)
        if not unfinished:
            return
        logger.warning("cancelling %d update(s) still in hand after %s s", len(unfinished), grace)
        for task in unfinished:
            task.cancel()
        await asyncio.wait(unfinished, timeout=1)
