"""Access requests and the owners' decisions: buttons, /approve, /revoke and /pending."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InaccessibleMessage, Message
from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot import alerts, keyboards, texts
from available_now.bot.callbacks import AccessAction, AccessCallback, MenuAction, MenuCallback
from available_now.bot.commands import CommandMenus
from available_now.bot.filters import PRIVATE
from available_now.bot.i18n import Languages
from available_now.bot.middlewares.owners import OwnersOnlyMiddleware
from available_now.bot.sending import notify
from available_now.config import Settings
from available_now.domain.users import UserAccount
from available_now.services.access import (
    AccessService,
    AmbiguousUserError,
    Decision,
    DecisionResult,
    RequestOutcome,
    UnknownUserError,
)
from available_now.services.users import UserService

logger = logging.getLogger(__name__)


async def on_request_access(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    bot: Bot,
    user: UserAccount,
    access: AccessService,
    languages: Languages,
    users: UserService,
    settings: Settings,
) -> None:
    request = await access.request(user.id)
    outcome = request.outcome
    if outcome is RequestOutcome.BANNED:
        alerts.show(callback_answer, alerts.BANNED())
        return
    if outcome is RequestOutcome.TOO_SOON:
        assert request.retry_at is not None
        when = request.retry_at.astimezone(settings.timezone).strftime("%Y-%m-%d %H:%M %Z")
        alerts.show(callback_answer, alerts.ACCESS_REQUEST_TOO_SOON(when=when))
        return
    if outcome is RequestOutcome.ALREADY_APPROVED:
        await bot.send_message(
            user.id, texts.ACCESS_ALREADY_APPROVED(), reply_markup=keyboards.main_menu()
        )
        return
    if outcome is RequestOutcome.ALREADY_PENDING:
        alerts.show(callback_answer, alerts.ACCESS_ALREADY_PENDING())
        return
    if outcome is RequestOutcome.OWNER:
        alerts.show(callback_answer, alerts.OWNER_NEEDS_NO_REQUEST())
        return
    owners = await users.accounts(access.owner_ids)
    delivered = []
    for owner_id in sorted(access.owner_ids):
        with languages.speaking_to(owners.get(owner_id)):
            delivered.append(
                await notify(
                    bot,
                    owner_id,
                    texts.access_request_for_owner(user),
                    keyboards.access_decision(user.id),
                )
            )
    # The request is stored either way: an owner who could not be messaged (she never opened
    # the bot) finds it in her owner panel when she does.
    if any(delivered):
        answer = texts.ACCESS_REQUESTED()
    elif access.owner_ids:
        logger.warning(
            "no owner could be told of an access request: each owner must open a chat with "
            "the bot once"
        )
        answer = texts.ACCESS_OWNERS_ASKED()
    else:
        answer = texts.NO_OWNERS()
    await bot.send_message(user.id, answer)


async def on_access_button(
    query: CallbackQuery,
    callback_data: AccessCallback,
    callback_answer: CallbackAnswer,
    bot: Bot,
    user: UserAccount,
    access: AccessService,
    languages: Languages,
    command_menus: CommandMenus,
) -> None:
    try:
        if callback_data.action is AccessAction.APPROVE:
            result = await access.approve(user.id, callback_data.user_id)
        else:
            result = await access.reject(user.id, callback_data.user_id)
    except UnknownUserError:
        callback_answer.text = alerts.UNKNOWN_USER(target=callback_data.user_id)
        return
    if result.decision is Decision.UNCHANGED:
        answer = texts.already_decided(result.user)
    else:
        answer = texts.decided(result.user, texts.VERDICTS[result.decision.value](), user)
    if query.message is not None and not isinstance(query.message, InaccessibleMessage):
        await query.message.edit_text(answer)
    await _tell_user(bot, languages, result, command_menus)


async def _tell_user(
    bot: Bot, languages: Languages, result: DecisionResult, menus: CommandMenus
) -> None:
    if result.decision in (Decision.APPROVED, Decision.REVOKED):
        await menus.follow_approval(
            bot, result.user.id, approved=result.decision is Decision.APPROVED
        )
    messages = {
        Decision.APPROVED: (texts.ACCESS_APPROVED, keyboards.main_menu),
        Decision.REJECTED: (texts.ACCESS_REJECTED, None),
        Decision.REVOKED: (texts.ACCESS_REVOKED, None),
    }
    if result.decision not in messages:
        return
    text, markup = messages[result.decision]
    # She is told in her own language, not the owner's.
    with languages.speaking_to(result.user):
        await notify(bot, result.user.id, text(), markup() if markup else None)


async def on_owner_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    user: UserAccount,
    access: AccessService,
    languages: Languages,
    command_menus: CommandMenus,
) -> None:
    if command.command == "pending":
        await message.answer(texts.pending_list(await access.pending()))
        return
    if not command.args:
        await message.answer(texts.COMMAND_USAGE(command=command.command))
        return
    try:
        target = await access.resolve(command.args)
    except UnknownUserError:
        await message.answer(texts.unknown_user(command.args.strip()[:64]))
        return
    except AmbiguousUserError as ambiguous:
        await message.answer(
            texts.ambiguous_username(
                command.args.strip()[:64], [account.id for account in ambiguous.candidates]
            )
        )
        return
    decide = {"approve": access.approve, "reject": access.reject, "revoke": access.revoke}
    result = await decide[command.command](user.id, target.id)
    await message.answer(texts.decided(result.user, texts.VERDICTS[result.decision.value](), user))
    await _tell_user(bot, languages, result, command_menus)


def build_router() -> Router:
    router = Router(name="access")
    router.callback_query.register(
        on_request_access, MenuCallback.filter(F.action == MenuAction.REQUEST_ACCESS)
    )
    owners = Router(name="access-decisions")
    for observer in (owners.message, owners.callback_query):
        observer.middleware(OwnersOnlyMiddleware())
    owners.callback_query.register(on_access_button, AccessCallback.filter())
    owners.message.register(
        on_owner_command, Command("approve", "reject", "revoke", "pending"), PRIVATE
    )
    router.include_router(owners)
    return router
