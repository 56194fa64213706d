"""Telegram's answers read with the types' own validators read exactly as aiogram reads them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import ClientDecodeError, TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import (
    DeleteMessage,
    EditMessageText,
    GetChatMember,
    GetUpdates,
    SendMediaGroup,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import InputMediaPhoto, Message, Update

from available_now.bot.answers import result_reader
from available_now.bot.session import BotSession

CHAT = {"id": 5_000_000_001, "type": "private", "first_name": "Sophie"}
BOT_USER = {"id": 42, "is_bot": True, "first_name": "Available Now", "username": "available_bot"}
MESSAGE = {
    "message_id": 7,
    "date": 1_764_000_000,
    "chat": CHAT,
    "from": BOT_USER,
    "text": "Saved ✅ Photos 2/10",
    "entities": [{"type": "bold", "offset": 0, "length": 5}],
    "reply_markup": {"inline_keyboard": [[{"text": "Done", "callback_data": "wz:done"}]]},
}
UPDATE = {
    "update_id": 100_000_001,
    "callback_query": {
        "id": "q1",
        "from": {"id": 5_000_000_001, "is_bot": False, "first_name": "Sophie"},
        "chat_instance": "c1",
        "message": MESSAGE,
        "data": "wz:done",
    },
}


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    session = BotSession()
    bot = Bot("42:AAE_answers-token", session=session)
    try:
        yield bot
    finally:
        await session.close()


def _read(bot: Bot, method: TelegramMethod[Any], answer: object, status: int = 200) -> Any:
    return bot.session.check_response(bot, method, status, json.dumps(answer)).result


def _aiograms(bot: Bot, method: TelegramMethod[Any], answer: object) -> Any:
    return AiohttpSession.check_response(bot.session, bot, method, 200, json.dumps(answer)).result


SEND = SendMessage(chat_id=CHAT["id"], text="hi")
ALBUM = SendMediaGroup(
    chat_id=CHAT["id"],
    media=[InputMediaPhoto(media="photo-1"), InputMediaPhoto(media="photo-2")],
)
EDIT = EditMessageText(text="edited", chat_id=CHAT["id"], message_id=7)


@pytest.mark.parametrize(
    ("method", "result"),
    [
        (SEND, MESSAGE),
        (ALBUM, [MESSAGE, {**MESSAGE, "message_id": 8}]),
        (EDIT, MESSAGE),
        (EDIT, True),
        (GetUpdates(), [UPDATE, {**UPDATE, "update_id": 100_000_002}]),
    ],
)
def test_an_answer_reads_as_aiogram_reads_it(
    bot: Bot, method: TelegramMethod[Any], result: object
) -> None:
    answer = {"ok": True, "result": result}
    ours, theirs = _read(bot, method, answer), _aiograms(bot, method, answer)
    assert type(ours) is type(theirs)
    if isinstance(ours, list):
        assert [item.model_dump() for item in ours] == [item.model_dump() for item in theirs]
    elif isinstance(ours, bool):
        assert ours is theirs is True
    else:
        assert ours.model_dump() == theirs.model_dump()


def test_what_it_reads_is_bound_to_the_bot_as_aiogram_binds_it(bot: Bot) -> None:
    message = _read(bot, SEND, {"ok": True, "result": MESSAGE})
    assert isinstance(message, Message)
    assert message.bot is bot
    assert message.chat.bot is bot  # nested types too: `message.answer()` works
    [update] = _read(bot, GetUpdates(), {"ok": True, "result": [UPDATE]})
    assert isinstance(update, Update)
    assert update.callback_query is not None
    assert update.callback_query.message is not None
    assert update.callback_query.message.bot is bot


def test_telegrams_refusals_raise_what_aiogram_raises(bot: Bot) -> None:
    refused = {"ok": False, "error_code": 400, "description": "Bad Request: message not found"}
    with pytest.raises(TelegramBadRequest, match="message not found"):
        _read(bot, EDIT, refused, status=400)
    flood = {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    with pytest.raises(TelegramRetryAfter) as raised:
        _read(bot, SEND, flood, status=429)
    assert raised.value.retry_after == 3


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        json.dumps({"ok": True, "result": "not a message"}),
        json.dumps({"ok": True, "result": {"message_id": "seven"}}),
        json.dumps({"ok": True, "result": [MESSAGE, 5]}),
        json.dumps(["ok"]),
    ],
)
def test_an_answer_that_does_not_read_is_aiograms_decode_error(bot: Bot, content: str) -> None:
    method = ALBUM if content.startswith('{"ok": true, "result": [') else SEND
    with pytest.raises(ClientDecodeError):
        bot.session.check_response(bot, method, 200, content)


def test_answers_of_other_types_are_left_to_aiogram(bot: Bot) -> None:
    assert result_reader(DeleteMessage.__returning__) is None  # a bool
    assert result_reader(GetChatMember.__returning__) is None  # a union of six member types
    deleted = _read(
        bot, DeleteMessage(chat_id=CHAT["id"], message_id=7), {"ok": True, "result": True}
    )
    assert deleted is True
