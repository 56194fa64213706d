"""Members report a listing: `/start r_<token>` opens the reason picker in the private chat.

The payload is untrusted: the token is validated before any lookup, the reader must be in the
group (as for profile links), and everything is checked again when a reason is chosen. Owners
get each report at once, with the buttons of `moderation`.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot import keyboards, texts
from available_now.bot.callbacks import ReportReasonCallback
from available_now.bot.filters import PRIVATE
from available_now.bot.membership import GroupMembership
from available_now.bot.owners import OwnerNotices
from available_now.bot.times import until as until_text
from available_now.config import Settings
from available_now.domain.links import REPORT_PAYLOAD_PREFIX, token_from_payload
from available_now.domain.reports import NOTE_LIMIT, ReportReason, clean_note
from available_now.services.reports import FiledReport, ReportOutcome, ReportService


class ReportStates(StatesGroup):
    note = State()
    """Reason "other": waiting for the member's few words."""


async def on_report_link(
    message: Message,
    command: CommandObject,
    bot: Bot,
    reports: ReportService,
    membership: GroupMembership,
    settings: Settings,
) -> None:
    reader = message.from_user
    token = token_from_payload(command.args, REPORT_PAYLOAD_PREFIX)
    group_id = settings.target_group_id
    if token is None or reader is None or group_id is None:
        await message.answer(texts.REPORT_NOT_LIVE(), reply_markup=keyboards.back_to_menu())
        return
    if not await membership.is_member(bot, group_id, reader.id):
        await message.answer(texts.PROFILE_FOR_MEMBERS(), reply_markup=keyboards.back_to_menu())
        return
    checked = await reports.check(reader.id, token, group_id)
    if checked.outcome is not ReportOutcome.MAY_REPORT:
        await message.answer(_refusal(checked, settings), reply_markup=keyboards.back_to_menu())
        return
    assert checked.target is not None
    reasons = {reason: text() for reason, text in texts.REPORT_REASONS.items()}
    await message.answer(
        texts.report_reason_prompt(checked.target.profile.name),
        reply_markup=keyboards.report_reasons(token, reasons),
    )


async def on_reason(
    query: CallbackQuery,
    callback_data: ReportReasonCallback,
    callback_answer: CallbackAnswer,
    bot: Bot,
    state: FSMContext,
    reports: ReportService,
    membership: GroupMembership,
    owner_notices: OwnerNotices,
    settings: Settings,
) -> None:
    group_id = settings.target_group_id
    if group_id is None or not await membership.is_member(bot, group_id, query.from_user.id):
        await bot.send_message(query.from_user.id, texts.PROFILE_FOR_MEMBERS())
        return
    if callback_data.reason is ReportReason.OTHER:
        checked = await reports.check(query.from_user.id, callback_data.token, group_id)
        if checked.outcome is not ReportOutcome.MAY_REPORT:
            await bot.send_message(query.from_user.id, _refusal(checked, settings))
            return
        await state.set_state(ReportStates.note)
        await state.update_data(report_token=callback_data.token)
        await bot.send_message(query.from_user.id, texts.REPORT_NOTE_PROMPT(limit=NOTE_LIMIT))
        return
    await _file(
        bot,
        query.from_user.id,
        callback_data.token,
        callback_data.reason,
        None,
        reports=reports,
        owner_notices=owner_notices,
        settings=settings,
    )


async def on_note(
    message: Message,
    bot: Bot,
    state: FSMContext,
    reports: ReportService,
    membership: GroupMembership,
    owner_notices: OwnerNotices,
    settings: Settings,
) -> None:
    reader = message.from_user
    token = (await state.get_data()).get("report_token")
    group_id = settings.target_group_id
    if reader is None or not isinstance(token, str) or group_id is None:
        await state.clear()
        return
    try:
        note = clean_note(message.text or "")
    except ValueError:
        await message.answer(texts.REPORT_NOTE_TOO_LONG(limit=NOTE_LIMIT))
        return
    await state.clear()
    if not await membership.is_member(bot, group_id, reader.id):
        await message.answer(texts.PROFILE_FOR_MEMBERS())
        return
    await _file(
        bot,
        reader.id,
        token,
        ReportReason.OTHER,
        note,
        reports=reports,
        owner_notices=owner_notices,
        settings=settings,
    )


async def _file(
    bot: Bot,
    reporter_id: int,
    token: str,
    reason: ReportReason,
    note: str | None,
    *,
    reports: ReportService,
    owner_notices: OwnerNotices,
    settings: Settings,
) -> None:
    assert settings.target_group_id is not None
    filed = await reports.file(reporter_id, token, settings.target_group_id, reason, note)
    if filed.outcome is not ReportOutcome.FILED:
        await bot.send_message(reporter_id, _refusal(filed, settings))
        return
    target, report = filed.target, filed.report
    assert target is not None
    assert report is not None
    await bot.send_message(reporter_id, texts.REPORT_FILED(), reply_markup=keyboards.back_to_menu())
    now = reports.now()

    def owners_text() -> str:
        return texts.report_for_owners(
            report.id,
            target.profile.name,
            target.model,
            until_text(target.listing.expires_at, settings.timezone, now),
            report.reason,
            report.note,
            filed.count,
        )

    await owner_notices.tell(bot, owners_text, lambda: keyboards.report_decisions(report.id))


def _refusal(checked: FiledReport, settings: Settings) -> str:
    if checked.outcome is ReportOutcome.ALREADY_REPORTED:
        return texts.REPORT_ALREADY_FILED()
    if checked.outcome is ReportOutcome.OWN_LISTING:
        return texts.REPORT_OWN_LISTING()
    if checked.outcome is ReportOutcome.TOO_SOON and checked.retry_at is not None:
        when = until_text(checked.retry_at, settings.timezone, checked.retry_at)
        return texts.REPORT_TOO_SOON(when=when)
    return texts.REPORT_NOT_LIVE()


def build_router() -> Router:
    router = Router(name="reports")
    router.message.register(
        on_report_link,
        CommandStart(deep_link=True, magic=F.args.startswith(REPORT_PAYLOAD_PREFIX)),
        PRIVATE,
    )
    router.callback_query.register(on_reason, ReportReasonCallback.filter(), PRIVATE)
    # Commands pass through: /cancel (and the rest) still work while a note is awaited.
    router.message.register(on_note, ReportStates.note, PRIVATE, F.text, ~F.text.startswith("/"))
    return router
