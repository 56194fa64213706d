"""Typed callback data. Prefixes are short so every button stays far below 64 bytes.

Callback data comes from the client and is never trusted: aiogram parses it into these types
(rejecting malformed values), and handlers check ownership and state before acting.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from available_now.domain.profiles import ContactMethod, InPersonType, ServiceType
from available_now.domain.reports import ReportReason


# Each button family is its own StrEnum and CallbackData with its own prefix: a shared base
# would couple unrelated choices, and aiogram checks each type's data on its own.
class MenuAction(StrEnum):
    HOME = "home"
    PROFILE = "profile"
    GO_LIVE = "live"
    MY_LISTING = "listing"
    HELP = "help"
    REQUEST_ACCESS = "access"


class MenuCallback(CallbackData, prefix="m"):
    action: MenuAction


class AccessAction(StrEnum):
    APPROVE = "ok"
    REJECT = "no"


class AccessCallback(CallbackData, prefix="a"):
    action: AccessAction
    user_id: int


class WizardAction(StrEnum):
    BACK = "back"
    CANCEL = "cancel"
    SKIP = "skip"
    DONE = "done"
    CONFIRM = "confirm"
    EDIT = "edit"
    USE_USERNAME = "me"
    CLEAR = "clear"


class WizardCallback(CallbackData, prefix="w"):
    action: WizardAction


class ServiceAction(StrEnum):
    OPEN = "open"
    CHANGE = "change"
    REMOVE = "remove"
    MENU = "menu"


class ServiceCallback(CallbackData, prefix="s"):
    action: ServiceAction
    service: ServiceType


class InPersonCallback(CallbackData, prefix="ip"):
    kind: InPersonType


class ContactCallback(CallbackData, prefix="c"):
    method: ContactMethod


class EditField(StrEnum):
    """The profile editor's own buttons; each wizard step has its `EditStepCallback`."""

    GALLERY = "gallery"
    PREVIEW = "preview"


class EditCallback(CallbackData, prefix="e"):
    field: EditField


class EditStepCallback(CallbackData, prefix="es"):
    """Edit one part of the profile: ``step`` names a wizard step, checked against its table."""

    step: str


class GalleryAction(StrEnum):
    SHOW = "show"
    EARLIER = "up"
    COVER = "cover"
    REMOVE = "rm"


class GalleryCallback(CallbackData, prefix="g"):
    action: GalleryAction
    media_id: int


class ListingAction(StrEnum):
    GO = "go"
    EXTEND = "ext"
    END = "end"
    STATUS = "st"


class ListingCallback(CallbackData, prefix="l"):
    action: ListingAction
    hours: int = 0


class LanguageCallback(CallbackData, prefix="lang"):
    locale: str


class DataAction(StrEnum):
    """Her own data: open to anyone who has some, approved or not."""

    EXPORT = "export"
    DELETE = "delete"
    ERASE = "erase"
    KEEP = "keep"


class DataCallback(CallbackData, prefix="d"):
    action: DataAction
    user_id: int = 0
    """Whose confirmation an ERASE button is: only she may press it."""


class ReportReasonCallback(CallbackData, prefix="rr"):
    """A member's reason for reporting the listing behind ``token`` (her profile's link token:
    a forged press names nothing it could not already open, and is checked again)."""

    reason: ReportReason
    token: str


class ReportAction(StrEnum):
    REMOVE = "rm"
    WARN = "warn"
    BAN = "ban"
    DISMISS = "dis"
    CONFIRM_REMOVE = "rm!"
    CONFIRM_BAN = "ban!"
    BACK = "back"


class ReportDecisionCallback(CallbackData, prefix="rd"):
    """An owner's button under a report; owners only, and each decision is applied once."""

    action: ReportAction
    report_id: int


class BanAction(StrEnum):
    CONFIRM = "ok"
    CANCEL = "no"


class BanCallback(CallbackData, prefix="bn"):
    action: BanAction
    user_id: int


# --- The owners' console ---


class OwnerTool(StrEnum):
    """The owner panel's entries."""

    PANEL = "panel"
    MODELS = "models"
    STATS = "stats"
    AUDIT = "audit"
    MODEL_MENU = "menu"


class OwnerCallback(CallbackData, prefix="o"):
    tool: OwnerTool


class ModelsCallback(CallbackData, prefix="om"):
    """A page of `/models` (0 is the first)."""

    page: int


class AuditView(StrEnum):
    PAGE = "p"
    EXPORT = "x"


class AuditCallback(CallbackData, prefix="au"):
    """A page of the trail (entries older than ``before``; 0: the newest) or its export,
    about ``person`` (0: everyone)."""

    view: AuditView
    before: int = 0
    person: int = 0
