"""Members' reports about listings, owners' bans, and profiles hidden from `/available`.

`reports` holds one row per member per listing until an owner decides; `users.banned_at` and
`profiles.hidden_at` are the owners' moderation decisions (docs/moderation.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from available_now.db.types import UTCDateTime

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=True),
        sa.Column("reported_user_id", sa.BigInteger(), nullable=False),
        sa.Column("reporter_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        # Encrypted at rest by the models' `EncryptedText` (stored as text).
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column(
            "created_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "reason IN ('fake_photos', 'scam', 'safety', 'underage', 'other')",
            name=op.f("ck_reports_reason"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'removed', 'warned', 'banned', 'dismissed')",
            name=op.f("ck_reports_status"),
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_reports_listing_id_listings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint(
            "listing_id", "reporter_id", name=op.f("uq_reports_listing_id_reporter_id")
        ),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index("ix_reports_reported_user_id", ["reported_user_id"], unique=False)
        batch_op.create_index(
            "ix_reports_reporter_id_created_at", ["reporter_id", "created_at"], unique=False
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("banned_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_column("hidden_at")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("banned_at")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_reporter_id_created_at")
        batch_op.drop_index("ix_reports_reported_user_id")
    op.drop_table("reports")
