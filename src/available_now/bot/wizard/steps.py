"""The profile wizard as one table: each step's question, how it is answered and saved, and
where Back and a saved answer lead.

Everything else is derived from the table (`StepTable`): the states of both modes, the
"Step N of M" numbering, where a draft resumes, the edit menu and the router's filters.
Adding a profile field is one entry here (plus its column's migration).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from available_now.bot.callbacks import ContactCallback, InPersonCallback
from available_now.bot.i18n import N_
from available_now.bot.wizard import keyboards, texts
from available_now.bot.wizard.answers import (
    Answer,
    Choice,
    ContactValue,
    Earlier,
    MediaUpload,
    Preview,
    Reply,
    ServicesMenu,
    TypedText,
)
from available_now.bot.wizard.states import Mode, states_group
from available_now.domain import validation
from available_now.domain.profiles import InPersonType, ProfileView, ServiceOffer, ServiceType


# A record of optional settings, like many elsewhere (profiles, the emulator's records): they
# share a shape, not a meaning.
@dataclass(frozen=True, slots=True)
class Step:
    """One question. Texts are English sources, translated when shown."""

    key: str
    """The state's name and the edit button's value: never rename one in use."""
    title: str
    prompt: str
    answer: Answer
    example: str | None = None
    within: str | None = None
    """The step this one is part of: it shares its number, and editing it stays inside."""
    back: str | None = None
    """Where Back leads; by default the step this one is part of, else the previous step."""
    next: str | None = None
    """Where a saved answer leads; by default the step after the one this is part of."""
    optional: bool = False
    """Skip while creating, Clear while editing."""
    current: Callable[[ProfileView], str | None] | None = None
    """Her saved answer, shown under the question."""
    answered: Callable[[ProfileView], bool] | None = None
    """Whether a draft has this step's answer; a resumed draft asks the first step without."""
    menu_label: str | None = None
    """Its button in the edit menu, if it has one."""


@dataclass(frozen=True, slots=True)
class Position:
    """Where a conversation is: a step, reached while creating or while editing."""

    step: Step
    mode: Mode


class StepTable:
    """The steps in order, with everything derived from them."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = tuple(steps)
        self.by_key = {step.key: step for step in self.steps}
        self.parts = tuple(step for step in self.steps if step.within is None)
        """The numbered steps: "Step N of M" counts these."""
        self.groups: dict[Mode, type[StatesGroup]] = {}
        self._states: dict[tuple[str, Mode], State] = {}
        self._positions: dict[str | None, Position] = {}
        for mode in Mode:
            group, states = states_group(mode, self.by_key)
            self.groups[mode] = group
            for key, state in states.items():
                self._states[key, mode] = state
                self._positions[state.state] = Position(self.by_key[key], mode)
        self._check()

    @property
    def total(self) -> int:
        return len(self.parts)

    def state(self, step: Step, mode: Mode) -> State:
        return self._states[step.key, mode]

    def position(self, raw_state: str | None) -> Position | None:
        return self._positions.get(raw_state)

    def states(self, kind: type[object] = object) -> list[State]:
        """The states, in both modes, of the steps whose answer is a ``kind``."""
        return [
            self.state(step, mode)
            for step in self.steps
            if isinstance(step.answer, kind)
            for mode in Mode
        ]

    def choices(self) -> dict[type[CallbackData], list[State]]:
        """Each choice's callback data, with the states in which its buttons act."""
        found: dict[type[CallbackData], list[State]] = {}
        for step in self.steps:
            if isinstance(step.answer, Choice):
                found.setdefault(step.answer.callback, []).extend(
                    self.state(step, mode) for mode in Mode
                )
        return found

    def part(self, step: Step) -> Step:
        return self.by_key[step.within] if step.within else step

    def number(self, step: Step) -> int:
        return self.parts.index(self.part(step)) + 1

    def back(self, step: Step) -> Step | None:
        if step.back is not None:
            return self.by_key[step.back]
        if step.within is not None:
            return self.by_key[step.within]
        index = self.parts.index(step)
        return self.parts[index - 1] if index > 0 else None

    def next(self, step: Step) -> Step | None:
        if step.next is not None:
            return self.by_key[step.next]
        index = self.parts.index(self.part(step)) + 1
        return self.parts[index] if index < len(self.parts) else None

    def first_open(self, profile: ProfileView | None) -> Step:
        """Where a draft resumes: the first required step she has not answered."""
        if profile is None:
            return self.parts[0]
        return next(
            step
            for step in self.parts
            if not step.optional and (step.answered is None or not step.answered(profile))
        )

    def editable(self) -> Iterator[tuple[str, str]]:
        """The edit menu's steps as (key, English label)."""
        for step in self.parts:
            if step.menu_label is not None:
                yield step.key, step.menu_label

    def _check(self) -> None:
        """Refuse a table whose links lead nowhere: better at start-up than mid-conversation."""
        for step in self.steps:
            links = [step.within, step.back, step.next]
            if isinstance(step.answer, ServicesMenu):
                links.extend(step.answer.entries.values())
            unknown = [key for key in links if key is not None and key not in self.by_key]
            if unknown:
                raise ValueError(f"step {step.key!r} leads to unknown steps {unknown}")


