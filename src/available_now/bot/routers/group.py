"""What group members see: `/available`, and full profiles opened by deep link."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message

from available_now.bot import keyboards, texts
from available_now.bot.filters import GROUPS, PRIVATE
from available_now.bot.i18n import CURRENT
from available_now.bot.member_pace import MemberPace
from available_now.bot.membership import GroupMembership
from available_now.bot.presenters import send_gallery
from available_now.bot.times import until as until_text
from available_now.config import Settings
from available_now.domain.limits import TEXT_LIMIT
from available_now.domain.links import PROFILE_PAYLOAD_PREFIX, token_from_payload
from available_now.domain.listings import MessagePurpose
from available_now.domain.rendering import render_profile
from available_now.services.listings import LinkedProfile, ListingService
from available_now.services.outbox import OutboxService


async def on_available_in_group(
    message: Message,
    listings: ListingService,
    outbox: OutboxService,
    member_pace: MemberPace,
    settings: Settings,
) -> None:
    """Show the group's one living list (or refresh the one up); the command is removed.

    A member asking again within 30 s gets nothing: the list up is already current.
    """
    await listings.schedule_removal(
        message.chat.id, [message.message_id], MessagePurpose.COMMAND, timedelta(0)
    )
    asker = message.from_user
    if asker is not None and not await member_pace.allow(message.chat.id, asker.id):
        return
    ttl = timedelta(minutes=settings.available_list_ttl_minutes)
    await outbox.request_list(message.chat.id, ttl)


async def on_profile_link(
    message: Message,
    command: CommandObject,
    bot: Bot,
    listings: ListingService,
    membership: GroupMembership,
    settings: Settings,
) -> None:
    """`/start p_<token>` from a listing or the list: the full profile and the whole gallery,
    for members of the group while she is live, and for herself at any time.

    Everyone else learns nothing of her: a stranger gets the same refusal whether the token is
    real or not, and a member gets one sentence for a link that is wrong, old or not live.
    """
    reader = message.from_user
    token = token_from_payload(command.args)
    group_id = settings.target_group_id
    if token is None or reader is None:
        await message.answer(texts.PROFILE_NOT_AVAILABLE(), reply_markup=keyboards.back_to_menu())
        return
    linked = await listings.linked_profile(token, group_id)
    if linked is not None and linked.profile.user_id == reader.id:
        await _show_profile(
            message, bot, linked, settings, listings.now(), heading=texts.OWN_PROFILE_HEADING()
        )
        return
    if group_id is None or not await membership.is_member(bot, group_id, reader.id):
        await message.answer(texts.PROFILE_FOR_MEMBERS(), reply_markup=keyboards.back_to_menu())
        return
    if linked is None or linked.listing is None:
        await message.answer(texts.PROFILE_NOT_AVAILABLE(), reply_markup=keyboards.back_to_menu())
        return
    await _show_profile(message, bot, linked, settings, listings.now())


async def _show_profile(
    message: Message,
    bot: Bot,
    linked: LinkedProfile,
    settings: Settings,
    now: datetime,
    *,
    heading: str | None = None,
) -> None:
    live = linked.listing
    until = until_text(live.expires_at, settings.timezone, now) if live is not None else None
    # Members may report what they opened; her own profile has nothing to report.
    me = await bot.me()
    report = (
        keyboards.report_button(me.username or "", linked.profile.link_token)
        if heading is None
        else None
    )
    await message.answer(
        render_profile(
            linked.profile,
            limit=TEXT_LIMIT,
            available_until=until,
            heading=heading,
            translator=CURRENT,
        ),
        reply_markup=report,
    )
    await send_gallery(bot, message.chat.id, linked.profile)


def build_router() -> Router:
    router = Router(name="group")
    router.message.register(
        on_available_in_group,
        Command("available"),
        GROUPS,
    )
    router.message.register(
        on_profile_link,
        CommandStart(deep_link=True, magic=F.args.startswith(PROFILE_PAYLOAD_PREFIX)),
        PRIVATE,
    )
    return router
