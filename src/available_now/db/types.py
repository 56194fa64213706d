"""Column types that behave the same on PostgreSQL and SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BindParameter, ClauseElement, ColumnElement
from sqlalchemy.sql.operators import OperatorType
from sqlalchemy.types import JSON, TypeDecorator

from available_now.db.encryption import DataCipher, DataKeyError, looks_encrypted


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


_CIPHER_ATTRIBUTE = "available_now_data_cipher"


def bind_cipher(engine: AsyncEngine, cipher: DataCipher | None) -> None:
    """Give `EncryptedText` columns read and written through `engine` their cipher.

    It is kept on the engine's dialect, which every connection, session and derived engine
    (`execution_options`) of that engine shares, and which `EncryptedText` is handed on each
    value: two engines in one process can use different keys, and nothing is global.
    """
    setattr(engine.sync_engine.dialect, _CIPHER_ATTRIBUTE, cipher)


def bound_cipher(dialect: Dialect) -> DataCipher | None:
    found = getattr(dialect, _CIPHER_ATTRIBUTE, None)
    return found if isinstance(found, DataCipher) else None


def _cipher(dialect: Dialect) -> DataCipher:
    cipher = bound_cipher(dialect)
    if cipher is None:
        raise DataKeyError(
            "this database engine has no data key: create it with a cipher "
            "(load_cipher(settings.data_keys(), database_url))"
        )
    return cipher


class EncryptedComparisonError(TypeError):
    """A query compared an encrypted column with a value: it could never match.

    Each encryption of a value is different (Fernet uses a random IV), so `phone = :value`
    finds nothing. Such a comparison is a bug, refused when the query is built.
    """


class EncryptedText(TypeDecorator[str]):
    """Text encrypted at rest with the engine's data key (`bind_cipher`), plain in Python.

    Writing encrypts under the newest key; reading decrypts with any configured key. A stored
    value that is not a Fernet token was written before encryption and is returned as it is,
    until the start-up pass encrypts it. Writing without a bound cipher raises `DataKeyError`
    rather than storing plain text. Only `IS NULL` / `IS NOT NULL` may be asked of the column
    in SQL (`EncryptedComparisonError` otherwise).
    """

    impl = Text
    cache_ok = True

    class Comparator(TypeDecorator.Comparator[str]):
        __slots__ = ()

        def operate(self, op: OperatorType, *other: Any, **kwargs: Any) -> ColumnElement[Any]:
            _refuse_value_comparison(op, other)
            return super().operate(op, *other, **kwargs)

        def reverse_operate(
            self, op: OperatorType, other: Any, **kwargs: Any
        ) -> ColumnElement[Any]:
            _refuse_value_comparison(op, (other,))
            return super().reverse_operate(op, other, **kwargs)

    comparator_factory = Comparator

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return _cipher(dialect).encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or not looks_encrypted(value):
            return value
        return _cipher(dialect).decrypt(value)


def _refuse_value_comparison(op: OperatorType, other: tuple[Any, ...]) -> None:
    """Comparing with a value (stored encrypted, so never equal) is a mistake; comparing two
    columns is how SQLAlchemy itself matches a cached statement's result columns."""
    if operators.is_comparison(op) and any(_is_value(value) for value in other):
        raise EncryptedComparisonError(
            "an encrypted column cannot be compared with a value in SQL; "
            "read the rows and compare in Python"
        )


def _is_value(other: Any) -> bool:
    return other is not None and (
        not isinstance(other, ClauseElement) or isinstance(other, BindParameter)
    )
