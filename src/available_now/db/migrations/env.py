"""Alembic environment: runs on a connection handed over by `available_now.db.migrate`.

Run through `available-now db …`, which takes a lock so that two instances starting at once
never migrate concurrently. Plain `alembic` use (with `-x url=…`) is supported for development.
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from available_now.db import models  # noqa: F401  (registers the tables on the metadata)
from available_now.db.base import Base
from available_now.db.engine import create_engine
from available_now.db.types import UTCDateTime

target_metadata = Base.metadata
config = context.config


def render_item(kind: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render the project's column types by their import, so revisions read cleanly."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        autogen_context.imports.add("from available_now.db.types import UTCDateTime")
        return "UTCDateTime()"
    return False


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_on)
            await connection.commit()
    finally:
        await engine.dispose()


def main() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("pass the database with: alembic -x url=postgresql://… upgrade head")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_with_own_engine(url))


main()
