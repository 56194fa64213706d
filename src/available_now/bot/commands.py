"""The command menus Telegram shows, one per kind of reader (`setMyCommands` by scope).

Members (everyone in private) get the default private list; approved models get theirs in
their own private chats, and owners theirs (owner commands included) in their private chats
only; the group gets its own. Each list is published in every language of the catalogs, so
the menu follows each person's app language. A model's menu changes with her approval.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from aiogram.types.bot_command_scope_union import BotCommandScopeUnion

from available_now.bot.i18n import Languages, _

logger = logging.getLogger(__name__)

CommandList = Callable[[], list[BotCommand]]


def _command(name: str, description: str) -> BotCommand:
    return BotCommand(command=name, description=description)


def member_commands() -> list[BotCommand]:
    return [
        _command("start", _("Open the main menu")),
        _command("language", _("Change the language")),
        _command("mydata", _("Get or delete your data")),
        _command("id", _("Show your Telegram id")),
        _command("help", _("How this bot works")),
        _command("cancel", _("Stop what you are doing")),
    ]


def model_commands() -> list[BotCommand]:
    return [
        _command("start", _("Open the main menu")),
        _command("available", _("Mark yourself available")),
        _command("language", _("Change the language")),
        _command("mydata", _("Get or delete your data")),
        _command("help", _("How this bot works")),
        _command("cancel", _("Stop what you are doing")),
    ]


def owner_commands() -> list[BotCommand]:
    return [
        _command("start", _("Open the owner panel")),
        _command("pending", _("Access requests waiting")),
        _command("approve", _("Approve a model (id or @username)")),
        _command("reject", _("Reject a request (id or @username)")),
        _command("revoke", _("Withdraw a model's access")),
        _command("models", _("The approved models")),
        _command("stats", _("The group in figures")),
        _command("audit", _("The audit trail")),
        _command("ban", _("Ban a model (id or @username)")),
        _command("unban", _("Lift a ban")),
        _command("hide", _("Hide a model from /available")),
        _command("unhide", _("Show a model in /available again")),
        _command("id", _("Show your Telegram id")),
        _command("available", _("Mark yourself available")),
        _command("language", _("Change the language")),
        _command("mydata", _("Get or delete your data")),
        _command("help", _("How this bot works")),
        _command("cancel", _("Stop what you are doing")),
    ]


def group_commands() -> list[BotCommand]:
    return [
        _command("available", _("Who is available right now")),
        _command("id", _("This group's id and my rights")),
        _command("help", _("How this bot works")),
    ]


class CommandMenus:
    def __init__(self, languages: Languages, owner_ids: Iterable[int]) -> None:
        self._languages = languages
        self._owner_ids = tuple(sorted(set(owner_ids)))

    async def publish(self, bot: Bot, model_ids: Iterable[int]) -> None:
        """Every menu: the defaults, each owner's and each approved model's."""
        await self._set(bot, member_commands, BotCommandScopeAllPrivateChats())
        with self._languages.speaking(self._languages.group):
            await bot.set_my_commands(group_commands(), scope=BotCommandScopeAllGroupChats())
        for owner_id in self._owner_ids:
            await self._set(bot, owner_commands, BotCommandScopeChat(chat_id=owner_id))
        for model_id in model_ids:
            await self.follow_approval(bot, model_id, approved=True)

    async def follow_approval(self, bot: Bot, user_id: int, *, approved: bool) -> None:
        """Give an approved model her menu, or take it back (she sees the members' again)."""
        if user_id in self._owner_ids:
            return
        scope = BotCommandScopeChat(chat_id=user_id)
        if approved:
            await self._set(bot, model_commands, scope)
            return
        for locale in self._languages.available:
            await self._call(bot.delete_my_commands(scope=scope, language_code=self._code(locale)))

    async def _set(self, bot: Bot, commands: CommandList, scope: BotCommandScopeUnion) -> None:
        for locale in self._languages.available:
            with self._languages.speaking(locale):
                await self._call(
                    bot.set_my_commands(commands(), scope=scope, language_code=self._code(locale))
                )

    def _code(self, locale: str) -> str | None:
        return None if locale == self._languages.i18n.default_locale else locale

    @staticmethod
    async def _call(request: Awaitable[bool]) -> None:
        """One chat's menu failing (a person who never opened the bot) must not stop the rest."""
        try:
            await request
        except TelegramAPIError as error:
            logger.debug("could not set a command menu: %s", error)
