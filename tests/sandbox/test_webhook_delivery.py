"""Webhooks to several instances: parallel delivery, one chat in order, a round-robin balancer.

Real HTTP throughout: small aiohttp servers stand in for the bot's instances and record what
reaches them; the emulator delivers to them directly or through `RoundRobinBalancer`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot
from aiohttp import web

from available_now.launcher import free_port
from telegram_sandbox import BotAPIEmulator, RoundRobinBalancer

from .conftest import make_bot

SECRET = "delivery-Secret_1"
PATH = "/telegram/webhook"


@dataclass
class Instance:
    """A webhook server that holds each request until released, and notes what it saw."""

    port: int = field(default_factory=free_port)
    held: int = 0
    peak: int = 0
    seen: list[tuple[int, str, str]] = field(default_factory=list)
    """(chat id, text, secret header) in order of arrival."""
    release: asyncio.Event = field(default_factory=asyncio.Event)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def handle(self, request: web.Request) -> web.Response:
        update: dict[str, Any] = await request.json()
        message = update["message"]
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        self.seen.append((message["chat"]["id"], message["text"], secret))
        self.held += 1
        self.peak = max(self.peak, self.held)
        async with self.changed:
            self.changed.notify_all()
        await self.release.wait()
        self.held -= 1
        return web.json_response({})

    async def until(self, count: int) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: len(self.seen) >= count), 5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
async def instances() -> AsyncIterator[list[Instance]]:
    servers = [Instance(), Instance()]
    runners = []
    for server in servers:
        app = web.Application()
        app.router.add_post(PATH, server.handle)
        runner = web.AppRunner(app, shutdown_timeout=0.5)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", server.port).start()
        runners.append(runner)
    try:
        yield servers
    finally:
        for server in servers:
            server.release.set()
        for runner in runners:
            await runner.cleanup()


@pytest.fixture
async def parallel_emulator() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator(webhook_connections=4) as emulator:
        yield emulator


@pytest.fixture
async def parallel_bot(parallel_emulator: BotAPIEmulator) -> AsyncIterator[Bot]:
    bot = make_bot(parallel_emulator)
    try:
        yield bot
    finally:
        await bot.session.close()


async def test_several_connections_at_once_but_one_chat_in_order(
    parallel_emulator: BotAPIEmulator, parallel_bot: Bot, instances: list[Instance]
) -> None:
    target = instances[0]
    await parallel_bot.set_webhook(target.url + PATH, max_connections=3)
    users = [parallel_emulator.user(1000 + n, f"User {n}") for n in range(5)]
    for user in users:
        await user.send("first")
    await users[0].send("second")
    # Three requests open at once: the webhook's max_connections, below the emulator's four.
    await target.until(3)
    assert target.held == 3
    target.release.set()
    await target.until(6)
    assert target.peak == 3
    first_user = [text for chat, text, _ in target.seen if chat == users[0].id]
    assert first_user == ["first", "second"]


async def test_the_balancer_takes_turns_and_forwards_the_secret(
    emulator: BotAPIEmulator, bot: Bot, instances: list[Instance]
) -> None:
    for server in instances:
        server.release.set()
    async with RoundRobinBalancer([server.url for server in instances], path=PATH) as balancer:
        await bot.set_webhook(balancer.url, secret_token=SECRET)
        user = emulator.user(2000, "Alice")
        for n in range(4):
            await user.send(f"hello {n}")
        await instances[1].until(2)
        await instances[0].until(2)
        assert [text for _, text, _ in instances[0].seen] == ["hello 0", "hello 2"]
        assert [text for _, text, _ in instances[1].seen] == ["hello 1", "hello 3"]
        assert {secret for server in instances for _, _, secret in server.seen} == {SECRET}
        assert balancer.forwarded == {instances[0].url: 2, instances[1].url: 2}


async def test_an_instance_that_is_down_answers_502_and_the_update_comes_again(
    emulator: BotAPIEmulator, bot: Bot, instances: list[Instance]
) -> None:
    up = instances[0]
    up.release.set()
    down = f"http://127.0.0.1:{free_port()}"
    async with RoundRobinBalancer([down, up.url], path=PATH) as balancer:
        await bot.set_webhook(balancer.url)
        await emulator.user(3000, "Bea").send("hi")
        await up.until(1)
    statuses = [status for _, status in emulator.webhook_deliveries]
    assert statuses == [502, 200]
    assert [text for _, text, _ in up.seen] == ["hi"]
