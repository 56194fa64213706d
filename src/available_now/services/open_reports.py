"""The hook through which the owners' console counts open reports about listings.

The console (panel, `/models`, `/stats`) shows report counts only when something can count
them: the moderation use cases provide an `OpenReports`; until then `NO_REPORTS` answers None
and the console leaves the figures out instead of showing a false zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, Protocol


class OpenReports(Protocol):
    async def open_total(self) -> int | None:
        """How many reports wait for an owner's decision; None when reports are not kept."""

    async def open_by_model(self, user_ids: Sequence[int]) -> Mapping[int, int] | None:
        """Open reports per model among ``user_ids`` (absent: none); None when not kept."""


class NoReports:
    """Reports are not kept: every answer is None."""

    async def open_total(self) -> int | None:
        return None

    async def open_by_model(self, user_ids: Sequence[int]) -> Mapping[int, int] | None:
        return None


NO_REPORTS: Final[OpenReports] = NoReports()
