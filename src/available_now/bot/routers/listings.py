"""Going live, the model's listing status, extending and ending it (private chat)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Final

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot import alerts, keyboards, texts
from available_now.bot.callbacks import ListingAction, ListingCallback, MenuAction, MenuCallback
from available_now.bot.filters import PRIVATE
from available_now.bot.group_access import GroupAccess, GroupStatus
from available_now.bot.middlewares.approval import ApprovedOnlyMiddleware
from available_now.bot.times import until as until_text
from available_now.config import Settings
from available_now.domain.users import UserAccount
from available_now.services.listings import GoLiveOutcome, ListingService

logger = logging.getLogger(__name__)


async def on_go_live(
    event: Message | CallbackQuery,
    bot: Bot,
    state: FSMContext,
    user: UserAccount,
    listings: ListingService,
    settings: Settings,
    group_status: GroupStatus,
) -> None:
    """`Mark available` and `/available` in the private chat: durations, or the live listing's
    controls when she is live already."""
    await state.clear()
    if settings.target_group_id is None:
        await bot.send_message(user.id, texts.NO_GROUP())
        return
    if await listings.live(user.id, settings.target_group_id) is not None:
        await show_status(bot, user, listings, settings)
        return
    if await _group_refuses(bot, user, group_status):
        return
    await bot.send_message(
        user.id, texts.CHOOSE_DURATION(), reply_markup=keyboards.durations(listings.durations)
    )


async def show_status(
    bot: Bot, user: UserAccount, listings: ListingService, settings: Settings
) -> None:
    live = (
        await listings.live(user.id, settings.target_group_id)
        if settings.target_group_id is not None
        else None
    )
    if live is None:
        await bot.send_message(user.id, alerts.NOT_LIVE(), reply_markup=keyboards.after_listing())
        return
    now = listings.now()
    until = until_text(live.expires_at, settings.timezone, now)
    await bot.send_message(
        user.id,
        texts.live_status(until, live.time_left(now)),
        reply_markup=keyboards.listing_controls(listings.durations),
    )


async def on_status_button(
    query: CallbackQuery, bot: Bot, user: UserAccount, listings: ListingService, settings: Settings
) -> None:
    await show_status(bot, user, listings, settings)


async def on_listing_button(
    query: CallbackQuery,
    callback_data: ListingCallback,
    callback_answer: CallbackAnswer,
    bot: Bot,
    user: UserAccount,
    listings: ListingService,
    settings: Settings,
    group_status: GroupStatus,
) -> None:
    group_id = settings.target_group_id
    if group_id is None:
        await bot.send_message(user.id, texts.NO_GROUP())
        return
    action = callback_data.action
    if action is ListingAction.GO:
        if await _group_refuses(bot, user, group_status):
            return
        await _go_live(bot, user, listings, settings, group_id, callback_data.hours)
    elif action is ListingAction.EXTEND:
        extension = await listings.extend(user.id, group_id, callback_data.hours)
        if extension is None:
            alerts.show(callback_answer, alerts.NOT_LIVE())
            return
        expires_at, now = extension.listing.expires_at, listings.now()
        until = until_text(expires_at, settings.timezone, now)
        await bot.send_message(
            user.id,
            texts.extended(until, capped=extension.capped),
            reply_markup=keyboards.listing_controls(listings.durations),
        )
    elif action is ListingAction.END:
        ended = await listings.end(user.id, group_id, actor_id=user.id)
        if ended is None:
            alerts.show(callback_answer, alerts.NOT_LIVE())
            return
        await bot.send_message(
            user.id, texts.LISTING_ENDED(), reply_markup=keyboards.after_listing()
        )
    else:
        await show_status(bot, user, listings, settings)


async def _group_refuses(bot: Bot, user: UserAccount, group_status: GroupStatus) -> bool:
    """Nobody goes live where the bot could not remove her listing on time; she is told why.

    A "no" is asked again of Telegram first: the update that told of fixed rights may have
    reached another instance.
    """
    access = group_status.access
    if not access.may_post:
        access = await group_status.check(bot)
    if access.may_post:
        return False
    refusal = (
        texts.GO_LIVE_GROUP_ABSENT
        if access is GroupAccess.ABSENT
        else texts.GO_LIVE_NO_DELETE_RIGHT
    )
    await bot.send_message(user.id, refusal(), reply_markup=keyboards.back_to_menu())
    return True


async def _go_live(
    bot: Bot,
    user: UserAccount,
    listings: ListingService,
    settings: Settings,
    group_id: int,
    hours: int,
) -> None:
    result = await listings.start(user.id, group_id, hours)
    if result.outcome is GoLiveOutcome.ALREADY_LIVE:
        await show_status(bot, user, listings, settings)
        return
    if result.outcome in (GoLiveOutcome.NO_PROFILE, GoLiveOutcome.INCOMPLETE):
        await bot.send_message(
            user.id,
            texts.NEED_COMPLETE_PROFILE(),
            reply_markup=keyboards.main_menu_for(result.profile),
        )
        return
    if result.outcome is GoLiveOutcome.BAD_DURATION:
        await bot.send_message(user.id, texts.BAD_DURATION())
        return
    if result.outcome is GoLiveOutcome.NOT_APPROVED:
        await bot.send_message(
            user.id, alerts.NOT_APPROVED(), reply_markup=keyboards.request_access()
        )
        return
    listing, place = result.listing, result.place
    assert listing is not None
    until = until_text(listing.expires_at, settings.timezone, listings.now())
    text = texts.WENT_LIVE(until=until)
    if place is not None and place.estimate >= BUSY_GROUP_WAIT:
        seconds = round(place.estimate.total_seconds())
        text += "\n" + texts.QUEUE_ESTIMATE(seconds=seconds, position=place.position)
    await bot.send_message(
        user.id, text, reply_markup=keyboards.listing_controls(listings.durations)
    )


BUSY_GROUP_WAIT: Final = timedelta(seconds=5)
"""A post due sooner than this is as good as there: no queue to tell her about."""


def build_router() -> Router:
    router = Router(name="listings")
    router.message.filter(PRIVATE)
    router.callback_query.filter(PRIVATE)
    router.message.middleware(ApprovedOnlyMiddleware())
    router.callback_query.middleware(ApprovedOnlyMiddleware())
    router.callback_query.register(on_go_live, MenuCallback.filter(F.action == MenuAction.GO_LIVE))
    router.callback_query.register(
        on_status_button, MenuCallback.filter(F.action == MenuAction.MY_LISTING)
    )
    router.callback_query.register(on_listing_button, ListingCallback.filter())
    router.message.register(on_go_live, Command("available"))
    return router
