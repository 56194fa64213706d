"""The daily retention pass, in the same process as the expiry worker.

It runs once shortly after start-up and then every 24 hours, by the shared clock. Several
instances may run it: its deletes are idempotent, and an instance that finds a pass recorded in
the audit trail less than `min_gap` ago waits for that pass's next turn instead. A failure is
logged in one line and tried again an hour later; nothing it does can stop the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from available_now.domain.retention import RetentionReport
from available_now.services.retention import RetentionService

logger = logging.getLogger(__name__)

MAX_SLEEP_SECONDS = 3600.0
"""Look at the clock at least hourly, so a clock moved forward is noticed."""

Waiter = asyncio.Future[RetentionReport | None]


class RetentionWorker:
    def __init__(
        self,
        retention: RetentionService,
        *,
        first_pass_after: timedelta = timedelta(minutes=1),
        interval: timedelta = timedelta(hours=24),
        min_gap: timedelta = timedelta(hours=20),
        retry_after: timedelta = timedelta(hours=1),
    ) -> None:
        self._retention = retention
        self._first_pass_after = first_pass_after
        self._interval = interval
        self._min_gap = min_gap
        self._retry_after = retry_after
        self._next_pass: datetime | None = None
        self._stopping = False
        self._wake = asyncio.Event()
        self._waiting: list[Waiter] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._stopping = False
        self._next_pass = self._retention.now() + self._first_pass_after
        self._task = asyncio.create_task(self.run(), name="retention-worker")

    async def stop(self, grace: float = 3.0) -> None:
        """Let a pass in progress finish its round for ``grace`` seconds, then cancel it (each
        round is its own transaction, so a cancelled pass loses nothing)."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._task, grace)
            self._task = None

    async def run_pass(self) -> RetentionReport | None:
        """Have the running worker look at the clock now and wait for the outcome: what its
        pass removed, or None when no pass was due."""
        if self._task is None or self._task.done():
            raise RuntimeError("the retention worker is not running")
        done: Waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(done)
        self._wake.set()
        return await done

    async def run(self) -> None:
        logger.info("retention worker started")
        while not self._stopping:
            waiting, self._waiting = self._waiting, []
            self._wake.clear()
            try:
                report = await self.run_if_due()
            except Exception as error:
                # One line: a database error's full text would carry its statement.
                summary = str(error).splitlines()[0] if str(error) else ""
                logger.error(
                    "retention pass failed (%s: %s); retrying in %s",
                    type(error).__name__,
                    summary,
                    self._retry_after,
                )
                self._next_pass = self._retention.now() + self._retry_after
                _settle(waiting, error=error)
            else:
                _settle(waiting, report=report)
            if not self._stopping:
                await self._sleep_until_due()
        _settle(self._waiting, error=RuntimeError("the retention worker stopped"))
        logger.info("retention worker stopped")

    async def run_if_due(self) -> RetentionReport | None:
        now = self._retention.now()
        if self._next_pass is not None and now < self._next_pass:
            return None
        last = await self._retention.last_pass()
        if last is not None and now - last < self._min_gap:
            self._next_pass = last + self._interval
            logger.info("retention pass skipped: another one ran at %s", last.isoformat())
            return None
        report = await self._retention.apply()
        self._next_pass = now + self._interval
        logger.info(
            "retention pass removed %d member(s), %d listing(s), %d removal job(s), "
            "%d conversation(s)",
            report.members,
            report.listings,
            report.deletion_jobs,
            report.conversations,
        )
        return report

    async def _sleep_until_due(self) -> None:
        delay = MAX_SLEEP_SECONDS
        if self._next_pass is not None:
            due_in = (self._next_pass - self._retention.now()).total_seconds()
            delay = min(delay, max(due_in, 0.0))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await self._wake.wait()


def _settle(
    waiting: Sequence[Waiter],
    *,
    report: RetentionReport | None = None,
    error: Exception | None = None,
) -> None:
    """Answer those awaiting `run_pass` (unless they gave up waiting)."""
    for done in waiting:
        if done.done():
            continue
        if error is None:
            done.set_result(report)
        else:
            done.set_exception(error)
