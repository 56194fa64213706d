"""Operators' plain database URLs become async driver URLs."""

from __future__ import annotations

import pytest

from available_now.db.url import DatabaseURLError, sqlite_path, to_async_url


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://user:pw@host/db", "postgresql+asyncpg"),
        ("postgres://user:pw@host/db", "postgresql+asyncpg"),
        ("postgresql+psycopg2://user:pw@host/db", "postgresql+asyncpg"),
        ("postgresql+asyncpg://user:pw@host/db", "postgresql+asyncpg"),
        ("sqlite:///./bot.db", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///./bot.db", "sqlite+aiosqlite"),
    ],
)
def test_picks_the_async_driver(given: str, driver: str) -> None:
    url = to_async_url(given)
    assert url.drivername == driver


def test_keeps_credentials_host_and_database() -> None:
    url = to_async_url("postgresql://user:p%40ss@db.example:6543/app")
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "user",
        "p@ss",
        "db.example",
        6543,
        "app",
    )


def test_maps_libpq_sslmode_to_asyncpg_ssl() -> None:
    url = to_async_url("postgresql://u@h/db?sslmode=require")
    assert url.query == {"ssl": "require"}


def test_relative_sqlite_path() -> None:
    assert str(sqlite_path(to_async_url("sqlite:///./bot.db"))) == "bot.db"
    assert sqlite_path(to_async_url("sqlite://")) is None


@pytest.mark.parametrize("given", ["mysql://u@h/db", "not a url"])
def test_unsupported_urls_are_explained(given: str) -> None:
    with pytest.raises(DatabaseURLError):
        to_async_url(given)
