"""A model's profile as plain data, with the seed's stored vocabulary."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from available_now.domain.wording import N_


# Each StrEnum is its own stored vocabulary with its own English names; sharing a base would
# couple unrelated choices.
class ServiceType(StrEnum):
    """Stored values are the seed's; `VIDEO_CALL` is stored as `facetime`."""

    IN_PERSON = "in_person"
    VIDEO_CALL = "facetime"
    CUSTOM = "custom"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The English name; show it through a translator (`_(service.label)`)."""
        return _SERVICE_LABELS[self]


_SERVICE_LABELS = {
    ServiceType.IN_PERSON: N_("In person"),
    ServiceType.VIDEO_CALL: N_("Video calls"),
    ServiceType.CUSTOM: N_("Custom content"),
    ServiceType.OTHER: N_("Other"),
}


class InPersonType(StrEnum):
    INCALL = "Incall Only"
    OUTCALL = "Outcall Only"
    BOTH = "Incall/Outcall"

    @property
    def label(self) -> str:
        return _IN_PERSON_LABELS[self]


class ContactMethod(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    TELEGRAM = "telegram"

    @property
    def label(self) -> str:
        return _CONTACT_LABELS[self]


_IN_PERSON_LABELS = {
    InPersonType.INCALL: N_("Incall only"),
    InPersonType.OUTCALL: N_("Outcall only"),
    InPersonType.BOTH: N_("Incall & outcall"),
}
_CONTACT_LABELS = {
    ContactMethod.PHONE: N_("Phone"),
    ContactMethod.EMAIL: N_("Email"),
    ContactMethod.TELEGRAM: N_("Telegram"),
}


class MediaType(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


@dataclass(frozen=True, slots=True)
class ServiceOffer:
    """One service; only the fields of its own type are set."""

    service_type: ServiceType
    in_person_type: InPersonType | None = None
    in_person_location: str | None = None
    facetime_platforms: str | None = None
    facetime_payment: str | None = None
    custom_payment: str | None = None
    custom_delivery: str | None = None
    other_service: str | None = None


@dataclass(frozen=True, slots=True)
class MediaItem:
    id: int
    file_id: str
    media_type: MediaType
    position: int
    file_unique_id: str | None = None


@dataclass(frozen=True, slots=True)
class ProfileView:
    """Everything needed to render a profile; what the group and the model see."""

    user_id: int
    name: str
    about: str | None = None
    contact_method: ContactMethod | None = None
    phone: str | None = None
    email: str | None = None
    telegram_username: str | None = None
    social_links: str | None = None
    rates: str | None = None
    disclaimer: str | None = None
    services: tuple[ServiceOffer, ...] = field(default_factory=tuple)
    media: tuple[MediaItem, ...] = field(default_factory=tuple)
    completed: bool = False
    """False while the wizard is unfinished: drafts are never posted."""
    link_token: str = ""
    """The token of her deep links (`domain/links.py`); shown to nobody as such."""

    @property
    def contact_value(self) -> str | None:
        match self.contact_method:
            case ContactMethod.PHONE:
                return self.phone
            case ContactMethod.EMAIL:
                return self.email
            case ContactMethod.TELEGRAM:
                return self.telegram_username
            case None:
                return None

    @property
    def photos(self) -> tuple[MediaItem, ...]:
        return tuple(m for m in self.media if m.media_type is MediaType.IMAGE)

    @property
    def videos(self) -> tuple[MediaItem, ...]:
        return tuple(m for m in self.media if m.media_type is MediaType.VIDEO)

    @property
    def cover(self) -> MediaItem | None:
        """The first photo, shown with the group listing."""
        photos = sorted(self.photos, key=lambda m: m.position)
        return photos[0] if photos else None

    def service(self, service_type: ServiceType) -> ServiceOffer | None:
        return next((s for s in self.services if s.service_type is service_type), None)

    def missing_for_completion(self) -> list[str]:
        """What the wizard still needs before the profile can be confirmed: English words
        marked for the catalogs, shown through a translator."""
        missing = []
        if not self.about:
            missing.append(N_("about"))
        if not self.services:
            missing.append(N_("at least one service"))
        if self.contact_method is None or not self.contact_value:
            missing.append(N_("a contact"))
        if not self.rates:
            missing.append(N_("rates"))
        return missing
