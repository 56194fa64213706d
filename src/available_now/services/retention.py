"""Retention: forgetting idle members and removing old history, once a day.

A pass works in rounds, each one short transaction deleting up to ``batch`` rows of every
kind, so SQLite's write lock is never held for long; the last round (the one that found less
than a full batch of everything) also records the pass in the audit trail, with counts only.
A pass interrupted half-way has still only deleted what was due, and the next one finishes.
The audit trail itself is kept: it holds no personal values.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import astuple
from datetime import datetime

from available_now.db.database import Database
from available_now.db.unit_of_work import UnitOfWork, UnitsOfWork
from available_now.domain.audit import AuditAction
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.retention import RetentionPolicy, RetentionReport


class RetentionService:
    def __init__(
        self,
        db: Database,
        policy: RetentionPolicy,
        *,
        protected_ids: Collection[int] = (),
        clock: Clock = SYSTEM_CLOCK,
        batch: int = 500,
    ) -> None:
        """``protected_ids`` are never forgotten however idle (the owners and the admins named
        in the settings, who may not have any other row that keeps them)."""
        if batch < 1:
            raise ValueError("batch must be positive")
        self.policy = policy
        self._protected = frozenset(protected_ids)
        self._clock = clock
        self._uow = UnitsOfWork(db, clock)
        self._batch = batch

    def now(self) -> datetime:
        return self._clock.now()

    async def last_pass(self) -> datetime | None:
        """When a pass last removed something (on any instance), from the audit trail."""
        async with self._uow.read() as uow:
            entries = await uow.audit.entries(action=AuditAction.APPLY_RETENTION, limit=1)
        return entries[0].created_at if entries else None

    async def apply(self) -> RetentionReport:
        """Remove everything past its period as of now; returns what went."""
        now = self._clock.now()
        total = RetentionReport()
        while True:
            async with self._uow() as uow:
                removed = await self._round(uow, now)
                total += removed
                finished = max(_counts(removed)) < self._batch
                if finished and total.total:
                    uow.audit.record(
                        AuditAction.APPLY_RETENTION,
                        actor_id=None,
                        forgotten_members=total.members,
                        removed_listings=total.listings,
                        removed_deletion_jobs=total.deletion_jobs,
                        removed_conversations=total.conversations,
                        removed_posts=total.posts,
                    )
            if finished:
                return total

    async def _round(self, uow: UnitOfWork, now: datetime) -> RetentionReport:
        """Up to one batch of each kind. Done removals go before the listings they belong to,
        and listings before members, whom a listing row would keep."""
        history_cutoff = now - self.policy.history
        retention = uow.retention
        deletion_jobs = await retention.delete_done_deletions(history_cutoff, limit=self._batch)
        posts = await retention.delete_settled_posts(history_cutoff, limit=self._batch)
        listings = await retention.delete_finished_listings(history_cutoff, limit=self._batch)
        conversations = await retention.delete_stale_conversations(
            history_cutoff, limit=self._batch
        )
        members = await retention.forget_idle_members(
            now - self.policy.member_idle, protected=self._protected, limit=self._batch
        )
        return RetentionReport(
            members=members,
            listings=listings,
            deletion_jobs=deletion_jobs,
            conversations=conversations,
            posts=posts,
        )


def _counts(report: RetentionReport) -> tuple[int, ...]:
    return astuple(report)
