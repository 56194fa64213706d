"""The audit trail: every change writes its row in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

from sqlalchemy import BigInteger, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from available_now.db.models import AuditLog
from available_now.db.repositories.base import Repository, from_row
from available_now.domain.audit import (
    ApprovalSource,
    AuditAction,
    AuditField,
    AuditReason,
    ErasureRequester,
)
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.listings import CleanupFallback, EndReason, MessagePurpose
from available_now.domain.profiles import MediaType, ServiceType
from available_now.domain.reports import ReportReason, ReportStatus

AuditValue = int | datetime | StrEnum | Sequence[AuditField] | None
"""What a detail may hold: a number, a moment, a word of a closed vocabulary, field names.

A plain `str` is not among them, so free text (a name, a phone number, an error message from
Telegram) cannot be passed without mypy noticing, and the trail refuses it at run time too.
"""

DETAIL_KINDS: Final[Mapping[str, tuple[type, ...]]] = MappingProxyType(
    {
        # Ids of rows, and of Telegram users, chats and messages.
        "profile_id": (int,),
        "listing_id": (int,),
        "media_id": (int,),
        "user_id": (int,),
        "target_user_id": (int,),
        "by_user_id": (int,),
        "group_id": (int,),
        "chat_id": (int,),
        "message_id": (int,),
        # Counts and positions.
        "hours": (int,),
        "from_position": (int,),
        "to_position": (int,),
        # What a retention pass removed, as counts.
        "forgotten_members": (int,),
        "removed_listings": (int,),
        "removed_deletion_jobs": (int,),
        "removed_conversations": (int,),
        "removed_posts": (int,),
        # What a pass over the encrypted columns did (`keys rotate`, start-up).
        "rows_checked": (int,),
        "rows_reencrypted": (int,),
        "key_count": (int,),
        "completed": (bool,),
        "count": (int,),
        # A listing's own schedule.
        "expires_at": (datetime,),
        "old_expires_at": (datetime,),
        # Outcomes.
        "draft": (bool,),
        "already_deleted": (bool,),
        # Closed vocabularies.
        "field": (AuditField,),
        "service": (ServiceType,),
        "media_type": (MediaType,),
        "reason": (EndReason, AuditReason),
        "purpose": (MessagePurpose,),
        "handled_by": (CleanupFallback,),
        "source": (ApprovalSource,),
        # What an erasure removed, counted (never what it said), and who asked for it.
        "requested_by": (ErasureRequester,),
        "photos": (int,),
        "videos": (int,),
        "services": (int,),
        "listings": (int,),
        "posts": (int,),
        "conversations": (int,),
        "had_profile": (bool,),
        # Reports and the owners' decisions: which report, why, what was decided (no note).
        "report_id": (int,),
        "report_reason": (ReportReason,),
        "decision": (ReportStatus,),
    }
)
"""Every detail key the trail accepts, with the only types its value may have."""

FIELD_LIST_KEY: Final = "fields"
"""The one detail holding a list: the names (`AuditField`) of the fields a change touched."""


class AuditDetailError(TypeError):
    """A use case tried to record something the trail must not hold: a programming error.

    The message names the key and the type, never the value, which may be personal.
    """


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    user_id: int | None
    action: str
    details: dict[str, Any]
    created_at: datetime


class AuditTrail(Repository):
    """Records and reads `audit_log` inside the caller's transaction.

    Recording only adds to the session, so the row commits (or rolls back) together with the
    change it describes: the trail can never disagree with the data. Rows are stamped with the
    use case's clock, so they read the same time as the change.

    **What changed, never the values.** The trail says who (`actor_id`) did what (`action`),
    when, and to which rows, but holds nothing a model typed or Telegram reported about her:
    people listed here can be hurt by a leak, and a trail outlives the profiles it describes.
    This is enforced here rather than left to each call: a detail's key must be one of
    `DETAIL_KINDS` and its value of the types listed there (ids and counts as `int`, a
    listing's times as `datetime`, outcomes as `bool`, reasons and kinds as members of closed
    `StrEnum` vocabularies), and `fields` is a list of `AuditField` names. A plain `str` never
    passes, because any string could be someone's phone number. Anything else raises
    `AuditDetailError`, so the change it came with rolls back and the tests see it.
    """

    def __init__(self, session: AsyncSession, clock: Clock = SYSTEM_CLOCK) -> None:
        super().__init__(session)
        self._clock = clock

    def record(self, action: AuditAction, *, actor_id: int | None, **details: AuditValue) -> None:
        self._session.add(
            AuditLog(
                user_id=actor_id,
                action=AuditAction(action).value,
                details={key: _stored(key, value) for key, value in details.items()},
                created_at=self._clock.now(),
            )
        )

    async def entries(
        self,
        *,
        user_id: int | None = None,
        person_id: int | None = None,
        action: AuditAction | None = None,
        limit: int = 50,
        before_id: int | None = None,
    ) -> list[AuditEntry]:
        """Newest first; `before_id` pages further back.

        `user_id` keeps what that user did; `person_id` also what was done to her or hers (the
        entries naming her as `target_user_id` or `user_id` in their details).
        """
        query = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
        if user_id is not None:
            query = query.where(AuditLog.user_id == user_id)
        if person_id is not None:
            query = query.where(
                or_(
                    AuditLog.user_id == person_id,
                    *(
                        cast(AuditLog.details[key].as_string(), BigInteger) == person_id
                        for key in _PERSON_KEYS
                    ),
                )
            )
        if action is not None:
            query = query.where(AuditLog.action == action.value)
        if before_id is not None:
            query = query.where(AuditLog.id < before_id)
        rows = (await self._session.scalars(query)).all()
        return [from_row(AuditEntry, row, details=dict(row.details)) for row in rows]


_PERSON_KEYS: Final = ("target_user_id", "user_id")
"""The details that name the person an entry is about, besides its actor."""


def _stored(key: str, value: object) -> object:
    """The value as JSON, once it is known to be one the trail may hold."""
    if key == FIELD_LIST_KEY:
        names = value if isinstance(value, Sequence) and not isinstance(value, str) else None
        if names is not None and all(isinstance(item, AuditField) for item in names):
            return [AuditField(item).value for item in dict.fromkeys(names)]
        raise AuditDetailError(f"audit detail {key!r} must be a list of AuditField names")
    kinds = DETAIL_KINDS.get(key)
    if kinds is None:
        raise AuditDetailError(f"{key!r} is not an audit detail (see DETAIL_KINDS)")
    if value is None:
        return None
    # bool is an int to Python; an id or a count must not be a flag, nor a flag a number.
    if isinstance(value, bool) != (bool in kinds) or not isinstance(value, kinds):
        raise AuditDetailError(
            f"audit detail {key!r} must be {' or '.join(kind.__name__ for kind in kinds)}, "
            f"not {type(value).__name__}"
        )
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value
