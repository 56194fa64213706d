"""The daily retention pass, in the same process as the expiry worker.

It runs once shortly after start-up and then every 24 hours, by the shared clock. Several
instances may run it: its deletes are idempotent, and an instance that finds a pass recorded in
the audit trail less than `min_gap` ago waits for that pass's next turn instead. It is a
`PassLoop` like the other workers, so failures and database outages are logged and survived the
same way; a failed pass is tried again an hour later, and nothing it does can stop the bot.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from available_now.domain.retention import RetentionReport
from available_now.services.retention import RetentionService
from available_now.workers.loop import PassLoop

logger = logging.getLogger(__name__)

MAX_SLEEP_SECONDS = 3600.0
"""Look at the clock at least hourly, so a clock moved forward is noticed."""


class RetentionWorker(PassLoop):
    """A `PassLoop` whose work falls due once a day instead of row by row."""

    name = "retention"

    def __init__(
        self,
        retention: RetentionService,
        *,
        first_pass_after: timedelta = timedelta(minutes=1),
        interval: timedelta = timedelta(hours=24),
        min_gap: timedelta = timedelta(hours=20),
        retry_after: timedelta = timedelta(hours=1),
    ) -> None:
        super().__init__(poll_interval=MAX_SLEEP_SECONDS, max_backoff=MAX_SLEEP_SECONDS)
        self._retention = retention
        self._first_pass_after = first_pass_after
        self._interval = interval
        self._min_gap = min_gap
        self._retry_after = retry_after
        self._next_pass: datetime | None = None
        self._report: RetentionReport | None = None

    def now(self) -> datetime:
        return self._retention.now()

    def start(self) -> None:
        self._next_pass = self.now() + self._first_pass_after
        super().start()

    async def next_due(self) -> datetime | None:
        return self._next_pass

    async def run_pass(self) -> RetentionReport | None:  # type: ignore[override]
        """Have the running worker look at the clock now and wait for the outcome: what its
        pass removed, or None when no pass was due."""
        await super().run_pass()
        return self._report

    async def run_once(self) -> int:
        """Never "busy": after a pass the loop sleeps until the next one falls due."""
        try:
            self._report = await self.run_if_due()
        except Exception:
            self._report = None
            self._next_pass = self.now() + self._retry_after
            raise
        return 0

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
            "%d conversation(s), %d outbox row(s)",
            report.members,
            report.listings,
            report.deletion_jobs,
            report.conversations,
            report.posts,
        )
        return report
