"""Reading the audit trail in tests: which actions were recorded, oldest first."""

from __future__ import annotations

from typing import Literal, overload

from available_now.db.database import Database
from available_now.db.repositories.audit import AuditTrail


@overload
async def audit_actions(
    db: Database, user_id: int | None = None, *, with_actor: Literal[False] = False
) -> list[str]: ...


@overload
async def audit_actions(
    db: Database, user_id: int | None = None, *, with_actor: Literal[True]
) -> list[tuple[str, int | None]]: ...


async def audit_actions(
    db: Database, user_id: int | None = None, *, with_actor: bool = False
) -> list[str] | list[tuple[str, int | None]]:
    """The actions (of `user_id`, when given), each with its actor when `with_actor`."""
    async with db.read() as session:
        entries = list(reversed(await AuditTrail(session).entries(user_id=user_id, limit=1000)))
    if with_actor:
        return [(entry.action, entry.user_id) for entry in entries]
    return [entry.action for entry in entries]
