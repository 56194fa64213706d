"""Partial indexes for live listings and pending deletions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 02:29:59.862194
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Alembic's generated header, as in every revision: migrations are frozen history, never edited
# to share code.
revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


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
