"""What every repository shares: it works inside the session of the caller's unit of work, and
hands back plain values, never ORM rows."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

V = TypeVar("V", bound="DataclassInstance")


class Repository:
    """Queries over one session; it adds and flushes, and never commits (the unit of work does)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session


def from_row(kind: type[V], row: object, **converted: object) -> V:
    """A ``kind`` whose fields are read from the row's attributes of the same names.

    The domain's values name their fields as the columns they come from; ``converted`` gives
    those that are not a column's value as it is (an enum, a tuple, a derived flag).
    """
    stored = {f.name: getattr(row, f.name) for f in fields(kind) if f.name not in converted}
    return kind(**stored, **converted)
