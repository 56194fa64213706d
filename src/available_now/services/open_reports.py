"""The hook through which the owners' console counts open reports about listings.

The console (panel, `/models`, `/stats`) reads report counts through this protocol, which the
reports use case (`services/reports.py`) implements, so the console does not depend on how
reports are kept. None means "not counted": the console then leaves the figure out instead of
showing a false zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class OpenReports(Protocol):
    async def open_total(self) -> int | None:
        """How many reports wait for an owner's decision; None when reports are not kept."""

    async def open_by_model(self, user_ids: Sequence[int]) -> Mapping[int, int] | None:
        """Open reports per model among ``user_ids`` (absent: none); None when not kept."""
