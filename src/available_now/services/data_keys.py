"""Keeping the encrypted details readable, and under the newest data key.

At start-up the bot checks that its keys open what is stored, then encrypts values written
before encryption existed. `available-now keys rotate` re-encrypts everything under the newest
key, so the older keys can be retired. Each run that changed something is audited with counts.
"""

from __future__ import annotations

from collections.abc import Callable

from available_now.db.database import Database
from available_now.db.encryption import DataCipher, DataKeyError
from available_now.db.reencryption import (
    Pass,
    WalkCounts,
    count_rows,
    sample_tokens,
    walk,
)
from available_now.db.unit_of_work import UnitsOfWork
from available_now.domain.audit import AuditAction
from available_now.domain.clock import SYSTEM_CLOCK, Clock


class DataKeyService:
    def __init__(self, db: Database, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self._db = db
        self._uow = UnitsOfWork(db, clock)

    @property
    def cipher(self) -> DataCipher:
        cipher = self._db.cipher
        if cipher is None:
            raise DataKeyError("the database was opened without a data key")
        return cipher

    async def check_keys(self) -> None:
        """Raise `DataKeyError` when stored tokens cannot be read with the configured keys.

        Done before serving (and before anything is encrypted), so a wrong or missing key stops
        the start with one sentence instead of failing on every profile later.
        """
        cipher = self.cipher
        for token in await sample_tokens(self._db):
            cipher.decrypt(token)

    async def encrypt_plaintext(self) -> WalkCounts:
        """Encrypt the values stored in plain text (before encryption at rest existed)."""
        counts = await walk(self._db, self.cipher, Pass.PLAINTEXT)
        if counts.rows_reencrypted:
            await self._record(AuditAction.ENCRYPT_PLAINTEXT_DETAILS, counts, completed=True)
        return counts

    async def rows_to_rotate(self) -> int:
        return await count_rows(self._db, Pass.ROTATE)

    async def rotate(self, progress: Callable[[int], None] | None = None) -> WalkCounts:
        """Re-encrypt every value not yet under the newest key; resumable, audited.

        `progress` is told how many more rows were checked after each committed batch. A run
        that stops on a value no key opens is audited too (`completed: false`), with what its
        committed batches had done.
        """
        done = WalkCounts()

        def batch_done(batch: WalkCounts) -> None:
            nonlocal done
            done += batch
            if progress is not None:
                progress(batch.rows_checked)

        try:
            counts = await walk(self._db, self.cipher, Pass.ROTATE, on_batch=batch_done)
        except DataKeyError:
            await self._record(AuditAction.ROTATE_DATA_KEY, done, completed=False)
            raise
        await self._record(AuditAction.ROTATE_DATA_KEY, counts, completed=True)
        return counts

    async def _record(self, action: AuditAction, counts: WalkCounts, *, completed: bool) -> None:
        async with self._uow() as uow:
            uow.audit.record(
                action,
                actor_id=None,
                rows_checked=counts.rows_checked,
                rows_reencrypted=counts.rows_reencrypted,
                key_count=self.cipher.key_count,
                completed=completed,
            )
