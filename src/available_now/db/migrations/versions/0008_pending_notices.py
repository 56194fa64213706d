"""The durable queue of notices to models.

A notice (her listing ended, a reminder before it ends) is now a row written in the transaction
that makes it due and deleted once Telegram has it, so a restart sends what was queued instead
of dropping it. Rows name the recipient, the kind and the listing, never a rendered text.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from available_now.db.types import UTCDateTime

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    op.create_table(
        "pending_notices",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("send_after", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_pending_notices_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_pending_notices_listing_id_listings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_notices")),
    )
    with op.batch_alter_table("pending_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pending_notices_listing_id"), ["listing_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pending_notices_send_after"), ["send_after"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pending_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_notices_send_after"))
        batch_op.drop_index(batch_op.f("ix_pending_notices_listing_id"))
    op.drop_table("pending_notices")
