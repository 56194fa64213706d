"""Whatever a model types, Telegram accepts the rendered message and it fits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from available_now.domain.limits import CAPTION_LIMIT, TEXT_LIMIT
from available_now.domain.profiles import (
    ContactMethod,
    InPersonType,
    ProfileView,
    ServiceOffer,
    ServiceType,
)
from available_now.domain.rendering import (
    MAX_LISTED,
    AvailableEntry,
    render_available_list,
    render_profile,
)
from tests.domain.telegram import accepted

NOW = datetime(2025, 6, 1, 19, 15, tzinfo=UTC)

LOOKALIKES = [
    "<b>",
    "</i>",
    "</b>",
    '<a href="x">',
    "<tg-spoiler>",
    "&amp;",
    "&lt;",
    "&#65;",
    "&#x1F600;",
    "&",
    "<",
    ">",
    '"',
    "'",
    "😀",
    "❤️",
    "👩‍👩‍👧",
    "🇬🇧",
    "𝕏",
    "e\u0301",
    "\u200d",
    "\ufe0f",
    "\n",
    "\n\n",
    " ",
    "\t",
    "word ",
    "https://example.com/a?b=1&c=2 ",
    "@handle ",
]

chunks = st.one_of(
    st.sampled_from(LOOKALIKES),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    st.text(st.characters(min_codepoint=0x1F000, max_codepoint=0x1FAFF), max_size=8),
)


def texts(max_size: int) -> st.SearchStrategy[str]:
    """Mixed text, made long cheaply by repeating a varied piece."""
    piece = st.lists(chunks, min_size=1, max_size=5).map("".join)
    return st.builds(lambda text, times: (text * times)[:max_size], piece, st.integers(1, 800))


def optional_texts(max_size: int = 5000) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), texts(max_size))


names = (
    st.lists(chunks, min_size=1, max_size=10)
    .map(lambda parts: "".join(parts)[:64])
    .filter(lambda name: bool(name.split()))
)


@st.composite
def offers(draw: st.DrawFn, service_type: ServiceType) -> ServiceOffer:
    match service_type:
        case ServiceType.IN_PERSON:
            return ServiceOffer(
                service_type,
                in_person_type=draw(st.none() | st.sampled_from(InPersonType)),
                in_person_location=draw(optional_texts()),
            )
        case ServiceType.VIDEO_CALL:
            return ServiceOffer(
                service_type,
                facetime_platforms=draw(optional_texts()),
                facetime_payment=draw(optional_texts()),
            )
        case ServiceType.CUSTOM:
            return ServiceOffer(
                service_type,
                custom_payment=draw(optional_texts()),
                custom_delivery=draw(optional_texts()),
            )
        case ServiceType.OTHER:
            return ServiceOffer(service_type, other_service=draw(optional_texts()))


@st.composite
def profiles(draw: st.DrawFn) -> ProfileView:
    kinds = draw(st.lists(st.sampled_from(ServiceType), unique=True))
    return ProfileView(
        user_id=1,
        name=draw(names),
        about=draw(optional_texts()),
        contact_method=draw(st.none() | st.sampled_from(ContactMethod)),
        phone=draw(st.sampled_from(["+442079460958", "+14155552671"]) | optional_texts(40)),
        email=draw(st.just("sophie@example.com") | optional_texts(300)),
        telegram_username=draw(st.just("sophie_x") | optional_texts(3000)),
        social_links=draw(optional_texts()),
        rates=draw(optional_texts()),
        disclaimer=draw(optional_texts()),
        services=tuple([draw(offers(kind)) for kind in kinds]),
    )


@settings(max_examples=200, deadline=None)
@given(
    profile=profiles(),
    available_until=st.none() | st.just("21:30") | texts(40),
    heading=st.none() | texts(200),
)
def test_any_profile_is_accepted_and_fits(
    profile: ProfileView, available_until: str | None, heading: str | None
) -> None:
    name = " ".join(profile.name.split())
    for limit in (CAPTION_LIMIT, TEXT_LIMIT):
        html = render_profile(
            profile, limit=limit, available_until=available_until, heading=heading
        )
        plain, _ = accepted(html, limit)
        assert name in plain


@settings(max_examples=200, deadline=None)
@given(profile=profiles(), limit=st.integers(min_value=1, max_value=TEXT_LIMIT))
def test_any_limit_is_respected(profile: ProfileView, limit: int) -> None:
    accepted(render_profile(profile, limit=limit, available_until="21:30"), limit)


entries = st.builds(
    AvailableEntry,
    name=names | texts(300),
    services=st.lists(st.sampled_from(ServiceType), unique=True).map(tuple),
    expires_at=st.integers(-3600, 48 * 3600).map(lambda s: NOW + timedelta(seconds=s)),
    profile_link=st.integers(1, 2**63).map(lambda uid: f"https://t.me/bot?start=p_{uid}")
    | st.sampled_from(["", "not a link", 'https://t.me/x?a="&b=<c>'])
    | st.text(max_size=30),
)


@settings(max_examples=200, deadline=None)
@given(
    listed=st.lists(entries, max_size=300),
    extra=st.integers(0, 10_000),
)
def test_any_list_is_accepted_and_counts_everyone(listed: list[AvailableEntry], extra: int) -> None:
    total = len(listed) + extra if listed else None
    html = render_available_list(listed, now=NOW, total=total)
    plain, _ = accepted(html, TEXT_LIMIT)
    if not listed:
        assert plain == "Nobody is available right now."
        return
    shown = html.count("\n• ")
    assert 0 < shown <= MAX_LISTED
    everyone = len(listed) + extra
    assert plain.startswith(f"🟢 Available now ({everyone})\n")
    if shown < everyone:
        assert plain.endswith(f"\n\n…and {everyone - shown} more")
