"""The audit trail: every change writes its row in the same transaction as the change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from available_now.db.models import AuditLog
from available_now.db.repositories.base import Repository, from_row
from available_now.db.types import json_safe
from available_now.domain.audit import AuditAction
from available_now.domain.clock import SYSTEM_CLOCK, Clock


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    user_id: int | None
    action: str
    details: dict[str, Any]
    created_at: datetime


class AuditTrail(Repository):
    """Records and reads `audit_log` inside the caller's transaction.

    Recording only adds to the session, so the row commits (or rolls back) together with the
    change it describes: the trail can never disagree with the data. Rows are stamped with the
    use case's clock, so they read the same time as the change.
    """

    def __init__(self, session: AsyncSession, clock: Clock = SYSTEM_CLOCK) -> None:
        super().__init__(session)
        self._clock = clock

    def record(self, action: AuditAction, *, actor_id: int | None, **details: Any) -> None:
        self._session.add(
            AuditLog(
                user_id=actor_id,
                action=action.value,
                details=json_safe(details),
                created_at=self._clock.now(),
            )
        )

    async def entries(
        self,
        *,
        user_id: int | None = None,
        action: AuditAction | None = None,
        limit: int = 50,
        before_id: int | None = None,
    ) -> list[AuditEntry]:
        """Newest first; `before_id` pages further back."""
        query = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
        if user_id is not None:
            query = query.where(AuditLog.user_id == user_id)
        if action is not None:
            query = query.where(AuditLog.action == action.value)
        if before_id is not None:
            query = query.where(AuditLog.id < before_id)
        rows = (await self._session.scalars(query)).all()
        return [from_row(AuditEntry, row, details=dict(row.details)) for row in rows]
