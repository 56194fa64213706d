"""Members' reports about listings, and the owners' decisions on them, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

NOTE_LIMIT: Final = 200
"""The longest "other" note a member may write: a hint for the owners, not a statement."""

REPORT_COOLDOWN: Final = timedelta(minutes=10)
"""One report per member this often: enough for a real concern, too slow for a pile-on."""


class ReportReason(StrEnum):
    """Why a member reports a listing (`reports.reason`, a closed vocabulary)."""

    FAKE_PHOTOS = "fake_photos"
    SCAM = "scam"
    SAFETY = "safety"
    UNDERAGE = "underage"
    OTHER = "other"


class ReportStatus(StrEnum):
    """Where a report stands (`reports.status`): open until one owner decides."""

    OPEN = "open"
    REMOVED = "removed"
    WARNED = "warned"
    BANNED = "banned"
    DISMISSED = "dismissed"


DECISIONS: Final = frozenset(ReportStatus) - {ReportStatus.OPEN}
"""What an owner may decide on an open report."""


@dataclass(frozen=True, slots=True)
class ReportView:
    """A report as stored; `note` is a member's free text, escaped wherever it is shown."""

    id: int
    listing_id: int | None
    reported_user_id: int
    reporter_id: int
    reason: ReportReason
    note: str | None
    status: ReportStatus
    decided_by: int | None
    decided_at: datetime | None
    created_at: datetime


def clean_note(text: str) -> str | None:
    """The note as kept: trimmed, None when empty; longer than `NOTE_LIMIT` is refused."""
    note = " ".join(text.split())
    if len(note) > NOTE_LIMIT:
        raise ValueError("note too long")
    return note or None
