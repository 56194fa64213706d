"""Profile drafts, access requests, and live listings (one per model and group)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from available_now.db.types import UTCDateTime

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("reminder_sent_at", UTCDateTime(), nullable=True))
        batch_op.alter_column("message_id", existing_type=sa.BIGINT(), nullable=True)
        batch_op.create_index(
            "uq_listings_live_user_group",
            ["user_id", "group_id"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("completed_at", UTCDateTime(), nullable=True))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("access_requested_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("access_requested_at")

    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_column("completed_at")

    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_listings_live_user_group",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.alter_column("message_id", existing_type=sa.BIGINT(), nullable=False)
        batch_op.drop_column("reminder_sent_at")
        batch_op.drop_column("ended_reason")
