"""Walking the encrypted columns: encrypting plain-text leftovers, re-encrypting old tokens.

The rows are read and written as stored (plain `Text` columns, bypassing `EncryptedText`), in
id order, a batch per committed transaction. A row whose values are already what the walk
wants is only counted, so a run that was interrupted starts again where it stopped, and a
second run rewrites nothing. Each row is updated only if its stored values are still the ones
read, so a change the bot made in between is never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import Integer, Text, column, func, or_, select, table, true, update
from sqlalchemy.sql.expression import ColumnElement, TableClause

from available_now.db.base import Base
from available_now.db.database import Database
from available_now.db.encryption import FERNET_PREFIX, DataCipher, looks_encrypted
from available_now.db.types import EncryptedText

BATCH_SIZE = 200

BatchDone = Callable[["WalkCounts"], None]
"""Told what each committed batch checked and re-encrypted."""


class Pass(Enum):
    PLAINTEXT = "plaintext"
    """Encrypt values stored before encryption; leave every token alone (start-up)."""
    ROTATE = "rotate"
    """Also re-encrypt tokens of older keys under the newest one (`keys rotate`)."""


@dataclass(frozen=True)
class EncryptedTable:
    name: str
    columns: tuple[str, ...]

    @property
    def raw(self) -> TableClause:
        """The table with its encrypted columns typed as the plain text they are stored as."""
        return table(
            self.name,
            column("id", Integer),
            *(column(name, Text) for name in self.columns),
        )


def encrypted_tables() -> tuple[EncryptedTable, ...]:
    """Every table with an `EncryptedText` column, read from the models."""
    found = []
    for model_table in Base.metadata.sorted_tables:
        names = tuple(c.name for c in model_table.columns if isinstance(c.type, EncryptedText))
        if names:
            found.append(EncryptedTable(model_table.name, names))
    return tuple(found)


@dataclass(frozen=True)
class WalkCounts:
    rows_checked: int = 0
    rows_reencrypted: int = 0

    def __add__(self, other: WalkCounts) -> WalkCounts:
        return WalkCounts(
            self.rows_checked + other.rows_checked,
            self.rows_reencrypted + other.rows_reencrypted,
        )


async def count_rows(db: Database, which: Pass) -> int:
    """How many rows a walk will check: the length of its progress bar."""
    total = 0
    async with db.read() as session:
        for encrypted in encrypted_tables():
            raw = encrypted.raw
            query = select(func.count()).select_from(raw).where(_needs_look(raw, encrypted, which))
            total += int(await session.scalar(query) or 0)
    return total


async def walk(
    db: Database,
    cipher: DataCipher,
    which: Pass,
    *,
    batch_size: int = BATCH_SIZE,
    on_batch: BatchDone | None = None,
) -> WalkCounts:
    """Bring every encrypted value to what `which` asks for; returns what it checked and did.

    A value no configured key can decrypt raises `DataKeyError` and rolls its batch back;
    batches committed before it hold tokens of the newest key, which reads them.
    """
    counts = WalkCounts()
    for encrypted in encrypted_tables():
        after = 0
        while True:
            batch, after = await _walk_batch(db, cipher, which, encrypted, after, batch_size)
            if batch.rows_checked == 0:
                break
            counts += batch
            if on_batch is not None:
                on_batch(batch)
    return counts


async def sample_tokens(db: Database, per_column: int = 1) -> list[str]:
    """A few stored tokens of each encrypted column, to try the keys on at start-up."""
    tokens: list[str] = []
    async with db.read() as session:
        for encrypted in encrypted_tables():
            raw = encrypted.raw
            for name in encrypted.columns:
                stored = raw.c[name]
                query = (
                    select(stored)
                    .where(_prefix(stored) == FERNET_PREFIX)
                    .order_by(raw.c.id.desc())
                    .limit(per_column)
                )
                tokens.extend(await session.scalars(query))
    return tokens


async def _walk_batch(
    db: Database,
    cipher: DataCipher,
    which: Pass,
    encrypted: EncryptedTable,
    after: int,
    batch_size: int,
) -> tuple[WalkCounts, int]:
    raw = encrypted.raw
    query = (
        select(raw.c.id, *(raw.c[name] for name in encrypted.columns))
        .where(raw.c.id > after, _needs_look(raw, encrypted, which))
        .order_by(raw.c.id)
        .limit(batch_size)
    )
    checked = rewritten = 0
    last = after
    async with db.transaction() as session:
        for row in (await session.execute(query)).all():
            checked += 1
            last = row.id
            stored = dict(zip(encrypted.columns, row[1:], strict=True))
            changes: dict[str, str] = {}
            for name, value in stored.items():
                wanted = None if value is None else _wanted(cipher, which, value)
                if wanted is not None and wanted != value:
                    changes[name] = wanted
            if not changes:
                continue
            result = await session.execute(
                update(raw)
                .where(raw.c.id == row.id, *_still(raw, stored, changes))
                .values({raw.c[name]: token for name, token in changes.items()})
            )
            rewritten += int(getattr(result, "rowcount", 0) or 0)
    return WalkCounts(checked, rewritten), last


def _wanted(cipher: DataCipher, which: Pass, stored: str) -> str:
    """What should be stored instead of `stored` (itself when it is fine as it is)."""
    if not looks_encrypted(stored):
        return cipher.encrypt(stored)
    if which is Pass.PLAINTEXT or cipher.is_current(stored):
        return stored
    return cipher.encrypt(cipher.decrypt(stored))


def _needs_look(raw: TableClause, encrypted: EncryptedTable, which: Pass) -> ColumnElement[bool]:
    """Rotation looks at every row; the start-up pass only at rows holding plain text."""
    if which is Pass.ROTATE:
        return true()
    return or_(*(_prefix(raw.c[name]) != FERNET_PREFIX for name in encrypted.columns))


def _prefix(stored: ColumnElement[str]) -> ColumnElement[str]:
    """The start of a stored value, compared case-sensitively on both backends (unlike LIKE)."""
    return func.substr(stored, 1, len(FERNET_PREFIX))


def _still(
    raw: TableClause, stored: dict[str, str | None], changes: dict[str, str]
) -> Sequence[ColumnElement[bool]]:
    """The row's changed values are still the ones read (no one wrote them in between)."""
    return [raw.c[name] == stored[name] for name in changes]
