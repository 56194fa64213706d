"""Keeping `users` in step with Telegram, and the approval flag."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from available_now.db.repositories.users import UserRepository
from available_now.domain.audit import AuditAction
from available_now.domain.users import TelegramIdentity, UserAccount
from available_now.services.audit import AuditTrail


class UserService:
    def __init__(self, session: AsyncSession) -> None:
        self._users = UserRepository(session)
        self._audit = AuditTrail(session)

    async def register_seen(self, identity: TelegramIdentity) -> UserAccount:
        """Create or refresh the user behind an update; audited only when something changed."""
        existing = await self._users.get(identity.id)
        if existing is None:
            if identity.username:
                await self._release(identity.username, identity.id)
            if await self._users.insert_if_absent(identity):
                self._audit.record(
                    AuditAction.REGISTER_USER,
                    actor_id=identity.id,
                    username=identity.username,
                    first_name=identity.first_name,
                    last_name=identity.last_name,
                )
            account = await self._users.get(identity.id)
            assert account is not None  # inserted just now, by this call or a concurrent one
            return account
        changes = {
            field: new
            for field, old, new in (
                ("username", existing.username, identity.username),
                ("first_name", existing.first_name, identity.first_name),
                ("last_name", existing.last_name, identity.last_name),
            )
            if old != new
        }
        if not changes:
            return existing
        if changes.get("username"):
            await self._release(identity.username or "", identity.id)
        await self._users.update_fields(identity.id, **changes)
        self._audit.record(AuditAction.UPDATE_USER, actor_id=identity.id, changes=changes)
        account = await self._users.get(identity.id)
        assert account is not None
        return account

    async def approve_many(self, user_ids: Iterable[int], *, source: str) -> list[int]:
        """Mark users approved (creating rows for ids not seen yet); returns the ids changed."""
        changed: list[int] = []
        for user_id in dict.fromkeys(user_ids):
            existing = await self._users.get(user_id)
            if existing is None:
                await self._users.insert_if_absent(
                    TelegramIdentity(id=user_id, username=None, first_name=None, last_name=None),
                    approved=True,
                )
            elif existing.is_approved:
                continue
            else:
                await self._users.update_fields(user_id, is_approved_admin=True)
            self._audit.record(
                AuditAction.APPROVE_USER, actor_id=None, target_user_id=user_id, source=source
            )
            changed.append(user_id)
        return changed

    async def _release(self, username: str, keep_user_id: int) -> None:
        released = await self._users.release_username(username, keep_user_id=keep_user_id)
        for previous_holder in released:
            self._audit.record(
                AuditAction.UPDATE_USER,
                actor_id=previous_holder,
                changes={"username": None},
                reason=f"username taken over by {keep_user_id}",
            )
