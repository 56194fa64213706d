"""One receipt per album, soon after its items, kept current when a straggler arrives.

A real aiogram bot talks to the emulator over HTTP; the receipts are recorded as the wizard's
media handler records them, in memory and through Redis (two instances sharing one album).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Iterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.utils.i18n import I18n

from available_now.bot import shared
from available_now.bot.albums import MediaReceipts, SharedMediaReceipts
from available_now.bot.i18n import LOCALES_DIR
from available_now.domain.profiles import MediaType
from available_now.services.profiles import MediaOutcome, MediaResult
from telegram_sandbox import BotAPIEmulator

MODEL = 5_000_000_042
LIMITS = (10, 4)
QUIET = 0.25
"""The bot's own quiet (`ALBUM_QUIET_SECONDS`): items recorded one after another, even on a
busy machine, fall within it; the waits below are longer."""


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    token = I18n.set_current(I18n(path=LOCALES_DIR, default_locale="en"))
    try:
        yield
    finally:
        I18n.reset_current(token)


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    bot_id = secrets.randbelow(10**9) + 10**9
    async with BotAPIEmulator(token=f"{bot_id}:AAE_albums") as running:
        await running.user(MODEL, "Sophie").send("/start")
        yield running


@pytest.fixture
async def bot(emulator: BotAPIEmulator) -> AsyncIterator[Bot]:
    assert emulator.token is not None
    session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
    client = Bot(emulator.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    try:
        yield client
    finally:
        await client.session.close()


@pytest.fixture(params=["memory", "redis"])
async def receipts(request: pytest.FixtureRequest, bot: Bot) -> AsyncIterator[MediaReceipts]:
    """The receipts of one instance, in memory or tallied in Redis."""
    if request.param == "memory":
        kept = MediaReceipts(delay=QUIET)
        yield kept
        await kept.close()
        return
    redis = shared.connect(request.getfixturevalue("redis_url"))
    kept = SharedMediaReceipts(redis, bot_id=bot.id, delay=QUIET)
    try:
        yield kept
    finally:
        await kept.close()
        await redis.aclose()


async def item(receipts: MediaReceipts, bot: Bot, photos: int, *, album: str = "a1") -> None:
    await receipts.record(
        bot,
        chat_id=MODEL,
        group_key=album,
        media_type=MediaType.IMAGE,
        result=MediaResult(MediaOutcome.ADDED, photos, 0),
        limits=LIMITS,
    )


def receipts_shown(emulator: BotAPIEmulator) -> list[str]:
    shown = emulator.chat(MODEL).visible_messages()
    return [m.text for m in shown if m.from_bot and m.text.startswith("Saved ✅")]


async def settled(receipts: MediaReceipts) -> None:
    """Every scheduled answer has gone out."""
    await asyncio.sleep(QUIET * 2)
    while receipts._tasks:
        await asyncio.gather(*receipts._tasks)


async def test_an_album_gets_one_receipt_with_every_item_counted(
    emulator: BotAPIEmulator, bot: Bot, receipts: MediaReceipts
) -> None:
    for photos in (1, 2, 3):
        await item(receipts, bot, photos)
    await settled(receipts)

    assert receipts_shown(emulator) == [
        "Saved ✅ 🖼 Photos 3/10 · 🎬 Videos 0/4\nSend more, or tap Done."
    ]
    assert len([call for call in emulator.calls("sendMessage") if call.ok]) == 1
    assert not emulator.calls("editMessageText")


async def test_a_straggler_updates_the_receipt_instead_of_adding_one(
    emulator: BotAPIEmulator, bot: Bot, receipts: MediaReceipts
) -> None:
    await item(receipts, bot, 1)
    await item(receipts, bot, 2)
    await settled(receipts)
    assert len(receipts_shown(emulator)) == 1

    await item(receipts, bot, 3)  # long after the quiet: a busy bot stored it late
    await settled(receipts)

    shown = receipts_shown(emulator)
    assert len(shown) == 1, shown
    assert "Photos 3/10" in shown[0]
    assert len([call for call in emulator.calls("editMessageText") if call.ok]) == 1


async def test_a_new_album_gets_its_own_receipt(
    emulator: BotAPIEmulator, bot: Bot, receipts: MediaReceipts
) -> None:
    await item(receipts, bot, 1, album="first")
    await item(receipts, bot, 2, album="first")
    await settled(receipts)
    await item(receipts, bot, 3, album="second")
    await item(receipts, bot, 4, album="second")
    await settled(receipts)

    shown = receipts_shown(emulator)
    assert [("Photos 2/10" in text, "Photos 4/10" in text) for text in shown] == [
        (True, False),
        (False, True),
    ]


async def test_two_instances_answer_an_album_split_between_them_once(
    emulator: BotAPIEmulator, bot: Bot, redis_url: str
) -> None:
    redis = shared.connect(redis_url)
    first = SharedMediaReceipts(redis, bot_id=bot.id, delay=QUIET)
    second = SharedMediaReceipts(redis, bot_id=bot.id, delay=QUIET)
    try:
        await item(first, bot, 1)
        await item(second, bot, 2)
        await item(first, bot, 3)
        await settled(first)
        await settled(second)
        await item(second, bot, 4)  # a straggler, on the other instance
        await settled(second)
    finally:
        await first.close()
        await second.close()
        await redis.aclose()

    shown = receipts_shown(emulator)
    assert len(shown) == 1, shown
    assert "Photos 4/10" in shown[0]
