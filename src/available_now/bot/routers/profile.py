"""After creation: the profile card with its edit menu, the gallery, and deletion."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot import keyboards, texts
from available_now.bot.callbacks import EditCallback, EditField, GalleryAction, GalleryCallback
from available_now.bot.filters import PRIVATE
from available_now.bot.middlewares.approval import ApprovedOnlyMiddleware
from available_now.bot.presenters import send_profile_card
from available_now.bot.routers.wizard import make_wizard
from available_now.bot.states import ProfileWizard as W
from available_now.config import Settings
from available_now.domain.profiles import MediaType
from available_now.domain.users import UserAccount
from available_now.services.profiles import ProfileService

EDIT_TARGETS = {
    EditField.NAME: W.name,
    EditField.SERVICES: W.services,
    EditField.ABOUT: W.about,
    EditField.CONTACT: W.contact_method,
    EditField.SOCIAL: W.social_links,
    EditField.RATES: W.rates,
    EditField.DISCLAIMER: W.disclaimer,
    EditField.MEDIA: W.media,
}


async def on_edit(
    query: CallbackQuery,
    callback_data: EditCallback,
    callback_answer: CallbackAnswer,
    bot: Bot,
    state: FSMContext,
    user: UserAccount,
    profiles: ProfileService,
    settings: Settings,
) -> None:
    profile = await profiles.get(user.id)
    if profile is None:
        await state.clear()
        callback_answer.text, callback_answer.show_alert = texts.NO_PROFILE, True
        return
    field = callback_data.field
    target = EDIT_TARGETS.get(field)
    if target is not None:
        await make_wizard(bot, state, user, profiles, settings).begin_edit(target)
        return
    await state.clear()
    if field is EditField.PREVIEW:
        await send_profile_card(bot, user.id, profile, reply_markup=keyboards.edit_menu())
    elif field is EditField.GALLERY:
        await _show_gallery(bot, user.id, profiles)
    elif field is EditField.DELETE:
        await bot.send_message(
            user.id, texts.DELETE_CONFIRM, reply_markup=keyboards.delete_confirmation()
        )
    elif field is EditField.DELETE_CONFIRMED:
        await profiles.delete(user.id)
        await bot.send_message(
            user.id, texts.PROFILE_DELETED, reply_markup=keyboards.main_menu(has_profile=False)
        )


async def on_gallery(
    query: CallbackQuery,
    callback_data: GalleryCallback,
    callback_answer: CallbackAnswer,
    bot: Bot,
    state: FSMContext,
    user: UserAccount,
    profiles: ProfileService,
) -> None:
    await state.clear()
    profile = await profiles.get(user.id)
    item = (
        next((m for m in profile.media if m.id == callback_data.media_id), None)
        if profile
        else None
    )
    if item is None:
        callback_answer.text, callback_answer.show_alert = texts.MEDIA_GONE, True
        return
    action = callback_data.action
    if action is GalleryAction.SHOW:
        markup = keyboards.gallery_item(item, first=item.position == 0)
        if item.media_type is MediaType.IMAGE:
            await bot.send_photo(user.id, item.file_id, reply_markup=markup)
        else:
            await bot.send_video(user.id, item.file_id, reply_markup=markup)
        return
    if action is GalleryAction.EARLIER:
        await profiles.move_media(user.id, item.id, to_position=item.position - 1)
        callback_answer.text = texts.MEDIA_MOVED
    elif action is GalleryAction.COVER:
        await profiles.move_media(user.id, item.id, to_position=0)
        callback_answer.text = texts.MEDIA_COVER
    elif action is GalleryAction.REMOVE:
        await profiles.remove_media(user.id, item.id)
        callback_answer.text = texts.MEDIA_REMOVED
    await _show_gallery(bot, user.id, profiles)


async def _show_gallery(bot: Bot, user_id: int, profiles: ProfileService) -> None:
    profile = await profiles.get(user_id)
    items = list(profile.photos) + list(profile.videos) if profile else []
    text = texts.GALLERY if items else texts.GALLERY_EMPTY
    await bot.send_message(user_id, text, reply_markup=keyboards.gallery(items))


def build_router() -> Router:
    router = Router(name="profile")
    router.callback_query.filter(PRIVATE)
    router.callback_query.middleware(ApprovedOnlyMiddleware())
    router.callback_query.register(on_edit, EditCallback.filter())
    router.callback_query.register(on_gallery, GalleryCallback.filter())
    return router
