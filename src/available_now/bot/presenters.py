"""Showing profiles in Telegram: the preview a model sees is the post the group gets."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup, InputMediaPhoto, InputMediaVideo, Message

from available_now.bot.i18n import CURRENT
from available_now.domain.limits import ALBUM_MAX, CAPTION_LIMIT, TEXT_LIMIT
from available_now.domain.profiles import MediaType, ProfileView
from available_now.domain.rendering import render_profile


async def send_profile_card(
    bot: Bot,
    chat_id: int,
    profile: ProfileView,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    available_until: str | None = None,
) -> Message:
    """The cover photo with the profile as its caption, or a text message without a cover."""
    cover = profile.cover
    if cover is not None:
        caption = render_profile(
            profile, limit=CAPTION_LIMIT, available_until=available_until, translator=CURRENT
        )
        return await bot.send_photo(
            chat_id, cover.file_id, caption=caption, reply_markup=reply_markup
        )
    text = render_profile(
        profile, limit=TEXT_LIMIT, available_until=available_until, translator=CURRENT
    )
    return await bot.send_message(chat_id, text, reply_markup=reply_markup)


async def send_gallery(bot: Bot, chat_id: int, profile: ProfileView) -> int:
    """The whole gallery as albums of up to ten (a single item goes alone); returns the count."""
    items = list(profile.photos) + list(profile.videos)
    for start in range(0, len(items), ALBUM_MAX):
        chunk = items[start : start + ALBUM_MAX]
        if len(chunk) == 1:
            item = chunk[0]
            if item.media_type is MediaType.IMAGE:
                await bot.send_photo(chat_id, item.file_id)
            else:
                await bot.send_video(chat_id, item.file_id)
            continue
        await bot.send_media_group(
            chat_id,
            [
                InputMediaPhoto(media=item.file_id)
                if item.media_type is MediaType.IMAGE
                else InputMediaVideo(media=item.file_id)
                for item in chunk
            ],
        )
    return len(items)
