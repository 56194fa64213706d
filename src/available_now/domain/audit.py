"""The names of audited actions, so the trail reads the same everywhere."""

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
