"""Going live, extending, ending, and the cleanup of what the bot posted; all audited.

No Telegram calls here: going live queues the post for the outbox (`services/outbox.py`), and
the Telegram layer reports deletions back through the cleanup methods. Whatever makes a
removal due at once notifies the `WorkSignal`, after its transaction has committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError

from available_now.db.database import Database
from available_now.db.repositories.listings import LiveEntry
from available_now.db.unit_of_work import UnitOfWork, UnitsOfWork
from available_now.domain.audit import AuditAction
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.listings import (
    CleanupFallback,
    DeletionJob,
    EndReason,
    ListingView,
    MessagePurpose,
    capped_expiry,
)
from available_now.domain.notices import NoticeKind
from available_now.domain.profiles import ProfileView
from available_now.services.outbox import QueuePlace, queue_post
from available_now.services.signals import WorkSignal


# Each use case answers with its own outcome enum and result: they share a shape with the other
# services' and the domain's values, not a meaning.
class GoLiveOutcome(StrEnum):
    READY_TO_POST = "ready"
    ALREADY_LIVE = "already_live"
    NOT_APPROVED = "not_approved"
    NO_PROFILE = "no_profile"
    INCOMPLETE = "incomplete"
    BAD_DURATION = "bad_duration"


@dataclass(frozen=True, slots=True)
class GoLive:
    outcome: GoLiveOutcome
    listing: ListingView | None = None
    profile: ProfileView | None = None
    place: QueuePlace | None = None
    """Where her post stands in the group's outbox (when she went live now)."""


@dataclass(frozen=True, slots=True)
class Extension:
    listing: ListingView
    capped: bool
    """True when the wanted time was cut to stay inside Telegram's delete window."""


@dataclass(frozen=True, slots=True)
class GroupLost:
    """What ended when the bot lost its group: the live listings, and the removals given up."""

    ended: list[ListingView]
    abandoned: int
    """Messages the bot had posted there and can no longer remove (owners must, by hand)."""


ACCESS_LOST_NOTE = "abandoned: the bot lost access to the chat"
"""Stored with each given-up removal (`scheduled_deletions.last_error`)."""


@dataclass(frozen=True, slots=True)
class LinkedProfile:
    """The profile a deep link names, with her listing in the group while it is live."""

    profile: ProfileView
    listing: ListingView | None


async def end_all_live(
    uow: UnitOfWork, user_id: int, *, actor_id: int | None, reason: EndReason, now: datetime
) -> list[int]:
    """End the user's live listings in every group, each audited; their posts fall due now.

    Part of a bigger use case (revoking access, deleting a profile), hence inside its unit of
    work; the caller notifies the worker once that has committed.
    """
    ended = await uow.listings.end_live_for_user(user_id, reason=reason, now=now)
    if ended:
        await uow.outbox.touch_boards(now)
    for listing_id in ended:
        uow.audit.record(
            AuditAction.END_LISTING, actor_id=actor_id, listing_id=listing_id, reason=reason
        )
    return ended


async def end_listing(
    uow: UnitOfWork, listing_id: int, *, actor_id: int, reason: EndReason, now: datetime
) -> ListingView | None:
    """End one listing by its id, audited, inside a bigger use case (an owner's removal);
    the listing when this ended it, None when it was not live. The caller wakes the worker."""
    listing = await uow.listings.get(listing_id)
    if listing is None or not await _end(uow, listing, reason, actor_id=actor_id, now=now):
        return None
    return listing


async def _end(
    uow: UnitOfWork,
    listing: ListingView,
    reason: EndReason,
    *,
    actor_id: int | None,
    now: datetime,
) -> bool:
    """End one listing, audited; False when it was not live any more."""
    if not await uow.listings.end(listing.id, reason=reason, now=now):
        return False
    await uow.outbox.touch_boards(now, [listing.group_id])
    _audit_listing(uow, AuditAction.END_LISTING, listing, actor_id, reason=reason)
    return True


def _audit_listing(
    uow: UnitOfWork, action: AuditAction, listing: ListingView, actor_id: int | None, **details: Any
) -> None:
    """A listing's audit row names the listing and whose it is."""
    uow.audit.record(
        action, actor_id=actor_id, listing_id=listing.id, user_id=listing.user_id, **details
    )


def _audit_message(uow: UnitOfWork, action: AuditAction, job: DeletionJob, **details: Any) -> None:
    """A posted message's audit row (the worker's own doing) names its listing and the message."""
    uow.audit.record(
        action,
        actor_id=None,
        listing_id=job.listing_id,
        chat_id=job.chat_id,
        message_id=job.message_id,
        **details,
    )


