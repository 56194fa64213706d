"""The expiry worker: the database is the schedule, so nothing is lost to a restart.

Every pass it (1) marks listings whose `expires_at` has passed as expired and tells the model,
(2) sends the one-tap extension reminder shortly before expiry, and (3) removes every message
whose `scheduled_deletions.delete_after` has passed: listing posts, `/available` answers and
the commands that asked for them. Rows are claimed with `FOR UPDATE SKIP LOCKED` (PostgreSQL),
so any number of instances can run this side by side and each listing expires exactly once.

Telegram's answers are all handled: already deleted counts as done; 429 waits `retry_after`;
"can't be deleted" (older than 48 hours, or rights lost) edits the post to say the listing has
ended and reports to the owners; network and server errors retry with backoff. Every outcome is
logged, and failures are audited.

Deleting goes through the aiogram `Bot` it is given, not through an interface: it says nothing
to anyone, and what happens next depends on exactly which of aiogram's errors came back, which a
wrapper could only rename. Everything that puts words in front of a person (notices, the
"ended" edit, the report to owners) goes through the `ListingNotifier` the bot layer provides.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Literal

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from available_now.domain.listings import (
    CleanupFallback,
    DeletionJob,
    ListingView,
    MessagePurpose,
)
from available_now.services.listings import ListingService
from available_now.services.signals import WorkSignal
from available_now.workers.notifier import ListingNotifier

logger = logging.getLogger(__name__)

DELETE_BATCH = 100  # deleteMessages takes at most 100 ids
MAX_BACKOFF = timedelta(minutes=5)

Notice = tuple[Literal["ended", "reminder"], ListingView]


class ExpiryWorker:
    def __init__(
        self,
        bot: Bot,
        listings: ListingService,
        notifier: ListingNotifier,
        *,
        work_due: WorkSignal | None = None,
        poll_interval: float = 1.0,
        batch: int = 500,
        lease: timedelta = timedelta(minutes=2),
        reminder_lead: timedelta = timedelta(minutes=15),
    ) -> None:
        self._bot = bot
        self._listings = listings
        self._notifier = notifier
        self._work_due = work_due or WorkSignal()
        self._poll_interval = poll_interval
        self._batch = batch
        self._lease = lease
        self._reminder_lead = reminder_lead
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._waiting: list[asyncio.Future[int]] = []
        # Messages to models go out at Telegram's pace in their own task, so that a burst of
        # them never holds up the next removal. (Lost on a crash: they are courtesy notes,
        # the listing itself is already handled.)
        self._notices: asyncio.Queue[Notice] = asyncio.Queue()
        self._notices_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="expiry-worker")
        self._notices_task = asyncio.create_task(self._notify_forever(), name="expiry-notices")

    async def stop(self) -> None:
        self._stopping = True
        self._work_due.notify()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, 30)
            self._task = None
        if self._notices_task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._notices.join(), 5)
            self._notices_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._notices_task
            self._notices_task = None

    async def run_pass(self) -> int:
        """Have the running worker make a pass now and wait for it, and for its notices.

        The pass begins after this call, so it sees whatever the caller changed before it
        (the clock included). Returns how much work it found.
        """
        if self._task is None or self._task.done():
            raise RuntimeError("the expiry worker is not running")
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting.append(done)
        self._work_due.notify()
        found = await done
        await self._notices.join()
        return found

    async def run(self) -> None:
        logger.info("expiry worker started")
        while not self._stopping:
            waiting, self._waiting = self._waiting, []
            self._work_due.clear()
            try:
                busy = await self.run_once()
            except Exception as error:
                logger.exception("expiry pass failed; retrying shortly")
                busy = 0
                _settle(waiting, error=error)
            else:
                _settle(waiting, found=busy)
            if busy or self._stopping:
                continue
            await self._sleep_until_due()
        _settle(self._waiting, error=RuntimeError("the expiry worker stopped"))
        logger.info("expiry worker stopped")

    async def _sleep_until_due(self) -> None:
        delay = self._poll_interval
        with contextlib.suppress(Exception):
            due = await self._listings.next_due()
            if due is not None:
                delay = min(delay, max((due - self._listings.now()).total_seconds(), 0.0))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await self._work_due.wait()

    async def run_once(self) -> int:
        """One pass; returns how much work it found (0 means idle).

        Posts come down first; the models are told afterwards, so a burst of notifications
        (paced by the rate limiter) never delays a removal.
        """
        expired = await self._listings.expire_due(self._batch)
        jobs = await self._listings.claim_deletions(self._batch, self._lease)
        by_chat: dict[int, list[DeletionJob]] = defaultdict(list)
        for job in jobs:
            by_chat[job.chat_id].append(job)
        for chat_jobs in by_chat.values():
            for start in range(0, len(chat_jobs), DELETE_BATCH):
                await self._delete_batch(chat_jobs[start : start + DELETE_BATCH])
        for listing in expired:
            self._notices.put_nowait(("ended", listing))
        reminders = await self._listings.due_reminders(self._reminder_lead, self._batch)
        for listing in reminders:
            self._notices.put_nowait(("reminder", listing))
        return len(expired) + len(reminders) + len(jobs)

    async def _notify_forever(self) -> None:
        while True:
            kind, listing = await self._notices.get()
            try:
                if kind == "ended":
                    await self._notifier.listing_ended(listing)
                else:
                    left = listing.time_left(self._listings.now())
                    await self._notifier.listing_reminder(listing, left)
            except Exception:
                logger.exception("could not send a %s notice for listing %s", kind, listing.id)
            finally:
                self._notices.task_done()

    async def _delete_batch(self, jobs: Sequence[DeletionJob]) -> None:
        chat_id = jobs[0].chat_id
        try:
            await self._bot.delete_messages(chat_id, [job.message_id for job in jobs])
        except TelegramRetryAfter as error:
            logger.warning("rate limited deleting in %s; retry in %ss", chat_id, error.retry_after)
            await self._listings.retry_later(jobs, timedelta(seconds=error.retry_after), str(error))
            return
        except TelegramBadRequest:
            # Someone in the batch cannot go; sort them out one by one.
            for job in jobs:
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
            await self._listings.retry_later(
                [job], timedelta(seconds=error.retry_after), str(error)
            )
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
        if await self._notifier.post_ended(job.chat_id, job.message_id):
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


def _settle(
    waiting: Sequence[asyncio.Future[int]], *, found: int = 0, error: Exception | None = None
) -> None:
    """Answer those awaiting `run_pass` (unless they gave up waiting)."""
    for done in waiting:
        if done.done():
            continue
        if error is None:
            done.set_result(found)
        else:
            done.set_exception(error)