# --- how answers are checked and saved ---------------------------------------------------------


def _checked(field: str) -> Callable[[str, Earlier], str]:
    """Validated as the free-text ``field`` (its length limit and rules)."""
    return lambda raw, _earlier: validation.validate_text(field, raw)


def _profile_text(field: str) -> TypedText:
    """A text column of the profile itself."""
    return TypedText(
        validate=_checked(field),
        save=lambda profiles, reply: profiles.set_text(reply.user_id, field, reply.value),
        clear=lambda profiles, user_id: profiles.set_text(user_id, field, None),
    )


def _first_half(field: str) -> TypedText:
    """A service's first question: kept until its second is answered, then saved with it."""
    return TypedText(validate=_checked(field), keep_as=field)


def _service(
    field: str, offer: Callable[[Reply], ServiceOffer], *, reads_earlier: bool
) -> TypedText:
    return TypedText(
        validate=_checked(field),
        save=lambda profiles, reply: profiles.save_service(reply.user_id, offer(reply)),
        reads_earlier=reads_earlier,
    )


def _earlier(reply: Reply, key: str) -> str:
    return str(reply.earlier.get(key) or "")


def _in_person(reply: Reply) -> ServiceOffer:
    kind = InPersonType(reply.earlier.get("in_person_type", InPersonType.BOTH.value))
    return ServiceOffer(ServiceType.IN_PERSON, in_person_type=kind, in_person_location=reply.value)


def _video_call(reply: Reply) -> ServiceOffer:
    platforms = _earlier(reply, "facetime_platforms")
    return ServiceOffer(
        ServiceType.VIDEO_CALL, facetime_platforms=platforms, facetime_payment=reply.value
    )


def _custom(reply: Reply) -> ServiceOffer:
    payment = _earlier(reply, "custom_payment")
    return ServiceOffer(ServiceType.CUSTOM, custom_payment=payment, custom_delivery=reply.value)


def _other(reply: Reply) -> ServiceOffer:
    return ServiceOffer(ServiceType.OTHER, other_service=reply.value)


def _offer(
    service: ServiceType, read: Callable[[ServiceOffer], str | None]
) -> Callable[[ProfileView], str | None]:
    """The current value of one of a service's fields."""

    def current(profile: ProfileView) -> str | None:
        offer = profile.service(service)
        return read(offer) if offer else None

    return current


def _contact(profile: ProfileView) -> str | None:
    method, value = profile.contact_method, profile.contact_value
    return texts.contact_summary(method, value) if method is not None and value else None


# --- the table ---------------------------------------------------------------------------------

