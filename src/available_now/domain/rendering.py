"""Profiles and the group's "available now" list as Telegram HTML that always fits.

Telegram refuses a caption over 1024 or a message over 4096 UTF-16 units of parsed text, so a
rendered profile is built from spans whose plain length is known exactly. A profile that does
not fit loses detail in a fixed order of preference: the longest free text is shortened first
(all free text is capped at one common length, so short fields stay whole), then optional
sections are dropped, and only then are the essentials (name, contact, "available until")
shortened.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from enum import IntEnum
from typing import Final

from available_now.domain.limits import TEXT_LIMIT
from available_now.domain.listings import clock_time
from available_now.domain.profiles import (
    ContactMethod,
    ProfileView,
    ServiceOffer,
    ServiceType,
)
from available_now.domain.text import (
    Span,
    Tag,
    shorten,
    spans_length,
    spans_to_html,
    truncate_spans,
    utf16_len,
)
from available_now.domain.validation import format_phone_for_display
from available_now.domain.wording import ENGLISH, Translator

__all__ = [
    "CONTACT_EMOJI",
    "MAX_LISTED",
    "SERVICE_EMOJI",
    "AvailableEntry",
    "render_available_list",
    "render_profile",
    "utf16_len",
]

SERVICE_EMOJI: Final[Mapping[ServiceType, str]] = {
    ServiceType.IN_PERSON: "📍",
    ServiceType.VIDEO_CALL: "📹",
    ServiceType.CUSTOM: "🎁",
    ServiceType.OTHER: "✨",
}
_SERVICE_ORDER: Final = tuple(ServiceType)

CONTACT_EMOJI: Final[Mapping[ContactMethod, str]] = {
    ContactMethod.PHONE: "📞",
    ContactMethod.EMAIL: "✉️",
    ContactMethod.TELEGRAM: "💬",
}

_SHORTEST_CUT: Final = 12
"""A shortened field shorter than this is left out: "Warm, pla…" helps nobody."""

_COMFORTABLE_CUT: Final = 60
"""Optional sections are dropped before free text is cut shorter than this."""

_ESSENTIAL_FLOOR: Final = 2
"""Essentials are shortened down to one character and the ellipsis, never left out sooner."""

_SHORT_NAME: Final = 64
"""Names in the list, and essentials when even the labels do not fit, are cut to this."""

MAX_LISTED: Final = 50
"""Telegram ignores formatting beyond 100 entities, so the list stays well below that."""


# --- the profile as a layout of blocks, lines and fields -----------------------------------


class _Tier(IntEnum):
    """How a field gives way when the profile does not fit: fixed words never, free text first,
    the essentials last."""

    FIXED = 0
    FREE_TEXT = 1
    ESSENTIAL = 2


@dataclass(frozen=True, slots=True)
class _Field:
    """User text that may be shortened (or, below its floor, left out) to make room."""

    text: str
    tier: _Tier = _Tier.FREE_TEXT
    tag: Tag | None = None
    href: str | None = None
    prefix: str = ""
    """Fixed words shown only together with the field, such as "Payment: "."""

    @property
    def floor(self) -> int:
        return _ESSENTIAL_FLOOR if self.tier == _Tier.ESSENTIAL else _SHORTEST_CUT


@dataclass(frozen=True, slots=True)
class _Line:
    """A fixed lead, then the fields that are shown, joined by separators."""

    lead: tuple[Span, ...] = ()
    fields: tuple[_Field, ...] = ()
    first_separator: str = ""
    separator: str = " · "


@dataclass(frozen=True, slots=True)
class _Block:
    """A paragraph; optional ones carry a rank (dropped lowest first) and vanish if emptied."""

    lines: tuple[_Line, ...]
    drop_rank: int | None = None


_Caps = Mapping[_Tier, int]
"""The most UTF-16 units each tier's fields may use; a missing tier is shown in full."""


def _shown(item: _Field, caps: _Caps) -> str:
    cap = caps.get(item.tier)
    if cap is None or utf16_len(item.text) <= cap:
        return item.text
    if cap < item.floor:
        return ""
    return shorten(item.text, cap)


def _line_spans(line: _Line, caps: _Caps) -> list[Span]:
    shown = [(item, _shown(item, caps)) for item in line.fields]
    shown = [(item, text) for item, text in shown if text]
    if not line.lead and not shown:
        return []
    spans = list(line.lead)
    for index, (item, text) in enumerate(shown):
        spans.append(Span(line.first_separator if index == 0 else line.separator))
        spans.append(Span(item.prefix))
        spans.append(Span(text, item.tag, item.href))
    return spans


