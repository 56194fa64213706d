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
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup

from available_now.bot import keyboards, texts
from available_now.config import Settings
from available_now.db.repositories.listings import DeletionJob
from available_now.domain.listings import ListingView, MessagePurpose, clock_time
from available_now.services.listings import ListingService

logger = logging.getLogger(__name__)

DELETE_BATCH = 100  # deleteMessages takes at most 100 ids
MAX_BACKOFF = timedelta(minutes=5)
ENDED_NOTICE = "⏹ This listing has ended."


class ExpiryWorker:
    def __init__(
        self,
        bot: Bot,
        listings: ListingService,
        settings: Settings,
        *,
        poll_interval: float = 1.0,
        batch: int = 500,
        lease: timedelta = timedelta(minutes=2),
        reminder_lead: timedelta = timedelta(minutes=15),
    ) -> None:
        self._bot = bot
        self._listings = listings
        self._settings = settings
        self._poll_interval = poll_interval
        self._batch = batch
        self._lease = lease
        self._reminder_lead = reminder_lead
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        # Messages to models go out at Telegram's pace in their own task, so that a burst of
        # them never holds up the next removal. (Lost on a crash: they are courtesy notes,
        # the listing itself is already handled.)
        self._notices: asyncio.Queue[tuple[str, ListingView]] = asyncio.Queue()
        self._notifier: asyncio.Task[None] | None = None

    def kick(self) -> None:
        """Run a pass now (after a listing was ended by hand, say)."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="expiry-worker")
        self._notifier = asyncio.create_task(self._notify_forever(), name="expiry-notices")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, 30)
            self._task = None
        if self._notifier is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._notices.join(), 5)
            self._notifier.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._notifier
            self._notifier = None

    async def run(self) -> None:
        logger.info("expiry worker started")
        while not self._stopping:
            try:
                busy = await self.run_once()
            except Exception:
                logger.exception("expiry pass failed; retrying shortly")
                busy = 0
            if busy or self._stopping:
                continue
            await self._sleep_until_due()
        logger.info("expiry worker stopped")

    async def _sleep_until_due(self) -> None:
        delay = self._poll_interval
        with contextlib.suppress(Exception):
            due = await self._listings.next_due()
            if due is not None:
                delay = min(delay, max((due - self._listings.now()).total_seconds(), 0.0))
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), delay)

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
                    await self._tell_model_it_ended(listing)
                else:
                    await self._remind(listing)
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
                await self._listings.undeletable(job, str(error), handled_by="none: no access")
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
                await self._listings.deleted([job], note="already deleted")
            elif "can't be deleted" in error.message:
                await self._cannot_delete(job, error.message)
            else:
                logger.error("cannot delete %s/%s: %s", job.chat_id, job.message_id, error)
                await self._listings.undeletable(job, error.message, handled_by="none")
        except (TelegramNetworkError, TelegramServerError) as error:
            await self._back_off([job], error)
        except TelegramAPIError as error:
            await self._listings.undeletable(job, str(error), handled_by="none")
        else:
            await self._listings.deleted([job])

    async def _cannot_delete(self, job: DeletionJob, error: str) -> None:
        """Too old to delete (or rights lost): make a listing post say it ended instead."""
        if job.purpose is not MessagePurpose.LISTING:
            # A member's command or our list answer left behind is harmless; note it and move on.
            await self._listings.undeletable(job, error, handled_by="left in place")
            return
        if await self._mark_post_ended(job):
            await self._listings.undeletable(job, error, handled_by="edited to ended")
            return
        await self._listings.undeletable(job, error, handled_by="reported to owners")
        await self._report_to_owners([job], error)

    async def _mark_post_ended(self, job: DeletionJob) -> bool:
        """The post is a photo with a caption or a text message; try both edits."""
        chat_id, message_id = job.chat_id, job.message_id
        no_buttons = InlineKeyboardMarkup(inline_keyboard=[])
        try:
            await self._bot.edit_message_caption(
                chat_id=chat_id,
                message_id=message_id,
                caption=ENDED_NOTICE,
                reply_markup=no_buttons,
            )
            return True
        except TelegramAPIError:
            pass
        try:
            await self._bot.edit_message_text(
                text=ENDED_NOTICE, chat_id=chat_id, message_id=message_id, reply_markup=no_buttons
            )
            return True
        except TelegramAPIError:
            return False

    async def _back_off(self, jobs: Sequence[DeletionJob], error: Exception) -> None:
        attempts = max(job.attempts for job in jobs)
        delay = min(timedelta(seconds=2 ** min(attempts, 10)), MAX_BACKOFF)
        logger.warning("deleting failed (%s); retry in %s", error, delay)
        await self._listings.retry_later(jobs, delay, str(error))

    async def _report_to_owners(self, jobs: Sequence[DeletionJob], error: str) -> None:
        for owner_id in self._settings.owner_ids:
            text = texts.cleanup_failed([(job.chat_id, job.message_id) for job in jobs], error)
            try:
                await self._bot.send_message(owner_id, text)
            except TelegramAPIError as failure:
                logger.warning("could not tell owner %s: %s", owner_id, failure)

    async def _tell_model_it_ended(self, listing: ListingView) -> None:
        try:
            await self._bot.send_message(
                listing.user_id,
                texts.listing_expired(clock_time(listing.expires_at, self._settings.timezone)),
                reply_markup=keyboards.after_listing(),
            )
        except TelegramAPIError as error:
            logger.warning("could not tell %s the listing ended: %s", listing.user_id, error)

    async def _remind(self, listing: ListingView) -> None:
        left = listing.time_left(self._listings.now())
        try:
            await self._bot.send_message(
                listing.user_id,
                texts.listing_reminder(
                    clock_time(listing.expires_at, self._settings.timezone), left
                ),
                reply_markup=keyboards.listing_controls(self._listings.durations),
            )
        except TelegramAPIError as error:
            logger.warning("could not remind %s: %s", listing.user_id, error)
