"""Queries on `profiles`, `offer_types` and `media`."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    bindparam,
    delete,
    func,
    select,
    type_coerce,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from available_now.db.dialects import upsert_insert
from available_now.db.models import Media, OfferType, Profile
from available_now.db.repositories.base import Repository, from_row
from available_now.domain.links import new_link_token
from available_now.domain.profiles import (
    ContactMethod,
    InPersonType,
    MediaItem,
    MediaType,
    ProfileView,
    ServiceOffer,
    ServiceType,
)

OFFER_FIELDS = (
    "in_person_type",
    "in_person_location",
    "facetime_platforms",
    "facetime_payment",
    "custom_payment",
    "custom_delivery",
    "other_service",
)


_PROFILE_COLUMNS: Final = (
    Profile.id,
    Profile.user_id,
    Profile.name,
    Profile.about,
    Profile.contact_method,
    Profile.phone,
    Profile.email,
    Profile.telegram_username,
    Profile.social_links,
    Profile.rates,
    Profile.disclaimer,
    Profile.completed_at,
    Profile.link_token,
)
_OFFER_COLUMNS: Final = (
    OfferType.id.label("offer_id"),
    OfferType.service_type,
    *(getattr(OfferType, name) for name in OFFER_FIELDS),
)
_MEDIA_FIELDS: Final = ("id", "file_id", "media_type", "position", "file_unique_id")


def _gallery_of_profile(dialect: str) -> ColumnElement[Any]:
    """Her media as one JSON array, read with her profile's row (order restored in Python)."""
    pairs = [part for name in _MEDIA_FIELDS for part in (name, getattr(Media, name))]
    if dialect == "postgresql":
        items = func.json_agg(func.json_build_object(*pairs))
    else:
        items = func.json_group_array(func.json_object(*pairs))
    gallery = select(items).where(Media.profile_id == Profile.id).scalar_subquery()
    return type_coerce(gallery, JSON).label("gallery")


_WANTED: Final = "wanted"


@functools.cache
def _view_statement(dialect: str, by_token: bool) -> Select[*tuple[Any, ...]]:
    """Built once per database kind and key: building and hashing a statement costs more
    than running it."""
    key = Profile.link_token if by_token else Profile.user_id
    return (
        select(*_PROFILE_COLUMNS, *_OFFER_COLUMNS, _gallery_of_profile(dialect))
        .outerjoin(OfferType, OfferType.profile_id == Profile.id)
        .where(key == bindparam(_WANTED))
        .order_by(OfferType.id)
    )


async def read_view(
    connection: AsyncConnection, *, user_id: int | None = None, link_token: str | None = None
) -> ProfileView | None:
    """One profile, hers or the one a link's token names, with its services and media, in one
    plain statement.

    This runs on nearly every update of a model (`db/per_update.py`), so it reads rows rather
    than ORM objects: her profile joined with its few services, her media as JSON beside.
    """
    statement = _view_statement(connection.dialect.name, by_token=link_token is not None)
    wanted = link_token if link_token is not None else user_id
    rows = (await connection.execute(statement, {_WANTED: wanted})).all()
    if not rows:
        return None
    profile = rows[0]
    media = sorted(
        (_media_from_json(item) for item in profile.gallery or ()),
        key=lambda item: (item.media_type, item.position, item.id),
    )
    return from_row(
        ProfileView,
        profile,
        contact_method=ContactMethod(profile.contact_method) if profile.contact_method else None,
        services=tuple(_to_offer(row) for row in rows if row.offer_id is not None),
        media=tuple(media),
        completed=profile.completed_at is not None,
        link_token=profile.link_token,
    )


def _media_from_json(item: dict[str, Any]) -> MediaItem:
    return MediaItem(
        id=int(item["id"]),
        file_id=str(item["file_id"]),
        media_type=MediaType(item["media_type"]),
        position=int(item["position"]),
        file_unique_id=item["file_unique_id"],
    )


def _to_offer(row: Any) -> ServiceOffer:
    return from_row(
        ServiceOffer,
        row,
        service_type=ServiceType(row.service_type),
        in_person_type=InPersonType(row.in_person_type) if row.in_person_type else None,
    )


def _to_media(row: Any) -> MediaItem:
    return from_row(MediaItem, row, media_type=MediaType(row.media_type))


