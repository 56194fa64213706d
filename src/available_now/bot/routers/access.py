"""Access requests and the owners' decisions: buttons, /approve, /revoke and /pending."""

from __future__ import annotations

import logging
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot import keyboards, texts
from available_now.bot.callbacks import AccessAction, AccessCallback, MenuAction, MenuCallback
from available_now.bot.filters import PRIVATE
from available_now.domain.users import UserAccount
from available_now.services.access import (
    AccessService,
    Decision,
    DecisionResult,
    RequestOutcome,
    UnknownUserError,
)

logger = logging.getLogger(__name__)


async def notify(
    bot: Bot, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> bool:
    """Send, tolerating users who blocked the bot or never started it."""
    try:
        await bot.send_message(chat_id, text, reply_markup=reply_markup)
    except TelegramAPIError as error:
        logger.warning("could not message %s: %s", chat_id, error)
        return False
    return True


async def on_request_access(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    bot: Bot,
    user: UserAccount,
    access: AccessService,
) -> None:
    outcome = await access.request(user.id)
    if outcome is RequestOutcome.ALREADY_APPROVED:
        await bot.send_message(
            user.id, texts.ACCESS_ALREADY_APPROVED, reply_markup=keyboards.main_menu()
        )
        return
    if outcome is RequestOutcome.ALREADY_PENDING:
        callback_answer.text, callback_answer.show_alert = texts.ACCESS_ALREADY_PENDING, True
        return
    delivered = [
        await notify(
            bot,
            owner_id,
            texts.access_request_for_owner(user),
            keyboards.access_decision(user.id),
        )
        for owner_id in sorted(access.owner_ids)
    ]
    await bot.send_message(user.id, texts.ACCESS_REQUESTED if any(delivered) else texts.NO_OWNERS)


async def on_access_button(
    query: CallbackQuery,
    callback_data: AccessCallback,
    callback_answer: CallbackAnswer,
    bot: Bot,
    user: UserAccount,
    access: AccessService,
) -> None:
    if not access.is_owner(user.id):
        callback_answer.text, callback_answer.show_alert = texts.OWNERS_ONLY, True
        return
    try:
        if callback_data.action is AccessAction.APPROVE:
            result = await access.approve(user.id, callback_data.user_id)
        else:
            result = await access.reject(user.id, callback_data.user_id)
    except UnknownUserError:
        callback_answer.text = texts.UNKNOWN_USER.format(target=callback_data.user_id)
        return
    verdict = (
        result.decision.value if result.decision is not Decision.UNCHANGED else ("already decided")
    )
    if query.message is not None and not isinstance(query.message, InaccessibleMessage):
        await query.message.edit_text(texts.decided(result.user, verdict, user))
    await _tell_user(bot, result)


async def _tell_user(bot: Bot, result: DecisionResult) -> None:
    messages = {
        Decision.APPROVED: (texts.ACCESS_APPROVED, keyboards.main_menu()),
        Decision.REJECTED: (texts.ACCESS_REJECTED, None),
        Decision.REVOKED: (texts.ACCESS_REVOKED, None),
    }
    if result.decision in messages:
        text, markup = messages[result.decision]
        await notify(bot, result.user.id, text, markup)


async def on_owner_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    user: UserAccount,
    access: AccessService,
) -> None:
    if not access.is_owner(user.id):
        await message.answer(texts.OWNERS_ONLY)
        return
    if command.command == "pending":
        await message.answer(texts.pending_list(await access.pending()))
        return
    if not command.args:
        await message.answer(texts.COMMAND_USAGE.format(command=command.command))
        return
    try:
        target = await access.resolve(command.args)
    except UnknownUserError:
        await message.answer(texts.UNKNOWN_USER.format(target=_escape(command.args.strip())))
        return
    decide = {"approve": access.approve, "reject": access.reject, "revoke": access.revoke}
    result = await decide[command.command](user.id, target.id)
    verdict = result.decision.value if result.decision is not Decision.UNCHANGED else "unchanged"
    await message.answer(texts.decided(result.user, verdict, user))
    await _tell_user(bot, result)


def _escape(value: str) -> str:
    return escape(value[:64])


def build_router() -> Router:
    router = Router(name="access")
    router.callback_query.register(
        on_request_access, MenuCallback.filter(F.action == MenuAction.REQUEST_ACCESS)
    )
    router.callback_query.register(on_access_button, AccessCallback.filter())
    router.message.register(
        on_owner_command, Command("approve", "reject", "revoke", "pending"), PRIVATE
    )
    return router
