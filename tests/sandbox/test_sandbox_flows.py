"""User stories against a real aiogram Dispatcher, over long polling and over a webhook."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError, TelegramForbiddenError
from aiogram.filters import Command, CommandStart
from aiogram.methods import SendMessage
from aiogram.types import (
    CallbackQuery,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from telegram_sandbox import BotAPIEmulator

from .conftest import StartPolling

WEBHOOK_SECRET = "s3cret-Token_1"


def menu() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="Create profile", callback_data="profile:create")],
            [InlineKeyboardButton(text="Help", callback_data="help")],
            [InlineKeyboardButton(text="Website", url="https://example.com")],
        ]
    )


def build_dispatcher() -> Dispatcher:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("<b>Main menu</b>", reply_markup=menu())

    @router.message(Command("available"))
    async def available(message: Message) -> None:
        name = message.from_user.first_name if message.from_user else "Someone"
        await message.answer(f"{name} is available now")

    @router.message(F.photo)
    async def photo(message: Message) -> None:
        assert message.photo is not None
        await message.answer_photo(message.photo[-1].file_id, caption="Saved your photo")

    @router.callback_query(F.data == "profile:create")
    async def create_profile(query: CallbackQuery) -> None:
        await query.answer("Let's go")
        if isinstance(query.message, Message):
            await query.message.edit_text("Profile: step 1 of 3")

    @router.callback_query(F.data == "help")
    async def help_alert(query: CallbackQuery) -> None:
        await query.answer("Ask @support", show_alert=True)

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


async def test_story_over_long_polling(
    emulator: BotAPIEmulator, start_polling: StartPolling
) -> None:
    await start_polling(build_dispatcher())
    alice = emulator.user(user_id=5_000_000_001, first_name="Alice", username="alice")
    await alice.send("/start")
    msg = await alice.wait_for_message(lambda m: "Main menu" in m.text)
    assert msg.html == "<b>Main menu</b>"
    assert msg.button_texts == ["Create profile", "Help", "Website"]

    answer = await alice.press(msg, "Create profile")
    assert (answer.text, answer.show_alert) == ("Let's go", False)
    edited = await alice.wait_for_message(lambda m: m.text.startswith("Profile"))
    assert edited.message_id == msg.message_id
    assert edited.edited
    assert alice.private_chat.visible_messages()[-1].text == "Profile: step 1 of 3"
    assert edited.buttons == ()  # editing without reply_markup drops the keyboard

    await alice.send("/start")
    second_menu = await alice.wait_for_message(lambda m: "Main menu" in m.text)
    alert = await alice.press(second_menu, "help")
    assert (alert.text, alert.show_alert) == ("Ask @support", True)

    await alice.send_photo(caption="my best shot")
    echoed = await alice.wait_for_message(lambda m: m.kind == "photo")
    assert echoed.caption == "Saved your photo"
    user_photo = alice.private_chat.visible_messages()[-2]
    assert echoed.file_unique_id == user_photo.file_unique_id
    assert not emulator.errors()


async def test_group_command_reply(emulator: BotAPIEmulator, start_polling: StartPolling) -> None:
    await start_polling(build_dispatcher())
    group = emulator.create_group(chat_id=-1001234567890, title="Models", bot_is_admin=True)
    alice = emulator.user(user_id=5_000_000_001, first_name="Alice")
    group.add_member(alice)
    await alice.send("/available@available_now_bot", chat=group)
    post = await alice.wait_for_message(chat=group)
    assert post.text == "Alice is available now"
    assert [m.text for m in group.visible_messages()] == [
        "/available@available_now_bot",
        "Alice is available now",
    ]


async def test_unanswered_press_times_out_clearly(
    emulator: BotAPIEmulator, bot: Bot, start_polling: StartPolling
) -> None:
    await start_polling(Dispatcher())  # handles nothing, answers nothing
    alice = emulator.user(user_id=5_000_000_001, first_name="Alice")
    await alice.send("/start")
    await bot.send_message(alice.id, "menu", reply_markup=menu())
    msg = await alice.wait_for_message()
    with pytest.raises(AssertionError, match="did not answer the callback query"):
        await alice.press(msg, "Help", timeout=0.5)
    with pytest.raises(AssertionError, match="the chat shows"):
        await alice.wait_for_message(lambda m: "never" in m.text, timeout=0.2)


async def test_answering_a_query_twice_is_refused(emulator: BotAPIEmulator, bot: Bot) -> None:
    alice = emulator.user(user_id=5_000_000_001, first_name="Alice")
    await alice.send("/start")
    sent = await bot.send_message(alice.id, "menu", reply_markup=menu())
    view = emulator.message(alice.id, sent.message_id)
    assert view is not None
    query = await alice.press_nowait(view, "Create profile")
    updates = await bot.get_updates(offset=-1)
    callback = updates[0].callback_query
    assert callback is not None
    assert callback.data == "profile:create"
    assert callback.id == query.id
    assert callback.message is not None
    assert await bot.answer_callback_query(callback.id, text="ok")
    assert (await query.answer).text == "ok"
    with pytest.raises(TelegramBadRequest, match="query is too old and response timeout expired"):
        await bot.answer_callback_query(callback.id)


@contextlib.asynccontextmanager
async def webhook_server(bot: Bot, dispatcher: Dispatcher, secret: str) -> AsyncIterator[str]:
    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, secret_token=secret).register(app, path="/hook")
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        await runner.cleanup()


async def test_story_over_webhook(emulator: BotAPIEmulator, bot: Bot) -> None:
    alice = emulator.user(user_id=5_000_000_001, first_name="Alice")
    async with webhook_server(bot, build_dispatcher(), WEBHOOK_SECRET) as url:
        await bot.set_webhook(url, secret_token=WEBHOOK_SECRET)
        info = await bot.get_webhook_info()
        assert info.url == url
        with pytest.raises(TelegramConflictError, match="can't use getUpdates method while"):
            await bot.get_updates()

        await alice.send("/start")
        msg = await alice.wait_for_message(lambda m: "Main menu" in m.text)
        answer = await alice.press(msg, "Help")
        assert answer.show_alert
        assert all(200 <= status < 300 for _, status in emulator.webhook_deliveries)
        assert len(emulator.webhook_deliveries) == 2

        await bot.set_webhook(url, secret_token="wrong-secret")
        await alice.send("/start")
        rejected = await _wait_for_rejection(emulator)
        assert rejected == 401  # aiogram's handler refuses an unknown secret
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 1
        assert info.last_error_message == "Wrong response from the webhook: 401 Unauthorized"

        await bot.set_webhook(url, secret_token=WEBHOOK_SECRET)
        late = await alice.wait_for_message(lambda m: "Main menu" in m.text)
        assert late.message_id > msg.message_id
        assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""


async def _wait_for_rejection(emulator: BotAPIEmulator) -> int:
    chat = emulator.chat(5_000_000_001)

    def rejected(_: object) -> bool:
        return any(status >= 400 for _, status in emulator.webhook_deliveries)

    await chat.wait_until(rejected, timeout=3, what="a rejected webhook delivery")
    return next(status for _, status in emulator.webhook_deliveries if status >= 400)


async def test_webhook_reply_can_carry_a_method_call(emulator: BotAPIEmulator, bot: Bot) -> None:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> SendMessage:
        return message.answer("answered inside the webhook reply")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    alice = emulator.user(user_id=5_000_000_001, first_name="Alice")
    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, handle_in_background=False).register(app, path="/hook")
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await bot.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/hook")
        await alice.send("/start")
        reply = await alice.wait_for_message()
    finally:
        await bot.delete_webhook()
        await runner.cleanup()
    assert reply.text == "answered inside the webhook reply"
    (call,) = emulator.calls("sendMessage")
    assert call.from_webhook_reply


async def test_the_bots_own_membership_changes_arrive_as_telegram_sends_them(
    emulator: BotAPIEmulator, bot: Bot, start_polling: StartPolling
) -> None:
    """Added, promoted, narrowed, demoted, kicked, and its own leaving: `my_chat_member`
    updates with the old and new `ChatMember` in full, and `getChatMember` agreeing."""
    seen: asyncio.Queue[ChatMemberUpdated] = asyncio.Queue()
    dispatcher = Dispatcher()

    @dispatcher.my_chat_member()
    async def on_change(event: ChatMemberUpdated) -> None:
        await seen.put(event)

    owner = emulator.user(user_id=6_000_000_001, first_name="Olivia")
    group = emulator.create_group(-1_002_000_000_001, "Models", bot_is_member=False)
    group.add_member(owner, status="creator")
    await start_polling(dispatcher)

    async def next_change() -> ChatMemberUpdated:
        return await asyncio.wait_for(seen.get(), 5)

    await group.add_bot(by=owner)
    added = await next_change()
    assert isinstance(added.old_chat_member, ChatMemberLeft)
    assert isinstance(added.new_chat_member, ChatMemberMember)
    assert added.from_user.id == owner.id
    assert added.chat.id == group.id
    assert [m.text for m in group.visible_messages()] == [""]  # the service message

    await group.promote_bot(by=owner)
    promoted = await next_change()
    assert isinstance(promoted.new_chat_member, ChatMemberAdministrator)
    assert promoted.new_chat_member.can_delete_messages
    me = await bot.get_chat_member(group.id, bot.id)
    assert isinstance(me, ChatMemberAdministrator)
    assert me.can_delete_messages

    await group.promote_bot(by=owner, can_delete_messages=False)
    narrowed = await next_change()
    assert isinstance(narrowed.old_chat_member, ChatMemberAdministrator)
    assert narrowed.old_chat_member.can_delete_messages
    assert isinstance(narrowed.new_chat_member, ChatMemberAdministrator)
    assert not narrowed.new_chat_member.can_delete_messages

    await group.demote_bot(by=owner)
    assert isinstance((await next_change()).new_chat_member, ChatMemberMember)

    assert await bot.leave_chat(group.id)
    left = await next_change()
    assert isinstance(left.new_chat_member, ChatMemberLeft)
    assert left.from_user.id == bot.id
    assert group.bot_status == "left"
    assert [call.params["chat_id"] for call in emulator.calls("leaveChat")] == [str(group.id)]

    await group.add_bot(by=owner, admin=True)
    assert isinstance((await next_change()).new_chat_member, ChatMemberAdministrator)
    await group.kick_bot(by=owner)
    kicked = await next_change()
    assert isinstance(kicked.new_chat_member, ChatMemberBanned)
    with pytest.raises(TelegramForbiddenError, match="kicked"):
        await bot.get_chat(group.id)