# Steps of one kind read alike on purpose: each entry states its own question in full, so a
# step is read and changed in one place rather than assembled from helpers.
STEPS: tuple[Step, ...] = (
    Step(
        "name",
        title=N_("Name"),
        prompt=N_("What name or subject line should the group see?"),
        example=N_("Sophie · Late-night companion"),
        answer=TypedText(
            validate=_checked("name"),
            save=lambda profiles, reply: profiles.start(reply.user_id, reply.value),
        ),
        current=lambda profile: profile.name,
        answered=lambda profile: bool(profile.name),
        menu_label=N_("Name"),
    ),
    Step(
        "services",
        title=N_("Services"),
        prompt=N_(
            "Which services do you offer? Tap each one to set it up; ✅ marks those ready. "
            "Tap <b>Done</b> when at least one is set."
        ),
        answer=ServicesMenu(
            {
                ServiceType.IN_PERSON: "in_person_type",
                ServiceType.VIDEO_CALL: "video_platforms",
                ServiceType.CUSTOM: "custom_payment",
                ServiceType.OTHER: "other_service",
            }
        ),
        answered=lambda profile: bool(profile.services),
        menu_label=N_("Services"),
    ),
    Step(
        "in_person_type",
        within="services",
        title=N_("In person"),
        prompt=N_("Do you host (incall), visit (outcall), or both?"),
        answer=Choice(
            InPersonCallback,
            pick=lambda data: data.kind.value,
            keep_as="in_person_type",
            keyboard=keyboards.in_person_types,
        ),
        next="in_person_location",
    ),
    Step(
        "in_person_location",
        within="services",
        title=N_("In person · location"),
        prompt=N_("Where? A city or area is enough; never your exact address."),
        example=N_("Central London (Soho, Mayfair)"),
        answer=_service("in_person_location", _in_person, reads_earlier=True),
        current=_offer(ServiceType.IN_PERSON, lambda offer: offer.in_person_location),
        back="in_person_type",
        next="services",
    ),
    Step(
        "video_platforms",
        within="services",
        title=N_("Video calls · platforms"),
        prompt=N_("Which platforms do you use for video calls?"),
        example=N_("FaceTime, WhatsApp, Zoom"),
        answer=_first_half("facetime_platforms"),
        current=_offer(ServiceType.VIDEO_CALL, lambda offer: offer.facetime_platforms),
        next="video_payment",
    ),
    Step(
        "video_payment",
        within="services",
        title=N_("Video calls · payment"),
        prompt=N_("How do clients pay for video calls?"),
        example=N_("PayPal, Revolut, crypto (USDT)"),
        answer=_service("facetime_payment", _video_call, reads_earlier=True),
        current=_offer(ServiceType.VIDEO_CALL, lambda offer: offer.facetime_payment),
        back="video_platforms",
        next="services",
    ),
    Step(
        "custom_payment",
        within="services",
        title=N_("Custom content · payment"),
        prompt=N_("How do clients pay for custom content?"),
        example=N_("PayPal or bank transfer, paid upfront"),
        answer=_first_half("custom_payment"),
        current=_offer(ServiceType.CUSTOM, lambda offer: offer.custom_payment),
        next="custom_delivery",
    ),
    Step(
        "custom_delivery",
        within="services",
        title=N_("Custom content · delivery"),
        prompt=N_("How do you deliver custom content?"),
        example=N_("Google Drive link within 48 hours"),
        answer=_service("custom_delivery", _custom, reads_earlier=True),
        current=_offer(ServiceType.CUSTOM, lambda offer: offer.custom_delivery),
        back="custom_payment",
        next="services",
    ),
    Step(
        "other_service",
        within="services",
        title=N_("Other service"),
        prompt=N_("Describe the other service you offer."),
        example=N_("Dinner dates and travel companionship"),
        answer=_service("other_service", _other, reads_earlier=False),
        current=_offer(ServiceType.OTHER, lambda offer: offer.other_service),
        next="services",
    ),
    Step(
        "about",
        title=N_("About you"),
        prompt=N_("Tell clients about yourself in a few lines."),
        example=N_("Warm, playful and discreet. 27, 5'7\", speaks English and French."),
        answer=_profile_text("about"),
        current=lambda profile: profile.about,
        answered=lambda profile: bool(profile.about),
        menu_label=N_("About"),
    ),
    Step(
        "contact_method",
        title=N_("Contact"),
        prompt=N_("How should clients contact you?"),
        answer=Choice(
            ContactCallback,
            pick=lambda data: data.method.value,
            keep_as="contact_method",
            keyboard=keyboards.contact_methods,
        ),
        current=_contact,
        answered=lambda profile: _contact(profile) is not None,
        next="contact_value",
        menu_label=N_("Contact"),
    ),
    Step(
        "contact_value",
        within="contact_method",
        title=N_("Contact"),
        prompt="",  # the chosen method's own question (texts.CONTACT_PROMPTS)
        answer=ContactValue(),
    ),
    Step(
        "social_links",
        title=N_("Social links"),
        prompt=N_("Any social links? One per line. This step is optional."),
        example=N_("https://instagram.com/sophie\n@sophie_x on X"),
        answer=_profile_text("social_links"),
        optional=True,
        current=lambda profile: profile.social_links,
        menu_label=N_("Social links"),
    ),
    Step(
        "rates",
        title=N_("Rates"),
        prompt=N_("What are your rates?"),
        example=N_("1 h 200 £ · 2 h 350 £ · overnight on request"),
        answer=_profile_text("rates"),
        current=lambda profile: profile.rates,
        answered=lambda profile: bool(profile.rates),
        menu_label=N_("Rates"),
    ),
    Step(
        "disclaimer",
        title=N_("Disclaimer"),
        prompt=N_("Anything clients must know or agree to? This step is optional."),
        example=N_("Adults only. Screening required for first meetings."),
        answer=_profile_text("disclaimer"),
        optional=True,
        current=lambda profile: profile.disclaimer,
        menu_label=N_("Disclaimer"),
    ),
    Step(
        "media",
        title=N_("Photos & videos"),
        prompt=N_("Send photos and videos, one by one or as albums."),
        answer=MediaUpload(),
        menu_label=N_("➕ Add photos/videos"),
    ),
    Step(
        "preview",
        title=N_("Preview"),
        prompt=N_("This is exactly what the group will see."),
        answer=Preview(),
    ),
)

TABLE = StepTable(STEPS)
