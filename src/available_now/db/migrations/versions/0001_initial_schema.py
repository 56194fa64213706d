"""Initial schema: the seed tables corrected for Telegram, plus conversation state and
scheduled deletions (see docs/database.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from available_now.db.types import UTCDateTime

revision = "0001"
down_revision = None


def upgrade() -> None:
    # A migration is a frozen record of its day: every table spells out its columns and
    # constraints, as Alembic wrote them, and never imports shared helpers that could change.
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=255), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("idx_audit_log_created_at", ["created_at"], unique=False)
        batch_op.create_index("idx_audit_log_user_id", ["user_id"], unique=False)

    op.create_table(
        "conversation_states",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=255), nullable=True),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_conversation_states")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("username", sa.String(length=255), nullable=True),
        sa.Column("first_name", sa.String(length=255), nullable=True),
        sa.Column("last_name", sa.String(length=255), nullable=True),
        sa.Column("is_approved_admin", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("about", sa.Text(), nullable=True),
        sa.Column("contact_method", sa.String(length=50), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("telegram_username", sa.String(length=255), nullable=True),
        sa.Column("social_links", sa.Text(), nullable=True),
        sa.Column("rates", sa.Text(), nullable=True),
        sa.Column("disclaimer", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "contact_method IN ('phone', 'email', 'telegram')",
            name=op.f("ck_profiles_contact_method"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_profiles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profiles")),
    )
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.create_index("idx_profiles_user_id", ["user_id"], unique=True)

    op.create_table(
        "listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("group_id", sa.BigInteger(), nullable=False),
        sa.Column("duration_hours", sa.Integer(), nullable=True),
        sa.Column(
            "posted_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.Column(
            "created_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_listings_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_listings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listings")),
        sa.UniqueConstraint("group_id", "message_id", name=op.f("uq_listings_group_id_message_id")),
    )
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.create_index("idx_listings_expires_at", ["expires_at"], unique=False)
        batch_op.create_index("idx_listings_user_id", ["user_id"], unique=False)

    op.create_table(
        "media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=255), nullable=False),
        sa.Column("file_unique_id", sa.String(length=64), nullable=True),
        sa.Column("media_type", sa.String(length=50), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("media_type IN ('image', 'video')", name=op.f("ck_media_media_type")),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_media_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media")),
        sa.UniqueConstraint(
            "profile_id", "file_unique_id", name=op.f("uq_media_profile_id_file_unique_id")
        ),
    )
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.create_index("idx_media_profile_id", ["profile_id"], unique=False)

    op.create_table(
        "offer_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("service_type", sa.String(length=50), nullable=False),
        sa.Column("in_person_type", sa.String(length=50), nullable=True),
        sa.Column("in_person_location", sa.String(length=255), nullable=True),
        sa.Column("facetime_platforms", sa.String(length=255), nullable=True),
        sa.Column("facetime_payment", sa.String(length=255), nullable=True),
        sa.Column("custom_payment", sa.String(length=255), nullable=True),
        sa.Column("custom_delivery", sa.String(length=255), nullable=True),
        sa.Column("other_service", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "in_person_type IS NULL OR in_person_type IN "
            "('Incall Only', 'Outcall Only', 'Incall/Outcall')",
            name=op.f("ck_offer_types_in_person_type"),
        ),
        sa.CheckConstraint(
            "service_type IN ('in_person', 'facetime', 'custom', 'other')",
            name=op.f("ck_offer_types_service_type"),
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_offer_types_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_types")),
    )
    with op.batch_alter_table("offer_types", schema=None) as batch_op:
        batch_op.create_index("idx_offer_types_profile_id", ["profile_id"], unique=False)

    op.create_table(
        "scheduled_deletions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=True),
        sa.Column("delete_after", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_scheduled_deletions_listing_id_listings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_deletions")),
        sa.UniqueConstraint(
            "chat_id", "message_id", name=op.f("uq_scheduled_deletions_chat_id_message_id")
        ),
    )
    with op.batch_alter_table("scheduled_deletions", schema=None) as batch_op:
        batch_op.create_index("ix_scheduled_deletions_due", ["delete_after"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_scheduled_deletions_listing_id"), ["listing_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("scheduled_deletions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduled_deletions_listing_id"))
        batch_op.drop_index("ix_scheduled_deletions_due")

    op.drop_table("scheduled_deletions")
    with op.batch_alter_table("offer_types", schema=None) as batch_op:
        batch_op.drop_index("idx_offer_types_profile_id")

    op.drop_table("offer_types")
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.drop_index("idx_media_profile_id")

    op.drop_table("media")
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.drop_index("idx_listings_user_id")
        batch_op.drop_index("idx_listings_expires_at")

    op.drop_table("listings")
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_index("idx_profiles_user_id")

    op.drop_table("profiles")
    op.drop_table("users")
    op.drop_table("conversation_states")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("idx_audit_log_user_id")
        batch_op.drop_index("idx_audit_log_created_at")

    op.drop_table("audit_log")
