"""What the bot says in button popups, in the reader's language.

Telegram shows callback answers as plain text, so nothing here may carry markup: a test reads
every catalog entry that comes from this module and fails on a tag or an entity. Each popup is
a `Text`, translated when it is called.
"""

from __future__ import annotations

from typing import Final

from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot.i18n import Text


def show(answer: CallbackAnswer, text: str) -> None:
    """Answer the pressed button with a popup the person must dismiss."""
    answer.text, answer.show_alert = text, True


STALE_BUTTON: Final = Text(
    "This button is no longer active. Open the menu again with /start.",
)
NOT_APPROVED: Final = Text(
    "Profiles are for models approved by the group's owners. "
    "Ask an owner to approve you, then come back.",
)
ERROR: Final = Text(
    "Sorry, something went wrong on my side. Please try again in a moment.",
)
ACCESS_ALREADY_PENDING: Final = Text(
    "Your request is waiting for an owner's decision.",
)
OWNERS_ONLY: Final = Text(
    "This is for the group's owners only.",
)
UNKNOWN_USER: Final = Text(
    "I don't know {target}: they must open a chat with me first.",
)
"""Fill ``target``: plain text, so it is not escaped (`texts.unknown_user` is)."""
NEED_SERVICE: Final = Text(
    "Please set up at least one service first.",
)
NO_PROFILE: Final = Text(
    "You have no profile yet. Tap Create profile to start.",
)
NO_USERNAME: Final = Text(
    "You have no Telegram username yet. Set one in Telegram: Settings → Username, "
    "then come back and tap the button, or choose another contact method.",
)
MEDIA_GONE: Final = Text(
    "That item is no longer in your gallery.",
)
MEDIA_MOVED: Final = Text(
    "Moved ⬆️",
)
MEDIA_COVER: Final = Text(
    "This photo is now your cover ⭐",
)
MEDIA_REMOVED: Final = Text(
    "Removed 🗑",
)
NOT_LIVE: Final = Text(
    "You are not live right now.",
)
ACCESS_REQUEST_TOO_SOON: Final = Text(
    "Your last request was not approved. You can ask again from {when}.",
)
"""Fill ``when``: the moment she may ask again, as a date and time."""

# --- Database outages -----------------------------------------------------------------------
DATABASE_DOWN: Final = Text(
    "The bot is having a moment. Please try again in a minute.",
)

# --- Deleting and exporting her data ---
NOT_YOUR_CONFIRMATION: Final = Text(
    "This confirmation is not yours. Nothing was deleted.",
)

# --- Reports and moderation ---
REPORT_HANDLED: Final = Text(
    "This report was already handled. Nothing changed.",
)
REPORT_GONE: Final = Text(
    "This report no longer exists.",
)
OWNER_NOT_BANNABLE: Final = Text(
    "Owners cannot be banned. Nothing changed.",
)
BANNED: Final = Text(
    "The group's owners have ended your access. You can still export or delete your data "
    "with /mydata.",
)

# --- The owners' console: owner home, /audit, /models ---
OWNER_NEEDS_NO_REQUEST: Final = Text(
    "You are an owner: you decide on requests. For a profile of your own, approve yourself "
    "with /approve and your id.",
)
AUDIT_PAGE_GONE: Final = Text(
    "That page of the trail is not there any more. Send /audit again.",
)
