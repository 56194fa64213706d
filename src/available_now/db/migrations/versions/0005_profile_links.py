"""A random link token per profile, so deep links no longer carry her Telegram id.

Existing profiles get a fresh token each; links already posted with an id stop working.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"

profiles = sa.table("profiles", sa.column("id", sa.Integer), sa.column("link_token", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_token", sa.String(length=43), nullable=True))
    connection = op.get_bind()
    for (profile_id,) in connection.execute(sa.select(profiles.c.id)).all():
        # Written out here rather than imported: a migration must not change with the code.
        connection.execute(
            profiles.update()
            .where(profiles.c.id == profile_id)
            .values(link_token=secrets.token_urlsafe(16))
        )
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.alter_column("link_token", existing_type=sa.String(length=43), nullable=False)
        batch_op.create_index("uq_profiles_link_token", ["link_token"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_index("uq_profiles_link_token")
        batch_op.drop_column("link_token")
