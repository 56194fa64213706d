"""Profiles and the group's list as Telegram shows them, shortened gracefully when too long."""

from __future__ import annotations

import gettext
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

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
from available_now.domain.validation import FIELD_LIMITS
from telegram_sandbox.html import utf16_len
from tests.domain.telegram import accepted

NOW = datetime(2025, 6, 1, 19, 15, tzinfo=UTC)
LOREM = (
    "Warm, playful and discreet companion who loves good food, long walks and late-night "
    "conversations about art, music and everything in between. "
)

SOPHIE = ProfileView(
    user_id=7,
    name="Sophie · <Late-night> & company",
    about="Warm & playful. <b>Not bold</b> &amp; not an entity.",
    contact_method=ContactMethod.TELEGRAM,
    telegram_username="sophie_x",
    social_links="https://instagram.com/sophie\n@sophie_x on X",
    rates="1 h 200 £ · 2 h 350 £",
    disclaimer="Adults only.",
    services=(
        ServiceOffer(ServiceType.OTHER, other_service="Dinner dates"),
        ServiceOffer(
            ServiceType.VIDEO_CALL, facetime_platforms="FaceTime, Zoom", facetime_payment="PayPal"
        ),
        ServiceOffer(
            ServiceType.IN_PERSON, in_person_type=InPersonType.BOTH, in_person_location="London"
        ),
        ServiceOffer(ServiceType.CUSTOM, custom_payment="Revolut", custom_delivery="Telegram"),
    ),
    completed=True,
)


def test_full_profile_reads_as_a_listing() -> None:
    html = render_profile(SOPHIE, limit=CAPTION_LIMIT, available_until="21:30")
    plain, entities = accepted(html, CAPTION_LIMIT)
    assert plain.splitlines() == [
        "Sophie · <Late-night> & company",
        "🟢 Available until 21:30",
        "",
        "📍 In person — Incall & outcall · London",
        "📹 Video calls — FaceTime, Zoom · PayPal",
        "🎁 Custom content — Payment: Revolut · Delivery: Telegram",
        "✨ Other — Dinner dates",
        "",
        "Warm & playful. <b>Not bold</b> &amp; not an entity.",
        "",
        "💰 Rates",
        "1 h 200 £ · 2 h 350 £",
        "",
        "💬 Telegram: @sophie_x",
        "",
        "🔗 Links",
        "https://instagram.com/sophie",
        "@sophie_x on X",
        "",
        "Adults only.",
    ]
    assert html.startswith("<b>Sophie · &lt;Late-night&gt; &amp; company</b>\n")
    assert "&lt;b&gt;Not bold&lt;/b&gt; &amp;amp; not an entity." in html
    assert '<a href="https://t.me/sophie_x">@sophie_x</a>' in html
    assert "<i>Adults only.</i>" in html
    links = [e.url for e in entities if e.type == "text_link"]
    assert links == ["https://t.me/sophie_x"]


def test_heading_comes_first_and_is_escaped() -> None:
    html = render_profile(SOPHIE, limit=TEXT_LIMIT, heading="Preview <of> your listing")
    assert html.startswith("<i>Preview &lt;of&gt; your listing</i>\n\n<b>Sophie")
    assert "Available until" not in html


def test_phone_and_email_contacts() -> None:
    phone = replace(SOPHIE, contact_method=ContactMethod.PHONE, phone="+442079460958")
    plain, _ = accepted(render_profile(phone, limit=CAPTION_LIMIT), CAPTION_LIMIT)
    assert "📞 Phone: +44 20 7946 0958" in plain
    email = replace(SOPHIE, contact_method=ContactMethod.EMAIL, email="sophie@example.com")
    plain, _ = accepted(render_profile(email, limit=CAPTION_LIMIT), CAPTION_LIMIT)
    assert "✉️ Email: sophie@example.com" in plain


def test_missing_sections_leave_no_trace() -> None:
    bare = ProfileView(user_id=1, name="Mia")
    assert render_profile(bare, limit=CAPTION_LIMIT) == "<b>Mia</b>"
    no_value = replace(bare, contact_method=ContactMethod.PHONE, about="  ")
    assert render_profile(no_value, limit=CAPTION_LIMIT) == "<b>Mia</b>"


def test_a_telegram_contact_that_is_not_a_username_is_not_linked() -> None:
    odd = replace(SOPHIE, telegram_username="not a username")
    html = render_profile(odd, limit=CAPTION_LIMIT)
    assert "💬 Telegram: not a username" in html
    assert "t.me" not in html


