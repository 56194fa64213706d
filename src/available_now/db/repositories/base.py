"""What every repository shares: it works inside the session of the caller's unit of work."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class Repository:
    """Queries over one session; it adds and flushes, and never commits (the unit of work does)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
