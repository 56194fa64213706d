"""The emulator as a Bot API server, driven by aiogram's real HTTP client."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    InputMediaVideo,
)

from telegram_sandbox import BotAPIEmulator

from .conftest import BOT_ID, TOKEN, make_bot

T = TypeVar("T")

PHOTO = BufferedInputFile(b"\xff\xd8\xff\xe0fake-jpeg" * 20, filename="p.jpg")


async def test_get_me_uses_the_token_id(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (BOT_ID, "available_now_bot", True)


async def test_raw_http_errors_and_json_bodies(emulator: BotAPIEmulator) -> None:
    alice = emulator.user(5_000_000_001, "Alice")
    await alice.send("/start")
    base = emulator.base_url
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/botnot-a-token/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with http.post(f"{base}/bot{TOKEN}/noSuchMethod") as response:
            assert response.status == 404
            assert (await response.json())["description"] == "Not Found"
        payload = {"chat_id": alice.id, "text": "<i>json</i>", "parse_mode": "HTML"}
        async with http.post(f"{base}/bot{TOKEN}/sendmessage", json=payload) as response:
            body = await response.json()
    assert body["ok"] is True
    assert body["result"]["entities"] == [{"type": "italic", "offset": 0, "length": 4}]
    assert alice.private_chat.last_bot_message() is not None


async def test_private_chat_rules(emulator: BotAPIEmulator, bot: Bot) -> None:
    alice = emulator.user(5_000_000_001, "Alice", username="alice")
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation with a user"):
        await bot.send_message(alice.id, "hi")
    await alice.send("/start")
    sent = await bot.send_message(alice.id, "<b>Main menu</b>")
    assert sent.chat.id == alice.id == 5_000_000_001
    assert alice.private_chat.last_bot_message() == emulator.message(alice.id, sent.message_id)
    await alice.block_bot()
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(alice.id, "still there?")
    with pytest.raises(TelegramBadRequest, match="Bad Request: chat not found"):
        await bot.send_message(42, "nobody")


async def test_html_errors_reach_aiogram_verbatim(emulator: BotAPIEmulator, bot: Bot) -> None:
    alice = emulator.user(5_000_000_001, "Alice")
    await alice.send("/start")
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(alice.id, "Hello <foo>there</foo>")
    assert caught.value.message == (
        'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 6'
    )
    with pytest.raises(TelegramBadRequest, match="Can't find end tag corresponding to start tag"):
        await bot.send_message(alice.id, "<b>unclosed")
    assert alice.private_chat.visible_messages()[-1].text == "/start"


async def test_text_limit_is_counted_after_parsing_in_utf16(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    emulator.limiter.enabled = False
    alice = emulator.user(5_000_000_001, "Alice")
    await alice.send("/start")
    ok = await bot.send_message(alice.id, "<b>" + "a" * 4096 + "</b>")
    assert ok.text is not None
    assert len(ok.text) == 4096
    await bot.send_message(alice.id, "&lt;" * 4096)
    await bot.send_message(alice.id, "😀" * 2048)
    for too_long in ("<b>" + "a" * 4097 + "</b>", "&lt;" * 4097, "😀" * 2048 + "a"):
        with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
            await bot.send_message(alice.id, too_long)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message text is empty"):
        await bot.send_message(alice.id, "  <b> </b> ")


async def test_caption_limit(emulator: BotAPIEmulator, bot: Bot) -> None:
    alice = emulator.user(5_000_000_001, "Alice")
    await alice.send("/start")
    sent = await bot.send_photo(alice.id, PHOTO, caption="<i>" + "c" * 1024 + "</i>")
    assert sent.photo is not None
    assert sent.caption is not None
    assert len(sent.caption) == 1024
    with pytest.raises(TelegramBadRequest, match="Bad Request: message caption is too long"):
        await bot.send_photo(alice.id, PHOTO, caption="c" * 1025)


async def test_albums_take_two_to_ten_items(emulator: BotAPIEmulator, bot: Bot) -> None:
    alice = emulator.user(5_000_000_001, "Alice")
    user_album = await alice.send_album(photos=3, videos=1)
    assert len({view.media_group_id for view in user_album}) == 1
    ids = [view.file_id or "" for view in user_album]
    assert all(ids)
    sent = await bot.send_media_group(
        alice.id, [InputMediaPhoto(media=ids[0], caption="first"), InputMediaVideo(media=ids[3])]
    )
    assert len(sent) == 2
    assert sent[0].media_group_id == sent[1].media_group_id
    assert sent[0].photo is not None
    assert sent[1].video is not None
    assert sent[0].photo[-1].file_unique_id == user_album[0].file_unique_id
    ten = await bot.send_media_group(alice.id, [InputMediaPhoto(media=ids[0])] * 10)
    assert len(ten) == 10
    with pytest.raises(TelegramBadRequest, match="too many messages to send as an album"):
        await bot.send_media_group(alice.id, [InputMediaPhoto(media=ids[0])] * 11)
    with pytest.raises(TelegramBadRequest, match="there are no messages to send"):
        await bot.send_media_group(alice.id, [])
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_media_group(
            alice.id, [InputMediaPhoto(media=ids[0], caption="x" * 1025)] * 2
        )
    with pytest.raises(TelegramBadRequest, match="wrong file identifier/HTTP URL specified"):
        await bot.send_media_group(alice.id, [InputMediaPhoto(media="AgACnope")] * 2)
    album_items = [v for v in alice.private_chat.visible_messages() if v.media_group_id]
    assert len(album_items) == 4 + 2 + 10


async def test_inline_keyboard_validation(emulator: BotAPIEmulator, bot: Bot) -> None:
    alice = emulator.user(5_000_000_001, "Alice")
    await alice.send("/start")

    def keyboard(
        *, callback_data: str | None = None, url: str | None = None
    ) -> InlineKeyboardMarkup:
        button = InlineKeyboardButton(text="B", callback_data=callback_data, url=url)
        return InlineKeyboardMarkup(inline_keyboard=[[button]])

    ok = await bot.send_message(alice.id, "menu", reply_markup=keyboard(callback_data="x" * 64))
    assert ok.reply_markup is not None
    with pytest.raises(TelegramBadRequest, match="Bad Request: BUTTON_DATA_INVALID"):
        await bot.send_message(alice.id, "menu", reply_markup=keyboard(callback_data="x" * 65))
    with pytest.raises(TelegramBadRequest, match="Bad Request: BUTTON_URL_INVALID"):
        await bot.send_message(alice.id, "menu", reply_markup=keyboard(url="not a url"))
    too_many = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=str(i), callback_data=str(i)) for i in range(row, row + 8)]
            for row in range(0, 104, 8)
        ]
    )
    with pytest.raises(TelegramBadRequest, match="reply markup is too long"):
        await bot.send_message(alice.id, "menu", reply_markup=too_many)
    assert len(alice.private_chat.bot_messages()) == 1


async def test_flooding_a_group_gets_retry_after(emulator: BotAPIEmulator, bot: Bot) -> None:
    group = emulator.create_group(chat_id=-1001234567890, title="Models")
    sent = 0
    caught: TelegramRetryAfter | None = None
    for _ in range(30):
        try:
            await bot.send_message(group.id, "spam")
        except TelegramRetryAfter as error:
            caught = error
            break
        sent += 1
    assert caught is not None
    assert 1 <= sent < 30
    assert caught.retry_after >= 1
    assert f"Too Many Requests: retry after {caught.retry_after}" in caught.message
    assert len(group.visible_messages()) == sent
    assert emulator.errors(429)
    emulator.advance_time(60)
    await bot.send_message(group.id, "after the pause")


async def test_rate_limits_can_be_switched_off() -> None:
    async with BotAPIEmulator(strict_rate_limits=False) as emu:
        group = emu.create_group(chat_id=-100777, title="Load")
        bot = make_bot(emu)
        try:
            await asyncio.gather(*(bot.send_message(group.id, f"m{i}") for i in range(60)))
        finally:
            await bot.session.close()
        assert len(group.visible_messages()) == 60
        assert not emu.errors()


async def test_fail_next_injects_errors(emulator: BotAPIEmulator, bot: Bot) -> None:
    alice = emulator.user(5_000_000_001, "Alice")
    await alice.send("/start")
    emulator.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(alice.id, "hi")
    assert caught.value.retry_after == 7
    await bot.send_message(alice.id, "hi again")
    emulator.fail_next("getMe", 400, "Bad Request: scripted", times=2)
    for _ in range(2):
        with pytest.raises(TelegramBadRequest, match="scripted"):
            await bot.get_me()
    assert (await bot.get_me()).id == BOT_ID
    assert [r.ok for r in emulator.calls("sendMessage")] == [False, True]


async def test_delete_rules_and_48_hour_window(emulator: BotAPIEmulator, bot: Bot) -> None:
    alice = emulator.user(5_000_000_001, "Alice")
    await alice.send("/start")
    first = await bot.send_message(alice.id, "one")
    second = await bot.send_message(alice.id, "two")
    assert await bot.delete_message(alice.id, first.message_id)
    assert [v.text for v in alice.private_chat.visible_messages()] == ["/start", "two"]
    with pytest.raises(TelegramBadRequest, match="Bad Request: message to delete not found"):
        await bot.delete_message(alice.id, first.message_id)
    emulator.advance_time(48 * 3600 + 1)
    with pytest.raises(TelegramBadRequest, match="message can't be deleted"):
        await bot.delete_message(alice.id, second.message_id)

    group = emulator.create_group(chat_id=-1001, title="Models", bot_is_admin=False)
    group.add_member(alice)
    theirs = await alice.send("hello", chat=group)
    with pytest.raises(TelegramBadRequest, match=r"Bad Request: message can't be deleted$"):
        await bot.delete_message(group.id, theirs.message_id)
    group.set_bot_rights(admin=True, can_delete_messages=True)
    assert await bot.delete_message(group.id, theirs.message_id)
    assert group.visible_messages() == []


async def test_delete_messages_batch_skips_missing(emulator: BotAPIEmulator, bot: Bot) -> None:
    alice = emulator.user(5_000_000_001, "Alice")
    await alice.send("/start")
    ids = [(await bot.send_message(alice.id, f"m{i}")).message_id for i in range(3)]
    assert await bot.delete_messages(alice.id, [*ids, 9999])
    assert [v.text for v in alice.private_chat.visible_messages()] == ["/start"]
    with pytest.raises(TelegramBadRequest):
        await bot.delete_messages(alice.id, list(range(1, 102)))


async def test_admin_deletes_the_bots_post(emulator: BotAPIEmulator, bot: Bot) -> None:
    group = emulator.create_group(chat_id=-1002, title="Models")
    post = await bot.send_message(group.id, "Alice is available now")
    emulator.delete_message_as_admin(group, post.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("edited", chat_id=group.id, message_id=post.message_id)


async def test_edits_change_what_the_chat_shows(emulator: BotAPIEmulator, bot: Bot) -> None:
    alice = emulator.user(5_000_000_001, "Alice")
    await alice.send("/start")
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Go", callback_data="go")]]
    )
    sent = await bot.send_message(alice.id, "Step 1", reply_markup=markup)
    with pytest.raises(TelegramBadRequest, match="message is not modified: specified new"):
        await bot.edit_message_text(
            "Step 1", chat_id=alice.id, message_id=sent.message_id, reply_markup=markup
        )
    await bot.edit_message_text(
        "<b>Step 2</b>", chat_id=alice.id, message_id=sent.message_id, reply_markup=markup
    )
    view = alice.private_chat.visible_messages()[-1]
    assert (view.text, view.html, view.edited, view.button_texts) == (
        "Step 2",
        "<b>Step 2</b>",
        True,
        ["Go"],
    )
    await bot.edit_message_reply_markup(chat_id=alice.id, message_id=sent.message_id)
    assert alice.private_chat.visible_messages()[-1].buttons == ()
    with pytest.raises(TelegramBadRequest, match="there is no caption in the message to edit"):
        await bot.edit_message_caption(chat_id=alice.id, message_id=sent.message_id, caption="c")
    photo = await bot.send_photo(alice.id, PHOTO, caption="old")
    await bot.edit_message_caption(chat_id=alice.id, message_id=photo.message_id, caption="new")
    clip = await alice.send_video()
    assert clip.file_id is not None
    edited = await bot.edit_message_media(
        InputMediaVideo(media=clip.file_id, caption="now a video"),
        chat_id=alice.id,
        message_id=photo.message_id,
    )
    assert not isinstance(edited, bool)
    assert edited.video is not None
    assert alice.private_chat.visible_messages()[-2].caption == "now a video"
    # Media can be added to a text message, as Telegram allows; the way back is refused.
    with_photo = await bot.edit_message_media(
        InputMediaPhoto(media=PHOTO, caption="a photo now"),
        chat_id=alice.id,
        message_id=sent.message_id,
    )
    assert not isinstance(with_photo, bool)
    assert (with_photo.text, with_photo.caption) == (None, "a photo now")
    assert with_photo.photo is not None
    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await bot.edit_message_text("text again", chat_id=alice.id, message_id=sent.message_id)


async def test_user_media_can_be_downloaded_and_resent(emulator: BotAPIEmulator, bot: Bot) -> None:
    alice = emulator.user(5_000_000_001, "Alice")
    await alice.send_photo(caption="me")
    await alice.send_document()
    await alice.send_sticker()
    await alice.send_voice()
    updates = await bot.get_updates(timeout=0)
    photo_message = updates[0].message
    assert photo_message is not None
    assert photo_message.photo is not None
    assert photo_message.caption == "me"
    largest = photo_message.photo[-1]
    file = await bot.get_file(largest.file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None
    assert downloaded.read()[:3] == b"\xff\xd8\xff"
    kinds = [
        next(k for k in ("photo", "document", "sticker", "voice") if getattr(u.message, k))
        for u in updates
    ]
    assert kinds == ["photo", "document", "sticker", "voice"]
    resent = await bot.send_photo(alice.id, largest.file_id)
    assert resent.photo is not None
    assert resent.photo[-1].file_unique_id == largest.file_unique_id
    with pytest.raises(TelegramBadRequest, match="wrong file identifier/HTTP URL specified"):
        await bot.send_photo(alice.id, "AgACAgIAAxkBAAI-unknown")
    document = updates[1].message
    assert document is not None
    assert document.document is not None
    with pytest.raises(TelegramBadRequest, match="can't use file of type Document as Photo"):
        await bot.send_photo(alice.id, document.document.file_id)


async def test_group_commands_and_privacy_mode(emulator: BotAPIEmulator, bot: Bot) -> None:
    """A bot that is no admin sees commands addressed to it, and bare ones only once it was
    the last bot to speak in the group; an admin sees everything."""
    group = emulator.create_group(chat_id=-1001234567890, title="Models")
    alice = emulator.user(5_000_000_001, "Alice", username="alice")
    group.add_member(alice)
    await alice.send("just chatting", chat=group)
    await alice.send("/available@available_now_bot", chat=group)
    await alice.send("/available@other_bot", chat=group)
    await alice.send("/available", chat=group)
    updates = await bot.get_updates(timeout=0)
    texts = [u.message.text for u in updates if u.message]
    assert texts == ["/available@available_now_bot"]
    first = updates[0].message
    assert first is not None
    assert first.entities is not None
    entity = first.entities[0]
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 28)
    assert first.chat.id == -1001234567890
    assert first.chat.type == "supergroup"
    assert len(group.visible_messages()) == 4

    offset = updates[-1].update_id + 1
    await bot.send_message(group.id, "Who is available? Ask me.")
    await alice.send("/available", chat=group)
    await alice.send("not for the bot", chat=group)
    updates = await bot.get_updates(offset=offset, timeout=0)
    assert [u.message.text for u in updates if u.message] == ["/available"]

    offset = updates[-1].update_id + 1
    group.set_bot_rights(admin=True)
    await alice.send("now the bot reads this", chat=group)
    updates = await bot.get_updates(offset=offset, timeout=0)
    assert [u.message.text for u in updates if u.message] == ["now the bot reads this"]


async def test_markdown_v2_is_parsed_as_telegram_parses_it(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    alice = emulator.user(5_000_000_001, "Alice")
    await alice.send("/start")
    sent = await bot.send_message(
        alice.id,
        r"*Sophie* is _available_ until __18:00__\! [Profile](https://t.me/x?start=p_1) "
        r"`code_with_*stars*` ||hidden|| ~gone~ a\_b",
        parse_mode="MarkdownV2",
    )
    assert sent.text == (
        "Sophie is available until 18:00! Profile code_with_*stars* hidden gone a_b"
    )
    assert sent.entities is not None
    found = [(e.type, e.offset, e.length) for e in sent.entities]
    assert found == [
        ("bold", 0, 6),
        ("italic", 10, 9),
        ("underline", 26, 5),
        ("text_link", 33, 7),
        ("code", 41, 17),
        ("spoiler", 59, 6),
        ("strikethrough", 66, 4),
    ]
    assert sent.entities[3].url == "https://t.me/x?start=p_1"
    view = emulator.message(alice.id, sent.message_id)
    assert view is not None
    assert view.html.startswith("<b>Sophie</b> is <i>available</i>")

    reserved = "Bad Request: can't parse entities: Character '.' is reserved"
    with pytest.raises(TelegramBadRequest, match=reserved):
        await bot.send_message(alice.id, "Until 18:00.", parse_mode="MarkdownV2")
    unclosed = "can't parse entities: Can't find end of Bold entity at byte offset 6"
    with pytest.raises(TelegramBadRequest, match=unclosed):
        await bot.send_message(alice.id, "Hello *world", parse_mode="MarkdownV2")
    with pytest.raises(TelegramBadRequest, match="Character '!' is reserved"):
        await bot.edit_message_text(
            "Edited!", chat_id=alice.id, message_id=sent.message_id, parse_mode="MarkdownV2"
        )
    legacy = await bot.send_message(alice.id, "*bold* and 1.5 _it_", parse_mode="Markdown")
    assert legacy.text == "bold and 1.5 it"
    assert legacy.entities is not None
    assert [(e.type, e.offset, e.length) for e in legacy.entities] == [
        ("bold", 0, 4),
        ("italic", 13, 2),
    ]


async def test_updates_offset_and_conflicting_pollers(emulator: BotAPIEmulator, bot: Bot) -> None:
    alice = emulator.user(5_000_000_001, "Alice")
    await alice.send("one")
    await alice.send("two")
    first = await bot.get_updates(limit=1)
    assert len(first) == 1
    rest = await bot.get_updates(offset=first[0].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["two"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == []

    other = make_bot(emulator)
    try:
        results = await asyncio.gather(
            bot.get_updates(timeout=2),
            _later(other.get_updates(timeout=0)),
            return_exceptions=True,
        )
    finally:
        await other.session.close()
    assert isinstance(results[0], TelegramConflictError)
    assert "terminated by other getUpdates request" in results[0].message
    assert results[1] == []


async def _later(coroutine: Awaitable[T]) -> T:
    await asyncio.sleep(0.2)
    return await coroutine


async def test_chats_members_and_commands(emulator: BotAPIEmulator, bot: Bot) -> None:
    group = emulator.create_group(chat_id=-1003, title="Models", bot_is_admin=True)
    owner = emulator.user(5_000_000_002, "Olga")
    alice = emulator.user(5_000_000_001, "Alice")
    group.add_member(owner, status="creator")
    group.add_member(alice)
    chat = await bot.get_chat(group.id)
    assert (chat.title, chat.type) == ("Models", "supergroup")
    member = await bot.get_chat_member(group.id, alice.id)
    assert member.status == "member"
    me = await bot.get_chat_member(group.id, BOT_ID)
    assert me.status == "administrator"
    assert getattr(me, "can_delete_messages", False)
    admins = await bot.get_chat_administrators(group.id)
    assert [a.user.id for a in admins] == [owner.id]
    stranger = emulator.user(5_000_000_003, "Sam")
    assert (await bot.get_chat_member(group.id, stranger.id)).status == "left"
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.get_chat(-100999)
    await bot.set_my_commands([BotCommand(command="available", description="I'm free now")])
    assert [c.command for c in await bot.get_my_commands()] == ["available"]
    assert emulator.commands() == [{"command": "available", "description": "I'm free now"}]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == []


async def test_opening_a_start_link_sends_its_payload(emulator: BotAPIEmulator, bot: Bot) -> None:
    alice = emulator.user(5_000_000_001, "Alice")
    await alice.open_link("https://t.me/available_now_bot?start=p_Abc-123_x")
    await alice.open_link("https://t.me/Available_Now_Bot?start=" + "a" * 65)  # dropped: too long
    await alice.open_link("https://t.me/available_now_bot?start=p%3Cb%3E")  # dropped: not allowed
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates if u.message] == [
        "/start p_Abc-123_x",
        "/start",
        "/start",
    ]
    with pytest.raises(AssertionError, match="does not lead to the bot"):
        await alice.open_link("https://t.me/other_bot?start=p_1")
    with pytest.raises(AssertionError, match=r"not a t\.me link"):
        await alice.open_link("https://example.com/available_now_bot?start=p_1")


async def test_a_long_poll_waiting_when_the_emulator_stops_is_answered_at_once(
    emulator: BotAPIEmulator, bot: Bot
) -> None:
    poll = asyncio.ensure_future(bot.get_updates(timeout=30))
    await emulator.wait_for_call("getUpdates")
    started = asyncio.get_running_loop().time()
    await emulator.stop()
    assert await asyncio.wait_for(poll, 5) == []
    assert asyncio.get_running_loop().time() - started < 0.4  # not the server's 0.5 s grace
    await emulator.start()  # started again, it waits for updates as before
    again = make_bot(emulator)
    try:
        later = asyncio.ensure_future(again.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        assert not later.done()
        await emulator.user(5_000_000_001, "Alice").send("hello")
        [update] = await asyncio.wait_for(later, 5)
    finally:
        await again.session.close()
    assert update.message is not None
    assert update.message.text == "hello"
