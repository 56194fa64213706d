"""After creation: the profile card with its edit menu and the gallery (deleting and exporting
are `my_data`'s, open to her whatever her approval).

Each part of the profile is edited by the wizard's own step (its router takes those buttons);
this router serves the rest of the edit menu, through the wizard package's public names.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot import alerts
from available_now.bot.callbacks import EditCallback, EditField, GalleryAction, GalleryCallback
from available_now.bot.filters import PRIVATE
from available_now.bot.middlewares import Handler
from available_now.bot.middlewares.approval import ApprovedOnlyMiddleware
from available_now.bot.presenters import send_profile_card
from available_now.bot.wizard import edit_menu, gallery_menu, texts
from available_now.bot.wizard import keyboards as wizard_keyboards
from available_now.domain.profiles import MediaType, ProfileView
from available_now.domain.users import UserAccount
from available_now.services.profiles import ProfileService


async def with_her_profile(handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
    """Every button here leaves the wizard and works on her profile, handed over as `profile`;
    without one, an alert says so."""
    await data["state"].clear()
    profile = await data["profiles"].get(data["user"].id)
    if profile is None:
        answer: CallbackAnswer = data["callback_answer"]
        alerts.show(answer, alerts.NO_PROFILE())
        return None
    data["profile"] = profile
    return await handler(event, data)


async def on_edit(
    query: CallbackQuery,
    callback_data: EditCallback,
    bot: Bot,
    user: UserAccount,
    profile: ProfileView,
) -> None:
    field = callback_data.field
    if field is EditField.PREVIEW:
        await send_profile_card(bot, user.id, profile, reply_markup=edit_menu())
    elif field is EditField.GALLERY:
        await _show_gallery(bot, user.id, profile)


async def on_gallery(
    query: CallbackQuery,
    callback_data: GalleryCallback,
    callback_answer: CallbackAnswer,
    bot: Bot,
    user: UserAccount,
    profile: ProfileView,
    profiles: ProfileService,
) -> None:
    item = next((m for m in profile.media if m.id == callback_data.media_id), None)
    if item is None:
        alerts.show(callback_answer, alerts.MEDIA_GONE())
        return
    action = callback_data.action
    if action is GalleryAction.SHOW:
        markup = wizard_keyboards.gallery_item(item, first=item.position == 0)
        if item.media_type is MediaType.IMAGE:
            await bot.send_photo(user.id, item.file_id, reply_markup=markup)
        else:
            await bot.send_video(user.id, item.file_id, reply_markup=markup)
        return
    if action is GalleryAction.EARLIER:
        await profiles.move_media(user.id, item.id, to_position=item.position - 1)
        callback_answer.text = alerts.MEDIA_MOVED()
    elif action is GalleryAction.COVER:
        await profiles.move_media(user.id, item.id, to_position=0)
        callback_answer.text = alerts.MEDIA_COVER()
    elif action is GalleryAction.REMOVE:
        await profiles.remove_media(user.id, item.id)
        callback_answer.text = alerts.MEDIA_REMOVED()
    await _show_gallery(bot, user.id, await profiles.get(user.id))


async def _show_gallery(bot: Bot, user_id: int, profile: ProfileView | None) -> None:
    items = list(profile.photos) + list(profile.videos) if profile else []
    text = (texts.GALLERY if items else texts.GALLERY_EMPTY)()
    await bot.send_message(user_id, text, reply_markup=gallery_menu(items))


def build_router() -> Router:
    router = Router(name="profile")
    router.callback_query.filter(PRIVATE)
    router.callback_query.middleware(ApprovedOnlyMiddleware())
    router.callback_query.middleware(with_her_profile)
    router.callback_query.register(on_edit, EditCallback.filter())
    router.callback_query.register(on_gallery, GalleryCallback.filter())
    return router
