"""What each profile wizard step asks, in order; pure data the wizard router renders."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.fsm.state import State

from available_now.bot.states import ProfileWizard as W

TOTAL_STEPS = 9


@dataclass(frozen=True, slots=True)
class Step:
    state: State
    number: int
    title: str
    prompt: str
    example: str | None = None
    optional: bool = False
    field: str | None = None
    """The profile or service field a text answer is validated as."""


STEPS: tuple[Step, ...] = (
    Step(
        W.name,
        1,
        "Name",
        "What name or subject line should the group see?",
        "Sophie · Late-night companion",
        field="name",
    ),
    Step(
        W.services,
        2,
        "Services",
        "Which services do you offer? Tap each one to set it up; ✅ marks those ready. "
        "Tap <b>Done</b> when at least one is set.",
    ),
    Step(
        W.in_person_type,
        2,
        "In person",
        "Do you host (incall), visit (outcall), or both?",
    ),
    Step(
        W.in_person_location,
        2,
        "In person · location",
        "Where? A city or area is enough; never your exact address.",
        "Central London (Soho, Mayfair)",
        field="in_person_location",
    ),
    Step(
        W.video_platforms,
        2,
        "Video calls · platforms",
        "Which platforms do you use for video calls?",
        "FaceTime, WhatsApp, Zoom",
        field="facetime_platforms",
    ),
    Step(
        W.video_payment,
        2,
        "Video calls · payment",
        "How do clients pay for video calls?",
        "PayPal, Revolut, crypto (USDT)",
        field="facetime_payment",
    ),
    Step(
        W.custom_payment,
        2,
        "Custom content · payment",
        "How do clients pay for custom content?",
        "PayPal or bank transfer, paid upfront",
        field="custom_payment",
    ),
    Step(
        W.custom_delivery,
        2,
        "Custom content · delivery",
        "How do you deliver custom content?",
        "Google Drive link within 48 hours",
        field="custom_delivery",
    ),
    Step(
        W.other_service,
        2,
        "Other service",
        "Describe the other service you offer.",
        "Dinner dates and travel companionship",
        field="other_service",
    ),
    Step(
        W.about,
        3,
        "About you",
        "Tell clients about yourself in a few lines.",
        "Warm, playful and discreet. 27, 5'7\", speaks English and French.",
        field="about",
    ),
    Step(
        W.contact_method,
        4,
        "Contact",
        "How should clients contact you?",
    ),
    Step(W.contact_value, 4, "Contact", "", field="contact"),
    Step(
        W.social_links,
        5,
        "Social links",
        "Any social links? One per line. This step is optional.",
        "https://instagram.com/sophie\n@sophie_x on X",
        optional=True,
        field="social_links",
    ),
    Step(
        W.rates,
        6,
        "Rates",
        "What are your rates?",
        "1 h 200 £ · 2 h 350 £ · overnight on request",
        field="rates",
    ),
    Step(
        W.disclaimer,
        7,
        "Disclaimer",
        "Anything clients must know or agree to? This step is optional.",
        "Adults only. Screening required for first meetings.",
        optional=True,
        field="disclaimer",
    ),
    Step(
        W.media,
        8,
        "Photos & videos",
        "Send photos and videos, one by one or as albums.",
    ),
    Step(W.preview, 9, "Preview", "This is exactly what the group will see."),
)


def state_name(state: State) -> str:
    """The state's full name (`ProfileWizard:name`), as FSM storage reports it."""
    if state.state is None:  # pragma: no cover - every wizard state has a name
        raise ValueError("unnamed state")
    return state.state


def _by_name(*pairs: tuple[State, State]) -> dict[str, State]:
    return {state_name(source): target for source, target in pairs}


BY_STATE: dict[str, Step] = {state_name(step.state): step for step in STEPS}

TEXT_STATES: tuple[State, ...] = tuple(step.state for step in STEPS if step.field is not None)

# Where Back leads while creating a profile.
PREVIOUS: dict[str, State] = _by_name(
    (W.services, W.name),
    (W.in_person_type, W.services),
    (W.in_person_location, W.in_person_type),
    (W.video_platforms, W.services),
    (W.video_payment, W.video_platforms),
    (W.custom_payment, W.services),
    (W.custom_delivery, W.custom_payment),
    (W.other_service, W.services),
    (W.about, W.services),
    (W.contact_method, W.about),
    (W.contact_value, W.contact_method),
    (W.social_links, W.contact_method),
    (W.rates, W.social_links),
    (W.disclaimer, W.rates),
    (W.media, W.disclaimer),
    (W.preview, W.media),
)

# Where a saved answer leads while creating a profile.
NEXT: dict[str, State] = _by_name(
    (W.name, W.services),
    (W.services, W.about),
    (W.in_person_location, W.services),
    (W.video_platforms, W.video_payment),
    (W.custom_payment, W.custom_delivery),
    (W.video_payment, W.services),
    (W.custom_delivery, W.services),
    (W.other_service, W.services),
    (W.about, W.contact_method),
    (W.contact_value, W.social_links),
    (W.social_links, W.rates),
    (W.rates, W.disclaimer),
    (W.disclaimer, W.media),
    (W.media, W.preview),
)


# Half-answered services go on to their second question, also when editing.
CONTINUES = frozenset(state_name(state) for state in (W.video_platforms, W.custom_payment))


def step_for(state_name: str | None) -> Step | None:
    return BY_STATE.get(state_name or "")
