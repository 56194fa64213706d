"""The owners' moderation: the buttons under a report, `/ban`, `/unban`, `/hide`, `/unhide`.

Removal and ban ask for confirmation first; the decision itself is the service's, where one
conditional update makes sure that of two owners pressing at once exactly one wins.
"""

from __future__ import annotations

from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InaccessibleMessage, Message
from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot import alerts, keyboards, texts
from available_now.bot.callbacks import (
    BanAction,
    BanCallback,
    ReportAction,
    ReportDecisionCallback,
)
from available_now.bot.filters import PRIVATE
from available_now.bot.i18n import Languages
from available_now.bot.middlewares.owners import OwnersOnlyMiddleware
from available_now.bot.sending import notify
from available_now.domain.reports import ReportStatus
from available_now.domain.users import UserAccount
from available_now.services.access import AccessService, AmbiguousUserError, UnknownUserError
from available_now.services.moderation import ModerationOutcome, ModerationService

DECISIONS = {
    ReportAction.WARN: ReportStatus.WARNED,
    ReportAction.DISMISS: ReportStatus.DISMISSED,
    ReportAction.CONFIRM_REMOVE: ReportStatus.REMOVED,
    ReportAction.CONFIRM_BAN: ReportStatus.BANNED,
}
CONFIRMATIONS = {
    ReportAction.REMOVE: (ReportAction.CONFIRM_REMOVE, texts.CONFIRM_REMOVE),
    ReportAction.BAN: (ReportAction.CONFIRM_BAN, texts.CONFIRM_BAN_FROM_REPORT),
}
MODEL_NOTICES = {
    ReportStatus.REMOVED: texts.MODEL_LISTING_REMOVED,
    ReportStatus.WARNED: texts.MODEL_WARNED,
    ReportStatus.BANNED: texts.MODEL_BANNED,
}


async def on_report_button(
    query: CallbackQuery,
    callback_data: ReportDecisionCallback,
    callback_answer: CallbackAnswer,
    bot: Bot,
    user: UserAccount,
    moderation: ModerationService,
    languages: Languages,
) -> None:
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage):
        alerts.show(callback_answer, alerts.STALE_BUTTON())
        return
    report_id, action = callback_data.report_id, callback_data.action
    report = await moderation.report(report_id)
    if report is None:
        alerts.show(callback_answer, alerts.REPORT_GONE())
        return
    if report.status is not ReportStatus.OPEN:
        alerts.show(callback_answer, alerts.REPORT_HANDLED())
        await _close(message, texts.REPORT_HANDLED_ELSEWHERE())
        return
    if action in CONFIRMATIONS:
        confirm, question = CONFIRMATIONS[action]
        await message.edit_text(
            f"{message.html_text}\n\n<b>{question()}</b>",
            reply_markup=keyboards.report_confirmation(report_id, confirm),
        )
        return
    if action is ReportAction.BACK:
        await message.edit_text(
            _report_only(message), reply_markup=keyboards.report_decisions(report_id)
        )
        return
    decision = await moderation.decide(user.id, report_id, DECISIONS[action])
    if decision.outcome is ModerationOutcome.UNKNOWN_REPORT:
        alerts.show(callback_answer, alerts.REPORT_GONE())
    elif decision.outcome is ModerationOutcome.OWNER_TARGET:
        alerts.show(callback_answer, alerts.OWNER_NOT_BANNABLE())
    elif decision.outcome is ModerationOutcome.ALREADY_HANDLED:
        alerts.show(callback_answer, alerts.REPORT_HANDLED())
        await _close(message, texts.REPORT_HANDLED_ELSEWHERE())
    else:
        status = DECISIONS[action]
        owner = escape(user.display_name)
        await _close(message, texts.REPORT_DECISIONS[status](owner=owner))
        notice = MODEL_NOTICES.get(status)
        # Removal tells her only when this decision took her listing down.
        if status is ReportStatus.REMOVED and decision.removed is None:
            notice = None
        if notice is not None and decision.model is not None:
            with languages.speaking_to(decision.model):
                await notify(bot, decision.model.id, notice())


