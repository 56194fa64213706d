"""Column types that behave the same on PostgreSQL and SQLite."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import JSON, TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    PostgreSQL keeps the zone (`timestamptz`); SQLite has no zone type, so values are stored as
    UTC and given their zone back on the way out. Naive datetimes are refused: a naive value is
    a bug waiting to expire a listing at the wrong hour.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime given to a UTC column; use datetime.now(UTC)")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The current instant, timezone-aware: for column defaults; use cases read their Clock."""
    return datetime.now(UTC)


# Telegram ids exceed 32 bits; SQLite's INTEGER PRIMARY KEY is already 64-bit and is the only
# spelling that autoincrements there, hence the variant.
BigIntId = BigInteger().with_variant(Integer(), "sqlite")

JSONDocument = JSON().with_variant(JSONB(), "postgresql")
