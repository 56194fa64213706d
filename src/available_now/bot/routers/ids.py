"""`/id`: the ids set-up needs. In private, hers; in the group, the group's and the bot's rights.

In the group the answer and the command are removed after a while, like `/available`'s. In
another group the guard (`middlewares/foreign_groups.py`) answers with the id as it leaves.
"""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Message

from available_now.bot import texts
from available_now.bot.filters import GROUPS, PRIVATE
from available_now.bot.group_access import GroupAccess, GroupStatus
from available_now.bot.routers.group_status import PROBLEM_TEXTS
from available_now.config import Settings
from available_now.domain.listings import MessagePurpose
from available_now.services.listings import ListingService


async def on_id_in_private(message: Message) -> None:
    await message.answer(texts.YOUR_ID(user_id=message.chat.id))


async def on_id_in_group(
    message: Message,
    bot: Bot,
    group_status: GroupStatus,
    listings: ListingService,
    settings: Settings,
) -> None:
    access = await group_status.check(bot)
    if access is GroupAccess.READY:
        rights = texts.GROUP_RIGHTS_READY()
    elif access in PROBLEM_TEXTS:
        rights = PROBLEM_TEXTS[access]()
    else:
        rights = texts.GROUP_RIGHTS_UNKNOWN()
    reply = await message.reply(f"{texts.GROUP_ID(chat_id=message.chat.id)}\n{rights}")
    ttl = timedelta(minutes=settings.available_list_ttl_minutes)
    await listings.schedule_removal(message.chat.id, [reply.message_id], MessagePurpose.ANSWER, ttl)
    await listings.schedule_removal(
        message.chat.id, [message.message_id], MessagePurpose.COMMAND, ttl
    )


def build_router() -> Router:
    router = Router(name="ids")
    router.message.register(on_id_in_private, Command("id"), PRIVATE)
    router.message.register(on_id_in_group, Command("id"), GROUPS)
    return router
