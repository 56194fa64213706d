"""What group members see: `/available`, and full profiles opened by deep link."""

from __future__ import annotations

import re
from datetime import timedelta

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message

from available_now.bot import keyboards, texts
from available_now.bot.filters import GROUPS, PRIVATE
from available_now.bot.i18n import CURRENT
from available_now.bot.presenters import send_gallery
from available_now.config import Settings
from available_now.domain.limits import TEXT_LIMIT
from available_now.domain.listings import MessagePurpose, clock_time
from available_now.domain.rendering import AvailableEntry, render_available_list, render_profile
from available_now.services.listings import ListingService
from available_now.services.profiles import ProfileService

PROFILE_PAYLOAD = re.compile(r"^p_(\d{1,19})$")


async def on_available_in_group(
    message: Message, bot: Bot, listings: ListingService, settings: Settings
) -> None:
    """List who is live; the answer and the member's command are removed after a while."""
    me = await bot.me()
    entries, total = await listings.available(message.chat.id)
    now = listings.now()
    text = render_available_list(
        [
            AvailableEntry(
                name=entry.name,
                services=entry.services,
                expires_at=entry.expires_at,
                profile_link=keyboards.profile_link(me.username or "", entry.user_id),
            )
            for entry in entries
        ],
        now=now,
        total=total,
        translator=CURRENT,
    )
    reply = await message.reply(text)
    ttl = timedelta(minutes=settings.available_list_ttl_minutes)
    await listings.schedule_removal(
        message.chat.id, [reply.message_id], MessagePurpose.AVAILABLE_LIST, ttl
    )
    await listings.schedule_removal(
        message.chat.id, [message.message_id], MessagePurpose.COMMAND, ttl
    )


async def on_profile_link(
    message: Message,
    command: CommandObject,
    bot: Bot,
    listings: ListingService,
    profiles: ProfileService,
    settings: Settings,
) -> None:
    """`/start p_<id>` from a listing or the list: the full profile and the whole gallery."""
    match = PROFILE_PAYLOAD.match(command.args or "")
    group_id = settings.target_group_id
    model_id = int(match.group(1)) if match else None
    live = (
        await listings.live(model_id, group_id)
        if model_id is not None and group_id is not None
        else None
    )
    profile = await profiles.get(model_id) if live is not None and model_id is not None else None
    if live is None or profile is None:
        await message.answer(texts.PROFILE_NOT_AVAILABLE(), reply_markup=keyboards.back_to_menu())
        return
    until = clock_time(live.expires_at, settings.timezone)
    await message.answer(
        render_profile(profile, limit=TEXT_LIMIT, available_until=until, translator=CURRENT)
    )
    await send_gallery(bot, message.chat.id, profile)


def build_router() -> Router:
    router = Router(name="group")
    router.message.register(
        on_available_in_group,
        Command("available"),
        GROUPS,
    )
    router.message.register(
        on_profile_link,
        CommandStart(deep_link=True, magic=F.args.regexp(PROFILE_PAYLOAD)),
        PRIVATE,
    )
    return router
