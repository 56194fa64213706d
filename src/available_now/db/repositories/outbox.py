"""Queries on `outbox_posts` (listing posts owed to a group) and `group_boards` (its list).

Claims use `FOR UPDATE SKIP LOCKED` on PostgreSQL and the IMMEDIATE write lock on SQLite, as
the expiry worker's do, so any number of instances share the outbox and each post is sent by
exactly one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update

from available_now.db.models import GroupBoard, Listing, OutboxPost, ScheduledDeletion
from available_now.db.repositories.base import Repository
from available_now.db.repositories.listings import remove_message_now
from available_now.domain.outbox import BOARD_EDIT_INTERVAL, POST_WINDOW, PostState

OPEN_STATES = (PostState.QUEUED, PostState.SENDING, PostState.UNCERTAIN)


class OutboxRepository(Repository):
    # --- posts -------------------------------------------------------------------------------

    async def add(self, chat_id: int, listing_id: int, now: datetime) -> int:
        row = OutboxPost(
            chat_id=chat_id, listing_id=listing_id, state=PostState.QUEUED.value, due_at=now
        )
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def queued_ahead(self, chat_id: int, post_id: int) -> int:
        """How many posts for the chat wait before this one."""
        count = await self._session.scalar(
            select(func.count())
            .select_from(OutboxPost)
            .where(
                OutboxPost.chat_id == chat_id,
                OutboxPost.state.in_([PostState.QUEUED.value, PostState.SENDING.value]),
                OutboxPost.id < post_id,
            )
        )
        return int(count or 0)

    async def sent_recently(self, chat_id: int, now: datetime) -> int:
        """Posts sent (or on their way) into the chat within the last minute."""
        count = await self._session.scalar(
            select(func.count())
            .select_from(OutboxPost)
            .where(
                OutboxPost.chat_id == chat_id,
                or_(
                    OutboxPost.state == PostState.SENDING.value,
                    (OutboxPost.state == PostState.POSTED.value)
                    & (OutboxPost.done_at > now - POST_WINDOW),
                ),
            )
        )
        return int(count or 0)

    async def claim_due(self, now: datetime, limit: int) -> list[OutboxPost]:
        """Open posts that are due, oldest first, locked until the caller's transaction ends."""
        return list(
            await self._session.scalars(
                select(OutboxPost)
                .where(
                    OutboxPost.done_at.is_(None),
                    OutboxPost.state.in_([state.value for state in OPEN_STATES]),
                    OutboxPost.due_at <= now,
                )
                .order_by(OutboxPost.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )

    async def get(self, post_id: int) -> OutboxPost | None:
        return await self._session.get(OutboxPost, post_id)

    async def settle(
        self, post_id: int, state: PostState, now: datetime, *, message_id: int | None = None
    ) -> None:
        values: dict[str, object] = {"state": state.value, "done_at": now}
        if message_id is not None:
            values["message_id"] = message_id
        await self._session.execute(
            update(OutboxPost).where(OutboxPost.id == post_id).values(**values)
        )

    async def posted_before(self, listing_id: int, post_id: int) -> bool:
        """Whether another post of this listing went up before (this one replaces it)."""
        earlier = await self._session.scalar(
            select(OutboxPost.id)
            .where(
                OutboxPost.listing_id == listing_id,
                OutboxPost.id != post_id,
                OutboxPost.state == PostState.POSTED.value,
            )
            .limit(1)
        )
        return earlier is not None

    async def reopen(self, post_id: int, state: PostState, at: datetime) -> None:
        await self._session.execute(
            update(OutboxPost)
            .where(OutboxPost.id == post_id)
            .values(state=state.value, due_at=at, done_at=None)
        )

    async def next_due(self) -> datetime | None:
        return await self._session.scalar(
            select(func.min(OutboxPost.due_at)).where(OutboxPost.done_at.is_(None))
        )

    async def newest_known(self, chat_id: int) -> int:
        """The newest message id of ours the database knows in the chat (0 when none)."""
        tracked = await self._session.scalar(
            select(func.max(ScheduledDeletion.message_id)).where(
                ScheduledDeletion.chat_id == chat_id
            )
        )
        posted = await self._session.scalar(
            select(func.max(OutboxPost.message_id)).where(OutboxPost.chat_id == chat_id)
        )
        return max(int(tracked or 0), int(posted or 0))

    async def known_between(self, chat_id: int, after: int, before: int) -> set[int]:
        """Ids of ours the database knows in (after, before): everything but a stray."""
        tracked = await self._session.scalars(
            select(ScheduledDeletion.message_id).where(
                ScheduledDeletion.chat_id == chat_id,
                ScheduledDeletion.message_id > after,
                ScheduledDeletion.message_id < before,
            )
        )
        posted = await self._session.scalars(
            select(OutboxPost.message_id).where(
                OutboxPost.chat_id == chat_id,
                OutboxPost.message_id > after,
                OutboxPost.message_id < before,
            )
        )
        return {int(i) for i in tracked} | {int(i) for i in posted if i is not None}

    async def boarded_live(self, chat_id: int) -> bool:
        """Whether a live listing is shown on the board only (it has no post of its own)."""
        found = await self._session.scalar(
            select(OutboxPost.id)
            .join(Listing, Listing.id == OutboxPost.listing_id)
            .where(
                OutboxPost.chat_id == chat_id,
                OutboxPost.state.in_([PostState.BOARDING.value, PostState.BOARDED.value]),
                Listing.deleted_at.is_(None),
            )
            .limit(1)
        )
        return found is not None

    async def boarding(self, chat_id: int) -> list[OutboxPost]:
        """Posts put on the chat's board whose models were not told yet, locked."""
        return list(
            await self._session.scalars(
                select(OutboxPost)
                .where(
                    OutboxPost.chat_id == chat_id,
                    OutboxPost.state == PostState.BOARDING.value,
                )
                .order_by(OutboxPost.id)
                .with_for_update(skip_locked=True)
            )
        )

    # --- the board ---------------------------------------------------------------------------

    async def request_board(self, chat_id: int, now: datetime, keep_until: datetime) -> None:
        """Ask for the list to be shown (or refreshed) and kept until `keep_until`."""
        row = await self._session.get(GroupBoard, chat_id, with_for_update=True)
        if row is None:
            self._session.add(GroupBoard(chat_id=chat_id, render_due_at=now, keep_until=keep_until))
            await self._session.flush()
            return
        row.keep_until = max(row.keep_until or keep_until, keep_until)
        if row.render_due_at is None or row.render_due_at > now:
            row.render_due_at = now
        await self._session.flush()

    async def touch_boards(self, now: datetime, chat_ids: Sequence[int] | None = None) -> None:
        """What the boards show changed: redraw those that are up (at their next turn)."""
        query = update(GroupBoard).where(
            GroupBoard.message_id.is_not(None),
            or_(GroupBoard.render_due_at.is_(None), GroupBoard.render_due_at > now),
        )
        if chat_ids is not None:
            query = query.where(GroupBoard.chat_id.in_(chat_ids))
        await self._session.execute(query.values(render_due_at=now))

    async def board_needed(self, chat_id: int, now: datetime) -> None:
        """A listing went on the board: make sure it is shown."""
        row = await self._session.get(GroupBoard, chat_id, with_for_update=True)
        if row is None:
            self._session.add(GroupBoard(chat_id=chat_id, render_due_at=now))
        elif row.render_due_at is None or row.render_due_at > now:
            row.render_due_at = now
        await self._session.flush()

    async def claim_boards(self, now: datetime) -> list[GroupBoard]:
        """Boards due for a redraw whose last one is at least `BOARD_EDIT_INTERVAL` old."""
        return list(
            await self._session.scalars(
                select(GroupBoard)
                .where(
                    GroupBoard.render_due_at <= now,
                    or_(
                        GroupBoard.rendered_at.is_(None),
                        GroupBoard.rendered_at <= now - BOARD_EDIT_INTERVAL,
                    ),
                )
                .with_for_update(skip_locked=True)
            )
        )

    async def next_board_due(self) -> datetime | None:
        rows = await self._session.execute(
            select(GroupBoard.render_due_at, GroupBoard.rendered_at).where(
                GroupBoard.render_due_at.is_not(None)
            )
        )
        moments: list[datetime] = [
            due if rendered is None else max(due, rendered + BOARD_EDIT_INTERVAL)
            for due, rendered in rows
            if due is not None
        ]
        return min(moments) if moments else None

    async def board(self, chat_id: int) -> GroupBoard | None:
        return await self._session.get(GroupBoard, chat_id)

    async def board_sent(
        self, chat_id: int, message_id: int, now: datetime, *, delete_after: datetime
    ) -> None:
        row = await self._session.get(GroupBoard, chat_id, with_for_update=True)
        if row is None:
            return
        row.message_id, row.sent_at = message_id, now
        self._session.add(
            ScheduledDeletion(
                chat_id=chat_id,
                message_id=message_id,
                purpose="available_list",
                delete_after=delete_after,
            )
        )
        await self._session.flush()

    async def retire_board(self, chat_id: int, message_id: int, now: datetime) -> None:
        """Take the board down: its removal falls due now."""
        await self._session.execute(
            update(GroupBoard)
            .where(GroupBoard.chat_id == chat_id, GroupBoard.message_id == message_id)
            .values(message_id=None, sent_at=None)
        )
        await remove_message_now(self._session, chat_id, message_id, now)

    # --- redrawing posts after edits ---------------------------------------------------------

    async def redraw_for_user(self, user_id: int, at: datetime) -> list[int]:
        """Her live posts are to be redrawn at `at` (or earlier, if asked before); their groups."""
        rows = list(
            await self._session.scalars(
                select(Listing).where(Listing.user_id == user_id, Listing.deleted_at.is_(None))
            )
        )
        for row in rows:
            if row.render_due_at is None or row.render_due_at > at:
                row.render_due_at = at
        await self._session.flush()
        return [row.group_id for row in rows]

    async def redraw_listing(self, listing_id: int, at: datetime) -> None:
        """One listing's post is to be redrawn at `at` (or earlier, if asked before)."""
        row = await self._session.get(Listing, listing_id)
        if row is not None and (row.render_due_at is None or row.render_due_at > at):
            row.render_due_at = at
            await self._session.flush()

    async def claim_redraws(self, now: datetime, limit: int) -> list[Listing]:
        rows = list(
            await self._session.scalars(
                select(Listing)
                .where(
                    Listing.deleted_at.is_(None),
                    Listing.render_due_at <= now,
                )
                .order_by(Listing.render_due_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        for row in rows:
            row.render_due_at = None
        await self._session.flush()
        return rows

    async def next_redraw(self) -> datetime | None:
        return await self._session.scalar(
            select(func.min(Listing.render_due_at)).where(Listing.deleted_at.is_(None))
        )
