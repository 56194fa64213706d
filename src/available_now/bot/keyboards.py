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
    AuditCallback,
    AuditView,
    BanAction,
    BanCallback,
    DataAction,
    DataCallback,
    LanguageCallback,
    ListingAction,
    ListingCallback,
    MenuAction,
    MenuCallback,
    ModelsCallback,
    OwnerCallback,
    OwnerTool,
    ReportAction,
    ReportDecisionCallback,
    ReportReasonCallback,
)
from available_now.bot.i18n import _, cache_per_locale
from available_now.domain.links import REPORT_PAYLOAD_PREFIX, profile_payload
from available_now.domain.profiles import ContactMethod, ProfileView
from available_now.domain.reports import ReportReason


@cache_per_locale
def main_menu(
    *,
    has_profile: bool = False,
    approved: bool = True,
    draft: bool = False,
    can_request: bool = True,
) -> InlineKeyboardMarkup:
    """Models get the full menu; everyone else can ask for access (owners excepted: they
    decide) or read the help, and whoever still has a profile (revoked, say) can take her data
    or delete it."""
    if not approved:
        builder = InlineKeyboardBuilder()
        if can_request:
            _menu_button(builder, _("🙋 Request access"), MenuAction.REQUEST_ACCESS)
        if has_profile:
            _data_buttons(builder)
        _menu_button(builder, _("❓ Help"), MenuAction.HELP)
        builder.adjust(1)
        return builder.as_markup()
    builder = InlineKeyboardBuilder()
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


def main_menu_for(
    profile: ProfileView | None, *, approved: bool = True, can_request: bool = True
) -> InlineKeyboardMarkup:
    """The main menu whose profile button fits her profile: create, continue, or open."""
    return main_menu(
        has_profile=profile is not None,
        draft=profile is not None and not profile.completed,
        approved=approved,
        can_request=can_request,
    )


def _data_buttons(builder: InlineKeyboardBuilder) -> None:
    """Export my data and Delete my data: hers, whatever her approval."""
    builder.button(
        text=_("📦 Export my data"), callback_data=DataCallback(action=DataAction.EXPORT)
    )
    builder.button(
        text=_("🗑 Delete my data"),
        callback_data=DataCallback(action=DataAction.DELETE),
    )


def my_data() -> InlineKeyboardMarkup:
    """Under her export: delete it all, or go back."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🗑 Delete my data"), callback_data=DataCallback(action=DataAction.DELETE))
    _menu_button(builder, _("⬅️ Main menu"), MenuAction.HOME)
    builder.adjust(1)
    return builder.as_markup()


def erase_confirmation(user_id: int) -> InlineKeyboardMarkup:
    """The final step: the button names whose data it deletes, and only she may press it."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("🗑 Delete everything"),
        callback_data=DataCallback(action=DataAction.ERASE, user_id=user_id),
    )
    builder.button(text=_("⬅️ Keep my profile"), callback_data=DataCallback(action=DataAction.KEEP))
    builder.adjust(1)
    return builder.as_markup()


def _menu_button(builder: InlineKeyboardBuilder, text: str, action: MenuAction) -> None:
    builder.button(text=text, callback_data=MenuCallback(action=action))


def _menu_column(*buttons: tuple[str, MenuAction]) -> InlineKeyboardMarkup:
    """Main-menu buttons, one under the other."""
    builder = InlineKeyboardBuilder()
    for text, action in buttons:
        _menu_button(builder, text, action)
    builder.adjust(1)
    return builder.as_markup()


@cache_per_locale
def back_to_menu() -> InlineKeyboardMarkup:
    return _menu_column((_("⬅️ Main menu"), MenuAction.HOME))


@cache_per_locale
def request_access() -> InlineKeyboardMarkup:
    return _menu_column(
        (_("🙋 Request access"), MenuAction.REQUEST_ACCESS), (_("⬅️ Main menu"), MenuAction.HOME)
    )


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
    return _menu_column(
        (_("🟢 Mark available"), MenuAction.GO_LIVE), (_("⬅️ Main menu"), MenuAction.HOME)
    )


def profile_link(bot_username: str, link_token: str) -> str:
    """Deep link that opens the full profile in a private chat with the bot, for members.

    It carries her profile's random token, never her Telegram id (`domain/links.py`).
    """
    return f"https://t.me/{bot_username}?start={profile_payload(link_token)}"


def listing_post(bot_username: str, profile: ProfileView) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("👤 Full profile & gallery"), url=profile_link(bot_username, profile.link_token)
    )
    if profile.contact_method is ContactMethod.TELEGRAM and profile.telegram_username:
        builder.button(text=_("💬 Message her"), url=f"https://t.me/{profile.telegram_username}")
    builder.button(text=_("🚩 Report"), url=report_link(bot_username, profile.link_token))
    builder.adjust(1)
    return builder.as_markup()