def _block_spans(block: _Block, caps: _Caps) -> list[Span]:
    spans: list[Span] = []
    for line in block.lines:
        line_spans = _line_spans(line, caps)
        if line_spans:
            if spans:
                spans.append(Span("\n"))
            spans.extend(line_spans)
    if block.drop_rank is not None and not any(
        _shown(item, caps) for line in block.lines for item in line.fields
    ):
        return []
    return spans


def _compose(blocks: Sequence[_Block], caps: _Caps) -> list[Span]:
    spans: list[Span] = []
    for block in blocks:
        block_spans = _block_spans(block, caps)
        if block_spans:
            if spans:
                spans.append(Span("\n\n"))
            spans.extend(block_spans)
    return spans


def _fields(blocks: Sequence[_Block], tier: _Tier) -> Iterator[_Field]:
    for block in blocks:
        for line in block.lines:
            yield from (item for item in line.fields if item.tier == tier)


def _largest_fitting_cap(
    blocks: Sequence[_Block], caps: _Caps, tier: _Tier, limit: int
) -> int | None:
    """The largest cap for ``tier`` that makes the message fit, or None when even 0 is too long."""
    longest = max((utf16_len(item.text) for item in _fields(blocks, tier)), default=0)

    def fits(cap: int) -> bool:
        return spans_length(_compose(blocks, {**caps, tier: cap})) <= limit

    if not fits(0):
        return None
    low, high = 0, longest
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _fit(blocks: Sequence[_Block], limit: int) -> list[Span]:
    """The richest rendering within ``limit``, giving up detail in the module's stated order."""
    full = _compose(blocks, {})
    if spans_length(full) <= limit:
        return full
    droppable = sorted(
        (b for b in blocks if b.drop_rank is not None), key=lambda b: b.drop_rank or 0
    )
    active = list(blocks)
    while True:
        cap = _largest_fitting_cap(active, {}, _Tier.FREE_TEXT, limit)
        if cap is not None and (cap >= _COMFORTABLE_CUT or not droppable):
            return _compose(active, {_Tier.FREE_TEXT: cap})
        if not droppable:
            break
        dropped = droppable.pop(0)
        active = [block for block in active if block is not dropped]
    essential_cap = _largest_fitting_cap(active, {_Tier.FREE_TEXT: 0}, _Tier.ESSENTIAL, limit)
    if essential_cap is not None:
        return _compose(active, {_Tier.FREE_TEXT: 0, _Tier.ESSENTIAL: essential_cap})
    return truncate_spans(
        _compose(active, {_Tier.FREE_TEXT: 0, _Tier.ESSENTIAL: _SHORT_NAME}), limit
    )


# --- what a profile says --------------------------------------------------------------------


def _text(value: str | None) -> str:
    return value.strip() if value else ""


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _service_line(offer: ServiceOffer, t: Translator) -> _Line:
    kind = offer.service_type
    details: list[_Field] = []
    match kind:
        case ServiceType.IN_PERSON:
            if offer.in_person_type is not None:
                details.append(_Field(t.gettext(offer.in_person_type.label), tier=_Tier.FIXED))
            details.append(_Field(_text(offer.in_person_location)))
        case ServiceType.VIDEO_CALL:
            details.append(_Field(_text(offer.facetime_platforms)))
            details.append(_Field(_text(offer.facetime_payment)))
        case ServiceType.CUSTOM:
            payment, delivery = t.gettext("Payment: "), t.gettext("Delivery: ")
            details.append(_Field(_text(offer.custom_payment), prefix=payment))
            details.append(_Field(_text(offer.custom_delivery), prefix=delivery))
        case ServiceType.OTHER:
            details.append(_Field(_text(offer.other_service)))
    return _Line(
        lead=(Span(f"{SERVICE_EMOJI[kind]} "), Span(t.gettext(kind.label), "b")),
        fields=tuple(item for item in details if item.text),
        first_separator=" — ",
    )


def _contact_line(profile: ProfileView, t: Translator) -> _Line | None:
    method = profile.contact_method
    value = _text(profile.contact_value)
    if method is None or not value:
        return None
    lead = (Span(f"{CONTACT_EMOJI[method]} {t.gettext(method.label)}: "),)
    if method is ContactMethod.PHONE:
        return _Line(lead, (_Field(format_phone_for_display(value), tier=_Tier.ESSENTIAL),))
    if method is ContactMethod.TELEGRAM:
        username = value.removeprefix("@")
        if _is_username(username):
            link = _Field(
                f"@{username}", tier=_Tier.ESSENTIAL, tag="a", href=f"https://t.me/{username}"
            )
            return _Line(lead, (link,))
    return _Line(lead, (_Field(value, tier=_Tier.ESSENTIAL),))


def _is_username(value: str) -> bool:
    return 5 <= len(value) <= 32 and value.isascii() and value.replace("_", "").isalnum()


def _titled_block(title: str, body: str, rank: int) -> _Block:
    return _Block((_Line((Span(title, "b"),)), _Line(fields=(_Field(body),))), drop_rank=rank)