class ListingService:
    def __init__(
        self,
        db: Database,
        *,
        durations: Sequence[int],
        clock: Clock = SYSTEM_CLOCK,
        work_due: WorkSignal | None = None,
        posts_due: WorkSignal | None = None,
    ) -> None:
        self._uow = UnitsOfWork(db, clock)
        self.durations = tuple(durations)
        self._clock = clock
        self._work_due = work_due or WorkSignal()
        self._posts_due = posts_due or WorkSignal()

    def now(self) -> datetime:
        return self._clock.now()

    async def start(self, user_id: int, group_id: int, hours: int) -> GoLive:
        """Claim the model's one live slot in the group and queue its post, in one transaction.

        Her time counts from now; the outbox worker posts at the group's pace and tells her.
        """
        if hours not in self.durations:
            return GoLive(GoLiveOutcome.BAD_DURATION)
        now = self.now()
        try:
            async with self._uow() as uow:
                account = await uow.users.get(user_id)
                if account is None or not account.is_approved:
                    return GoLive(GoLiveOutcome.NOT_APPROVED)
                profile = await uow.profiles.view(user_id)
                profile_id = await uow.profiles.profile_id(user_id)
                if profile is None or profile_id is None:
                    return GoLive(GoLiveOutcome.NO_PROFILE)
                if not profile.completed:
                    return GoLive(GoLiveOutcome.INCOMPLETE, profile=profile)
                live = await uow.listings.live_for_user(user_id, group_id)
                if live is not None:
                    return GoLive(GoLiveOutcome.ALREADY_LIVE, listing=live, profile=profile)
                listing = await uow.listings.create(
                    user_id=user_id,
                    profile_id=profile_id,
                    group_id=group_id,
                    hours=hours,
                    posted_at=now,
                    expires_at=capped_expiry(now, now + timedelta(hours=hours)),
                )
                uow.audit.record(
                    AuditAction.MARK_AVAILABLE,
                    actor_id=user_id,
                    listing_id=listing.id,
                    group_id=group_id,
                    hours=hours,
                    expires_at=listing.expires_at,
                )
                place = await queue_post(uow, group_id, listing.id, now)
        except IntegrityError:
            # A concurrent tap took the slot first (the partial unique index said so).
            live = await self.live(user_id, group_id)
            return GoLive(GoLiveOutcome.ALREADY_LIVE, listing=live)
        self._posts_due.notify()
        return GoLive(GoLiveOutcome.READY_TO_POST, listing=listing, profile=profile, place=place)

    async def live(self, user_id: int, group_id: int) -> ListingView | None:
        async with self._uow.read() as uow:
            return await uow.listings.live_for_user(user_id, group_id)

    async def linked_profile(self, token: str, group_id: int | None) -> LinkedProfile | None:
        """Whose profile a deep link's token opens, and whether she is live in the group now.

        None when no profile has the token: it was made up, or her profile was deleted or her
        access revoked since the link was shared. One read, so profile and listing agree.
        """
        async with self._uow.read() as uow:
            profile = await uow.profiles.view_by_link(token)
            if profile is None:
                return None
            live = (
                await uow.listings.live_for_user(profile.user_id, group_id)
                if group_id is not None
                else None
            )
        if live is not None and live.expires_at <= self.now():
            live = None  # past its time, only not yet collected by the worker
        return LinkedProfile(profile, live)

    async def extend(self, user_id: int, group_id: int, hours: int) -> Extension | None:
        if hours not in self.durations:
            return None
        async with self._uow() as uow:
            live = await uow.listings.live_for_user(user_id, group_id, lock=True)
            if live is None:
                return None
            wanted = max(live.expires_at, self.now()) + timedelta(hours=hours)
            new_expiry = capped_expiry(live.posted_at, wanted)
            await uow.listings.set_expiry(live.id, new_expiry)
            # Her post shows the new end through the outbox, like any other redraw.
            await uow.outbox.redraw_listing(live.id, self.now())
            await uow.outbox.touch_boards(self.now(), [group_id])
            uow.audit.record(
                AuditAction.EXTEND_LISTING,
                actor_id=user_id,
                listing_id=live.id,
                hours=hours,
                old_expires_at=live.expires_at,
                expires_at=new_expiry,
            )
            updated = await uow.listings.get(live.id)
        assert updated is not None
        self._posts_due.notify()
        return Extension(updated, capped=new_expiry < wanted)

    async def end(
        self, user_id: int, group_id: int, *, actor_id: int, reason: EndReason = EndReason.ENDED
    ) -> ListingView | None:
        """End the live listing now; its post is removed by the worker, woken for it."""
        async with self._uow() as uow:
            live = await uow.listings.live_for_user(user_id, group_id, lock=True)
            if live is None or not await _end(uow, live, reason, actor_id=actor_id, now=self.now()):
                return None
        self._work_due.notify()
        return live

    async def group_lost(self, group_id: int) -> GroupLost:
        """The bot was removed from the group: end its live listings and give up its removals.

        Nothing can be deleted in a chat the bot is not in, so the removals are closed with
        `ACCESS_LOST_NOTE` instead of being retried for ever; each ended listing is audited,
        the given-up removals as one count.
        """
        now = self.now()
        async with self._uow() as uow:
            ended = await uow.listings.end_live_in_group(
                group_id, reason=EndReason.BOT_REMOVED, now=now
            )
            for listing in ended:
                _audit_listing(
                    uow, AuditAction.END_LISTING, listing, None, reason=EndReason.BOT_REMOVED
                )
            abandoned = await uow.listings.abandon_deletions(group_id, now, note=ACCESS_LOST_NOTE)
            if abandoned:
                uow.audit.record(
                    AuditAction.ABANDON_DELETIONS,
                    actor_id=None,
                    chat_id=group_id,
                    count=abandoned,
                    reason=EndReason.BOT_REMOVED,
                )
        return GroupLost(ended, abandoned)

    async def available(self, group_id: int, *, limit: int = 60) -> tuple[list[LiveEntry], int]:
        async with self._uow.read() as uow:
            return await uow.listings.live_in_group(group_id, self.now(), limit)

    async def schedule_removal(
        self, chat_id: int, message_ids: Sequence[int], purpose: MessagePurpose, after: timedelta
    ) -> None:
        async with self._uow() as uow:
            await uow.listings.track(
                chat_id, message_ids, purpose=purpose, delete_after=self.now() + after
            )

    # --- the expiry worker's side ------------------------------------------------------------

    async def expire_due(self, limit: int) -> list[ListingView]:
        """Expire what is due; each model's "listing ended" notice is queued with it."""
        now = self.now()
        async with self._uow() as uow:
            expired = await uow.listings.claim_expired(now, limit)
            if expired:
                await uow.outbox.touch_boards(now)
            for listing in expired:
                _audit_listing(
                    uow, AuditAction.EXPIRE_LISTING, listing, None, expires_at=listing.expires_at
                )
                uow.notices.add(listing.user_id, NoticeKind.LISTING_ENDED, listing.id, now=now)
            return expired

    async def due_reminders(self, lead: timedelta, limit: int) -> list[ListingView]:
        """Mark the reminders due as sent and queue them, in one transaction."""
        now = self.now()
        async with self._uow() as uow:
            due = await uow.listings.claim_reminders(now, lead, limit)
            for listing in due:
                uow.notices.add(listing.user_id, NoticeKind.LISTING_REMINDER, listing.id, now=now)
            return due

    async def claim_deletions(self, limit: int, lease: timedelta) -> list[DeletionJob]:
        async with self._uow() as uow:
            return await uow.listings.claim_deletions(self.now(), limit, lease)

    async def deleted(self, jobs: Sequence[DeletionJob], *, already_gone: bool = False) -> None:
        """Messages are gone (or were already); listing posts get their `delete_listing` row."""
        note = "already deleted" if already_gone else None
        async with self._uow() as uow:
            await uow.listings.finish_deletions([job.id for job in jobs], self.now(), note=note)
            for job in jobs:
                if job.purpose is MessagePurpose.LISTING:
                    _audit_message(
                        uow, AuditAction.DELETE_LISTING, job, already_deleted=already_gone
                    )

    async def undeletable(
        self, job: DeletionJob, error: str, *, handled_by: CleanupFallback
    ) -> None:
        """Telegram refuses to delete it: record how it was dealt with, never silently.

        Telegram's ``error`` stays with the job (`scheduled_deletions.last_error`); the trail
        records the outcome only.
        """
        async with self._uow() as uow:
            await uow.listings.finish_deletions([job.id], self.now(), note=error)
            _audit_message(
                uow,
                AuditAction.MESSAGE_DELETE_FAILED,
                job,
                purpose=job.purpose,
                handled_by=handled_by,
            )

    async def retry_later(self, jobs: Sequence[DeletionJob], delay: timedelta, error: str) -> None:
        async with self._uow() as uow:
            await uow.listings.retry_deletions(
                [job.id for job in jobs], self.now() + delay, error=error
            )

    async def next_due(self) -> datetime | None:
        async with self._uow.read() as uow:
            moments = [await uow.listings.next_expiry(), await uow.listings.next_deletion()]
        known = [moment for moment in moments if moment is not None]
        return min(known) if known else None
