"""The expiry worker: the database is the schedule, so nothing is lost to a restart.

Every pass it (1) marks listings whose `expires_at` has passed as expired and queues the
model's notice, (2) queues the one-tap extension reminder shortly before expiry, and (3) removes
every message whose `scheduled_deletions.delete_after` has passed: listing posts, `/available`
answers and the commands that asked for them. Rows are claimed with `FOR UPDATE SKIP LOCKED`
(PostgreSQL), so any number of instances can run this side by side and each listing expires
exactly once.

Telegram's answers are all handled: already deleted counts as done; 429 parks that chat for
`retry_after` (its rows are rescheduled, the pass goes on with the other chats); "can't be
deleted" (older than 48 hours, or rights lost) edits the post to say the listing has ended and
reports to the owners; network and server errors retry with backoff. Every outcome is logged,
and failures are audited. The worker's calls raise flood limits instead of waiting them out
(the bot runs it inside `raising_flood_limits`), so nothing here ever sleeps on Telegram's
behalf.

Notices to models are queued in the database by the same transactions (`pending_notices`) and
sent by the `NoticeSender` this worker wakes after each pass, at Telegram's pace, so a burst of
them never holds up the next removal and a restart never loses one.

Deleting goes through the aiogram `Bot` it is given, not through an interface: it says nothing
to anyone, and what happens next depends on exactly which of aiogram's errors came back, which a
wrapper could only rename. Everything that puts words in front of a person (notices, the
"ended" edit, the report to owners) goes through the `ListingNotifier` the bot layer provides.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from available_now.domain.listings import CleanupFallback, DeletionJob, MessagePurpose
from available_now.services.listings import ListingService
from available_now.services.signals import WorkSignal
from available_now.workers.loop import PassLoop
from available_now.workers.notices import NoticeSender
from available_now.workers.notifier import ListingNotifier

logger = logging.getLogger(__name__)

DELETE_BATCH = 100  # deleteMessages takes at most 100 ids
MAX_BACKOFF = timedelta(minutes=5)
PARKED = "flood limit: waiting for the chat's pause to end"


class ExpiryWorker(PassLoop):
    name = "expiry worker"

    def __init__(
        self,
        bot: Bot,
        listings: ListingService,
        notifier: ListingNotifier,
        notices: NoticeSender,
        *,
        work_due: WorkSignal | None = None,
        poll_interval: float = 1.0,
        batch: int = 500,
        lease: timedelta = timedelta(minutes=2),
        reminder_lead: timedelta = timedelta(minutes=15),
    ) -> None:
        super().__init__(work_due=work_due, poll_interval=poll_interval)
        self._bot = bot
        self._listings = listings
        self._notifier = notifier
        self._notices = notices
        self._batch = batch
        self._lease = lease
        self._reminder_lead = reminder_lead
        self._parked: dict[int, datetime] = {}
        """Chats Telegram asked to leave alone (429), and until when (the services' clock)."""

    def now(self) -> datetime:
        return self._listings.now()

    async def next_due(self) -> datetime | None:
        return await self._listings.next_due()

    def start(self) -> None:
        super().start()
        self._notices.start()

    async def stop(self, grace: float = 2.0) -> None:
        """Stop both loops at once, each within `grace`."""
        await asyncio.gather(super().stop(grace), self._notices.stop(grace))

    async def run_pass(self) -> int:
        """A pass now, then the notices it queued: returns once both are done."""
        found = await super().run_pass()
        await self._notices.run_pass()
        return found

    async def run_once(self) -> int:
        """One pass; returns how much work it found (0 means idle).

        Posts come down first; the models' notices, queued by the same transactions, are sent
        by the notice sender woken at the end.
        """
        expired = await self._listings.expire_due(self._batch)
        jobs = await self._listings.claim_deletions(self._batch, self._lease)
        by_chat: dict[int, list[DeletionJob]] = defaultdict(list)
        for job in jobs:
            by_chat[job.chat_id].append(job)
        for chat_jobs in by_chat.values():
            for start in range(0, len(chat_jobs), DELETE_BATCH):
                batch = chat_jobs[start : start + DELETE_BATCH]
                if not await self._wait_if_parked(batch):
                    await self._delete_batch(batch)
        reminders = await self._listings.due_reminders(self._reminder_lead, self._batch)
        if expired or reminders:
            self._notices.wake()
        return len(expired) + len(reminders) + len(jobs)

    async def _wait_if_parked(self, jobs: Sequence[DeletionJob]) -> bool:
        """Reschedule jobs for a chat under a flood-limit pause, without asking Telegram."""
        until = self._parked.get(jobs[0].chat_id)
        now = self.now()
        if until is None or until <= now:
            self._parked.pop(jobs[0].chat_id, None)
            return False
        await self._listings.retry_later(jobs, until - now, PARKED)
        return True

    async def _park(self, jobs: Sequence[DeletionJob], error: TelegramRetryAfter) -> None:
        """Leave this chat alone for as long as Telegram asked; the others carry on."""
        delay = timedelta(seconds=error.retry_after)
        chat_id = jobs[0].chat_id
        self._parked[chat_id] = max(self._parked.get(chat_id, self.now()), self.now() + delay)
        logger.warning("rate limited in %s; its removals wait %s s", chat_id, error.retry_after)
        await self._listings.retry_later(jobs, delay, str(error))

    async def _delete_batch(self, jobs: Sequence[DeletionJob]) -> None:
        chat_id = jobs[0].chat_id
        try:
            await self._bot.delete_messages(chat_id, [job.message_id for job in jobs])
        except TelegramRetryAfter as error:
            await self._park(jobs, error)
            return
        except TelegramBadRequest:
            # Someone in the batch cannot go; sort them out one by one.
            for job in jobs:
                if not await self._wait_if_parked([job]):
                    await self._delete_one(job)
            return
        except TelegramForbiddenError as error:
            logger.error("no access to chat %s to delete messages: %s", chat_id, error)
            for job in jobs:
                await self._listings.undeletable(
                    job, str(error), handled_by=CleanupFallback.NO_ACCESS
                )
            await self._report_to_owners(jobs, str(error))
            return
        except (TelegramNetworkError, TelegramServerError) as error:
            await self._back_off(jobs, error)
            return
        await self._listings.deleted(jobs)
        logger.info("removed %d message(s) from %s", len(jobs), chat_id)

    async def _delete_one(self, job: DeletionJob) -> None:
        try:
            await self._bot.delete_message(job.chat_id, job.message_id)
        except TelegramRetryAfter as error:
            await self._park([job], error)
        except TelegramBadRequest as error:
            if "not found" in error.message:
                await self._listings.deleted([job], already_gone=True)
            elif "can't be deleted" in error.message:
                await self._cannot_delete(job, error.message)
            else:
                logger.error("cannot delete %s/%s: %s", job.chat_id, job.message_id, error)
                await self._listings.undeletable(
                    job, error.message, handled_by=CleanupFallback.NONE
                )
        except (TelegramNetworkError, TelegramServerError) as error:
            await self._back_off([job], error)
        except TelegramAPIError as error:
            await self._listings.undeletable(job, str(error), handled_by=CleanupFallback.NONE)
        else:
            await self._listings.deleted([job])

    async def _cannot_delete(self, job: DeletionJob, error: str) -> None:
        """Too old to delete (or rights lost): make a listing post say it ended instead."""
        if job.purpose is not MessagePurpose.LISTING:
            # A member's command or our list answer left behind is harmless; note it and move on.
            await self._listings.undeletable(job, error, handled_by=CleanupFallback.LEFT_IN_PLACE)
            return
        try:
            edited = await self._notifier.post_ended(job.chat_id, job.message_id)
        except TelegramRetryAfter as retry:
            await self._park([job], retry)
            return
        if edited:
            await self._listings.undeletable(job, error, handled_by=CleanupFallback.EDITED_TO_ENDED)
            return
        await self._listings.undeletable(job, error, handled_by=CleanupFallback.REPORTED_TO_OWNERS)
        await self._report_to_owners([job], error)

    async def _back_off(self, jobs: Sequence[DeletionJob], error: Exception) -> None:
        attempts = max(job.attempts for job in jobs)
        delay = min(timedelta(seconds=2 ** min(attempts, 10)), MAX_BACKOFF)
        logger.warning("deleting failed (%s); retry in %s", error, delay)
        await self._listings.retry_later(jobs, delay, str(error))

    async def _report_to_owners(self, jobs: Sequence[DeletionJob], error: str) -> None:
        await self._notifier.cleanup_failed([(job.chat_id, job.message_id) for job in jobs], error)
