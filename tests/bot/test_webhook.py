"""The webhook server over real HTTP: only the right secret gets in, updates are small, and a
flood waits its turn."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Message
from aiohttp import web

from available_now.bot.webhook import MAX_UPDATE_BYTES, webhook_application
from available_now.launcher import free_port
from tests.e2e.harness import TOKEN

SECRET = "webhook-Secret_123"
PATH = "/telegram/webhook"


@dataclass
class Handled:
    """What the dispatcher's one handler saw: how many at once, and which updates."""

    release: asyncio.Event = field(default_factory=asyncio.Event)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    running: int = 0
    peak: int = 0
    texts: list[str] = field(default_factory=list)

    async def seen(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def until(self, predicate: Callable[[], bool]) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(predicate), 10)


def _update(update_id: int, text: str = "hello") -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": 5, "type": "private", "first_name": "Alice"},
            "from": {"id": 5, "is_bot": False, "first_name": "Alice"},
            "text": text,
        },
    }


@dataclass
class Server:
    url: str
    handled: Handled
    port: int


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    handled = Handled()
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def on_message(message: Message) -> None:
        handled.running += 1
        handled.peak = max(handled.peak, handled.running)
        await handled.seen()
        try:
            await handled.release.wait()
            handled.texts.append(message.text or "")
        finally:
            handled.running -= 1
            await handled.seen()

    bot = Bot(TOKEN)
    app = webhook_application(dispatcher, bot, path=PATH, secret_token=SECRET, max_in_flight=5)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield Server(f"http://127.0.0.1:{port}{PATH}", handled, port)
    finally:
        handled.release.set()
        await runner.cleanup()


async def raw_post(port: int, secret: bytes, body: bytes, path: str = PATH) -> int:
    """A POST written byte by byte, so the header can hold what no HTTP client would send."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            b"POST " + path.encode() + b" HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\n"
            b"X-Telegram-Bot-Api-Secret-Token: " + secret + b"\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body
        )
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 10)
    finally:
        writer.close()
    return int(status_line.split()[1])


async def test_anything_but_the_secret_is_401_never_500(server: Server) -> None:
    body = json.dumps(_update(1)).encode()
    async with aiohttp.ClientSession() as http:
        for headers in (
            {},
            {"X-Telegram-Bot-Api-Secret-Token": "wrong"},
            {"X-Telegram-Bot-Api-Secret-Token": SECRET + "x"},
        ):
            async with http.post(server.url, data=body, headers=headers) as response:
                assert response.status == 401
    for secret in (
        "sécret-ünicode".encode(),
        "webhook-Secret_12\u00e9".encode("latin-1"),
        b"\xff\xfe",
    ):
        assert await raw_post(server.port, secret, body) == 401
    assert await raw_post(server.port, SECRET.encode(), body) == 200
    server.handled.release.set()
    await server.handled.until(lambda: server.handled.texts == ["hello"])


async def test_an_oversized_or_malformed_body_is_refused(server: Server) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    huge = json.dumps(_update(1, "x" * MAX_UPDATE_BYTES)).encode()
    async with aiohttp.ClientSession() as http:
        async with http.post(server.url, data=io.BytesIO(huge), headers=headers) as response:
            assert response.status == 413
        async with http.post(server.url, data=b"{not json", headers=headers) as response:
            assert response.status == 400
        async with http.post(server.url, data=b"[1, 2]", headers=headers) as response:
            assert response.status == 400
    assert server.handled.texts == []


async def test_a_flood_waits_for_free_slots_and_loses_nothing(server: Server) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as http:

        async def post(update_id: int) -> int:
            async with http.post(
                server.url, json=_update(update_id, f"update {update_id}"), headers=headers
            ) as response:
                return response.status

        posts = [asyncio.create_task(post(n)) for n in range(1, 31)]
        await server.handled.until(lambda: server.handled.running == 5)
        await asyncio.sleep(0.3)
        # Five updates are being handled; the other requests wait for a slot, unanswered.
        assert server.handled.running == 5
        assert sum(task.done() for task in posts) == 5
        server.handled.release.set()
        statuses = await asyncio.wait_for(asyncio.gather(*posts), 10)
    assert statuses == [200] * 30
    await server.handled.until(lambda: len(server.handled.texts) == 30)
    assert server.handled.peak == 5
    assert sorted(server.handled.texts) == sorted(f"update {n}" for n in range(1, 31))
