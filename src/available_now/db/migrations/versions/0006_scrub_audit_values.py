"""Scrub the values out of the audit trail: keep what changed, drop what it was changed to.

Rows written before the trail became value-free copied names, usernames, phone numbers, profile
and service texts and Telegram's error messages into `audit_log.details`. Each row is rewritten
to the shape the trail records now: field names (`fields`, `field`), ids, counts, the listing's
times, flags and words of closed vocabularies. Anything else is dropped, including keys this
migration does not know. Who did what and when (`user_id`, `action`, `created_at`) is kept.

The vocabularies below are frozen copies of the application's as of this revision, so the
migration means the same thing whatever the code becomes. Downgrading cannot bring the values
back, on purpose; it leaves the rows as they are.

The same revision adds `users.access_rejected_at`, for the wait before a rejected user may ask
for access again (`ACCESS_REQUEST_COOLDOWN_DAYS`).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from available_now.db.types import UTCDateTime

revision = "0006"
down_revision = "0005"

BATCH = 1000

FIELDS = frozenset(
    {
        "username",
        "first_name",
        "last_name",
        "language_code",
        "language",
        "name",
        "about",
        "contact_method",
        "phone",
        "email",
        "telegram_username",
        "social_links",
        "rates",
        "disclaimer",
        "in_person_type",
        "in_person_location",
        "facetime_platforms",
        "facetime_payment",
        "custom_payment",
        "custom_delivery",
        "other_service",
    }
)
NUMBERS = frozenset(
    {
        "profile_id",
        "listing_id",
        "media_id",
        "user_id",
        "target_user_id",
        "by_user_id",
        "group_id",
        "chat_id",
        "message_id",
        "hours",
        "from_position",
        "to_position",
    }
)
TIMES = frozenset({"expires_at", "old_expires_at"})
FLAGS = frozenset({"draft", "already_deleted"})
WORDS: dict[str, frozenset[str]] = {
    "field": FIELDS,
    "service": frozenset({"in_person", "facetime", "custom", "other"}),
    "media_type": frozenset({"image", "video"}),
    "reason": frozenset(
        {
            "expired",
            "ended",
            "revoked",
            "profile_deleted",
            "moderated",
            "post_failed",
            "username_taken_over",
            "username_changed",
        }
    ),
    "purpose": frozenset({"listing", "available_list", "command"}),
    "handled_by": frozenset(
        {"none", "none: no access", "left in place", "edited to ended", "reported to owners"}
    ),
    "source": frozenset({"APPROVED_ADMINS"}),
}
REGISTERED_NAMES = ("username", "first_name", "last_name", "language_code")
TAKEN_OVER = re.compile(r"username taken over by (\d+)")

audit_log = sa.table(
    "audit_log",
    sa.column("id", sa.BigInteger),
    sa.column("action", sa.String),
    sa.column("details", sa.JSON().with_variant(JSONB(), "postgresql")),
)


def scrubbed(action: str, details: Any) -> dict[str, Any]:
    """The row's details without values; a row already in that shape comes back unchanged."""
    if not isinstance(details, dict):
        return {}
    kept: dict[str, Any] = {}
    fields: list[str] = []
    for key, value in details.items():
        if _is_kept(key, value):
            kept[key] = value
        elif key in ("fields", "changes") and isinstance(value, list | dict):
            fields.extend(name for name in value if isinstance(name, str) and name in FIELDS)
        elif key == "details" and isinstance(value, dict):
            fields.extend(name for name, text in value.items() if text and name in FIELDS)
        elif key == "reason" and isinstance(value, str):
            taken = TAKEN_OVER.fullmatch(value)
            if taken is not None:
                kept["reason"] = "username_taken_over"
                kept["by_user_id"] = int(taken.group(1))
        elif key == "note" and value == "already deleted":
            kept["already_deleted"] = True
    if action == "register_user":
        fields.extend(name for name in REGISTERED_NAMES if details.get(name))
    if action == "set_language":
        kept["field"] = "language"
    if fields:
        kept["fields"] = list(dict.fromkeys(fields))
    return kept


def _is_kept(key: str, value: Any) -> bool:
    """An id or count, a listing's time, a flag, or a word of its key's vocabulary."""
    if key in NUMBERS:
        return isinstance(value, int) and not isinstance(value, bool)
    if key in TIMES:
        return isinstance(value, str) and _is_moment(value)
    if key in FLAGS:
        return isinstance(value, bool)
    return key in WORDS and isinstance(value, str) and value in WORDS[key]


def _is_moment(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("access_rejected_at", UTCDateTime(), nullable=True))
    _scrub_audit_log()


def _scrub_audit_log() -> None:
    bind = op.get_bind()
    update = (
        audit_log.update()
        .where(audit_log.c.id == sa.bindparam("row_id"))
        .values(details=sa.bindparam("clean"))
    )
    last_id: int | None = None
    while True:
        query = sa.select(audit_log.c.id, audit_log.c.action, audit_log.c.details)
        if last_id is not None:
            query = query.where(audit_log.c.id > last_id)
        rows = bind.execute(query.order_by(audit_log.c.id).limit(BATCH)).all()
        if not rows:
            return
        changes = [
            {"row_id": row_id, "clean": clean}
            for row_id, action, details in rows
            if (clean := scrubbed(action, details)) != details
        ]
        if changes:
            bind.execute(update, changes)
        last_id = rows[-1][0]


def downgrade() -> None:
    # The audit values are gone for good; the scrubbed rows read the same to older code.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("access_rejected_at")
