"""Inline keyboards, their labels in the reader's language. Those that never vary are built once
per language (`cache_per_locale`): they go out with most answers, and each build is a tree of
pydantic models."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from available_now.bot.callbacks import (
    AccessAction,
    AccessCallback,
    ContactCallback,
    EditCallback,
    EditField,
    GalleryAction,
    GalleryCallback,
    InPersonCallback,
    LanguageCallback,
    ListingAction,
    ListingCallback,
    MenuAction,
    MenuCallback,
    ServiceAction,
    ServiceCallback,
    WizardAction,
    WizardCallback,
)
from available_now.bot.i18n import _, cache_per_locale
from available_now.domain.profiles import (
    ContactMethod,
    InPersonType,
    MediaItem,
    MediaType,
    ProfileView,
    ServiceType,
)

SERVICE_ICONS = {
    ServiceType.IN_PERSON: "📍",
    ServiceType.VIDEO_CALL: "📹",
    ServiceType.CUSTOM: "🎁",
    ServiceType.OTHER: "✨",
}


@cache_per_locale
def main_menu(
    *, has_profile: bool = False, approved: bool = True, draft: bool = False
) -> InlineKeyboardMarkup:
    """Models get the full menu; everyone else can ask for access or read the help."""
    builder = InlineKeyboardBuilder()
    if not approved:
        _menu_button(builder, _("🙋 Request access"), MenuAction.REQUEST_ACCESS)
        _menu_button(builder, _("❓ Help"), MenuAction.HELP)
        builder.adjust(1)
        return builder.as_markup()
    profile_label = (
        _("📝 Continue profile")
        if draft
        else _("👤 My profile")
        if has_profile
        else _("📝 Create profile")
    )
    _menu_button(builder, profile_label, MenuAction.PROFILE)
    _menu_button(builder, _("🟢 Mark available"), MenuAction.GO_LIVE)
    _menu_button(builder, _("📋 My listing"), MenuAction.MY_LISTING)
    _menu_button(builder, _("❓ Help"), MenuAction.HELP)
    builder.adjust(1, 1, 2)
    return builder.as_markup()


def main_menu_for(profile: ProfileView | None, *, approved: bool = True) -> InlineKeyboardMarkup:
    """The main menu whose profile button fits her profile: create, continue, or open."""
    return main_menu(
        has_profile=profile is not None,
        draft=profile is not None and not profile.completed,
        approved=approved,
    )


def _menu_button(builder: InlineKeyboardBuilder, text: str, action: MenuAction) -> None:
    builder.button(text=text, callback_data=MenuCallback(action=action))


@cache_per_locale
def back_to_menu() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _menu_button(builder, _("⬅️ Main menu"), MenuAction.HOME)
    return builder.as_markup()


@cache_per_locale
def request_access() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _menu_button(builder, _("🙋 Request access"), MenuAction.REQUEST_ACCESS)
    _menu_button(builder, _("⬅️ Main menu"), MenuAction.HOME)
    builder.adjust(1)
    return builder.as_markup()


def access_decision(user_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("✅ Approve"),
        callback_data=AccessCallback(action=AccessAction.APPROVE, user_id=user_id),
    )
    builder.button(
        text=_("❌ Reject"),
        callback_data=AccessCallback(action=AccessAction.REJECT, user_id=user_id),
    )
    return builder.as_markup()


def open_private_chat(bot_username: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Open private chat"), url=f"https://t.me/{bot_username}?start=menu")
    return builder.as_markup()


def _wizard_button(builder: InlineKeyboardBuilder, text: str, action: WizardAction) -> None:
    builder.button(text=text, callback_data=WizardCallback(action=action))


def step_controls(
    *, back: bool = True, skip: bool = False, clear: bool = False
) -> InlineKeyboardMarkup:
    """Back and Cancel on every step; Skip on optional ones while creating, Clear when editing."""
    builder = InlineKeyboardBuilder()
    if skip:
        _wizard_button(builder, "⏭ Skip", WizardAction.SKIP)
    if clear:
        _wizard_button(builder, "🗑 Clear", WizardAction.CLEAR)
    if back:
        _wizard_button(builder, "⬅️ Back", WizardAction.BACK)
    _wizard_button(builder, "✖️ Cancel", WizardAction.CANCEL)
    builder.adjust(*([1] if skip or clear else []), 2)
    return builder.as_markup()


def services_menu(profile: ProfileView | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for service in ServiceType:
        ready = profile is not None and profile.service(service) is not None
        builder.button(
            text=f"{SERVICE_ICONS[service]} {service.label}{' ✅' if ready else ''}",
            callback_data=ServiceCallback(action=ServiceAction.OPEN, service=service),
        )
    _wizard_button(builder, "✔️ Done", WizardAction.DONE)
    _wizard_button(builder, "⬅️ Back", WizardAction.BACK)
    _wizard_button(builder, "✖️ Cancel", WizardAction.CANCEL)
    builder.adjust(2, 2, 1, 2)
    return builder.as_markup()


def service_options(service: ServiceType) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text="✏️ Change", callback_data=ServiceCallback(action=ServiceAction.CHANGE, service=service)
    )
    builder.button(
        text="🗑 Remove", callback_data=ServiceCallback(action=ServiceAction.REMOVE, service=service)
    )
    builder.button(
        text="⬅️ Back", callback_data=ServiceCallback(action=ServiceAction.MENU, service=service)
    )
    builder.adjust(2, 1)
    return builder.as_markup()


def in_person_types() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for kind in InPersonType:
        builder.button(text=kind.label, callback_data=InPersonCallback(kind=kind))
    _wizard_button(builder, "⬅️ Back", WizardAction.BACK)
    _wizard_button(builder, "✖️ Cancel", WizardAction.CANCEL)
    builder.adjust(1, 1, 1, 2)
    return builder.as_markup()


def contact_methods() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    icons = {ContactMethod.PHONE: "📞", ContactMethod.EMAIL: "✉️", ContactMethod.TELEGRAM: "💬"}
    for method in ContactMethod:
        builder.button(
            text=f"{icons[method]} {method.label}", callback_data=ContactCallback(method=method)
        )
    _wizard_button(builder, "⬅️ Back", WizardAction.BACK)
    _wizard_button(builder, "✖️ Cancel", WizardAction.CANCEL)
    builder.adjust(3, 2)
    return builder.as_markup()


def telegram_contact(username: str | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if username:
        _wizard_button(builder, f"Use @{username}", WizardAction.USE_USERNAME)
    _wizard_button(builder, "⬅️ Back", WizardAction.BACK)
    _wizard_button(builder, "✖️ Cancel", WizardAction.CANCEL)
    builder.adjust(*([1] if username else []), 2)
    return builder.as_markup()


def media_controls() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _wizard_button(builder, "✔️ Done", WizardAction.DONE)
    _wizard_button(builder, "⬅️ Back", WizardAction.BACK)
    _wizard_button(builder, "✖️ Cancel", WizardAction.CANCEL)
    builder.adjust(1, 2)
    return builder.as_markup()


def preview_controls() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _wizard_button(builder, "✅ Confirm", WizardAction.CONFIRM)
    _wizard_button(builder, "✏️ Edit", WizardAction.EDIT)
    _wizard_button(builder, "✖️ Cancel", WizardAction.CANCEL)
    builder.adjust(1, 2)
    return builder.as_markup()


EDIT_LABELS = {
    EditField.NAME: "Name",
    EditField.SERVICES: "Services",
    EditField.ABOUT: "About",
    EditField.CONTACT: "Contact",
    EditField.SOCIAL: "Social links",
    EditField.RATES: "Rates",
    EditField.DISCLAIMER: "Disclaimer",
    EditField.MEDIA: "➕ Add photos/videos",
    EditField.GALLERY: "🖼 Manage gallery",
    EditField.PREVIEW: "👁 Preview",
    EditField.DELETE: "🗑 Delete profile",
}


def edit_menu() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for field, label in EDIT_LABELS.items():
        builder.button(text=label, callback_data=EditCallback(field=field))
    builder.button(text="⬅️ Main menu", callback_data=MenuCallback(action=MenuAction.HOME))
    builder.adjust(2, 2, 2, 1, 2, 1, 1, 1)
    return builder.as_markup()


def delete_confirmation() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text="🗑 Yes, delete everything",
        callback_data=EditCallback(field=EditField.DELETE_CONFIRMED),
    )
    builder.button(text="⬅️ Keep it", callback_data=EditCallback(field=EditField.PREVIEW))
    builder.adjust(1)
    return builder.as_markup()


def gallery(items: list[MediaItem]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    photo_number = video_number = 0
    for item in items:
        if item.media_type is MediaType.IMAGE:
            photo_number += 1
            label = f"🖼 Photo {photo_number}" + (" (cover)" if photo_number == 1 else "")
        else:
            video_number += 1
            label = f"🎬 Video {video_number}"
        builder.button(
            text=label, callback_data=GalleryCallback(action=GalleryAction.SHOW, media_id=item.id)
        )
    builder.button(text="➕ Add more", callback_data=EditCallback(field=EditField.MEDIA))
    builder.button(text="⬅️ Back", callback_data=EditCallback(field=EditField.PREVIEW))
    builder.adjust(*([2] * ((len(items) + 1) // 2)), 2)
    return builder.as_markup()


def gallery_item(item: MediaItem, *, first: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if not first:
        builder.button(
            text="⬆️ Move earlier",
            callback_data=GalleryCallback(action=GalleryAction.EARLIER, media_id=item.id),
        )
        if item.media_type is MediaType.IMAGE:
            builder.button(
                text="⭐ Make cover",
                callback_data=GalleryCallback(action=GalleryAction.COVER, media_id=item.id),
            )
    builder.button(
        text="🗑 Remove",
        callback_data=GalleryCallback(action=GalleryAction.REMOVE, media_id=item.id),
    )
    builder.button(text="⬅️ Gallery", callback_data=EditCallback(field=EditField.GALLERY))
    builder.adjust(2, 2)
    return builder.as_markup()


def _listing_button(
    builder: InlineKeyboardBuilder, text: str, action: ListingAction, hours: int = 0
) -> None:
    builder.button(text=text, callback_data=ListingCallback(action=action, hours=hours))


@cache_per_locale
def durations(hours: Sequence[int]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for value in hours:
        _listing_button(builder, _("{hours} h").format(hours=value), ListingAction.GO, value)
    _menu_button(builder, _("✖️ Cancel"), MenuAction.HOME)
    builder.adjust(len(hours), 1)
    return builder.as_markup()


@cache_per_locale
def listing_controls(hours: Sequence[int]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for value in hours:
        label = "+" + _("{hours} h").format(hours=value)
        _listing_button(builder, label, ListingAction.EXTEND, value)
    _listing_button(builder, _("⏹ End now"), ListingAction.END)
    _menu_button(builder, _("⬅️ Main menu"), MenuAction.HOME)
    builder.adjust(len(hours), 1, 1)
    return builder.as_markup()


@cache_per_locale
def after_listing() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _menu_button(builder, _("🟢 Mark available"), MenuAction.GO_LIVE)
    _menu_button(builder, _("⬅️ Main menu"), MenuAction.HOME)
    builder.adjust(1)
    return builder.as_markup()


def profile_link(bot_username: str, user_id: int) -> str:
    """Deep link that opens the full profile in a private chat with the bot."""
    return f"https://t.me/{bot_username}?start=p_{user_id}"


def listing_post(bot_username: str, profile: ProfileView) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("👤 Full profile & gallery"), url=profile_link(bot_username, profile.user_id)
    )
    if profile.contact_method is ContactMethod.TELEGRAM and profile.telegram_username:
        builder.button(text=_("💬 Message her"), url=f"https://t.me/{profile.telegram_username}")
    builder.adjust(1)
    return builder.as_markup()


LANGUAGE_NAMES = {"en": "🇬🇧 English", "es": "🇪🇸 Español"}
"""Each language's own name, never translated: a reader looks for her language in it."""


def languages(locales: Sequence[str], current: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for locale in locales:
        name = LANGUAGE_NAMES.get(locale, locale)
        builder.button(
            text=f"{name} ✅" if locale == current else name,
            callback_data=LanguageCallback(locale=locale),
        )
    builder.adjust(2)
    return builder.as_markup()
