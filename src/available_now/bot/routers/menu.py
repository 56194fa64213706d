"""The main menu: /start in private (registered by `common`) and its buttons."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from available_now.bot import keyboards, texts
from available_now.bot.callbacks import MenuAction, MenuCallback
from available_now.bot.routers.owner_panel import send_owner_panel
from available_now.config import Settings
from available_now.domain.users import UserAccount
from available_now.services.access import AccessService
from available_now.services.console import ConsoleService
from available_now.services.profiles import ProfileService
from available_now.services.reports import ReportService


async def show_menu(
    event: Message | CallbackQuery,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    user: UserAccount,
    profiles: ProfileService,
    access: AccessService,
    console: ConsoleService,
    reports: ReportService,
    settings: Settings,
) -> None:
    """/start in private and the Main menu button: leave any conversation, show the menu
    (an owner's is the owner panel)."""
    if raw_state is not None:  # leaving a conversation; most calls are not
        await state.clear()
    if access.is_owner(user.id):
        await send_owner_panel(bot, user, console, reports, settings)
        return
    await send_main_menu(bot, user, profiles)


async def send_main_menu(bot: Bot, user: UserAccount, profiles: ProfileService) -> None:
    # Read for everyone: a revoked model still has hers to export or delete.
    profile = await profiles.get(user.id)
    await bot.send_message(
        user.id,
        texts.main_menu(user),
        reply_markup=keyboards.main_menu_for(profile, approved=user.is_approved),
    )


async def show_help(query: CallbackQuery, user: UserAccount, access: AccessService) -> None:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        return
    await query.message.edit_text(help_for(user, access), reply_markup=keyboards.back_to_menu())


def help_for(user: UserAccount, access: AccessService) -> str:
    """/help by role: a member's, a model's, and an owner's with her commands after."""
    if access.is_owner(user.id):
        return f"{texts.HELP_PRIVATE()}\n\n{texts.HELP_OWNER()}"
    return texts.HELP_PRIVATE() if user.is_approved else texts.HELP_MEMBER()


def build_router() -> Router:
    router = Router(name="menu")
    router.callback_query.register(show_menu, MenuCallback.filter(F.action == MenuAction.HOME))
    router.callback_query.register(show_help, MenuCallback.filter(F.action == MenuAction.HELP))
    return router
