"""The bot's own membership in its group (`my_chat_member`): lost, narrowed, given back.

Removed from the group, it can neither show nor remove anything there: its live listings end
at once (the models are told why), the removals it owed are given up, and the owners are told
how many of its messages may still be visible. Without "Delete messages" (or demoted to a
member), live listings stay until they end (their removal then falls back to editing the post
to "ended") but nobody new goes live. Given its rights back, it says so and carries on.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, Router
from aiogram.filters import Filter
from aiogram.types import ChatMemberUpdated

from available_now.bot import keyboards, texts
from available_now.bot.group_access import GroupAccess, GroupStatus, access_of
from available_now.bot.i18n import Languages
from available_now.bot.owners import OwnerNotices
from available_now.bot.sending import notify
from available_now.config import Settings
from available_now.services.listings import GroupLost, ListingService
from available_now.services.users import UserService

PROBLEM_TEXTS: dict[GroupAccess, Callable[[], str]] = {
    GroupAccess.ABSENT: texts.GROUP_ABSENT,
    GroupAccess.NOT_ADMIN: texts.GROUP_NOT_ADMIN,
    GroupAccess.NO_DELETE_RIGHT: texts.GROUP_NO_DELETE_RIGHT,
}
"""What the owners are told about each problem (at start-up and when it happens)."""


class OwnGroup(Filter):
    """The update is about `TARGET_GROUP_ID` (other groups never get this far)."""

    async def __call__(self, event: ChatMemberUpdated, settings: Settings) -> bool:
        return event.chat.id == settings.target_group_id


async def on_own_membership(
    event: ChatMemberUpdated,
    bot: Bot,
    group_status: GroupStatus,
    owner_notices: OwnerNotices,
    listings: ListingService,
    users: UserService,
    languages: Languages,
) -> None:
    access = access_of(event.new_chat_member)
    previous = group_status.record(access)
    if access is previous:
        return
    if access is GroupAccess.ABSENT:
        lost = await listings.group_lost(event.chat.id)
        await _tell_models(bot, lost, users, languages)
        await owner_notices.tell(bot, lambda: _removed_notice(lost))
    elif access in PROBLEM_TEXTS:
        await owner_notices.tell(bot, PROBLEM_TEXTS[access])
    elif previous is not GroupAccess.UNKNOWN:
        await owner_notices.tell(bot, texts.GROUP_READY_AGAIN)


def _removed_notice(lost: GroupLost) -> str:
    notice = texts.GROUP_ABSENT()
    if lost.abandoned:
        notice += "\n\n" + texts.GROUP_POSTS_LEFT_BEHIND(lost.abandoned, count=lost.abandoned)
    return notice


async def _tell_models(bot: Bot, lost: GroupLost, users: UserService, languages: Languages) -> None:
    accounts = await users.accounts({listing.user_id for listing in lost.ended})
    for listing in lost.ended:
        with languages.speaking_to(accounts.get(listing.user_id)):
            await notify(
                bot,
                listing.user_id,
                texts.LISTING_ENDED_GROUP_LOST(),
                keyboards.after_listing(),
            )


def build_router() -> Router:
    router = Router(name="group-status")
    router.my_chat_member.register(on_own_membership, OwnGroup())
    return router
