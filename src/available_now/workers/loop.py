"""A background task that makes passes over a durable queue, and survives what goes wrong.

Both workers (removals and expiries; notices to models) are such a loop: a pass takes what is
due from the database and handles it; between passes the loop sleeps until the next row falls
due, a use case signals new work, or a test asks for a pass. A failed pass is retried with
exponential backoff (1 s doubling to 30 s). A database outage is reported in one line when it
starts and one when it ends, not with a traceback per attempt; any other failure logs its
traceback once per run of failures. Stopping waits briefly for the pass in hand, then cancels
it: every row it held is leased, so another pass (here after a restart, or on another instance)
takes it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import datetime

from available_now.services.outages import is_database_outage
from available_now.services.signals import WorkSignal

logger = logging.getLogger(__name__)

FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0


class PassLoop:
    """Subclasses say what a pass does (`run_once`) and when work falls due (`next_due`)."""

    name = "worker"

    def __init__(
        self,
        *,
        work_due: WorkSignal | None = None,
        poll_interval: float = 1.0,
        first_backoff: float = FIRST_BACKOFF,
        max_backoff: float = MAX_BACKOFF,
    ) -> None:
        self._work_due = work_due or WorkSignal()
        self._poll_interval = poll_interval
        self._first_backoff = first_backoff
        self._max_backoff = max_backoff
        self._stopping = asyncio.Event()
        self._asked = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._waiting: list[asyncio.Future[int]] = []
        self._failures = 0
        self._outage = False

    async def run_once(self) -> int:
        """One pass; returns how much work it found (0 means idle)."""
        raise NotImplementedError

    async def next_due(self) -> datetime | None:
        """When the next known work falls due (None: nothing is scheduled)."""
        return None

    def now(self) -> datetime:
        raise NotImplementedError

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=self.name)

    def wake(self) -> None:
        """Make a pass soon: something was queued."""
        self._work_due.notify()

    async def stop(self, grace: float = 2.0) -> None:
        """Let the pass in hand finish for up to `grace` seconds, then cancel it."""
        self._stopping.set()
        self._work_due.notify()
        task, self._task = self._task, None
        if task is None:
            return
        done, _ = await asyncio.wait({task}, timeout=grace)
        if not done:
            logger.info("%s: cancelling the pass in hand; its rows are retried later", self.name)
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        _settle(self._waiting, error=RuntimeError(f"the {self.name} stopped"))

    async def run_pass(self) -> int:
        """Have the running loop make a pass now and wait for it; returns the work it found.

        The pass begins after this call, so it sees whatever the caller changed before it
        (the clock included).
        """
        if not self.running:
            raise RuntimeError(f"the {self.name} is not running")
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting.append(done)
        self._asked.set()
        self._work_due.notify()
        return await done

    async def run(self) -> None:
        logger.info("%s started", self.name)
        while not self._stopping.is_set():
            waiting, self._waiting = self._waiting, []
            self._asked.clear()
            self._work_due.clear()
            try:
                busy = await self.run_once()
            except Exception as error:
                _settle(waiting, error=error)
                await self._pause(self._failed(error))
                continue
            self._recovered()
            _settle(waiting, found=busy)
            if busy or self._stopping.is_set():
                continue
            await self._sleep_until_due()
        _settle(self._waiting, error=RuntimeError(f"the {self.name} stopped"))
        logger.info("%s stopped", self.name)

    def _failed(self, error: Exception) -> float:
        """Log the failure as it deserves; returns how long to wait before the next try."""
        self._failures += 1
        delay: float = min(self._first_backoff * 2.0 ** (self._failures - 1), self._max_backoff)
        if is_database_outage(error):
            if not self._outage:
                self._outage = True
                logger.warning(
                    "%s: the database is unreachable (%s); retrying with backoff until it is back",
                    self.name,
                    type(error).__name__,
                )
            else:
                logger.debug("%s: the database is still unreachable", self.name)
        elif self._failures == 1:
            logger.error("%s pass failed; retrying with backoff", self.name, exc_info=error)
        else:
            logger.warning(
                "%s pass failed again (%s); retry in %.0f s",
                self.name,
                type(error).__name__,
                delay,
            )
        return delay

    def _recovered(self) -> None:
        if self._outage:
            logger.warning("%s: the database is reachable again; work resumed", self.name)
        elif self._failures:
            logger.info("%s: passes succeed again after %d failure(s)", self.name, self._failures)
        self._failures, self._outage = 0, False

    async def _pause(self, delay: float) -> None:
        """Sleep `delay`, cut short by stopping or by someone waiting for a pass."""
        stop = asyncio.ensure_future(self._stopping.wait())
        asked = asyncio.ensure_future(self._asked.wait())
        try:
            await asyncio.wait({stop, asked}, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            asked.cancel()

    async def _sleep_until_due(self) -> None:
        delay = self._poll_interval
        with contextlib.suppress(Exception):
            due = await self.next_due()
            if due is not None:
                delay = min(delay, max((due - self.now()).total_seconds(), 0.0))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await self._work_due.wait()


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
