"""SQLAlchemy models of the seed schema (`DATABASE_SCHEMA.md`), corrected for Telegram's data.

Deviations from the seed are deliberate and explained in `docs/database.md`: 64-bit Telegram
ids everywhere, message ids unique per chat, timezone-aware UTC timestamps, JSON audit details,
and tables the product needs (durable conversation state, messages to delete later, notices
owed to models).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from available_now.db.base import Base
from available_now.db.types import BigIntId, EncryptedText, JSONDocument, UTCDateTime, utcnow
from available_now.domain.links import new_link_token

NOW = text("CURRENT_TIMESTAMP")


def _created_at() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), nullable=False, default=utcnow, server_default=NOW)


def _updated_at() -> Mapped[datetime]:
    return mapped_column(
        UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow, server_default=NOW
    )


class User(Base):
    """A Telegram user the bot has seen; `id` is Telegram's own (64-bit) user id."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    username: Mapped[str | None] = mapped_column(String(255), unique=True)
    first_name: Mapped[str | None] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    is_approved_admin: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    access_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    access_rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When an owner last turned her request down; she may ask again after a cooldown."""
    language_code: Mapped[str | None] = mapped_column(String(35))
    """Her Telegram app's language as last reported (an IETF tag; 35 is the longest common)."""
    language: Mapped[str | None] = mapped_column(String(35))
    """The language she chose with /language; NULL follows `language_code`."""
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """The start of the last day she used the bot; retention forgets idle members by it."""
    banned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When an owner banned her (`/ban`): no listing, no going live, no access requests."""
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()

    profile: Mapped[Profile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class Profile(Base):
    """A model's profile; one per user."""

    __tablename__ = "profiles"
    __table_args__ = (
        Index("idx_profiles_user_id", "user_id", unique=True),
        # Deep links find a profile by its token; two profiles never share one.
        Index("uq_profiles_link_token", "link_token", unique=True),
        CheckConstraint("contact_method IN ('phone', 'email', 'telegram')", name="contact_method"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    about: Mapped[str | None] = mapped_column(Text)
    contact_method: Mapped[str | None] = mapped_column(String(50))
    # Her contact details and links are encrypted at rest (`docs/encryption.md`).
    phone: Mapped[str | None] = mapped_column(EncryptedText())
    email: Mapped[str | None] = mapped_column(EncryptedText())
    telegram_username: Mapped[str | None] = mapped_column(EncryptedText())
    social_links: Mapped[str | None] = mapped_column(EncryptedText())
    rates: Mapped[str | None] = mapped_column(Text)
    disclaimer: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """NULL while the wizard is still being filled in; set when the model confirms it."""
    link_token: Mapped[str] = mapped_column(String(43), nullable=False, default=new_link_token)
    """The random token in her deep links (`domain/links.py`): never her Telegram id."""
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When an owner hid her from `/available` (`/hide`); NULL while she is shown."""
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()

    user: Mapped[User] = relationship(back_populates="profile")
    offer_types: Mapped[list[OfferType]] = relationship(
        back_populates="profile",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="OfferType.id",
    )
    media: Mapped[list[Media]] = relationship(
        back_populates="profile",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Media.media_type, Media.position)",
    )


class OfferType(Base):
    """One service a model offers; the seed's column names and stored values are kept."""

    __tablename__ = "offer_types"
    __table_args__ = (
        Index("idx_offer_types_profile_id", "profile_id"),
        CheckConstraint(
            "service_type IN ('in_person', 'facetime', 'custom', 'other')", name="service_type"
        ),
        CheckConstraint(
            "in_person_type IS NULL OR in_person_type IN "
            "('Incall Only', 'Outcall Only', 'Incall/Outcall')",
            name="in_person_type",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False
    )
    service_type: Mapped[str] = mapped_column(String(50), nullable=False)
    in_person_type: Mapped[str | None] = mapped_column(String(50))
    in_person_location: Mapped[str | None] = mapped_column(EncryptedText())
    """Where she meets clients: encrypted at rest, like her contact details."""
    facetime_platforms: Mapped[str | None] = mapped_column(String(255))
    facetime_payment: Mapped[str | None] = mapped_column(String(255))
    custom_payment: Mapped[str | None] = mapped_column(String(255))
    custom_delivery: Mapped[str | None] = mapped_column(String(255))
    other_service: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()

    profile: Mapped[Profile] = relationship(back_populates="offer_types")


# Every table is declared in full, column by column, as its migration created it.
class Media(Base):
    """A photo or video of a profile's gallery, kept as Telegram `file_id`s (never downloaded)."""

    __tablename__ = "media"
    __table_args__ = (
        Index("idx_media_profile_id", "profile_id"),
        # Album items arrive as separate updates, possibly on several instances at once; the
        # file's unique id makes a repeated delivery a no-op instead of a duplicate.
        UniqueConstraint("profile_id", "file_unique_id"),
        CheckConstraint("media_type IN ('image', 'video')", name="media_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False
    )
    file_id: Mapped[str] = mapped_column(String(255), nullable=False)
    file_unique_id: Mapped[str | None] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(50), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = _created_at()

    profile: Mapped[Profile] = relationship(back_populates="media")


class Listing(Base):
    """A model's availability post in a group; `deleted_at` is NULL while it is live."""

    __tablename__ = "listings"
    __table_args__ = (
        Index("idx_listings_user_id", "user_id"),
        Index("idx_listings_expires_at", "expires_at"),
        # Telegram message ids are unique per chat only (the seed's global UNIQUE is wrong).
        UniqueConstraint("group_id", "message_id"),
        # `/available` and the expiry worker read live listings only.
        Index(
            "ix_listings_live_group_expiry",
            "group_id",
            "expires_at",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # One live listing per model per group, enforced by the database itself.
        Index(
            "uq_listings_live_user_group",
            "user_id",
            "group_id",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    profile_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False
    )
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    """The post with the buttons; NULL between claiming the slot and Telegram's answer."""
    group_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    duration_hours: Mapped[int | None] = mapped_column(Integer)
    posted_at: Mapped[datetime] = _created_at()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_reason: Mapped[str | None] = mapped_column(String(32))
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    render_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When her group post must be redrawn (her profile changed); NULL when it is current."""
    created_at: Mapped[datetime] = _created_at()


class OutboxPost(Base):
    """A listing post the bot owes the group, or has sent: the durable outbox.

    Written with the listing, so the post survives a restart; kept after the post landed, so
    an uncertain send (timeout, 5xx) and a profile erased mid-post can still be cleaned up.
    `listing_id` has no foreign key on purpose: the row must outlive an erased listing. It
    holds ids only, never words.
    """

    __tablename__ = "outbox_posts"
    __table_args__ = (
        Index(
            "ix_outbox_posts_open",
            "chat_id",
            "due_at",
            sqlite_where=text("done_at IS NULL"),
            postgresql_where=text("done_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    listing_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    """When it may be (re)tried: a claim moves it by the lease."""
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    after_message_id: Mapped[int | None] = mapped_column(BigInteger)
    """The newest message of ours known before the send: a stray post can only be after it."""
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = _created_at()


class GroupBoard(Base):
    """The group's one living list ("Available now"), edited in place; one row per group."""

    __tablename__ = "group_boards"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    render_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When it must be redrawn (or sent, when there is no message); NULL when current."""
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    keep_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """A member asked for it (`/available`): it stays at least until then."""


class AuditLog(Base):
    """One row per change, written in the same transaction as the change itself.

    `user_id` has no foreign key on purpose: the trail must outlive the users it mentions.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("idx_audit_log_user_id", "user_id"),
        Index("idx_audit_log_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(255), nullable=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSONDocument, nullable=False, default=dict)
    created_at: Mapped[datetime] = _created_at()


class ConversationState(Base):
    """aiogram FSM state and data, so a half-finished wizard survives restarts."""

    __tablename__ = "conversation_states"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument, nullable=False, default=dict)
    updated_at: Mapped[datetime] = _updated_at()


class ScheduledDeletion(Base):
    """A message the bot put somewhere and must remove later: the durable cleanup queue.

    Listing posts and `/available` replies are recorded here before anything else can fail, so
    a restart or crash never leaves a message behind.
    """

    __tablename__ = "scheduled_deletions"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id"),
        # The worker only ever looks for pending rows; done ones must not slow it down.
        Index(
            "ix_scheduled_deletions_due",
            "delete_after",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    message_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    purpose: Mapped[str] = mapped_column(String(32), nullable=False)
    listing_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("listings.id", ondelete="SET NULL"), index=True
    )
    delete_after: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()


class PendingNotice(Base):
    """A message to a model the worker still owes her: the durable notice queue.

    Written in the transaction that makes it due (a listing expired, a reminder fell due), so a
    restart sends it instead of losing it. It holds who, what and which listing, never words:
    the text is rendered in her language when it is sent, and the row is deleted once it is.
    """

    __tablename__ = "pending_notices"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    listing_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("listings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    send_after: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    """When it may be (re)tried: now when queued, later after a failure or while claimed."""
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    created_at: Mapped[datetime] = _created_at()


class Report(Base):
    """A member's report about a listing, until one owner decides on it (`docs/moderation.md`).

    `reported_user_id` and `reporter_id` have no foreign key: an erasure deletes the reports
    she filed and those about her explicitly, and the listing may go before the report does.
    `note` is a member's free text (the "other" reason), encrypted like her contact details.
    """

    __tablename__ = "reports"
    __table_args__ = (
        # One report per member per listing, enforced by the database itself.
        UniqueConstraint("listing_id", "reporter_id"),
        Index("ix_reports_reported_user_id", "reported_user_id"),
        Index("ix_reports_reporter_id_created_at", "reporter_id", "created_at"),
        CheckConstraint(
            "reason IN ('fake_photos', 'scam', 'safety', 'underage', 'other')", name="reason"
        ),
        CheckConstraint(
            "status IN ('open', 'removed', 'warned', 'banned', 'dismissed')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("listings.id", ondelete="SET NULL")
    )
    reported_user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    reporter_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    reason: Mapped[str] = mapped_column(String(16), nullable=False)
    note: Mapped[str | None] = mapped_column(EncryptedText())
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, default="open", server_default="open"
    )
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = _created_at()
