"""Room for encrypted contact details, and the day each user was last seen.

Phone, e-mail, Telegram handle and in-person location become unbounded text: a Fernet token is
several times longer than the value inside it. The values are encrypted by the application at
start-up (`available-now keys rotate` does the same by hand), not here, since a migration has no
key. `users.last_seen_at` (the day, not the minute) lets retention forget inactive members.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from available_now.db.types import UTCDateTime

revision = "0007"
down_revision = "0006"

_WIDENED = {
    "profiles": {"phone": 20, "email": 255, "telegram_username": 255},
    "offer_types": {"in_person_location": 255},
}


def upgrade() -> None:
    for table, columns in _WIDENED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, length in columns.items():
                batch_op.alter_column(
                    column, existing_type=sa.String(length=length), type_=sa.Text()
                )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("last_seen_at")
    for table, columns in _WIDENED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, length in columns.items():
                batch_op.alter_column(
                    column, existing_type=sa.Text(), type_=sa.String(length=length)
                )
