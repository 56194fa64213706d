"""A wake-up call from use cases to a worker, so that neither imports the other.

A use case that makes work due at once (ending a listing makes its post due for removal)
notifies after it commits; the worker handed the same signal at start-up waits on it between
passes. The bot's handlers only call use cases, so they never see a worker.
"""

from __future__ import annotations

import asyncio

from available_now.db.per_update import after_commit


class WorkSignal:
    """ "There is work now": raised by use cases, awaited by one worker."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake the worker; during an update, once what the update wrote is committed."""
        after_commit(self._event.set)

    def clear(self) -> None:
        """Called by the worker as a pass begins: what it is about to see needs no new pass."""
        self._event.clear()

    async def wait(self) -> None:
        """Until notified (at once if it was since the last `clear`)."""
        await self._event.wait()
