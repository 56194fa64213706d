"""The outbox worker: listing posts, the group's living list and redraws, at the group's pace.

Each pass claims what is due (`OutboxService.claim`), in order, on any number of instances:
posts within the group's minute go out one by one, the rest go on the board at once; then the
boards due are drawn (at most one redraw per `BOARD_EDIT_INTERVAL`, always the newest state)
and live posts whose profile changed are redrawn, many edits in one.

Telegram's answers decide the rest. A post accepted is tracked for removal and she is told.
429 puts the post back in the queue for when Telegram allows (the board takes it if the minute
fills). A live post that cannot follow her profile in place (its photo is gone from her
gallery) is replaced: removed at once and posted afresh. A refusal (400, 403) ends the listing
and tells her. A timeout or a 5xx is uncertain: the post may be in the group, so the row stays
as a stray check and a fresh post is queued; once a later message of ours bounds the ids, those
in between that are ours and unknown are removed, and if that cannot be settled the owners are
told with a link.

The calls raise flood limits instead of waiting them out (the bot runs it inside
`raising_flood_limits`), so one group's pause never holds up the rest.
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

from available_now.domain.outbox import (
    STRAY_SEARCH_LIMIT,
    STRAY_SEARCH_WAIT,
    PostJob,
    StrayCheck,
)
from available_now.services.outbox import BoardContent, OutboxService
from available_now.workers.loop import PassLoop
from available_now.workers.notices import NoticeSender
from available_now.workers.publisher import GroupPublisher

logger = logging.getLogger(__name__)

UNCERTAIN = (TelegramNetworkError, TelegramServerError, TimeoutError)
BOARD_RETRY = timedelta(seconds=5)


class OutboxWorker(PassLoop):
    name = "outbox worker"

    def __init__(
        self,
        outbox: OutboxService,
        publisher: GroupPublisher,
        notices: NoticeSender,
        *,
        poll_interval: float = 1.0,
    ) -> None:
        super().__init__(work_due=outbox.posts_due, poll_interval=poll_interval)
        self._outbox = outbox
        self._publisher = publisher
        self._notices = notices

    def now(self) -> datetime:
        return self._outbox.now()

    async def next_due(self) -> datetime | None:
        return await self._outbox.next_due()

    async def run_once(self) -> int:
        work = await self._outbox.claim()
        for job in work.posts:
            await self._post(job)
        for check in work.strays:
            await self._check_stray(check)
        boards, retired = await self._outbox.claim_boards()
        for board in boards:
            await self._draw(board)
        redraws = await self._outbox.claim_redraws()
        for redraw in redraws:
            try:
                if not await self._publisher.redraw(redraw.listing, redraw.profile):
                    await self._outbox.replace_post(redraw.listing)
            except TelegramAPIError as error:
                logger.warning("could not redraw listing %s: %s", redraw.listing.id, error)
        if work.posts:
            self._notices.wake()
        return len(work.posts) + len(work.strays) + len(boards) + len(retired) + len(redraws)

    async def _post(self, job: PostJob) -> None:
        try:
            message_id = await self._publisher.post(job.listing, job.profile)
        except TelegramRetryAfter as error:
            await self._outbox.retry_later(job, timedelta(seconds=error.retry_after))
        except UNCERTAIN as error:
            logger.warning("posting listing %s: no clear answer (%s)", job.listing.id, error)
            await self._outbox.uncertain(job)
        except (TelegramBadRequest, TelegramForbiddenError) as error:
            logger.error("posting listing %s refused: %s", job.listing.id, error)
            await self._outbox.refused(job)
        else:
            if not await self._outbox.posted(job, message_id):
                logger.info("listing %s ended while posting; its post is removed", job.listing.id)

    async def _check_stray(self, check: StrayCheck) -> None:
        """Find and remove a post that may have landed; tell the owners when that cannot be."""
        if check.before_message_id is None:
            if check.waited < STRAY_SEARCH_WAIT:
                await self._outbox.stray_wait(check)
                return
            await self._publisher.stray_unresolved(check.chat_id, check.after_message_id)
            await self._outbox.stray_settled(check, [])
            return
        candidates = [
            message_id
            for message_id in range(check.after_message_id + 1, check.before_message_id)
            if message_id not in check.known
        ]
        removed: list[int] = []
        try:
            for message_id in candidates[:STRAY_SEARCH_LIMIT]:
                if await self._publisher.is_ours(check.chat_id, message_id):
                    await self._publisher.delete(check.chat_id, message_id)
                    removed.append(message_id)
        except (TelegramRetryAfter, *UNCERTAIN) as error:
            logger.warning("looking for a stray post in %s: %s", check.chat_id, error)
            await self._outbox.stray_wait(check)
            return
        if len(candidates) > STRAY_SEARCH_LIMIT and not removed:
            await self._publisher.stray_unresolved(check.chat_id, check.after_message_id)
        if removed:
            logger.warning("removed %d stray post(s) from %s", len(removed), check.chat_id)
        await self._outbox.stray_settled(check, removed)

    async def _draw(self, board: BoardContent) -> None:
        job = board.job
        try:
            if job.message_id is None or job.replace:
                message_id = await self._publisher.send_board(
                    job.chat_id, board.entries, board.total
                )
                await self._outbox.board_sent(job, message_id)
            else:
                await self._publisher.edit_board(
                    job.chat_id, job.message_id, board.entries, board.total
                )
        except TelegramRetryAfter as error:
            await self._outbox.board_failed(job, timedelta(seconds=error.retry_after))
            return
        except TelegramBadRequest as error:
            if "not modified" not in error.message:
                logger.warning(
                    "the board in %s is gone (%s); sending a new one", job.chat_id, error
                )
                await self._outbox.board_lost(job)
                return
        except (*UNCERTAIN, TelegramForbiddenError) as error:
            logger.warning("drawing the board in %s failed: %s", job.chat_id, error)
            await self._outbox.board_failed(job, BOARD_RETRY)
            return
        if await self._outbox.board_shown(job.chat_id):
            self._notices.wake()