def test_a_long_about_is_shortened_on_a_word_and_the_rest_stays_whole() -> None:
    long = replace(SOPHIE, about=LOREM * 20)
    html = render_profile(long, limit=CAPTION_LIMIT, available_until="21:30")
    plain, _ = accepted(html, CAPTION_LIMIT)
    about = next(line for line in plain.splitlines() if line.startswith("Warm, playful"))
    assert about.endswith("…")
    assert about[:-1] == about[:-1].rstrip()
    kept = about[:-1]
    assert (LOREM * 20).startswith(kept)
    assert (LOREM * 20)[len(kept)] in " ,.", "cut between words"
    for kept in (
        "Sophie · <Late-night> & company",
        "🟢 Available until 21:30",
        "🎁 Custom content — Payment: Revolut · Delivery: Telegram",
        "1 h 200 £ · 2 h 350 £",
        "💬 Telegram: @sophie_x",
        "@sophie_x on X",
        "Adults only.",
    ):
        assert kept in plain
    assert utf16_len(plain) > CAPTION_LIMIT - 40, "the room is used, not wasted"


def test_the_longest_fields_give_way_first() -> None:
    maxed = replace(
        SOPHIE,
        about=(LOREM * 20)[: FIELD_LIMITS["about"]],
        rates=("1 h 200 £, 2 h 350 £. " * 40)[: FIELD_LIMITS["rates"]],
        disclaimer="Adults only.",
    )
    plain, _ = accepted(render_profile(maxed, limit=CAPTION_LIMIT), CAPTION_LIMIT)
    assert "Adults only." in plain
    assert "Dinner dates" in plain
    shortened = [line for line in plain.splitlines() if line.endswith("…")]
    assert len(shortened) == 2
    assert abs(len(shortened[0]) - len(shortened[1])) < 45, "cut to about the same length"


def test_optional_sections_go_before_essentials_are_touched() -> None:
    huge = "word " * 1000
    crowded = replace(
        SOPHIE,
        about=huge,
        rates=huge,
        disclaimer=huge,
        social_links=huge,
        services=tuple(
            replace(
                offer,
                in_person_location=offer.in_person_location and huge,
                facetime_platforms=offer.facetime_platforms and huge,
                facetime_payment=offer.facetime_payment and huge,
                custom_payment=offer.custom_payment and huge,
                custom_delivery=offer.custom_delivery and huge,
                other_service=offer.other_service and huge,
            )
            for offer in SOPHIE.services
        ),
    )
    sections = {"links": "🔗 Links", "disclaimer": "<i>", "about": "\n\nword", "rates": "💰"}
    dropped_first_to_last = list(sections)
    seen_all = False
    for limit in range(450, CAPTION_LIMIT + 1, 25):
        html = render_profile(crowded, limit=limit, available_until="21:30")
        plain, _ = accepted(html, limit)
        present = [name for name, mark in sections.items() if mark in html]
        assert present == dropped_first_to_last[len(dropped_first_to_last) - len(present) :]
        seen_all = seen_all or len(present) == len(sections)
        for kept in (
            "Sophie · <Late-night> & company",
            "🟢 Available until 21:30",
            "📍 In person — Incall & outcall",
            "📹 Video calls — word",
            "🎁 Custom content — Payment: word",
            "✨ Other — word",
            "💬 Telegram: @sophie_x",
        ):
            assert kept in plain
    assert seen_all
    assert "💰" not in render_profile(crowded, limit=450), "all optional sections can go"


def test_essentials_are_shortened_only_as_a_last_resort() -> None:
    stuffed = replace(
        SOPHIE,
        contact_method=ContactMethod.EMAIL,
        email="x" * 3000 + "@example.com",
        about=LOREM * 20,
    )
    plain, _ = accepted(render_profile(stuffed, limit=CAPTION_LIMIT), CAPTION_LIMIT)
    assert plain.startswith("Sophie · <Late-night> & company\n")
    assert "📍 In person" in plain
    assert "✉️ Email: xxxx" in plain
    assert "Warm, playful" not in plain


def test_a_tiny_limit_still_gives_valid_html() -> None:
    for limit in (1, 5, 12, 40):
        plain, _ = accepted(render_profile(SOPHIE, limit=limit, heading="Preview"), limit)
        assert plain


# --- the group's list -----------------------------------------------------------------------


def entry(name: str, minutes: int, *services: ServiceType, user_id: int = 1) -> AvailableEntry:
    return AvailableEntry(
        name=name,
        services=services,
        expires_at=NOW + timedelta(minutes=minutes, seconds=30),
        profile_link=f"https://t.me/available_now_bot?start=p_{user_id}",
    )


def test_nobody_available() -> None:
    assert render_available_list([], now=NOW) == "Nobody is available right now."


