"""Partial indexes for live listings and pending deletions."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    # Alembic does not compare index predicates; this one is rebuilt by hand.
    with op.batch_alter_table("scheduled_deletions", schema=None) as batch_op:
        batch_op.drop_index("ix_scheduled_deletions_due")
        batch_op.create_index(
            "ix_scheduled_deletions_due",
            ["delete_after"],
            unique=False,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        )
    # Like 0002's partial index: a migration is a frozen record of its day and shares no code.
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_listings_live_group_expiry",
            ["group_id", "expires_at"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("scheduled_deletions", schema=None) as batch_op:
        batch_op.drop_index("ix_scheduled_deletions_due")
        batch_op.create_index("ix_scheduled_deletions_due", ["delete_after"], unique=False)
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_listings_live_group_expiry",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
