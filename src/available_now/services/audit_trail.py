"""Reading the audit trail as owners do: newest first, a page at a time, by person, or whole."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Final

from available_now.db.database import Database
from available_now.db.repositories.audit import AuditEntry
from available_now.db.unit_of_work import UnitsOfWork
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.users import UserAccount

PAGE_SIZE: Final = 10
EXPORT_LIMIT: Final = 10_000
"""The newest entries an export holds; older ones are for the database's own tools."""


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: list[AuditEntry]
    people: dict[int, UserAccount]
    """The accounts the entries name (actors and targets), and the person asked about, that
    still exist."""
    older: int | None
    """The `before_id` of the next, older page; None on the last page."""


def people_named(entry: AuditEntry) -> set[int]:
    """The ids an entry names: its actor, and whom it was done to."""
    ids = {entry.user_id} if entry.user_id is not None else set()
    for key in ("target_user_id", "user_id", "by_user_id"):
        value = entry.details.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            ids.add(value)
    return ids


class AuditTrailService:
    def __init__(self, db: Database, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self._uow = UnitsOfWork(db, clock)
        self._clock = clock

    def now(self) -> datetime:
        return self._clock.now()

    async def page(
        self, *, before_id: int | None = None, person_id: int | None = None, size: int = PAGE_SIZE
    ) -> AuditPage:
        """The ``size`` newest entries older than ``before_id``, about ``person_id`` if given."""
        async with self._uow.read() as uow:
            entries = await uow.audit.entries(
                person_id=person_id, before_id=before_id, limit=size + 1
            )
            shown = entries[:size]
            ids = {person_id} if person_id is not None else set()
            for entry in shown:
                ids |= people_named(entry)
            people = {
                account.id: account
                for account in [await uow.users.get(user_id) for user_id in sorted(ids)]
                if account is not None
            }
        older = shown[-1].id if len(entries) > size else None
        return AuditPage(shown, people, older)

    async def export(self, *, person_id: int | None = None) -> list[AuditEntry]:
        """The newest `EXPORT_LIMIT` entries (about ``person_id`` if given), newest first."""
        async with self._uow.read() as uow:
            return await uow.audit.entries(person_id=person_id, limit=EXPORT_LIMIT)


CSV_COLUMNS: Final = ("id", "time_utc", "time_local", "actor_id", "action", "details")


def as_csv(entries: Sequence[AuditEntry], zone: tzinfo) -> bytes:
    """The entries as a CSV document (UTF-8), built in memory: the trail's own values only,
    ids and whitelisted details, never a name."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow(
            (
                entry.id,
                entry.created_at.isoformat(),
                entry.created_at.astimezone(zone).isoformat(),
                "" if entry.user_id is None else entry.user_id,
                entry.action,
                json.dumps(entry.details, sort_keys=True, ensure_ascii=False),
            )
        )
    return out.getvalue().encode()
