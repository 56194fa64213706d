"""The names of audited actions, and the closed vocabularies their details may use."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    """Every kind of change the bot records in `audit_log.action`."""

    REGISTER_USER = "register_user"
    UPDATE_USER = "update_user"
    SET_LANGUAGE = "set_language"
    APPROVE_USER = "approve_user"
    REVOKE_USER = "revoke_user"
    REQUEST_ACCESS = "request_access"
    REJECT_ACCESS = "reject_access"
    CREATE_PROFILE = "create_profile"
    COMPLETE_PROFILE = "complete_profile"
    UPDATE_PROFILE = "update_profile"
    DELETE_PROFILE = "delete_profile"
    ADD_SERVICE = "add_service"
    UPDATE_SERVICE = "update_service"
    REMOVE_SERVICE = "remove_service"
    ADD_MEDIA = "add_media"
    REMOVE_MEDIA = "remove_media"
    REORDER_MEDIA = "reorder_media"
    MARK_AVAILABLE = "mark_available"
    EXTEND_LISTING = "extend_listing"
    END_LISTING = "end_listing"
    EXPIRE_LISTING = "expire_listing"
    DELETE_LISTING = "delete_listing"
    MESSAGE_DELETE_FAILED = "message_delete_failed"
    APPLY_RETENTION = "apply_retention"
    """A retention pass removed idle members or old history; the details are counts."""
    # Encryption at rest (docs/encryption.md): counts only, never a value or a key.
    ENCRYPT_PLAINTEXT_DETAILS = "encrypt_plaintext_details"
    ROTATE_DATA_KEY = "rotate_data_key"
    ABANDON_DELETIONS = "abandon_deletions"
    """Removals given up because the bot lost access to the chat (a count, no ids)."""
    ERASE_USER = "erase_user"
    """Her personal data was removed (`services/erasure.py`); the details hold counts only."""
    # Reports and moderation (docs/moderation.md): ids, reasons and decisions, never a note.
    REPORT_LISTING = "report_listing"
    DECIDE_REPORT = "decide_report"
    WARN_USER = "warn_user"
    BAN_USER = "ban_user"
    UNBAN_USER = "unban_user"
    HIDE_PROFILE = "hide_profile"
    UNHIDE_PROFILE = "unhide_profile"


class AuditField(StrEnum):
    """The fields a change can touch: what the trail names instead of their values."""

    USERNAME = "username"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    LANGUAGE_CODE = "language_code"
    LANGUAGE = "language"
    NAME = "name"
    ABOUT = "about"
    CONTACT_METHOD = "contact_method"
    PHONE = "phone"
    EMAIL = "email"
    TELEGRAM_USERNAME = "telegram_username"
    SOCIAL_LINKS = "social_links"
    RATES = "rates"
    DISCLAIMER = "disclaimer"
    IN_PERSON_TYPE = "in_person_type"
    IN_PERSON_LOCATION = "in_person_location"
    FACETIME_PLATFORMS = "facetime_platforms"
    FACETIME_PAYMENT = "facetime_payment"
    CUSTOM_PAYMENT = "custom_payment"
    CUSTOM_DELIVERY = "custom_delivery"
    OTHER_SERVICE = "other_service"


class AuditReason(StrEnum):
    """Why the bot changed someone's data on its own, where the action alone does not say."""

    USERNAME_TAKEN_OVER = "username_taken_over"
    """Another account now holds her former username (Telegram moved it)."""
    USERNAME_CHANGED = "username_changed"
    """Her Telegram contact followed her new username, or was cleared with it."""


class ApprovalSource(StrEnum):
    """Who approved a model when no owner did."""

    APPROVED_ADMINS = "APPROVED_ADMINS"
    """The `APPROVED_ADMINS` setting, applied at start-up."""


class ErasureRequester(StrEnum):
    """Who asked for a person's data to be erased."""

    SELF = "self"
    """She did, with Delete profile or Delete my data."""
    OPERATOR = "operator"
    """Whoever runs the bot, on the command line (`available-now erase`)."""
    OWNER = "owner"
    """A group owner (`actor_id` names which)."""
