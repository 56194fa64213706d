"""The webhook's front door: only Telegram gets in, one update at a time is small, and a flood
of updates waits its turn instead of filling the memory.

aiogram's `SimpleRequestHandler` compares the secret with `secrets.compare_digest` on `str`,
which raises (a 500) for a header with non-ASCII characters, and starts a task per update
without limit. Here the secret is compared as bytes (anything that is not the secret is a
401), a body larger than `MAX_UPDATE_BYTES` is a 413 (aiohttp's `client_max_size`), a body
that is not JSON a 400, and at most `MAX_UPDATES_IN_FLIGHT` updates are handled at once: the
next request waits for a slot before it is answered, so Telegram, which opens at most
`WEBHOOK_MAX_CONNECTIONS` connections and retries what is not answered, slows down with us.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any, Final

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

logger = logging.getLogger(__name__)

MAX_UPDATE_BYTES: Final = 1024 * 1024
"""Telegram's updates are a few kilobytes; a megabyte leaves room for the longest."""

MAX_UPDATES_IN_FLIGHT: Final = 64
"""Updates handled at once, by webhook or by polling (aiogram's `tasks_concurrency_limit`)."""

WEBHOOK_MAX_CONNECTIONS: Final = 40
"""What `setWebhook` asks of Telegram (its default): parallel deliveries at most."""


class GuardedRequestHandler(SimpleRequestHandler):
    """`SimpleRequestHandler` with a byte-wise secret check and a bound on work in flight."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        *,
        secret_token: str | None,
        max_in_flight: int = MAX_UPDATES_IN_FLIGHT,
        **data: Any,
    ) -> None:
        super().__init__(
            dispatcher, bot, handle_in_background=True, secret_token=secret_token, **data
        )
        self._expected = secret_token.encode("ascii") if secret_token else None
        self._slots = asyncio.Semaphore(max_in_flight)

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        if self._expected is None:
            return True
        try:
            given = telegram_secret_token.encode("ascii")
        except UnicodeEncodeError:
            return False
        return hmac.compare_digest(given, self._expected)

    async def _handle_request_background(self, bot: Bot, request: web.Request) -> web.Response:
        try:
            update = await request.json(loads=bot.session.json_loads)
        except ValueError:
            return web.Response(status=400, text="Bad Request")
        if not isinstance(update, dict):
            return web.Response(status=400, text="Bad Request")
        await self._slots.acquire()
        task = asyncio.create_task(self._feed_and_release(bot, update))
        self._background_feed_update_tasks.add(task)
        task.add_done_callback(self._background_feed_update_tasks.discard)
        return web.json_response({}, dumps=bot.session.json_dumps)

    async def _feed_and_release(self, bot: Bot, update: dict[str, Any]) -> None:
        try:
            await self._background_feed_update(bot, update)
        finally:
            self._slots.release()


def webhook_application(
    dispatcher: Dispatcher,
    bot: Bot,
    *,
    path: str,
    secret_token: str | None,
    max_in_flight: int = MAX_UPDATES_IN_FLIGHT,
) -> web.Application:
    """The aiohttp application that serves the webhook at ``path``."""
    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    GuardedRequestHandler(
        dispatcher, bot, secret_token=secret_token, max_in_flight=max_in_flight
    ).register(app, path=path)
    setup_application(app, dispatcher, bot=bot)
    return app
