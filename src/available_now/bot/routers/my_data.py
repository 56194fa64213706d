"""Her own data: /mydata and the Export and Delete buttons, for anyone, approved or not.

Not behind `ApprovedOnlyMiddleware`: a revoked model's profile is still hers to take away or
delete. Deleting asks first, listing exactly what goes; the final button names whose data it
deletes, and is refused unless she pressed it on the confirmation the bot sent her.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot import alerts, keyboards, texts
from available_now.bot.callbacks import DataAction, DataCallback
from available_now.bot.filters import PRIVATE
from available_now.domain.audit import ErasureRequester
from available_now.domain.users import UserAccount
from available_now.services.data_export import DataExportService
from available_now.services.erasure import ErasureService

EXPORT_FILE_NAME = "my-data.json"


async def send_export(bot: Bot, user: UserAccount, data_export: DataExportService) -> None:
    """Built in memory and uploaded from there: the document never touches a disk here."""
    document = await data_export.export(user.id)
    if document is None:  # pragma: no cover - the user middleware has just registered her
        return
    await bot.send_document(
        user.id,
        BufferedInputFile(document, filename=EXPORT_FILE_NAME),
        caption=texts.EXPORT_CAPTION(),
        reply_markup=keyboards.my_data(),
    )


async def on_mydata(
    message: Message, bot: Bot, user: UserAccount, data_export: DataExportService
) -> None:
    await send_export(bot, user, data_export)


async def on_export(
    query: CallbackQuery, bot: Bot, user: UserAccount, data_export: DataExportService
) -> None:
    await send_export(bot, user, data_export)


async def on_delete(
    query: CallbackQuery, bot: Bot, user: UserAccount, erasure: ErasureService
) -> None:
    held = await erasure.holdings(user.id)
    if held is None:  # pragma: no cover - the user middleware has just registered her
        return
    await bot.send_message(
        user.id, texts.erase_confirmation(held), reply_markup=keyboards.erase_confirmation(user.id)
    )


async def on_erase(
    query: CallbackQuery,
    callback_data: DataCallback,
    callback_answer: CallbackAnswer,
    bot: Bot,
    state: FSMContext,
    user: UserAccount,
    erasure: ErasureService,
) -> None:
    if callback_data.user_id != user.id or not _offered_here(query):
        alerts.show(callback_answer, alerts.NOT_YOUR_CONFIRMATION())
        return
    await state.clear()
    held = await erasure.erase(user.id, actor_id=user.id, requested_by=ErasureRequester.SELF)
    if held is None:  # pragma: no cover - the user middleware has just registered her
        return
    menu = keyboards.main_menu(approved=user.is_approved)
    if held.nothing:
        await bot.send_message(user.id, texts.ERASE_NOTHING(), reply_markup=menu)
        return
    await bot.send_message(user.id, texts.erased(held), reply_markup=menu)


async def on_keep(query: CallbackQuery, bot: Bot, user: UserAccount) -> None:
    await bot.send_message(user.id, texts.ERASE_CANCELLED(), reply_markup=keyboards.back_to_menu())


def _offered_here(query: CallbackQuery) -> bool:
    """The pressed message carries this very button: the bot offered it there."""
    message = query.message
    markup = getattr(message, "reply_markup", None)
    if markup is None:
        return False
    return any(
        button.callback_data == query.data for row in markup.inline_keyboard for button in row
    )


def build_router() -> Router:
    router = Router(name="my_data")
    router.message.filter(PRIVATE)
    router.callback_query.filter(PRIVATE)
    router.message.register(on_mydata, Command("mydata"))
    router.callback_query.register(on_export, DataCallback.filter(F.action == DataAction.EXPORT))
    router.callback_query.register(on_delete, DataCallback.filter(F.action == DataAction.DELETE))
    router.callback_query.register(on_erase, DataCallback.filter(F.action == DataAction.ERASE))
    router.callback_query.register(on_keep, DataCallback.filter(F.action == DataAction.KEEP))
    return router
