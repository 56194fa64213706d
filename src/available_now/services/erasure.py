"""Erasing a person: the one use case behind "Delete profile", `available-now erase` and
owners' bans.

One transaction ends her live listings (their group posts stay in the deletion queue, by chat
and message, for the worker to remove), deletes her listing rows, profile, services, media
and conversation states, and reduces her `users` row to her id and the owners' decisions. Its
audit row holds counts only. See docs/deletion.md for what is kept and why.
"""

from __future__ import annotations

from dataclasses import replace

from available_now.db.database import Database
from available_now.db.unit_of_work import UnitOfWork, UnitsOfWork
from available_now.domain.audit import AuditAction, ErasureRequester
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.listings import EndReason
from available_now.domain.personal_data import Holdings
from available_now.services.listings import end_all_live
from available_now.services.signals import WorkSignal


class ErasureService:
    def __init__(
        self, db: Database, *, clock: Clock = SYSTEM_CLOCK, work_due: WorkSignal | None = None
    ) -> None:
        self._db = db
        self._uow = UnitsOfWork(db, clock)
        self._clock = clock
        self._work_due = work_due or WorkSignal()

    async def holdings(self, user_id: int) -> Holdings | None:
        """What erasing her would remove now; None when the bot does not know her."""
        async with self._uow.read() as uow:
            return await _holdings(uow, user_id)

    async def erase(
        self, user_id: int, *, actor_id: int | None, requested_by: ErasureRequester
    ) -> Holdings | None:
        """Remove what the bot keeps about her; returns what was removed (None: unknown id).

        ``actor_id`` is who did it for the trail: she herself, an owner, or None for the
        operator. Afterwards the worker is woken for her group posts, and on SQLite the
        write-ahead log is checkpointed so the removed rows leave the `-wal` file too.
        """
        async with self._uow() as uow:
            held = await _holdings(uow, user_id, lock=True)
            if held is None:
                return None
            if held.nothing:
                return held
            await end_all_live(
                uow,
                user_id,
                actor_id=actor_id,
                reason=EndReason.PROFILE_DELETED,
                now=self._clock.now(),
            )
            posts = await uow.personal_data.pending_posts(user_id)
            await uow.personal_data.delete_listings(user_id)
            profile_id = await uow.profiles.profile_id(user_id)
            if profile_id is not None:
                await uow.profiles.delete(profile_id)
            await uow.personal_data.forget_conversations(user_id)
            # Reports she filed and reports about her: a member's words about her go too.
            await uow.reports.delete_involving(user_id)
            await uow.personal_data.reduce_account(user_id)
            uow.audit.record(
                AuditAction.ERASE_USER,
                actor_id=actor_id,
                target_user_id=user_id,
                requested_by=requested_by,
                profile_id=profile_id,
                had_profile=held.profile,
                draft=held.draft,
                photos=held.photos,
                videos=held.videos,
                services=held.services,
                listings=held.listings,
                posts=posts,
                conversations=held.conversations,
            )
        if posts:
            self._work_due.notify()
        await self._db.flush_deleted_pages()
        return replace(held, posts=posts)


async def _holdings(uow: UnitOfWork, user_id: int, *, lock: bool = False) -> Holdings | None:
    if await uow.users.get(user_id) is None:
        return None
    await uow.profiles.profile_id(user_id, lock=lock)  # serialises with her profile's changes
    profile = await uow.profiles.view(user_id)
    listings = await uow.personal_data.listings(user_id)
    conversations = await uow.personal_data.conversations(user_id)
    return Holdings(
        user_id=user_id,
        profile=profile is not None,
        draft=profile is not None and not profile.completed,
        photos=len(profile.photos) if profile else 0,
        videos=len(profile.videos) if profile else 0,
        services=len(profile.services) if profile else 0,
        live_listings=sum(1 for listing in listings if listing.ended_at is None),
        listings=len(listings),
        posts=await uow.personal_data.pending_posts(user_id),
        conversations=sum(1 for c in conversations if c.state is not None or c.data),
        account_details=await uow.personal_data.has_account_details(user_id),
    )
