"""Who counts as a member of the group, and how long the bot remembers Telegram's answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError, TelegramNetworkError
from aiogram.methods import GetChatMember
from aiogram.types import (
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
    User,
)

from available_now.bot.membership import (
    MEMBERSHIP_TTL,
    ChatMember,
    GroupMembership,
    counts_as_member,
)
from available_now.domain.clock import ManualClock

GROUP = -1_001_234_567_890
READER = User(id=7_000_000_007, is_bot=False, first_name="Max")


def _restricted(*, is_member: bool) -> ChatMemberRestricted:
    rights = {
        name: False
        for name, field in ChatMemberRestricted.model_fields.items()
        if name.startswith("can_") and field.is_required()
    }
    return ChatMemberRestricted(user=READER, is_member=is_member, until_date=0, **rights)


def _admin() -> ChatMemberAdministrator:
    rights = {
        name: False
        for name, field in ChatMemberAdministrator.model_fields.items()
        if field.is_required() and name not in {"user", "status"}
    }
    return ChatMemberAdministrator(user=READER, **rights)


@pytest.mark.parametrize(
    ("member", "counts"),
    [
        (ChatMemberOwner(user=READER, is_anonymous=False), True),
        (_admin(), True),
        (ChatMemberMember(user=READER), True),
        (_restricted(is_member=True), True),
        (_restricted(is_member=False), False),
        (ChatMemberLeft(user=READER), False),
        (ChatMemberBanned(user=READER, until_date=0), False),
    ],
    ids=["creator", "administrator", "member", "restricted", "restricted-gone", "left", "kicked"],
)
def test_who_counts_as_a_member(member: ChatMember, counts: bool) -> None:
    assert counts_as_member(member) is counts


class FakeTelegram:
    """Answers `getChatMember` from a table and counts the questions."""

    def __init__(self) -> None:
        self.members: dict[tuple[int, int], ChatMember] = {}
        self.failure: Exception | None = None
        self.calls = 0

    async def get_chat_member(self, chat_id: int, user_id: int, **_: Any) -> ChatMember:
        self.calls += 1
        if self.failure is not None:
            raise self.failure
        return self.members.get((chat_id, user_id), ChatMemberLeft(user=READER))

    @property
    def bot(self) -> Bot:
        return cast(Bot, self)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at=datetime(2026, 12, 1, 20, 0, tzinfo=UTC))


async def test_an_answer_is_remembered_for_a_minute(clock: ManualClock) -> None:
    telegram = FakeTelegram()
    telegram.members[(GROUP, READER.id)] = ChatMemberMember(user=READER)
    membership = GroupMembership(clock)
    assert await membership.is_member(telegram.bot, GROUP, READER.id)
    clock.advance(MEMBERSHIP_TTL - timedelta(seconds=1))
    del telegram.members[(GROUP, READER.id)]  # she left; the bot still remembers her
    assert await membership.is_member(telegram.bot, GROUP, READER.id)
    assert telegram.calls == 1
    clock.advance(timedelta(seconds=1))
    assert not await membership.is_member(telegram.bot, GROUP, READER.id)
    assert telegram.calls == 2
    assert not await membership.is_member(telegram.bot, GROUP, READER.id)
    assert telegram.calls == 2  # a "no" is remembered too


async def test_answers_are_kept_per_group_and_reader(clock: ManualClock) -> None:
    telegram = FakeTelegram()
    telegram.members[(GROUP, READER.id)] = ChatMemberMember(user=READER)
    membership = GroupMembership(clock)
    assert await membership.is_member(telegram.bot, GROUP, READER.id)
    assert not await membership.is_member(telegram.bot, GROUP - 1, READER.id)
    assert not await membership.is_member(telegram.bot, GROUP, READER.id + 1)
    assert telegram.calls == 3


async def test_the_memory_is_bounded(clock: ManualClock) -> None:
    telegram = FakeTelegram()
    membership = GroupMembership(clock, max_remembered=3)
    for user_id in range(10):
        await membership.is_member(telegram.bot, GROUP, user_id)
    assert len(membership) == 3
    await membership.is_member(telegram.bot, GROUP, 9)  # among the latest: remembered
    assert telegram.calls == 10
    await membership.is_member(telegram.bot, GROUP, 0)  # the oldest: forgotten, asked again
    assert telegram.calls == 11


@pytest.mark.parametrize(
    "failure",
    [
        TelegramForbiddenError(GetChatMember(chat_id=GROUP, user_id=1), "bot was kicked"),
        TelegramNetworkError(GetChatMember(chat_id=GROUP, user_id=1), "timeout"),
    ],
)
async def test_a_failed_check_refuses_and_is_not_remembered(
    clock: ManualClock, failure: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    telegram = FakeTelegram()
    telegram.members[(GROUP, READER.id)] = ChatMemberMember(user=READER)
    telegram.failure = failure
    membership = GroupMembership(clock)
    assert not await membership.is_member(telegram.bot, GROUP, READER.id)
    assert str(READER.id) not in caplog.text
    telegram.failure = None
    assert await membership.is_member(telegram.bot, GROUP, READER.id)
    assert telegram.calls == 2