def _report_only(message: Message) -> str:
    """The report as first sent: its lines hold no blank line, what was added after does."""
    return message.html_text.split("\n\n", 1)[0]


async def _close(message: Message, verdict: str) -> None:
    """The report with its verdict instead of its buttons (the confirmation question gone)."""
    await message.edit_text(f"{_report_only(message)}\n\n{verdict}", reply_markup=None)


async def on_moderation_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    user: UserAccount,
    access: AccessService,
    moderation: ModerationService,
    languages: Languages,
) -> None:
    if not command.args:
        await message.answer(texts.MODERATION_USAGE(command=command.command))
        return
    typed = command.args.strip()[:64]
    try:
        target = await access.resolve(command.args)
    except UnknownUserError:
        await message.answer(texts.unknown_user(typed))
        return
    except AmbiguousUserError as ambiguous:
        ids = [account.id for account in ambiguous.candidates]
        await message.answer(texts.ambiguous_username(typed, ids))
        return
    if command.command == "ban":
        if access.is_owner(target.id):
            await message.answer(texts.OWNER_NOT_BANNABLE())
            return
        await message.answer(
            texts.confirm_ban(target), reply_markup=keyboards.ban_confirmation(target.id)
        )
        return
    if command.command == "unban":
        result = await moderation.unban(user.id, target.id)
        if result.outcome is not ModerationOutcome.DONE:
            await message.answer(texts.NOT_BANNED())
            return
        await message.answer(
            texts.moderated(result.user, texts.MODERATION_VERDICTS["unbanned"], user)
        )
        with languages.speaking_to(result.user):
            await notify(bot, result.user.id, texts.MODEL_UNBANNED())
        return
    hide = command.command == "hide"
    result = await moderation.hide(user.id, target.id, hidden=hide)
    if result.outcome is ModerationOutcome.NO_PROFILE:
        await message.answer(texts.NO_PROFILE_TO_HIDE())
    elif result.outcome is ModerationOutcome.UNCHANGED:
        await message.answer((texts.ALREADY_HIDDEN if hide else texts.NOT_HIDDEN)())
    else:
        verdict = texts.MODERATION_VERDICTS["hidden" if hide else "shown"]
        await message.answer(texts.moderated(result.user, verdict, user))


async def on_ban_button(
    query: CallbackQuery,
    callback_data: BanCallback,
    callback_answer: CallbackAnswer,
    bot: Bot,
    user: UserAccount,
    moderation: ModerationService,
    languages: Languages,
) -> None:
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage):
        alerts.show(callback_answer, alerts.STALE_BUTTON())
        return
    if callback_data.action is BanAction.CANCEL:
        await message.edit_text(texts.NOTHING_CHANGED(), reply_markup=None)
        return
    try:
        result = await moderation.ban(user.id, callback_data.user_id)
    except UnknownUserError:
        alerts.show(callback_answer, alerts.STALE_BUTTON())
        return
    if result.outcome is ModerationOutcome.OWNER_TARGET:
        alerts.show(callback_answer, alerts.OWNER_NOT_BANNABLE())
        await message.edit_text(texts.OWNER_NOT_BANNABLE(), reply_markup=None)
        return
    if result.outcome is ModerationOutcome.UNCHANGED:
        await message.edit_text(texts.ALREADY_BANNED(), reply_markup=None)
        return
    await message.edit_text(
        texts.moderated(result.user, texts.MODERATION_VERDICTS["banned"], user), reply_markup=None
    )
    with languages.speaking_to(result.user):
        await notify(bot, result.user.id, texts.MODEL_BANNED())


def build_router() -> Router:
    router = Router(name="moderation")
    for observer in (router.message, router.callback_query):
        observer.middleware(OwnersOnlyMiddleware())
    router.callback_query.register(on_report_button, ReportDecisionCallback.filter())
    router.callback_query.register(on_ban_button, BanCallback.filter())
    router.message.register(
        on_moderation_command, Command("ban", "unban", "hide", "unhide"), PRIVATE
    )
    return router
