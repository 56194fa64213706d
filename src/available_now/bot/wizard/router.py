"""The wizard's handlers: each parses the update and hands it to the `Wizard`.

Which handler listens in which states is read from the table of steps, so a new step needs no
new handler unless it brings a new kind of answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message, TelegramObject

from available_now.bot.callbacks import (
    EditStepCallback,
    MenuAction,
    MenuCallback,
    ServiceCallback,
    WizardCallback,
)
from available_now.bot.filters import PRIVATE, Magic
from available_now.bot.middlewares import Handler
from available_now.bot.middlewares.approval import ApprovedOnlyMiddleware
from available_now.bot.wizard import keyboards, texts
from available_now.bot.wizard.answers import MediaUpload, ServicesMenu, TypedText
from available_now.bot.wizard.engine import Wizard
from available_now.bot.wizard.steps import TABLE, StepTable
from available_now.config import Settings
from available_now.domain.profiles import MediaType
from available_now.domain.users import UserAccount
from available_now.services.profiles import ProfileService

if TYPE_CHECKING:  # the album receipts speak the wizard's texts: imported the other way round
    from available_now.bot.albums import MediaReceipts


def _wizard_for_each_update(table: StepTable) -> Callable[..., Awaitable[Any]]:
    """A middleware that hands each wizard handler its `Wizard`, built from the update's
    state and services."""

    async def provide(handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        settings: Settings = data["settings"]
        data["wizard"] = Wizard(
            bot=data["bot"],
            state=data["state"],
            raw_state=data["raw_state"],
            user=data["user"],
            profiles=data["profiles"],
            limits=(settings.max_photos, settings.max_videos),
            callback_answer=data.get("callback_answer"),
            table=table,
        )
        return await handler(event, data)

    return provide


async def open_profile(query: CallbackQuery, wizard: Wizard) -> None:
    await wizard.open()


async def edit_step(query: CallbackQuery, callback_data: EditStepCallback, wizard: Wizard) -> None:
    await wizard.edit(callback_data.step)


async def on_text(message: Message, wizard: Wizard) -> None:
    assert message.text is not None
    problem = await wizard.answer_text(message.text)
    if problem is not None:
        await message.answer(problem, reply_markup=keyboards.step_controls())


async def on_not_text(message: Message) -> None:
    await message.answer(texts.NEED_TEXT(), reply_markup=keyboards.step_controls())


async def on_button(query: CallbackQuery, callback_data: WizardCallback, wizard: Wizard) -> None:
    await wizard.press(callback_data.action)


async def on_service(query: CallbackQuery, callback_data: ServiceCallback, wizard: Wizard) -> None:
    await wizard.choose_service(callback_data.action, callback_data.service)


async def on_choice(query: CallbackQuery, callback_data: CallbackData, wizard: Wizard) -> None:
    await wizard.pick(callback_data)


async def on_media(
    message: Message,
    bot: Bot,
    user: UserAccount,
    profiles: ProfileService,
    settings: Settings,
    media_receipts: MediaReceipts,
) -> None:
    if message.photo:
        media_type, limit = MediaType.IMAGE, settings.max_photos
        file_id, file_unique_id = message.photo[-1].file_id, message.photo[-1].file_unique_id
    else:
        assert message.video is not None
        media_type, limit = MediaType.VIDEO, settings.max_videos
        file_id, file_unique_id = message.video.file_id, message.video.file_unique_id
    result = await profiles.add_media(
        user.id,
        file_id=file_id,
        file_unique_id=file_unique_id,
        media_type=media_type,
        limit=limit,
    )
    await media_receipts.record(
        bot,
        chat_id=user.id,
        group_key=message.media_group_id,
        media_type=media_type,
        result=result,
        limits=(settings.max_photos, settings.max_videos),
    )


async def on_not_media(message: Message) -> None:
    await message.answer(texts.NEED_MEDIA(), reply_markup=keyboards.media_controls())


def build_router(table: StepTable = TABLE) -> Router:
    """Private chats only: the wizard never asks for personal data in a group."""
    router = Router(name="wizard")
    router.message.filter(PRIVATE)
    router.callback_query.filter(PRIVATE)
    for observer in (router.message, router.callback_query):
        observer.middleware(ApprovedOnlyMiddleware())
        observer.middleware(_wizard_for_each_update(table))

    buttons = router.callback_query
    buttons.register(open_profile, MenuCallback.filter(F.action == MenuAction.PROFILE))
    buttons.register(edit_step, EditStepCallback.filter())
    buttons.register(on_button, WizardCallback.filter(), StateFilter(*table.states()))
    buttons.register(on_service, ServiceCallback.filter(), StateFilter(*table.states(ServicesMenu)))
    for callback, states in table.choices().items():
        buttons.register(on_choice, callback.filter(), StateFilter(*states))

    text_states = StateFilter(*table.states(TypedText))
    router.message.register(on_text, text_states, Magic(F.text))
    router.message.register(on_not_text, text_states)
    media_states = StateFilter(*table.states(MediaUpload))
    router.message.register(on_media, media_states, Magic(F.photo | F.video))
    router.message.register(on_not_media, media_states)
    return router
