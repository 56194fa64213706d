"""Inline keyboards. Those that never vary are built once (`@cache`): they go out with most
answers, and each build is a tree of pydantic models."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from available_now.bot.callbacks import (
    AccessAction,
    AccessCallback,
    ListingAction,
    ListingCallback,
    MenuAction,
    MenuCallback,
)
from available_now.domain.profiles import ContactMethod, ProfileView


@cache
def main_menu(
    *, has_profile: bool = False, approved: bool = True, draft: bool = False
) -> InlineKeyboardMarkup:
    """Models get the full menu; everyone else can ask for access or read the help."""
    builder = InlineKeyboardBuilder()
    if not approved:
        builder.button(
            text="🙋 Request access", callback_data=MenuCallback(action=MenuAction.REQUEST_ACCESS)
        )
        builder.button(text="❓ Help", callback_data=MenuCallback(action=MenuAction.HELP))
        builder.adjust(1)
        return builder.as_markup()
    profile_label = (
        "📝 Continue profile" if draft else "👤 My profile" if has_profile else "📝 Create profile"
    )
    builder.button(text=profile_label, callback_data=MenuCallback(action=MenuAction.PROFILE))
    builder.button(text="🟢 Mark available", callback_data=MenuCallback(action=MenuAction.GO_LIVE))
    builder.button(text="📋 My listing", callback_data=MenuCallback(action=MenuAction.MY_LISTING))
    builder.button(text="❓ Help", callback_data=MenuCallback(action=MenuAction.HELP))
    builder.adjust(1, 1, 2)
    return builder.as_markup()


def main_menu_for(profile: ProfileView | None, *, approved: bool = True) -> InlineKeyboardMarkup:
    """The main menu whose profile button fits her profile: create, continue, or open."""
    return main_menu(
        has_profile=profile is not None,
        draft=profile is not None and not profile.completed,
        approved=approved,
    )


@cache
def back_to_menu() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text="⬅️ Main menu", callback_data=MenuCallback(action=MenuAction.HOME))
    return builder.as_markup()


def request_access() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text="🙋 Request access", callback_data=MenuCallback(action=MenuAction.REQUEST_ACCESS)
    )
    builder.button(text="⬅️ Main menu", callback_data=MenuCallback(action=MenuAction.HOME))
    builder.adjust(1)
    return builder.as_markup()


def access_decision(user_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text="✅ Approve",
        callback_data=AccessCallback(action=AccessAction.APPROVE, user_id=user_id),
    )
    builder.button(
        text="❌ Reject", callback_data=AccessCallback(action=AccessAction.REJECT, user_id=user_id)
    )
    return builder.as_markup()


def open_private_chat(bot_username: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text="Open private chat", url=f"https://t.me/{bot_username}?start=menu")
    return builder.as_markup()


def _listing_button(
    builder: InlineKeyboardBuilder, text: str, action: ListingAction, hours: int = 0
) -> None:
    builder.button(text=text, callback_data=ListingCallback(action=action, hours=hours))


@cache
def durations(hours: Sequence[int]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for value in hours:
        _listing_button(builder, f"{value} h", ListingAction.GO, value)
    builder.button(text="✖️ Cancel", callback_data=MenuCallback(action=MenuAction.HOME))
    builder.adjust(len(hours), 1)
    return builder.as_markup()


@cache
def listing_controls(hours: Sequence[int]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for value in hours:
        _listing_button(builder, f"+{value} h", ListingAction.EXTEND, value)
    _listing_button(builder, "⏹ End now", ListingAction.END)
    builder.button(text="⬅️ Main menu", callback_data=MenuCallback(action=MenuAction.HOME))
    builder.adjust(len(hours), 1, 1)
    return builder.as_markup()


@cache
def after_listing() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text="🟢 Mark available", callback_data=MenuCallback(action=MenuAction.GO_LIVE))
    builder.button(text="⬅️ Main menu", callback_data=MenuCallback(action=MenuAction.HOME))
    builder.adjust(1)
    return builder.as_markup()


def profile_link(bot_username: str, user_id: int) -> str:
    """Deep link that opens the full profile in a private chat with the bot."""
    return f"https://t.me/{bot_username}?start=p_{user_id}"


def listing_post(bot_username: str, profile: ProfileView) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text="👤 Full profile & gallery", url=profile_link(bot_username, profile.user_id)
    )
    if profile.contact_method is ContactMethod.TELEGRAM and profile.telegram_username:
        builder.button(text="💬 Message her", url=f"https://t.me/{profile.telegram_username}")
    builder.adjust(1)
    return builder.as_markup()
