"""Whether the bot can work in its group: in it, an administrator, allowed to delete messages.

The bot posts only where it can clean up after itself, members' commands included, which
takes an administrator with "Delete messages"; so it keeps what Telegram last said about its
own membership in `TARGET_GROUP_ID`: asked at start-up
(`getChat`, `getChatMember`) and followed through `my_chat_member` updates. It is kept in
memory, per process: each instance asks at start-up, and an instance that missed an update
learns of a removal from the refusal of its next post.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
)
from aiogram.types import (
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
)

from available_now.bot.membership import ChatMember

logger = logging.getLogger(__name__)


class GroupAccess(StrEnum):
    """What the bot may do in its group, as Telegram last said."""

    UNKNOWN = "unknown"
    """Not asked yet, or Telegram could not be asked: posting is tried."""
    READY = "ready"
    """An administrator with "Delete messages" (or the group's creator)."""
    NO_DELETE_RIGHT = "no_delete_right"
    """An administrator without "Delete messages": it cannot remove members' messages."""
    NOT_ADMIN = "not_admin"
    """A plain member: it can remove only its own messages, and sees only commands."""
    ABSENT = "absent"
    """Not in the group (never added, left, removed, banned) or no such group."""

    @property
    def may_post(self) -> bool:
        return self in (GroupAccess.READY, GroupAccess.UNKNOWN)


PROBLEMS = {
    GroupAccess.ABSENT: (
        "the bot is not in the group TARGET_GROUP_ID={group_id} (or there is no such group): "
        "add it to the group as an administrator with the 'Delete messages' right"
    ),
    GroupAccess.NOT_ADMIN: (
        "the bot is a member of the group TARGET_GROUP_ID={group_id} but not an administrator: "
        "make it an administrator with the 'Delete messages' right"
    ),
    GroupAccess.NO_DELETE_RIGHT: (
        "the bot is an administrator of the group TARGET_GROUP_ID={group_id} without the "
        "'Delete messages' right: give it that right"
    ),
}
"""The log's one line for each problem: what is wrong and how to fix it (for operators)."""


def access_of(member: ChatMember) -> GroupAccess:
    """The bot's access from its own `ChatMember` in the group."""
    if isinstance(member, ChatMemberOwner):
        return GroupAccess.READY
    if isinstance(member, ChatMemberAdministrator):
        return GroupAccess.READY if member.can_delete_messages else GroupAccess.NO_DELETE_RIGHT
    if isinstance(member, ChatMemberRestricted):
        return GroupAccess.NOT_ADMIN if member.is_member else GroupAccess.ABSENT
    if isinstance(member, ChatMemberMember):
        return GroupAccess.NOT_ADMIN
    return GroupAccess.ABSENT


class GroupStatus:
    """The bot's access to its group in this process; `record` says whether it changed."""

    def __init__(self, group_id: int | None) -> None:
        self.group_id = group_id
        self.access = GroupAccess.UNKNOWN

    def record(self, access: GroupAccess) -> GroupAccess:
        """Remember ``access``; returns what was known before."""
        previous, self.access = self.access, access
        return previous

    async def check(self, bot: Bot) -> GroupAccess:
        """Ask Telegram (`getChat`, then the bot's `getChatMember`); logs one line if wrong.

        A network failure propagates (start-up reports an unreachable Bot API on its own);
        other refusals are an answer: the bot is not there.
        """
        if self.group_id is None:
            return self.access
        try:
            await bot.get_chat(self.group_id)
            member = await bot.get_chat_member(self.group_id, bot.id)
        except (TelegramBadRequest, TelegramForbiddenError):
            access = GroupAccess.ABSENT
        except TelegramNetworkError:
            raise
        except TelegramAPIError as error:
            logger.warning("could not check the bot's rights in its group: %s", error)
            return self.access
        else:
            access = access_of(member)
        self.record(access)
        problem = PROBLEMS.get(access)
        if problem is not None:
            logger.error(
                "%s; models cannot go live until then", problem.format(group_id=self.group_id)
            )
        return access
