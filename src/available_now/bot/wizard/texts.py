"""Everything the profile wizard and the profile editor say, in English source form.

Fixed messages are `Text`s, translated when called (`SAVED()`), because the locale belongs to
the update being answered; functions translate as they build. Values from users are escaped
here, so callers pass them as they are. Popups and toasts are plain text and live in
`bot.alerts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Final

from available_now.bot.i18n import N_, Plural, Text, _
from available_now.domain.profiles import ContactMethod, MediaType, ServiceType

WIZARD_SAVED_AS_DRAFT: Final = Text(
    "Stopped. Everything you entered is saved as a draft: tap <b>Create profile</b> "
    "to continue where you left off.",
)
EDIT_STOPPED: Final = Text(
    "Stopped editing. Your profile is unchanged since the last save.",
)
NEED_TEXT: Final = Text(
    "Please send this answer as a text message (or use the buttons).",
)
NEED_MEDIA: Final = Text(
    "Please send photos or videos here (documents, stickers and voice notes can't be used).",
)
CONTACT_PROMPTS: Final[Mapping[ContactMethod, tuple[str, str]]] = {
    ContactMethod.PHONE: (
        N_("Send your phone number with its country code."),
        N_("+44 20 7946 0958"),
    ),
    ContactMethod.EMAIL: (N_("Send your email address."), N_("sophie@example.com")),
    ContactMethod.TELEGRAM: (N_("Send your Telegram username."), N_("@sophie")),
}
"""What the contact step asks, and its example, for each way of being contacted: English
sources like a step's prompt and example, translated where they are shown."""

PROFILE_READY: Final = Text(
    "🎉 Your profile is ready. Tap <b>Mark available</b> when you want the group to know.",
)
SAVED: Final = Text(
    "Saved ✅",
)
EDIT_MENU: Final = Text(
    "What would you like to change?",
)
GALLERY: Final = Text(
    "Your gallery. Tap an item to move, promote to cover, or remove it.",
)
GALLERY_EMPTY: Final = Text(
    "Your gallery is empty. Tap <b>Add more</b> to send photos or videos.",
)


def step_header(number: int, total: int, title: str) -> str:
    """ "Step 2 of 9 · Services" while creating; ``title`` is an English source word."""
    progress = _("Step {number} of {total}").format(number=number, total=total)
    return f"<i>{progress}</i> · <b>{escape(_(title))}</b>"


def editing_header(title: str) -> str:
    """ "Editing · Rates" when she came from the edit menu."""
    editing = _("Editing")
    return f"<i>{editing}</i> · <b>{escape(_(title))}</b>"


def current_value(value: str | None) -> str:
    """Her saved answer under the question, so she can keep or change it."""
    if not value:
        return ""
    return "\n\n" + _("Now: {value}").format(value=f"<i>{escape(value)}</i>")


def example(text: str | None) -> str:
    """An example answer; ``text`` is an English source text."""
    if not text:
        return ""
    return "\n\n" + _("Example: {example}").format(example=f"<code>{escape(_(text))}</code>")


def contact_summary(method: ContactMethod, value: str) -> str:
    return _("{method}: {value}").format(method=_(method.label), value=value)


def service_is_set_up(service: ServiceType) -> str:
    return _("{service} is set up. Change or remove it?").format(
        service=f"<b>{escape(_(service.label))}</b>"
    )


def media_counts(photos: int, videos: int, limits: tuple[int, int]) -> str:
    return _("🖼 Photos {photos}/{max_photos} · 🎬 Videos {videos}/{max_videos}").format(
        photos=photos, max_photos=limits[0], videos=videos, max_videos=limits[1]
    )


_NOT_ADDED: Final[Mapping[MediaType, tuple[Plural, Plural]]] = {
    MediaType.IMAGE: (
        Plural("{count} photo not added", "{count} photos not added"),
        Plural(
            "the gallery holds {limit} photo at most", "the gallery holds {limit} photos at most"
        ),
    ),
    MediaType.VIDEO: (
        Plural("{count} video not added", "{count} videos not added"),
        Plural(
            "the gallery holds {limit} video at most", "the gallery holds {limit} videos at most"
        ),
    ),
}
"""For each kind of media: how many were refused, and the gallery's limit that refused them."""
_SKIPPED: Final = Plural(
    "ℹ️ {count} already in your gallery, skipped.",
    "ℹ️ {count} already in your gallery, skipped.",
)


def media_receipt(
    photos: int,
    videos: int,
    limits: tuple[int, int],
    *,
    refused: Mapping[MediaType, int],
    duplicates: int,
) -> str:
    """The one answer to a photo, a video or a whole album: counts, then what was not added."""
    lines = [f"{SAVED()} {media_counts(photos, videos, limits)}"]
    for media_type, count in refused.items():
        not_added, full = _NOT_ADDED[media_type]
        limit = limits[0] if media_type is MediaType.IMAGE else limits[1]
        lines.append(f"⚠️ {not_added(count, count=count)}: {full(limit, limit=limit)}.")
    if duplicates:
        lines.append(_SKIPPED(duplicates, count=duplicates))
    lines.append(_("Send more, or tap <b>Done</b>."))
    return "\n".join(lines)


def missing_parts(missing: Iterable[str]) -> str:
    """``missing`` are the domain's English words (`ProfileView.missing_for_completion`)."""
    parts = ", ".join(_(part) for part in missing)
    return _("Almost there: your profile still needs {missing}.").format(missing=parts)
