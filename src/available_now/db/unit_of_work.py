"""The unit of work: one transaction per use case, with its repositories opened once.

A service writes `async with self._uow() as uow:` and finds `uow.users`, `uow.profiles`,
`uow.listings`, `uow.notices` and `uow.audit` on the same session, so the change and its audit
row commit (or roll back) together, and no use case can forget to pass the session to one of them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from available_now.db.database import Database
from available_now.db.repositories.audit import AuditTrail
from available_now.db.repositories.console import ConsoleRepository
from available_now.db.repositories.listings import ListingRepository
from available_now.db.repositories.notices import NoticeRepository
from available_now.db.repositories.outbox import OutboxRepository
from available_now.db.repositories.personal_data import PersonalDataRepository
from available_now.db.repositories.profiles import ProfileRepository
from available_now.db.repositories.reports import ReportRepository
from available_now.db.repositories.retention import RetentionRepository
from available_now.db.repositories.users import UserRepository
from available_now.domain.clock import SYSTEM_CLOCK, Clock


class UnitOfWork:
    """The repositories of one transaction."""

    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.users = UserRepository(session)
        self.profiles = ProfileRepository(session)
        self.listings = ListingRepository(session)
        self.notices = NoticeRepository(session)
        self.outbox = OutboxRepository(session)
        self.audit = AuditTrail(session, clock)
        self.retention = RetentionRepository(session)
        self.personal_data = PersonalDataRepository(session)
        self.reports = ReportRepository(session)
        self.console = ConsoleRepository(session)


class UnitsOfWork:
    """Opens units of work on a database; what a service holds instead of sessions.

    Calling it begins a writing transaction (on SQLite `BEGIN IMMEDIATE`, so writers queue for
    the lock instead of failing); `read()` begins one that only reads (deferred on SQLite, so it
    never waits for writers). Either commits when the block ends and rolls back on an error.
    """

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[UnitOfWork]:
        async with self.db.transaction() as session:
            yield UnitOfWork(session, self.clock)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[UnitOfWork]:
        async with self.db.read() as session:
            yield UnitOfWork(session, self.clock)