def report_link(bot_username: str, link_token: str) -> str:
    """Deep link that opens the reason picker in a private chat: the reasons are chosen there,
    never in the group, and the same token as her profile link names the listing."""
    payload = profile_payload(link_token, REPORT_PAYLOAD_PREFIX)
    return f"https://t.me/{bot_username}?start={payload}"


def report_button(bot_username: str, link_token: str) -> InlineKeyboardMarkup:
    """Under a full profile opened from a link."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🚩 Report"), url=report_link(bot_username, link_token))
    return builder.as_markup()


def report_reasons(token: str, reasons: dict[ReportReason, str]) -> InlineKeyboardMarkup:
    """One button per reason (``reasons``: their words, translated), and Cancel."""
    builder = InlineKeyboardBuilder()
    for reason, label in reasons.items():
        builder.button(text=label, callback_data=ReportReasonCallback(reason=reason, token=token))
    _menu_button(builder, _("✖️ Cancel"), MenuAction.HOME)
    builder.adjust(1)
    return builder.as_markup()


def _report_button(
    builder: InlineKeyboardBuilder, text: str, action: ReportAction, report_id: int
) -> None:
    builder.button(
        text=text, callback_data=ReportDecisionCallback(action=action, report_id=report_id)
    )


def report_decisions(report_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _report_button(builder, _("🗑 Remove listing"), ReportAction.REMOVE, report_id)
    _report_button(builder, _("⚠️ Warn model"), ReportAction.WARN, report_id)
    _report_button(builder, _("⛔ Ban model"), ReportAction.BAN, report_id)
    _report_button(builder, _("✖️ Dismiss"), ReportAction.DISMISS, report_id)
    builder.adjust(2)
    return builder.as_markup()


def report_confirmation(report_id: int, action: ReportAction) -> InlineKeyboardMarkup:
    """Yes for a removal or a ban (they cannot be undone from here), or Back."""
    label = _("✅ Yes, remove") if action is ReportAction.CONFIRM_REMOVE else _("✅ Yes, ban")
    builder = InlineKeyboardBuilder()
    _report_button(builder, label, action, report_id)
    _report_button(builder, _("⬅️ Back"), ReportAction.BACK, report_id)
    builder.adjust(1)
    return builder.as_markup()


def ban_confirmation(user_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("⛔ Yes, ban"), callback_data=BanCallback(action=BanAction.CONFIRM, user_id=user_id)
    )
    builder.button(
        text=_("✖️ Cancel"), callback_data=BanCallback(action=BanAction.CANCEL, user_id=user_id)
    )
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


# --- The owners' console ---


@cache_per_locale
def owner_panel() -> InlineKeyboardMarkup:
    """The owner panel's entries: one row per tool, so a new tool is one more line."""
    builder = InlineKeyboardBuilder()
    rows = (
        (_("👥 Models"), OwnerTool.MODELS),
        (_("📊 Stats"), OwnerTool.STATS),
        (_("📜 Audit trail"), OwnerTool.AUDIT),
        (_("👤 My own menu"), OwnerTool.MODEL_MENU),
    )
    for text, tool in rows:
        builder.button(text=text, callback_data=OwnerCallback(tool=tool))
    builder.adjust(1)
    return builder.as_markup()


def _panel_button(builder: InlineKeyboardBuilder) -> None:
    builder.button(text=_("🛡 Owner panel"), callback_data=OwnerCallback(tool=OwnerTool.PANEL))


def back_to_panel() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _panel_button(builder)
    return builder.as_markup()


def models_pages(page: int, pages: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    paging = 0
    if page > 0:
        builder.button(text=_("⬅️ Previous"), callback_data=ModelsCallback(page=page - 1))
        paging += 1
    if page + 1 < pages:
        builder.button(text=_("Next ➡️"), callback_data=ModelsCallback(page=page + 1))
        paging += 1
    _panel_button(builder)
    builder.adjust(*((paging,) if paging else ()), 1)
    return builder.as_markup()


def audit_pages(*, before: int, older: int | None, person: int) -> InlineKeyboardMarkup:
    """Older and Newest (when not on the first page), the export, and the way back."""
    builder = InlineKeyboardBuilder()
    paging = 0
    if older is not None:
        builder.button(
            text=_("⬅️ Older"),
            callback_data=AuditCallback(view=AuditView.PAGE, before=older, person=person),
        )
        paging += 1
    if before:
        builder.button(
            text=_("⏭ Newest"),
            callback_data=AuditCallback(view=AuditView.PAGE, person=person),
        )
        paging += 1
    builder.button(
        text=_("📄 Export CSV"), callback_data=AuditCallback(view=AuditView.EXPORT, person=person)
    )
    _panel_button(builder)
    builder.adjust(*((paging,) if paging else ()), 1, 1)
    return builder.as_markup()
