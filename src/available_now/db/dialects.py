"""The few statements whose spelling differs between PostgreSQL and SQLite."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def upsert_insert(session: AsyncSession, entity: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that supports `on_conflict_do_*` on whichever backend the session uses."""
    return dialect_insert(session.get_bind().dialect.name, entity)


def dialect_insert(dialect: str, entity: Any) -> postgresql.Insert | sqlite.Insert:
    """`upsert_insert` by the database kind's name, for statements built once per kind."""
    if dialect == "postgresql":
        return postgresql.insert(entity)
    return sqlite.insert(entity)
