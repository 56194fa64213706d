"""Turn the database URLs operators already have into async SQLAlchemy URLs."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

_POSTGRES_SCHEMES = {"postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"}
_SQLITE_SCHEMES = {"sqlite", "sqlite+pysqlite"}


class DatabaseURLError(ValueError):
    """The URL names no database this bot can use."""


def to_async_url(raw: str) -> URL:
    """`postgresql://…` → asyncpg, `sqlite:///…` → aiosqlite; async URLs pass unchanged.

    libpq's `sslmode` is mapped to asyncpg's `ssl`, since asyncpg does not know the former.
    """
    try:
        url = make_url(raw.strip())
    except ArgumentError:
        raise DatabaseURLError(
            "not a database URL; use postgresql://user:password@host/db or sqlite:///./bot.db"
        ) from None
    driver = url.drivername
    if driver in _POSTGRES_SCHEMES:
        url = url.set(drivername="postgresql+asyncpg")
    elif driver in _SQLITE_SCHEMES:
        url = url.set(drivername="sqlite+aiosqlite")
    elif driver not in {"postgresql+asyncpg", "sqlite+aiosqlite"}:
        raise DatabaseURLError(
            f"unsupported database {driver!r}; use a postgresql:// or sqlite:/// URL"
        )
    if url.drivername == "postgresql+asyncpg" and "sslmode" in url.query:
        query = dict(url.query)
        query["ssl"] = query.pop("sslmode")
        url = url.set(query=query)
    return url


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory database."""
    if not is_sqlite(url) or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database or "")
