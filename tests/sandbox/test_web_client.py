"""The web client's API, as the page calls it: a person acts, the bot (real aiogram over HTTP)
receives exactly the updates Telegram would send, and its answers come back to the page."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

import aiohttp
import pytest
from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.web import Persona, WebClient, sample_png

from .conftest import make_bot

ALICE, MAX = 5_000_000_001, 5_000_000_002
GROUP = -1_001_234_567_890


@dataclass
class Page:
    emulator: BotAPIEmulator
    http: aiohttp.ClientSession
    bot: Bot
    moved: list[timedelta] = field(default_factory=list)
    """What fast-forwards the hook was handed."""


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    """An emulator with the web client, two personas and a group, and a bot polling it."""
    emulator = BotAPIEmulator(bot_username="available_now_bot")
    alice = emulator.user(ALICE, "Alice", username="alice")
    max_ = emulator.user(MAX, "Max")
    group = emulator.create_group(GROUP, "Models", bot_is_admin=True)
    group.add_member(alice)
    moved: list[timedelta] = []

    async def fast_forward(by: timedelta) -> None:
        moved.append(by)
        emulator.advance_time(by.total_seconds())

    client = WebClient(
        emulator,
        [Persona(alice, "model", "builds a profile"), Persona(max_, "stranger")],
        fast_forward=fast_forward,
    )
    emulator.extend_app(client.install)
    await emulator.start()
    bot = make_bot(emulator)
    try:
        async with aiohttp.ClientSession(base_url=emulator.base_url) as http:
            yield Page(emulator, http, bot, moved)
    finally:
        await bot.session.close()
        await emulator.stop()


async def test_the_page_and_the_world(
    page: Page,
) -> None:
    http = page.http
    async with http.get("/") as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        assert 'id="text"' in await response.text()
    async with http.get("/static/app.js") as response:
        assert response.status == 200
    async with http.get("/static/../server.py") as response:
        assert response.status == 404
    async with http.get("/api/world") as response:
        world = await response.json()
    assert [p["role"] for p in world["personas"]] == ["model", "stranger"]
    assert world["bot"]["username"] == "available_now_bot"
    async with http.get("/api/chats", params={"as": str(ALICE)}) as response:
        chats = (await response.json())["chats"]
    assert [(c["id"], c["kind"]) for c in chats] == [(ALICE, "bot"), (GROUP, "group")]
    async with http.get("/api/chats", params={"as": str(MAX)}) as response:
        assert [c["id"] for c in (await response.json())["chats"]] == [MAX]
    async with http.get("/api/chats", params={"as": "42"}) as response:
        assert response.status == 400
    async with http.get(f"/api/chats/{GROUP}/messages", params={"as": str(MAX)}) as response:
        assert response.status == 403


async def test_sending_pressing_and_reading(page: Page) -> None:
    http, bot = page.http, page.bot
    async with http.post("/api/send", json={"as": ALICE, "chat": ALICE, "text": "/start"}) as r:
        assert r.status == 200
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None
    assert update.message.text == "/start"
    assert update.message.from_user is not None
    assert update.message.from_user.id == ALICE

    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="Go", callback_data="go")],
            [InlineKeyboardButton(text="Site", url="https://example.com")],
        ]
    )
    sent = await bot.send_message(ALICE, "<b>Menu</b> &amp; more", reply_markup=keyboard)
    async with http.get(f"/api/chats/{ALICE}/messages", params={"as": str(ALICE)}) as response:
        messages = (await response.json())["messages"]
    mine, menu = messages
    assert (mine["outgoing"], menu["outgoing"]) == (True, False)
    assert menu["html"] == "<b>Menu</b> &amp; more"
    assert menu["buttons"] == [
        [{"text": "Go", "data": "go", "url": None}],
        [{"text": "Site", "data": None, "url": "https://example.com"}],
    ]

    async def answer_the_press() -> None:
        updates = await bot.get_updates(offset=update.update_id + 1, timeout=5)
        query = updates[0].callback_query
        assert query is not None
        assert query.data == "go"
        await bot.answer_callback_query(query.id, text="Done!", show_alert=True)

    answering = asyncio.create_task(answer_the_press())
    press = {"as": ALICE, "chat": ALICE, "message": sent.message_id, "data": "go"}
    async with http.post("/api/press", json=press) as response:
        assert await response.json() == {"answered": True, "text": "Done!", "show_alert": True}
    await answering
    forged = press | {"data": "admin"}
    async with http.post("/api/press", json=forged) as response:
        assert response.status == 400

    await bot.delete_message(ALICE, sent.message_id)
    async with http.get(f"/api/chats/{ALICE}/messages", params={"as": str(ALICE)}) as response:
        assert [m["id"] for m in (await response.json())["messages"]] == [mine["id"]]


async def test_media_from_disk_samples_and_stickers(
    page: Page,
) -> None:
    http = page.http
    picture = sample_png(7)

    async def send(kind: str, *files: bytes) -> list[int]:
        form = aiohttp.FormData()
        form.add_field("as", str(ALICE))
        form.add_field("chat", str(GROUP))
        form.add_field("kind", kind)
        for index, data in enumerate(files):
            form.add_field("file", data, filename=f"{index}.png", content_type="image/png")
        async with http.post("/api/send_media", data=form) as response:
            assert response.status == 200, await response.text()
            return list((await response.json())["ids"])

    assert len(await send("photo", picture)) == 1
    assert len(await send("album")) == 3
    assert len(await send("album", picture, picture)) == 2
    assert len(await send("sticker")) == 1
    async with http.get(f"/api/chats/{GROUP}/messages", params={"as": str(ALICE)}) as response:
        messages = (await response.json())["messages"]
    assert [m["kind"] for m in messages] == ["photo"] * 6 + ["sticker"]
    assert len({m["album"] for m in messages[1:4]}) == 1
    assert messages[6]["sticker"]
    async with http.get(messages[0]["media"][0]["url"]) as response:
        assert response.content_type == "image/png"
        assert await response.read() == picture
    assert not messages[0]["media"][0]["sample"]


async def test_deep_links_events_and_fast_forward(
    page: Page,
) -> None:
    emulator, http, moved = page.emulator, page.http, page.moved
    async with http.get("/api/events") as events:
        first = await events.content.readline()
        assert first == b"event: change\n"
        await events.content.readline()
        await events.content.readline()
        link = {"as": ALICE, "url": "https://t.me/available_now_bot?start=p_abc"}
        async with http.post("/api/open_link", json=link) as response:
            assert await response.json() == {"chat": ALICE}
        assert await asyncio.wait_for(events.content.readline(), 5) == b"event: change\n"
    assert emulator.known_user(ALICE).private_chat.visible_messages()[-1].text == "/start p_abc"
    elsewhere = {"as": ALICE, "url": "https://t.me/other_bot?start=x"}
    async with http.post("/api/open_link", json=elsewhere) as response:
        assert response.status == 400

    before = emulator.clock.now()
    async with http.post("/api/fast_forward", json={"minutes": 90}) as response:
        assert response.status == 200
    assert moved == [timedelta(minutes=90)]
    assert emulator.clock.now() - before >= 90 * 60
    async with http.post("/api/fast_forward", json={"minutes": -5}) as response:
        assert response.status == 400
