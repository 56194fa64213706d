"""Sending the notices queued for models (`pending_notices`): at least once, never lost.

A notice is claimed with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL), rendered in her
language and sent; its row is deleted once Telegram has it. Telegram's refusals decide the rest:
a 429 tries that notice again when Telegram allows (the others go on), network and server
errors back off (2 s doubling to 5 min, given up with a log line after
`MAX_NOTICE_ATTEMPTS`), and a model who blocked the bot (403) or whose chat is gone (400) is not
written to again: the notice is dropped with a log line. A reminder for a listing that is no
longer live is dropped unsent. A crash between sending and deleting the row sends it twice: a
duplicate courtesy note is better than a lost one.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from available_now.domain.notices import (
    MAX_NOTICE_ATTEMPTS,
    NoticeKind,
    PendingNotice,
    notice_backoff,
)
from available_now.services.notices import NoticeService
from available_now.workers.loop import PassLoop
from available_now.workers.notifier import ListingNotifier

logger = logging.getLogger(__name__)


class NoticeSender(PassLoop):
    name = "notice sender"

    def __init__(
        self,
        notices: NoticeService,
        notifier: ListingNotifier,
        *,
        poll_interval: float = 5.0,
        batch: int = 100,
        lease: timedelta = timedelta(minutes=2),
    ) -> None:
        super().__init__(poll_interval=poll_interval)
        self._notices = notices
        self._notifier = notifier
        self._batch = batch
        self._lease = lease

    def now(self) -> datetime:
        return self._notices.now()

    async def next_due(self) -> datetime | None:
        return await self._notices.next_due()

    async def run_once(self) -> int:
        claimed = await self._notices.claim(self._batch, self._lease)
        for notice in claimed:
            await self._send(notice)
        return len(claimed)

    async def _send(self, notice: PendingNotice) -> None:
        if notice.kind in (NoticeKind.LISTING_REMINDER, NoticeKind.POST_UP) and not notice.live:
            await self._notices.done([notice])  # she extended or ended it meanwhile: stale
            return
        try:
            await self._deliver(notice)
        except TelegramRetryAfter as error:
            await self._notices.retry_later(notice, timedelta(seconds=error.retry_after))
        except (TelegramForbiddenError, TelegramBadRequest) as error:
            logger.warning(
                "%s notice %d for user %d dropped: %s",
                notice.kind,
                notice.id,
                notice.user_id,
                error.message,
            )
            await self._notices.done([notice])
        except (TelegramNetworkError, TelegramServerError) as error:
            if notice.attempts >= MAX_NOTICE_ATTEMPTS:
                logger.error(
                    "%s notice %d for user %d given up after %d attempts: %s",
                    notice.kind,
                    notice.id,
                    notice.user_id,
                    notice.attempts,
                    error,
                )
                await self._notices.done([notice])
                return
            delay = notice_backoff(notice.attempts)
            logger.warning(
                "%s notice %d failed (%s); retry in %s", notice.kind, notice.id, error, delay
            )
            await self._notices.retry_later(notice, delay)
        except TelegramAPIError as error:
            logger.error("%s notice %d dropped: %s", notice.kind, notice.id, error)
            await self._notices.done([notice])
        else:
            await self._notices.done([notice])

    async def _deliver(self, notice: PendingNotice) -> None:
        if notice.kind is NoticeKind.LISTING_ENDED:
            await self._notifier.listing_ended(notice.listing)
        elif notice.kind is NoticeKind.POST_UP:
            await self._notifier.post_up(notice.listing)
        elif notice.kind is NoticeKind.POST_FAILED:
            await self._notifier.post_failed(notice.listing)
        else:
            await self._notifier.listing_reminder(
                notice.listing, notice.listing.time_left(self.now())
            )
