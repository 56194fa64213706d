"""Who may open a profile: members of the group, as Telegram says, remembered for a minute.

A profile link can be forwarded anywhere, so opening one asks Telegram (`getChatMember`)
whether the reader is in the group. The answer is kept briefly per group and reader, in this
process only: someone tapping through several profiles costs one request, and someone who
leaves the group loses access within a minute.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Final

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
)

from available_now.domain.clock import SYSTEM_CLOCK, Clock

logger = logging.getLogger(__name__)

MEMBERSHIP_TTL: Final = timedelta(seconds=60)
MAX_REMEMBERED: Final = 10_000
"""Readers remembered at once; the longest unused is forgotten first."""

ChatMember = (
    ChatMemberOwner
    | ChatMemberAdministrator
    | ChatMemberMember
    | ChatMemberRestricted
    | ChatMemberLeft
    | ChatMemberBanned
)


def counts_as_member(member: ChatMember) -> bool:
    """Owners, admins and members count; a restricted user only while still in the group."""
    if isinstance(member, ChatMemberRestricted):
        return member.is_member
    return isinstance(member, ChatMemberOwner | ChatMemberAdministrator | ChatMemberMember)


class GroupMembership:
    """`getChatMember` answers, each remembered for `ttl` on the injected clock."""

    def __init__(
        self,
        clock: Clock = SYSTEM_CLOCK,
        *,
        ttl: timedelta = MEMBERSHIP_TTL,
        max_remembered: int = MAX_REMEMBERED,
    ) -> None:
        self._clock = clock
        self._ttl = ttl
        self._max = max_remembered
        self._answers: OrderedDict[tuple[int, int], tuple[datetime, bool]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._answers)

    async def is_member(self, bot: Bot, group_id: int, user_id: int) -> bool:
        """Whether the user is in the group now; a failed check counts as "no" (not kept)."""
        key = (group_id, user_id)
        now = self._clock.now()
        remembered = self._answers.get(key)
        if remembered is not None and remembered[0] > now:
            self._answers.move_to_end(key)
            return remembered[1]
        try:
            member = await bot.get_chat_member(group_id, user_id)
        except TelegramAPIError as error:
            # Neither ids nor Telegram's text: the reader must not show up in the logs.
            logger.warning("membership check failed (%s); access refused", type(error).__name__)
            return False
        answer = counts_as_member(member)
        self._answers[key] = (now + self._ttl, answer)
        self._answers.move_to_end(key)
        while len(self._answers) > self._max:
            self._answers.popitem(last=False)
        return answer
