"""Building and editing a model's profile; every change audited. Deleting it is erasing her
(`services/erasure.py`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum

from available_now.db import per_update
from available_now.db.database import Database
from available_now.db.repositories.profiles import ProfileRepository
from available_now.db.unit_of_work import UnitOfWork, UnitsOfWork
from available_now.domain.audit import AuditAction, AuditField
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.profiles import (
    ContactMethod,
    MediaItem,
    MediaType,
    ProfileView,
    ServiceOffer,
    ServiceType,
)
from available_now.domain.validation import NotOwnUsernameError, same_telegram_username
from available_now.services.outbox import follow_profile
from available_now.services.signals import WorkSignal

TEXT_FIELDS = frozenset({"name", "about", "social_links", "rates", "disclaimer"})
CONTACT_COLUMNS = {
    ContactMethod.PHONE: "phone",
    ContactMethod.EMAIL: "email",
    ContactMethod.TELEGRAM: "telegram_username",
}


class ProfileNotFoundError(LookupError):
    """The user has no profile (yet, or any more)."""


# Each use case answers with its own outcome enum and result: they share a shape with the other
# services' and the domain's values, not a meaning.
class MediaOutcome(StrEnum):
    ADDED = "added"
    DUPLICATE = "duplicate"
    FULL = "full"


@dataclass(frozen=True, slots=True)
class MediaResult:
    outcome: MediaOutcome
    photos: int
    videos: int


class ProfileService:
    def __init__(
        self,
        db: Database,
        *,
        clock: Clock = SYSTEM_CLOCK,
        work_due: WorkSignal | None = None,
        posts_due: WorkSignal | None = None,
    ) -> None:
        self._uow = UnitsOfWork(db, clock)
        self._clock = clock
        self._work_due = work_due or WorkSignal()
        self._posts_due = posts_due or WorkSignal()

    @asynccontextmanager
    async def _editing(self, user_id: int) -> AsyncIterator[UnitOfWork]:
        """A change to her profile; while she is live, her group post follows it."""
        async with self._uow() as uow:
            yield uow
            followed = await follow_profile(uow, user_id, self._clock.now())
        if followed:
            self._posts_due.notify()

    async def get(self, user_id: int) -> ProfileView | None:
        """Read once per update until a change (`db/per_update.py`)."""
        scope = per_update.current(self._uow.db)
        if scope is not None and user_id in scope.profiles:
            return scope.profiles[user_id]
        async with self._uow.read() as uow:
            view = await uow.profiles.view(user_id)
        if scope is not None and not scope.active:
            scope.profiles[user_id] = view
        return view

    async def start(self, user_id: int, name: str) -> ProfileView:
        """Create the draft with its name, or rename an existing profile."""
        async with self._editing(user_id) as uow:
            profile_id = await uow.profiles.profile_id(user_id, lock=True)
            if profile_id is None:
                profile_id = await uow.profiles.create(user_id, name)
                uow.audit.record(
                    AuditAction.CREATE_PROFILE, actor_id=user_id, profile_id=profile_id, draft=True
                )
            else:
                await _set(uow, profile_id, user_id, name=name)
            view = await uow.profiles.view(user_id)
        assert view is not None
        return view

    async def set_text(self, user_id: int, field: str, value: str | None) -> None:
        if field not in TEXT_FIELDS:
            raise ValueError(f"{field} is not a text field of a profile")
        async with self._editing(user_id) as uow:
            await _set_hers(uow, user_id, **{field: value})

    async def set_contact(self, user_id: int, method: ContactMethod, value: str) -> None:
        """The chosen method's value is stored; the other two are cleared (no stale contacts).

        A Telegram contact must be her own current username (`NotOwnUsernameError` otherwise)
        and is stored as Telegram spells it; it then follows her username
        (`UserService.register_seen`).
        """
        columns: dict[str, str | None] = dict.fromkeys(CONTACT_COLUMNS.values())
        async with self._editing(user_id) as uow:
            if method is ContactMethod.TELEGRAM:
                account = await uow.users.get(user_id)
                own = account.username if account is not None else None
                if own is None or not same_telegram_username(value, own):
                    raise NotOwnUsernameError
                value = own
            columns[CONTACT_COLUMNS[method]] = value
            await _set_hers(uow, user_id, contact_method=method.value, **columns)

    async def save_service(self, user_id: int, offer: ServiceOffer) -> None:
        async with self._editing(user_id) as uow:
            profile_id = await _require(uow.profiles, user_id, lock=True)
            created = await uow.profiles.upsert_service(profile_id, offer)
            uow.audit.record(
                AuditAction.ADD_SERVICE if created else AuditAction.UPDATE_SERVICE,
                actor_id=user_id,
                profile_id=profile_id,
                service=offer.service_type,
                fields=[AuditField(k) for k, v in _offer_details(offer).items() if v],
            )

    async def remove_service(self, user_id: int, service_type: ServiceType) -> bool:
        async with self._editing(user_id) as uow:
            profile_id = await _require(uow.profiles, user_id, lock=True)
            removed = await uow.profiles.delete_service(profile_id, service_type)
            if removed:
                uow.audit.record(
                    AuditAction.REMOVE_SERVICE,
                    actor_id=user_id,
                    profile_id=profile_id,
                    service=service_type,
                )
            return removed

    async def add_media(
        self,
        user_id: int,
        *,
        file_id: str,
        file_unique_id: str,
        media_type: MediaType,
        limit: int,
    ) -> MediaResult:
        """Append a photo or video; safe when album items arrive at once on several instances.

        The profile row lock (PostgreSQL) or the write lock (SQLite) serialises concurrent
        additions, so the count check holds; the unique file id makes a repeat a no-op.
        """
        async with self._editing(user_id) as uow:
            profiles = uow.profiles
            profile_id = await _require(profiles, user_id, lock=True)
            gallery = await profiles.gallery(profile_id)
            count, position = gallery.get(media_type, (0, 0))
            outcome = MediaOutcome.FULL
            if count < limit:
                media_id = await profiles.add_media(
                    profile_id,
                    file_id=file_id,
                    file_unique_id=file_unique_id,
                    media_type=media_type,
                    position=position,
                    now=self._clock.now(),
                )
                outcome = MediaOutcome.ADDED if media_id is not None else MediaOutcome.DUPLICATE
                if media_id is not None:
                    gallery[media_type] = (count + 1, position + 1)
                    uow.audit.record(
                        AuditAction.ADD_MEDIA,
                        actor_id=user_id,
                        profile_id=profile_id,
                        media_id=media_id,
                        media_type=media_type,
                    )
            return MediaResult(
                outcome=outcome,
                photos=gallery.get(MediaType.IMAGE, (0, 0))[0],
                videos=gallery.get(MediaType.VIDEO, (0, 0))[0],
            )

    async def remove_media(self, user_id: int, media_id: int) -> MediaItem | None:
        async with self._editing(user_id) as uow:
            found = await _media(uow, user_id, media_id)
            if found is None:
                return None
            profile_id, item = found
            await uow.profiles.delete_media(media_id)
            await uow.profiles.set_positions(
                await uow.profiles.media_ids(profile_id, item.media_type)
            )
            uow.audit.record(
                AuditAction.REMOVE_MEDIA,
                actor_id=user_id,
                profile_id=profile_id,
                media_id=media_id,
                media_type=item.media_type,
            )
            return item

    async def move_media(self, user_id: int, media_id: int, *, to_position: int) -> bool:
        """Move an item within its gallery (0 makes a photo the cover)."""
        async with self._editing(user_id) as uow:
            found = await _media(uow, user_id, media_id)
            if found is None:
                return False
            profile_id, item = found
            order = await uow.profiles.media_ids(profile_id, item.media_type)
            old_position = order.index(media_id)
            new_position = max(0, min(to_position, len(order) - 1))
            if new_position == old_position:
                return False
            order.insert(new_position, order.pop(old_position))
            await uow.profiles.set_positions(order)
            # Each change writes its own audit row: they share a shape, not the same details.
            uow.audit.record(
                AuditAction.REORDER_MEDIA,
                actor_id=user_id,
                profile_id=profile_id,
                media_id=media_id,
                from_position=old_position,
                to_position=new_position,
            )
            return True

    async def complete(self, user_id: int) -> list[str]:
        """Confirm the draft; returns what is still missing (nothing when it worked)."""
        async with self._uow() as uow:
            profile_id = await _require(uow.profiles, user_id, lock=True)
            view = await uow.profiles.view(user_id)
            assert view is not None
            missing = view.missing_for_completion()
            if missing or view.completed:
                return missing
            await uow.profiles.mark_completed(profile_id, self._clock.now())
            uow.audit.record(AuditAction.COMPLETE_PROFILE, actor_id=user_id, profile_id=profile_id)
            return []


async def _set(uow: UnitOfWork, profile_id: int, user_id: int, **values: str | None) -> None:
    previous = await uow.profiles.update_columns(profile_id, **values)
    _audit_changes(uow, profile_id, user_id, previous)


async def _set_hers(uow: UnitOfWork, user_id: int, **values: str | None) -> None:
    """`_set` on her profile, found and changed in one go."""
    changed = await uow.profiles.update_columns_of(user_id, **values)
    if changed is None:
        raise ProfileNotFoundError(user_id)
    _audit_changes(uow, changed[0], user_id, changed[1])


def _audit_changes(
    uow: UnitOfWork, profile_id: int, user_id: int, previous: Mapping[str, object]
) -> None:
    for field in previous:
        uow.audit.record(
            AuditAction.UPDATE_PROFILE,
            actor_id=user_id,
            profile_id=profile_id,
            field=AuditField(field),
        )


async def _require(profiles: ProfileRepository, user_id: int, *, lock: bool = False) -> int:
    profile_id = await profiles.profile_id(user_id, lock=lock)
    if profile_id is None:
        raise ProfileNotFoundError(user_id)
    return profile_id


async def _media(uow: UnitOfWork, user_id: int, media_id: int) -> tuple[int, MediaItem] | None:
    """The locked profile's id and one of its media items, if it has that item."""
    profile_id = await _require(uow.profiles, user_id, lock=True)
    item = await uow.profiles.media_item(profile_id, media_id)
    return None if item is None else (profile_id, item)


def _offer_details(offer: ServiceOffer) -> dict[str, str | None]:
    return {
        "in_person_type": offer.in_person_type.value if offer.in_person_type else None,
        "in_person_location": offer.in_person_location,
        "facetime_platforms": offer.facetime_platforms,
        "facetime_payment": offer.facetime_payment,
        "custom_payment": offer.custom_payment,
        "custom_delivery": offer.custom_delivery,
        "other_service": offer.other_service,
    }
