"""The listing outbox, the group's living list, and redrawing posts after edits.

Going live now queues the group post (`outbox_posts`) instead of sending it inside the button
handler; a worker posts at the group's pace and keeps the row to clean up an uncertain send.
`group_boards` holds each group's one "Available now" list, and `listings.render_due_at` asks
for a live post to be redrawn after she edits her profile.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from available_now.db.types import UTCDateTime

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.create_table(
        "outbox_posts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("after_message_id", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column(
            "created_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_posts")),
    )
    with op.batch_alter_table("outbox_posts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_posts_listing_id"), ["listing_id"], unique=False
        )
        batch_op.create_index(
            "ix_outbox_posts_open",
            ["chat_id", "due_at"],
            unique=False,
            sqlite_where=sa.text("done_at IS NULL"),
            postgresql_where=sa.text("done_at IS NULL"),
        )
    op.create_table(
        "group_boards",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("render_due_at", UTCDateTime(), nullable=True),
        sa.Column("rendered_at", UTCDateTime(), nullable=True),
        sa.Column("keep_until", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_group_boards")),
    )
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("render_due_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.drop_column("render_due_at")
    op.drop_table("group_boards")
    with op.batch_alter_table("outbox_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_posts_open")
        batch_op.drop_index(batch_op.f("ix_outbox_posts_listing_id"))
    op.drop_table("outbox_posts")
