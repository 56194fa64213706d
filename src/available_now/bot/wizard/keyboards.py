"""The wizard's and the profile editor's buttons, labelled in the reader's language.

Labels are translated as each keyboard is built, so none is cached across updates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from available_now.bot.callbacks import (
    ContactCallback,
    DataAction,
    DataCallback,
    EditCallback,
    EditField,
    EditStepCallback,
    GalleryAction,
    GalleryCallback,
    InPersonCallback,
    MenuAction,
    MenuCallback,
    ServiceAction,
    ServiceCallback,
    WizardAction,
    WizardCallback,
)
from available_now.bot.i18n import N_, _
from available_now.domain.profiles import (
    ContactMethod,
    InPersonType,
    MediaItem,
    MediaType,
    ProfileView,
    ServiceType,
)
from available_now.domain.rendering import CONTACT_EMOJI, SERVICE_EMOJI

WIZARD_LABELS: Final[Mapping[WizardAction, str]] = {
    WizardAction.SKIP: N_("⏭ Skip"),
    WizardAction.CLEAR: N_("🗑 Clear"),
    WizardAction.BACK: N_("⬅️ Back"),
    WizardAction.CANCEL: N_("✖️ Cancel"),
    WizardAction.DONE: N_("✔️ Done"),
    WizardAction.CONFIRM: N_("✅ Confirm"),
    WizardAction.EDIT: N_("✏️ Edit"),
}
BACK: Final = WIZARD_LABELS[WizardAction.BACK]
REMOVE: Final = N_("🗑 Remove")
MAIN_MENU: Final = N_("⬅️ Main menu")
EDITOR_LABELS: Final[Mapping[EditField, str]] = {
    EditField.GALLERY: N_("🖼 Manage gallery"),
    EditField.PREVIEW: N_("👁 Preview"),
}
"""The edit menu's buttons after the wizard's steps."""
DATA_LABELS: Final[Mapping[DataAction, str]] = {
    DataAction.EXPORT: N_("📦 Export my data"),
    DataAction.DELETE: N_("🗑 Delete profile"),
}
"""Then her data's: answered outside the approved-only routers, as her data is hers."""


def _wizard_buttons(builder: InlineKeyboardBuilder, *actions: WizardAction) -> None:
    for action in actions:
        builder.button(text=_(WIZARD_LABELS[action]), callback_data=WizardCallback(action=action))


def step_controls(
    *, back: bool = True, skip: bool = False, clear: bool = False
) -> InlineKeyboardMarkup:
    """Back and Cancel on every step; Skip on optional ones while creating, Clear when editing."""
    builder = InlineKeyboardBuilder()
    optional = [WizardAction.SKIP] if skip else []
    optional += [WizardAction.CLEAR] if clear else []
    _wizard_buttons(builder, *optional, *([WizardAction.BACK] if back else []), WizardAction.CANCEL)
    builder.adjust(*([1] * len(optional)), 2)
    return builder.as_markup()