def test_list_links_each_name_with_services_and_end_time() -> None:
    html = render_available_list(
        [
            entry("Sophie & <co>", 135, ServiceType.VIDEO_CALL, ServiceType.IN_PERSON),
            entry("Mia", 45, ServiceType.OTHER, user_id=2),
            entry("Zoë", 0, user_id=3),
        ],
        now=NOW,
    )
    plain, entities = accepted(html, TEXT_LIMIT)
    assert plain.splitlines() == [
        "🟢 Available now (3)",
        "",
        "• Sophie & <co> — In person, Video calls · until 21:30 UTC",
        "• Mia — Other · until 20:00 UTC",
        "• Zoë · until 19:15 UTC",
    ]
    assert [e.url for e in entities if e.type == "text_link"] == [
        f"https://t.me/available_now_bot?start=p_{n}" for n in (1, 2, 3)
    ]
    assert '<a href="https://t.me/available_now_bot?start=p_1">Sophie &amp; &lt;co&gt;</a>' in html


def test_the_list_names_the_day_after_midnight_in_the_groups_zone() -> None:
    madrid = ZoneInfo("Europe/Madrid")  # NOW is 21:15 there, in summer time
    html = render_available_list(
        [entry("Mia", 30), entry("Zoë", 4 * 60, user_id=2)], now=NOW, zone=madrid
    )
    plain, _ = accepted(html, TEXT_LIMIT)
    assert "• Mia · until 21:45 CEST" in plain
    assert "• Zoë · until Mon 01:15 CEST" in plain


def test_a_first_page_mentions_the_rest() -> None:
    html = render_available_list([entry("Mia", 60)], now=NOW, total=12)
    plain, _ = accepted(html, TEXT_LIMIT)
    assert plain.startswith("🟢 Available now (12)")
    assert plain.endswith("\n\n…and 11 more")


def test_a_long_list_shows_what_fits_and_counts_the_rest() -> None:
    names = [f"Model number {n} · " + "x" * 40 for n in range(300)]
    html = render_available_list(
        [entry(name, 60, *ServiceType, user_id=n) for n, name in enumerate(names)], now=NOW
    )
    plain, _ = accepted(html, TEXT_LIMIT)
    shown = sum(1 for line in plain.splitlines() if line.startswith("• "))
    assert 0 < shown < MAX_LISTED
    assert plain.endswith(f"…and {300 - shown} more")
    assert utf16_len(plain) > TEXT_LIMIT - 200


def test_short_names_stop_at_the_listed_maximum() -> None:
    html = render_available_list([entry("Mia", 60, user_id=n) for n in range(80)], now=NOW)
    plain, _ = accepted(html, TEXT_LIMIT)
    assert sum(1 for line in plain.splitlines() if line.startswith("• ")) == MAX_LISTED
    assert plain.endswith(f"…and {80 - MAX_LISTED} more")


# --- in another language ------------------------------------------------------------------


def _spanish() -> gettext.GNUTranslations:
    locales = Path(__file__).resolve().parents[2] / "src" / "available_now" / "locales"
    return gettext.translation("messages", locales, languages=["es"])


def test_our_words_follow_the_translator_and_hers_stay_as_written() -> None:
    html = render_profile(
        SOPHIE, limit=CAPTION_LIMIT, available_until="21:30", translator=_spanish()
    )
    plain, _entities = accepted(html, CAPTION_LIMIT)
    assert "🟢 Disponible hasta 21:30" in plain
    assert "📍 En persona — En mi sitio y a domicilio · London" in plain
    assert "🎁 Contenido personalizado — Pago: Revolut · Entrega: Telegram" in plain
    assert "💰 Tarifas" in plain
    assert "1 h 200 £ · 2 h 350 £" in plain


def test_the_list_in_another_language() -> None:
    spanish = _spanish()
    assert render_available_list([], now=NOW, translator=spanish) == (
        "Ahora mismo no hay nadie disponible."
    )
    html = render_available_list(
        [entry("Mia", 75, ServiceType.VIDEO_CALL)], now=NOW, total=3, translator=spanish
    )
    plain, _entities = accepted(html, TEXT_LIMIT)
    assert plain.splitlines()[0] == "🟢 Disponibles ahora (3)"
    assert "Mia — Videollamadas · hasta 20:30 UTC" in plain
    assert plain.endswith("…y 2 más")
    html = render_available_list(
        [entry("Mia", 5 * 60)], now=NOW, zone=ZoneInfo("Europe/Madrid"), translator=spanish
    )
    plain, _entities = accepted(html, TEXT_LIMIT)
    assert "Mia · hasta lun 02:15 CEST" in plain