def _profile_layout(
    profile: ProfileView, available_until: str | None, heading: str | None, t: Translator
) -> list[_Block]:
    blocks: list[_Block] = []
    if _text(heading):
        heading_field = _Field(_one_line(_text(heading)), _Tier.ESSENTIAL, "i")
        blocks.append(_Block((_Line(fields=(heading_field,)),)))
    top: list[_Line] = []
    name = _one_line(profile.name) or t.gettext("Profile")
    top.append(_Line(fields=(_Field(name, _Tier.ESSENTIAL, "b"),)))
    if _text(available_until):
        until = _Field(_one_line(_text(available_until)), _Tier.ESSENTIAL, "b")
        top.append(_Line((Span(t.gettext("🟢 Available until ")),), (until,)))
    blocks.append(_Block(tuple(top)))

    offers = sorted(profile.services, key=lambda s: _SERVICE_ORDER.index(s.service_type))
    if offers:
        blocks.append(_Block(tuple(_service_line(offer, t) for offer in offers)))
    if about := _text(profile.about):
        blocks.append(_Block((_Line(fields=(_Field(about),)),), drop_rank=3))
    if rates := _text(profile.rates):
        blocks.append(_titled_block(t.gettext("💰 Rates"), rates, rank=4))
    contact = _contact_line(profile, t)
    if contact is not None:
        blocks.append(_Block((contact,)))
    if links := _text(profile.social_links):
        blocks.append(_titled_block(t.gettext("🔗 Links"), links, rank=1))
    if disclaimer := _text(profile.disclaimer):
        blocks.append(_Block((_Line(fields=(_Field(disclaimer, tag="i"),)),), drop_rank=2))
    return blocks


def render_profile(
    profile: ProfileView,
    *,
    limit: int,
    available_until: str | None = None,
    heading: str | None = None,
    translator: Translator = ENGLISH,
) -> str:
    """The profile as Telegram HTML whose parsed text is at most ``limit`` UTF-16 units.

    ``available_until`` (e.g. "21:30") adds the green availability line; ``heading`` is a plain
    line above the name, such as a preview notice. Both are escaped like all user text. Our own
    words are in ``translator``'s language; hers stay as she wrote them.
    """
    layout = _profile_layout(profile, available_until, heading, translator)
    return spans_to_html(_fit(layout, limit))


# --- the group's list -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AvailableEntry:
    """One model in the group's "available now" answer."""

    name: str
    services: tuple[ServiceType, ...]
    expires_at: datetime
    profile_link: str
    """Deep link that opens her full profile with the bot."""


def _entry_spans(entry: AvailableEntry, now: datetime, zone: tzinfo, t: Translator) -> list[Span]:
    name = shorten(_one_line(entry.name) or t.gettext("Profile"), _SHORT_NAME)
    linked = entry.profile_link.startswith(("https://", "http://", "tg://"))
    spans = [Span("• "), Span(name, "a", entry.profile_link) if linked else Span(name, "b")]
    labels = [t.gettext(kind.label) for kind in _SERVICE_ORDER if kind in entry.services]
    if labels:
        spans.append(Span(" — " + ", ".join(labels)))
    until = clock_time(entry.expires_at, zone, now=now, translator=t)
    spans.append(Span(" · " + t.gettext("until {until}").format(until=until)))
    return spans


def _more(count: int, t: Translator) -> str:
    return t.ngettext("…and {count} more", "…and {count} more", count).format(count=count)


def render_available_list(
    entries: Sequence[AvailableEntry],
    *,
    now: datetime,
    zone: tzinfo = UTC,
    total: int | None = None,
    translator: Translator = ENGLISH,
) -> str:
    """Who is live, one line each with a link to her profile, within one text message.

    Each line says until when, in the group's ``zone`` (with the day when that is not today):
    an end time stays true while the list is shown, a "time left" would not. ``total`` is how
    many are live in all when ``entries`` is only the first page; whoever does not fit is
    summed up as "…and N more".
    """
    t = translator
    total = max(total or 0, len(entries))
    if total == 0:
        return t.gettext("Nobody is available right now.")
    spans = [Span("🟢 "), Span(t.gettext("Available now"), "b"), Span(f" ({total})\n")]
    length = spans_length(spans)
    shown = 0
    for entry in entries[:MAX_LISTED]:
        line = [Span("\n"), *_entry_spans(entry, now, zone, t)]
        line_length = spans_length(line)
        rest = total - shown - 1
        footer = utf16_len("\n\n" + _more(rest, t)) if rest else 0
        if length + line_length + footer > TEXT_LIMIT:
            break
        spans.extend(line)
        length += line_length
        shown += 1
    if shown < total:
        spans.append(Span("\n\n" + _more(total - shown, t)))
    return spans_to_html(spans)
