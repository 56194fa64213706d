"""What the outbox worker does with a go-live, without Telegram: claim the post, then record
Telegram's answer through the same service calls the worker makes."""

from __future__ import annotations

from available_now.db.database import Database
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.outbox import PostJob
from available_now.services.outbox import OutboxService


async def claim_post(db: Database, clock: Clock = SYSTEM_CLOCK) -> tuple[OutboxService, PostJob]:
    """The one post due now, claimed as the worker claims it."""
    outbox = OutboxService(db, clock=clock)
    work = await outbox.claim()
    [job] = work.posts
    return outbox, job


async def post_accepted(db: Database, clock: Clock, message_id: int) -> bool:
    """Telegram took the post as `message_id`; False when the listing ended meanwhile."""
    outbox, job = await claim_post(db, clock)
    return await outbox.posted(job, message_id)
