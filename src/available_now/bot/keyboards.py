"""Inline keyboards."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from available_now.bot.callbacks import MenuAction, MenuCallback


def main_menu(*, has_profile: bool = False) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text="✏️ Edit profile" if has_profile else "📝 Create profile",
        callback_data=MenuCallback(action=MenuAction.PROFILE),
    )
    builder.button(text="🟢 Mark available", callback_data=MenuCallback(action=MenuAction.GO_LIVE))
    builder.button(text="📋 My listing", callback_data=MenuCallback(action=MenuAction.MY_LISTING))
    builder.button(text="❓ Help", callback_data=MenuCallback(action=MenuAction.HELP))
    builder.adjust(1, 1, 2)
    return builder.as_markup()


def back_to_menu() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text="⬅️ Main menu", callback_data=MenuCallback(action=MenuAction.HOME))
    return builder.as_markup()


def open_private_chat(bot_username: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text="Open private chat", url=f"https://t.me/{bot_username}?start=menu")
    return builder.as_markup()
