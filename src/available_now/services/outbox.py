"""The group outbox: listing posts, the living list and redraws, at the group's pace.

Going live writes the listing and its outbox row in one transaction (`ListingService.start`);
the outbox worker claims due rows here and reports back. A post the group's minute has no room
for goes on the board (the group's one living list) at once. Nothing here calls Telegram.

No orphans: a claimed post is `sending` before Telegram sees it, so a crash or an uncertain
answer (timeout, 5xx) leaves a row that says "may have been posted". That row is kept as a
stray check: once a later message of ours bounds the search, the worker looks at the ids in
between and removes a post of ours that nobody knows; failing that, the owners are told.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from available_now.db.database import Database
from available_now.db.models import OutboxPost
from available_now.db.repositories.listings import LiveEntry as LiveEntry
from available_now.db.repositories.listings import to_view
from available_now.db.unit_of_work import UnitOfWork, UnitsOfWork
from available_now.domain.audit import AuditAction
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.listings import EndReason, ListingView, MessagePurpose
from available_now.domain.notices import NoticeKind
from available_now.domain.outbox import (
    BOARD_LIFETIME,
    POST_LEASE,
    POSTS_PER_MINUTE,
    RENDER_DELAY,
    BoardJob,
    PostJob,
    PostState,
    Redraw,
    StrayCheck,
    queue_estimate,
)
from available_now.services.signals import WorkSignal

CLAIM_BATCH = 100
STRAY_RETRY = timedelta(seconds=5)


@dataclass(frozen=True, slots=True)
class QueuePlace:
    """Where her post stands right after she pressed: place 1 is next."""

    position: int
    estimate: timedelta


@dataclass(slots=True)
class OutboxWork:
    """What one claim handed the worker."""

    posts: list[PostJob] = field(default_factory=list)
    strays: list[StrayCheck] = field(default_factory=list)
    boarded: int = 0


@dataclass(frozen=True, slots=True)
class BoardContent:
    job: BoardJob
    entries: list[LiveEntry]
    total: int


async def queue_post(uow: UnitOfWork, chat_id: int, listing_id: int, now: datetime) -> QueuePlace:
    """Queue a listing's post in the caller's transaction; where it stands."""
    post_id = await uow.outbox.add(chat_id, listing_id, now)
    position = await uow.outbox.queued_ahead(chat_id, post_id) + 1
    sent = await uow.outbox.sent_recently(chat_id, now)
    return QueuePlace(position, queue_estimate(position, sent))


async def follow_profile(uow: UnitOfWork, user_id: int, now: datetime) -> bool:
    """Her profile changed: redraw her live posts shortly, and the boards that list her."""
    groups = await uow.outbox.redraw_for_user(user_id, now + RENDER_DELAY)
    if groups:
        await uow.outbox.touch_boards(now, groups)
    return bool(groups)


class OutboxService:
    def __init__(
        self,
        db: Database,
        *,
        clock: Clock = SYSTEM_CLOCK,
        work_due: WorkSignal | None = None,
        posts_due: WorkSignal | None = None,
    ) -> None:
        self._uow = UnitsOfWork(db, clock)
        self._clock = clock
        self._work_due = work_due or WorkSignal()
        self.posts_due = posts_due or WorkSignal()

    def now(self) -> datetime:
        return self._clock.now()

    # --- posts ---------------------------------------------------------------------------------

    async def claim(self) -> OutboxWork:
        """Take what is due: posts within each group's minute, the rest onto the board."""
        now = self.now()
        work = OutboxWork()
        async with self._uow() as uow:
            rows = await uow.outbox.claim_due(now, CLAIM_BATCH)
            room: dict[int, int] = {}
            for row in rows:
                if row.state == PostState.SENDING:
                    # Its lease ran out without an answer: it may be in the group.
                    row.state = PostState.UNCERTAIN.value
                if row.state == PostState.UNCERTAIN:
                    work.strays.append(await self._stray(uow, row, now))
                    row.due_at = now + POST_LEASE
                    continue
                listing = await uow.listings.get(row.listing_id)
                live = await uow.listings.live_expiry(row.listing_id)
                profile = await uow.profiles.view(listing.user_id) if listing else None
                if listing is None or live is None or profile is None:
                    row.state, row.done_at = PostState.CANCELLED.value, now
                    continue
                if row.chat_id not in room:
                    room[row.chat_id] = POSTS_PER_MINUTE - await uow.outbox.sent_recently(
                        row.chat_id, now
                    )
                if room[row.chat_id] <= 0:
                    row.state, row.done_at = PostState.BOARDING.value, now
                    await uow.outbox.board_needed(row.chat_id, now)
                    work.boarded += 1
                    continue
                room[row.chat_id] -= 1
                row.state = PostState.SENDING.value
                row.due_at = now + POST_LEASE
                row.attempts += 1
                row.after_message_id = await uow.outbox.newest_known(row.chat_id)
                work.posts.append(PostJob(row.id, row.chat_id, listing, profile))
            await uow.session.flush()
        return work

    async def _stray(self, uow: UnitOfWork, row: OutboxPost, now: datetime) -> StrayCheck:
        after = row.after_message_id or 0
        newest = await uow.outbox.newest_known(row.chat_id)
        before = newest if newest > after else None
        known = await uow.outbox.known_between(row.chat_id, after, before) if before else set[int]()
        return StrayCheck(
            row.id,
            row.chat_id,
            row.listing_id,
            after,
            before,
            frozenset(known),
            now - row.created_at,
        )

    async def posted(self, job: PostJob, message_id: int) -> bool:
        """It is in the group: track its removal; False when the listing ended meanwhile (its
        post is then due for removal at once)."""
        now = self.now()
        async with self._uow() as uow:
            await uow.outbox.settle(job.id, PostState.POSTED, now, message_id=message_id)
            expires_at = await uow.listings.live_expiry(job.listing.id)
            exists = await uow.listings.get(job.listing.id) is not None
            if exists:
                await uow.listings.set_message(job.listing.id, message_id)
            await uow.listings.track(
                job.chat_id,
                [message_id],
                purpose=MessagePurpose.LISTING,
                delete_after=expires_at or now,
                listing_id=job.listing.id if exists else None,
            )
            if expires_at is not None:
                # A post replacing her earlier one (`replace_post`) is no news to her.
                if not await uow.outbox.posted_before(job.listing.id, job.id):
                    uow.notices.add(
                        job.listing.user_id, NoticeKind.POST_UP, job.listing.id, now=now
                    )
                await uow.outbox.touch_boards(now, [job.chat_id])
        if expires_at is None:
            self._work_due.notify()
        return expires_at is not None

    async def refused(self, job: PostJob) -> None:
        """Telegram refused the post for good: free her slot and tell her."""
        now = self.now()
        async with self._uow() as uow:
            await uow.outbox.settle(job.id, PostState.CANCELLED, now)
            if await uow.listings.end(job.listing.id, reason=EndReason.POST_FAILED, now=now):
                uow.audit.record(
                    AuditAction.END_LISTING,
                    actor_id=None,
                    listing_id=job.listing.id,
                    user_id=job.listing.user_id,
                    reason=EndReason.POST_FAILED,
                )
                uow.notices.add(
                    job.listing.user_id, NoticeKind.POST_FAILED, job.listing.id, now=now
                )
        self._work_due.notify()

    async def retry_later(self, job: PostJob, delay: timedelta) -> None:
        """A flood limit: the post waits its turn (the board may take it meanwhile)."""
        async with self._uow() as uow:
            await uow.outbox.reopen(job.id, PostState.QUEUED, self.now() + delay)

    async def uncertain(self, job: PostJob) -> None:
        """No answer we can trust: keep the row as a stray check and queue a fresh post."""
        now = self.now()
        async with self._uow() as uow:
            await uow.outbox.reopen(job.id, PostState.UNCERTAIN, now + STRAY_RETRY)
            if await uow.listings.live_expiry(job.listing.id) is not None:
                await uow.outbox.add(job.chat_id, job.listing.id, now)
        self.posts_due.notify()

    async def stray_settled(self, check: StrayCheck, removed: Sequence[int]) -> None:
        """The ids after the uncertain send were looked at; what was ours and unknown is gone."""
        async with self._uow() as uow:
            await uow.outbox.settle(check.id, PostState.CANCELLED, self.now())
            for message_id in removed:
                uow.audit.record(
                    AuditAction.DELETE_LISTING,
                    actor_id=None,
                    listing_id=check.listing_id,
                    chat_id=check.chat_id,
                    message_id=message_id,
                    already_deleted=False,
                )

    async def stray_wait(self, check: StrayCheck) -> None:
        async with self._uow() as uow:
            await uow.outbox.reopen(check.id, PostState.UNCERTAIN, self.now() + STRAY_RETRY)

    # --- the board -----------------------------------------------------------------------------

    async def request_list(self, chat_id: int, keep_for: timedelta) -> None:
        """A member asked for the list: show it (or refresh the one up) and keep it a while."""
        now = self.now()
        async with self._uow() as uow:
            await uow.outbox.request_board(chat_id, now, now + keep_for)
        self.posts_due.notify()

    async def claim_boards(self) -> tuple[list[BoardContent], list[tuple[int, int]]]:
        """Boards to draw (with what they show), and (chat, message) boards taken down."""
        now = self.now()
        drawn: list[BoardContent] = []
        retired: list[tuple[int, int]] = []
        async with self._uow() as uow:
            for row in await uow.outbox.claim_boards(now):
                wanted_by_list = row.keep_until is not None and row.keep_until > now
                wanted = wanted_by_list or await uow.outbox.boarded_live(row.chat_id)
                row.rendered_at = now
                # Asked for only: look again when its time is up, to take it down.
                row.render_due_at = row.keep_until if wanted_by_list else None
                if not wanted:
                    if row.message_id is not None:
                        await uow.outbox.retire_board(row.chat_id, row.message_id, now)
                        retired.append((row.chat_id, row.message_id))
                    continue
                replace = row.sent_at is not None and now - row.sent_at >= BOARD_LIFETIME
                entries, total = await uow.listings.live_in_group(row.chat_id, now, 60)
                drawn.append(
                    BoardContent(BoardJob(row.chat_id, row.message_id, replace), entries, total)
                )
            await uow.session.flush()
        if retired:
            self._work_due.notify()
        return drawn, retired

    async def board_sent(self, job: BoardJob, message_id: int) -> None:
        now = self.now()
        async with self._uow() as uow:
            if job.message_id is not None:
                await uow.outbox.retire_board(job.chat_id, job.message_id, now)
            await uow.outbox.board_sent(
                job.chat_id, message_id, now, delete_after=now + BOARD_LIFETIME
            )
        self._work_due.notify()

    async def board_shown(self, chat_id: int) -> bool:
        """The board is drawn: tell each model newly put on it that she is up; whether any."""
        now = self.now()
        told = False
        async with self._uow() as uow:
            for row in await uow.outbox.boarding(chat_id):
                row.state = PostState.BOARDED.value
                listing = await uow.listings.get(row.listing_id)
                if listing is not None and await uow.listings.live_expiry(listing.id):
                    uow.notices.add(listing.user_id, NoticeKind.POST_UP, listing.id, now=now)
                    told = True
            await uow.session.flush()
        return told

    async def board_failed(self, job: BoardJob, delay: timedelta) -> None:
        now = self.now()
        async with self._uow() as uow:
            await uow.outbox.board_needed(job.chat_id, now + delay)

    async def board_lost(self, job: BoardJob) -> None:
        """The board message is gone (deleted by an admin): send a new one next time."""
        now = self.now()
        async with self._uow() as uow:
            if job.message_id is not None:
                await uow.outbox.retire_board(job.chat_id, job.message_id, now)
            await uow.outbox.board_needed(job.chat_id, now)

    # --- redraws -------------------------------------------------------------------------------

    async def claim_redraws(self) -> list[Redraw]:
        now = self.now()
        redraws: list[Redraw] = []
        async with self._uow() as uow:
            for row in await uow.outbox.claim_redraws(now, CLAIM_BATCH):
                profile = await uow.profiles.view(row.user_id)
                if profile is not None and row.message_id is not None:
                    redraws.append(Redraw(to_view(row), profile))
        return redraws

    async def replace_post(self, listing: ListingView) -> None:
        """Her post cannot show her profile in place (a photo post whose photos she removed):
        it is removed now, and a fresh post is queued for her listing."""
        now = self.now()
        async with self._uow() as uow:
            if listing.message_id is None or await uow.listings.live_expiry(listing.id) is None:
                return
            await uow.listings.detach_message(listing.id, listing.group_id, listing.message_id, now)
            await uow.outbox.add(listing.group_id, listing.id, now)
        self._work_due.notify()
        self.posts_due.notify()

    async def next_due(self) -> datetime | None:
        async with self._uow.read() as uow:
            moments = [
                await uow.outbox.next_due(),
                await uow.outbox.next_board_due(),
                await uow.outbox.next_redraw(),
            ]
        known = [moment for moment in moments if moment is not None]
        return min(known) if known else None