def services_menu(profile: ProfileView | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for service in ServiceType:
        ready = profile is not None and profile.service(service) is not None
        builder.button(
            text=f"{SERVICE_EMOJI[service]} {_(service.label)}{' ✅' if ready else ''}",
            callback_data=ServiceCallback(action=ServiceAction.OPEN, service=service),
        )
    _wizard_buttons(builder, WizardAction.DONE, WizardAction.BACK, WizardAction.CANCEL)
    builder.adjust(2, 2, 1, 2)
    return builder.as_markup()


def service_options(service: ServiceType) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for label, action in (
        (N_("✏️ Change"), ServiceAction.CHANGE),
        (REMOVE, ServiceAction.REMOVE),
        (BACK, ServiceAction.MENU),
    ):
        builder.button(text=_(label), callback_data=ServiceCallback(action=action, service=service))
    builder.adjust(2, 1)
    return builder.as_markup()


def in_person_types() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for kind in InPersonType:
        builder.button(text=_(kind.label), callback_data=InPersonCallback(kind=kind))
    _wizard_buttons(builder, WizardAction.BACK, WizardAction.CANCEL)
    builder.adjust(1, 1, 1, 2)
    return builder.as_markup()


def contact_methods() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for method in ContactMethod:
        builder.button(
            text=f"{CONTACT_EMOJI[method]} {_(method.label)}",
            callback_data=ContactCallback(method=method),
        )
    _wizard_buttons(builder, WizardAction.BACK, WizardAction.CANCEL)
    builder.adjust(3, 2)
    return builder.as_markup()


def telegram_contact(username: str | None) -> InlineKeyboardMarkup:
    """Her own @username in one tap, when she has one."""
    builder = InlineKeyboardBuilder()
    if username:
        builder.button(
            text=_("Use @{username}").format(username=username),
            callback_data=WizardCallback(action=WizardAction.USE_USERNAME),
        )
    _wizard_buttons(builder, WizardAction.BACK, WizardAction.CANCEL)
    builder.adjust(*([1] if username else []), 2)
    return builder.as_markup()


def media_controls() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _wizard_buttons(builder, WizardAction.DONE, WizardAction.BACK, WizardAction.CANCEL)
    builder.adjust(1, 2)
    return builder.as_markup()


def preview_controls() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _wizard_buttons(builder, WizardAction.CONFIRM, WizardAction.EDIT, WizardAction.CANCEL)
    builder.adjust(1, 2)
    return builder.as_markup()


def edit_menu(steps: Iterable[tuple[str, str]]) -> InlineKeyboardMarkup:
    """``steps`` are the wizard's editable steps as (key, English label), two to a row."""
    builder = InlineKeyboardBuilder()
    entries = list(steps)
    for key, label in entries:
        builder.button(text=_(label), callback_data=EditStepCallback(step=key))
    for field, label in EDITOR_LABELS.items():
        builder.button(text=_(label), callback_data=EditCallback(field=field))
    for action, label in DATA_LABELS.items():
        builder.button(text=_(label), callback_data=DataCallback(action=action))
    builder.button(text=_(MAIN_MENU), callback_data=MenuCallback(action=MenuAction.HOME))
    builder.adjust(*([2] * (len(entries) // 2)), *([1] * (len(entries) % 2)), 2, 2, 1)
    return builder.as_markup()


def gallery(items: list[MediaItem], *, add_step: str) -> InlineKeyboardMarkup:
    """Her photos then videos, numbered as she sees them; ``add_step`` asks for more."""
    builder = InlineKeyboardBuilder()
    photo_number = video_number = 0
    for item in items:
        if item.media_type is MediaType.IMAGE:
            photo_number += 1
            label = (
                _("🖼 Photo {number} (cover)") if photo_number == 1 else _("🖼 Photo {number}")
            ).format(number=photo_number)
        else:
            video_number += 1
            label = _("🎬 Video {number}").format(number=video_number)
        builder.button(
            text=label, callback_data=GalleryCallback(action=GalleryAction.SHOW, media_id=item.id)
        )
    builder.button(text=_("➕ Add more"), callback_data=EditStepCallback(step=add_step))
    builder.button(text=_(BACK), callback_data=EditCallback(field=EditField.PREVIEW))
    builder.adjust(*([2] * ((len(items) + 1) // 2)), 2)
    return builder.as_markup()


def gallery_item(item: MediaItem, *, first: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    actions = [] if first else [(N_("⬆️ Move earlier"), GalleryAction.EARLIER)]
    if not first and item.media_type is MediaType.IMAGE:
        actions.append((N_("⭐ Make cover"), GalleryAction.COVER))
    actions.append((REMOVE, GalleryAction.REMOVE))
    for label, action in actions:
        builder.button(
            text=_(label), callback_data=GalleryCallback(action=action, media_id=item.id)
        )
    builder.button(text=_("⬅️ Gallery"), callback_data=EditCallback(field=EditField.GALLERY))
    builder.adjust(2, 2)
    return builder.as_markup()
