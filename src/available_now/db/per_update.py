"""One update, at most one read and one write transaction.

While the bot handles an update (`Database.handling_update`), its writes share one transaction:
the first use case that writes begins it, later ones join it (each in a savepoint, so a use case
that fails rolls back only its own change), and it commits at the next point where the person
could see the outcome — just before the bot's next call to Telegram — or when the update ends.
The conversation's state joins the same transaction (`write_pending`: written before the next
use case that writes, so the order of writes is kept, or at the commit), and wake-up calls to
the workers wait for the commit (`after_commit`), so a worker never looks before the change
is there.

What the update's first read brought (her account, her profile) is remembered for the rest of
the update, until a write makes it stale. Only the task that handles the update joins; tasks it
starts work as before, in transactions of their own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from available_now.domain.profiles import ProfileView
from available_now.domain.users import UserAccount

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingWrite:
    """A row the update will write (its conversation): in its transaction before the next use
    case that writes, so the order of writes is kept, or at its commit."""

    write: Callable[[AsyncSession], Awaitable[None]]
    written: Callable[[], None]
    """Called once the write is committed."""


@dataclass(eq=False)
class UpdateScope:
    """The database work of one update, owned by the task that handles it."""

    owner: object
    """The `Database` whose transactions this scope gathers."""
    sessions: async_sessionmaker[AsyncSession]
    task: asyncio.Task[Any] | None
    session: AsyncSession | None = None
    blocks: int = 0
    """Use cases already in the open transaction."""
    active: int = 0
    """Use cases running in it right now (no commit in the middle of one)."""
    pending: dict[str, PendingWrite] = field(default_factory=dict)
    applied: set[str] = field(default_factory=set)
    """Pending writes already in the open transaction."""
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    accounts: dict[int, UserAccount | None] = field(default_factory=dict)
    profiles: dict[int, ProfileView | None] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)
    """Rows a repository keeps for the update (the conversation's state)."""

    def joins(self, owner: object) -> bool:
        return self.owner is owner and asyncio.current_task() is self.task

    def forget_reads(self) -> None:
        """A write may have changed what was read: read it again (in the open transaction)."""
        self.accounts.clear()
        self.profiles.clear()

    @asynccontextmanager
    async def block(self) -> AsyncIterator[AsyncSession]:
        """One use case's writes in the update's transaction."""
        if self.session is None:
            self.session = self.sessions()
            await self.session.begin()
            self.blocks = 0
        session = self.session
        try:
            await self._apply_pending(session)
        except BaseException:
            await self.discard()
            raise
        first = self.blocks == 0 and self.active == 0
        self.forget_reads()
        self.active += 1
        try:
            if first:
                try:
                    yield session
                except BaseException:
                    await self.discard()
                    raise
            else:
                nested = await session.begin_nested()
                try:
                    yield session
                except BaseException:
                    await nested.rollback()
                    raise
                await nested.commit()
            self.blocks += 1
        finally:
            self.active -= 1
            self.forget_reads()

    def write_pending(self, key: str, write: PendingWrite | None) -> None:
        """Note (or, with None, forget) the row `key` the update will write."""
        self.applied.discard(key)
        if write is None:
            self.pending.pop(key, None)
        else:
            self.pending[key] = write

    def is_applied(self, key: str) -> bool:
        return key in self.applied

    async def _apply_pending(self, session: AsyncSession) -> None:
        for key, pending in list(self.pending.items()):
            if key not in self.applied:
                await pending.write(session)
                self.applied.add(key)

    async def commit(self) -> None:
        """Commit what the update wrote so far (and its conversation), then wake the workers."""
        if self.active:
            return  # inside a use case: it commits when the update next speaks or ends
        if self.session is None and not self.pending:
            self._woken()
            return
        if self.session is None:
            self.session = self.sessions()
            await self.session.begin()
        session = self.session
        try:
            await self._apply_pending(session)
            await session.commit()
        except BaseException:
            await self.discard()
            raise
        self.session, self.blocks = None, 0
        await session.close()
        written, self.pending = list(self.pending.values()), {}
        self.applied.clear()
        for pending in written:
            pending.written()
        self._woken()

    async def discard(self) -> None:
        """Roll back the open transaction; the pending writes stay pending."""
        session, self.session, self.blocks = self.session, None, 0
        self.applied.clear()
        self.after_commit.clear()
        if session is not None:
            try:
                await session.rollback()
            finally:
                await session.close()

    def _woken(self) -> None:
        callbacks, self.after_commit = self.after_commit, []
        for callback in callbacks:
            callback()


_scope: ContextVar[UpdateScope | None] = ContextVar("available_now_update_scope", default=None)


def current(owner: object) -> UpdateScope | None:
    """The update's scope, when this task handles an update on `owner`'s database."""
    scope = _scope.get()
    return scope if scope is not None and scope.joins(owner) else None


@asynccontextmanager
async def handling_update(
    owner: object, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[UpdateScope]:
    """The scope of one update: what it wrote is committed when it ends (rolled back when it
    is cancelled, as at shutdown)."""
    scope = UpdateScope(owner, sessions, asyncio.current_task())
    token = _scope.set(scope)
    try:
        yield scope
    except asyncio.CancelledError:
        await scope.discard()
        raise
    except BaseException:
        await scope.commit()  # the use cases that succeeded keep their changes
        raise
    else:
        await scope.commit()
    finally:
        _scope.reset(token)


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once what this update wrote is committed (at once outside updates)."""
    scope = _scope.get()
    if scope is not None and asyncio.current_task() is scope.task and scope.session is not None:
        scope.after_commit.append(callback)
    else:
        callback()


async def commit_before_speaking() -> None:
    """What the update wrote so far is committed before the person can see its outcome."""
    scope = _scope.get()
    if scope is not None and asyncio.current_task() is scope.task:
        await scope.commit()
