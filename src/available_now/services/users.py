"""Keeping `users` in step with Telegram, and the approval flag."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from available_now.db import per_update
from available_now.db.database import Database
from available_now.db.repositories.users import UserRepository, find_account
from available_now.db.unit_of_work import UnitOfWork, UnitsOfWork
from available_now.domain.audit import ApprovalSource, AuditAction, AuditField, AuditReason
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.retention import day_of
from available_now.domain.users import TelegramIdentity, UserAccount


class UserService:
    def __init__(self, db: Database, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self._db = db
        self._clock = clock
        self._uow = UnitsOfWork(db, clock)

    async def register_seen(self, identity: TelegramIdentity) -> UserAccount:
        """Create or refresh the user behind an update; audited only when something changed.

        Almost every update comes from a known user whose names did not change, already seen
        today: that path is one read, without taking a write lock. The day she was last seen
        (for retention) is written at most once a day, and is not audited.
        """
        today = day_of(self._clock.now())
        scope = per_update.current(self._db)
        if scope is not None and identity.id in scope.accounts:
            known = scope.accounts[identity.id]  # read with her conversation
        else:
            async with self._db.read_rows() as connection:
                known = await find_account(connection, identity.id)
        if known is not None and _same_names(known, identity) and not _unseen(known, today):
            return known
        async with self._uow() as uow:
            users = uow.users
            existing = await users.get(identity.id)
            if existing is None:
                if identity.username:
                    await _release_username(uow, identity.username, identity.id)
                if await users.insert_if_absent(identity, seen_on=today):
                    uow.audit.record(
                        AuditAction.REGISTER_USER,
                        actor_id=identity.id,
                        fields=[
                            field
                            for field, value in (
                                (AuditField.USERNAME, identity.username),
                                (AuditField.FIRST_NAME, identity.first_name),
                                (AuditField.LAST_NAME, identity.last_name),
                                (AuditField.LANGUAGE_CODE, identity.language_code),
                            )
                            if value
                        ],
                    )
                return await _reload(users, identity.id)
            changes = {
                field: new
                for field, old, new in (
                    ("username", existing.username, identity.username),
                    ("first_name", existing.first_name, identity.first_name),
                    ("last_name", existing.last_name, identity.last_name),
                    ("language_code", existing.language_code, identity.language_code),
                )
                if old != new
            }
            if _unseen(existing, today):
                await users.mark_seen(identity.id, today)
                existing = replace(existing, last_seen_at=today)
            if not changes:
                return existing
            if identity.username and "username" in changes:
                await _release_username(uow, identity.username, identity.id)
            await users.update_fields(identity.id, **changes)
            if "username" in changes:
                await _follow_username(
                    uow, identity.id, identity.username, AuditReason.USERNAME_CHANGED
                )
            uow.audit.record(
                AuditAction.UPDATE_USER,
                actor_id=identity.id,
                fields=[AuditField(field) for field in changes],
            )
            return await _reload(users, identity.id)

    async def accounts(self, user_ids: Iterable[int]) -> dict[int, UserAccount]:
        """The accounts of those of ``user_ids`` the bot knows."""
        async with self._uow.read() as uow:
            found = [await uow.users.get(user_id) for user_id in user_ids]
        return {account.id: account for account in found if account is not None}

    async def approved_ids(self) -> list[int]:
        async with self._uow.read() as uow:
            return await uow.users.approved_ids()

    async def set_language(self, user_id: int, language: str | None) -> UserAccount:
        """Her choice from /language (None: follow her Telegram app again); audited."""
        async with self._uow() as uow:
            users = uow.users
            account = await _reload(users, user_id)
            if account.language != language:
                await users.update_fields(user_id, language=language)
                uow.audit.record(
                    AuditAction.SET_LANGUAGE, actor_id=user_id, field=AuditField.LANGUAGE
                )
            return await _reload(users, user_id)

    async def approve_many(self, user_ids: Iterable[int], *, source: ApprovalSource) -> list[int]:
        """Mark users approved (creating rows for ids not seen yet); returns the ids changed."""
        changed: list[int] = []
        async with self._uow() as uow:
            users = uow.users
            for user_id in dict.fromkeys(user_ids):
                existing = await users.get(user_id)
                if existing is None:
                    await users.insert_if_absent(
                        TelegramIdentity(
                            id=user_id, username=None, first_name=None, last_name=None
                        ),
                        approved=True,
                    )
                elif existing.is_approved or existing.is_banned:
                    continue
                else:
                    await users.update_fields(user_id, is_approved_admin=True)
                uow.audit.record(
                    AuditAction.APPROVE_USER, actor_id=None, target_user_id=user_id, source=source
                )
                changed.append(user_id)
        return changed


def _unseen(account: UserAccount, today: datetime) -> bool:
    """Whether her last-seen day is still to be moved to ``today``."""
    return account.last_seen_at is None or account.last_seen_at < today


def _same_names(account: UserAccount, identity: TelegramIdentity) -> bool:
    return (
        account.username,
        account.first_name,
        account.last_name,
        account.language_code,
    ) == (identity.username, identity.first_name, identity.last_name, identity.language_code)


async def _reload(users: UserRepository, user_id: int) -> UserAccount:
    account = await users.get(user_id)
    if account is None:  # pragma: no cover - inserted in this transaction or a concurrent one
        raise LookupError(f"user {user_id} vanished during registration")
    return account


async def _release_username(uow: UnitOfWork, username: str, keep_user_id: int) -> None:
    """Telegram usernames move between accounts; free it from whoever held it before, and
    from her Telegram contact: it leads to someone else now."""
    released = await uow.users.release_username(username, keep_user_id=keep_user_id)
    for previous_holder in released:
        uow.audit.record(
            AuditAction.UPDATE_USER,
            actor_id=previous_holder,
            fields=[AuditField.USERNAME],
            reason=AuditReason.USERNAME_TAKEN_OVER,
            by_user_id=keep_user_id,
        )
        await _follow_username(uow, previous_holder, None, AuditReason.USERNAME_TAKEN_OVER)


async def _follow_username(
    uow: UnitOfWork, user_id: int, username: str | None, reason: AuditReason
) -> None:
    """Her Telegram contact is her own account: it follows her new username, and is cleared
    when she has none (a handle she gave up could be taken by a stranger)."""
    profile_id = await uow.profiles.follow_telegram_contact(user_id, username)
    if profile_id is not None:
        uow.audit.record(
            AuditAction.UPDATE_PROFILE,
            actor_id=user_id,
            profile_id=profile_id,
            field=AuditField.TELEGRAM_USERNAME,
            reason=reason,
        )