class ProfileRepository(Repository):
    async def view(self, user_id: int) -> ProfileView | None:
        return await read_view(await self._session.connection(), user_id=user_id)

    async def view_by_link(self, token: str) -> ProfileView | None:
        """The profile a deep link's token names; None when no profile has it (any more)."""
        return await read_view(await self._session.connection(), link_token=token)

    async def rotate_link_token(self, user_id: int) -> bool:
        """Give her profile a new link token, so every link shared so far leads nowhere."""
        result = await self._session.execute(
            update(Profile).where(Profile.user_id == user_id).values(link_token=new_link_token())
        )
        return bool(getattr(result, "rowcount", 0))

    async def profile_id(self, user_id: int, *, lock: bool = False) -> int | None:
        """The profile's id; `lock` serialises concurrent changes to it (PostgreSQL row lock)."""
        query = select(Profile.id).where(Profile.user_id == user_id)
        if lock:
            query = query.with_for_update()
        return await self._session.scalar(query)

    async def create(self, user_id: int, name: str) -> int:
        row = Profile(user_id=user_id, name=name, link_token=new_link_token())
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def update_columns(self, profile_id: int, **values: Any) -> dict[str, Any]:
        """Set columns; returns the previous values of those that changed."""
        row = await self._session.get(Profile, profile_id)
        if row is None:
            raise LookupError(f"profile {profile_id} not found")
        return await self._update(row, values)

    async def update_columns_of(
        self, user_id: int, **values: Any
    ) -> tuple[int, dict[str, Any]] | None:
        """`update_columns` on her profile, found by her id in the same statement; None when
        she has none."""
        row = await self._session.scalar(select(Profile).where(Profile.user_id == user_id))
        if row is None:
            return None
        return row.id, await self._update(row, values)

    async def _update(self, row: Profile, values: dict[str, Any]) -> dict[str, Any]:
        previous = {}
        for name, value in values.items():
            if getattr(row, name) != value:
                previous[name] = getattr(row, name)
                setattr(row, name, value)
        await self._session.flush()
        return previous

    async def follow_telegram_contact(self, user_id: int, username: str | None) -> int | None:
        """Point her Telegram contact, if she has one, at ``username`` (None clears it);
        returns the profile's id when that changed it."""
        row = await self._session.scalar(
            select(Profile).where(
                Profile.user_id == user_id, Profile.telegram_username.is_not(None)
            )
        )
        if row is None or row.telegram_username == username:
            return None
        row.telegram_username = username
        await self._session.flush()
        return row.id

    async def mark_completed(self, profile_id: int, now: datetime) -> None:
        await self.update_columns(profile_id, completed_at=now)

    async def upsert_service(self, profile_id: int, offer: ServiceOffer) -> bool:
        """Store the offer, replacing one of the same type; True when it is new."""
        existing = await self._session.scalar(
            select(OfferType).where(
                OfferType.profile_id == profile_id,
                OfferType.service_type == offer.service_type.value,
            )
        )
        values = {name: getattr(offer, name) for name in OFFER_FIELDS}
        values["in_person_type"] = offer.in_person_type.value if offer.in_person_type else None
        if existing is None:
            self._session.add(
                OfferType(profile_id=profile_id, service_type=offer.service_type.value, **values)
            )
        else:
            for name, value in values.items():
                setattr(existing, name, value)
        await self._session.flush()
        return existing is None

    async def delete_service(self, profile_id: int, service_type: ServiceType) -> bool:
        result = await self._session.execute(
            delete(OfferType).where(
                OfferType.profile_id == profile_id,
                OfferType.service_type == service_type.value,
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def gallery(self, profile_id: int) -> dict[MediaType, tuple[int, int]]:
        """For each kind of media in her gallery: how many, and the next free position."""
        rows = await self._session.execute(
            select(Media.media_type, func.count(), func.max(Media.position))
            .where(Media.profile_id == profile_id)
            .group_by(Media.media_type)
        )
        return {MediaType(kind): (int(count), int(last) + 1) for kind, count, last in rows}

    async def add_media(
        self,
        profile_id: int,
        *,
        file_id: str,
        file_unique_id: str,
        media_type: MediaType,
        position: int,
        now: datetime,
    ) -> int | None:
        """Append to the gallery at ``position``; None when this file is already in it."""
        statement = (
            upsert_insert(self._session, Media)
            .values(
                profile_id=profile_id,
                file_id=file_id,
                file_unique_id=file_unique_id,
                media_type=media_type.value,
                position=position,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["profile_id", "file_unique_id"])
            .returning(Media.id)
        )
        return await self._session.scalar(statement)

    async def media_ids(self, profile_id: int, media_type: MediaType) -> list[int]:
        """Ids in gallery order."""
        rows = await self._session.scalars(
            select(Media.id)
            .where(Media.profile_id == profile_id, Media.media_type == media_type.value)
            .order_by(Media.position, Media.id)
        )
        return list(rows)

    async def media_item(self, profile_id: int, media_id: int) -> MediaItem | None:
        row = await self._session.scalar(
            select(Media).where(Media.profile_id == profile_id, Media.id == media_id)
        )
        return _to_media(row) if row else None

    async def delete_media(self, media_id: int) -> None:
        await self._session.execute(delete(Media).where(Media.id == media_id))

    async def set_positions(self, ordered_ids: list[int]) -> None:
        for position, media_id in enumerate(ordered_ids):
            row = await self._session.get(Media, media_id)
            if row is not None and row.position != position:
                row.position = position
        await self._session.flush()

    async def delete(self, profile_id: int) -> None:
        await self._session.execute(delete(Profile).where(Profile.id == profile_id))

    async def set_hidden(self, user_id: int, hidden_at: datetime | None) -> bool:
        """Hide her from `/available` (a moment) or show her again (None); False when that is
        already so, or she has no profile."""
        shown_now = Profile.hidden_at.is_(None)
        result = await self._session.execute(
            update(Profile)
            .where(Profile.user_id == user_id, shown_now if hidden_at else ~shown_now)
            .values(hidden_at=hidden_at)
            .returning(Profile.id)
        )
        return result.scalar() is not None
