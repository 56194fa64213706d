"""Everything the bot says, in one place. Values from users are escaped by the caller's helpers."""

from __future__ import annotations

from html import escape

from available_now.domain.users import UserAccount


def main_menu(user: UserAccount) -> str:
    greeting = f"Hi, <b>{escape(user.first_name or user.display_name)}</b>!"
    if user.is_approved:
        return (
            f"{greeting}\n\n"
            "This is your <b>main menu</b>. Build your profile once, then tell the group "
            "you are available with one tap."
        )
    return (
        f"{greeting}\n\n"
        "This is the <b>main menu</b> of Available Now. Models approved by the group's owners "
        "can build a profile here and tell the group when they are available."
    )


HELP_PRIVATE = (
    "<b>How Available Now works</b>\n\n"
    "1. <b>Create profile</b>: your name, services, contact details, rates and photos.\n"
    "2. <b>Mark available</b>: choose for how long; your listing appears in the group and is "
    "removed on time, automatically.\n"
    "3. <b>My listing</b>: extend it or end it early.\n\n"
    "Commands: /start opens the menu, /cancel stops what you are doing, /help shows this."
)

HELP_GROUP = (
    "Type /available to see who is available right now. Profiles open in a private chat "
    "with me, so nothing personal is asked here."
)

START_IN_GROUP = "I work in private chats: tap the button below to open me."

CANCELLED = "Cancelled. Nothing you saved before was lost. /start opens the menu."
NOTHING_TO_CANCEL = "There is nothing to cancel. /start opens the menu."

UNKNOWN_INPUT = "I did not understand that. Use the buttons below, or /help to see what I can do."

STALE_BUTTON = "This button is no longer active. Open the menu again with /start."

NOT_APPROVED = (
    "Profiles are for models approved by the group's owners. "
    "Ask an owner to approve you, then come back."
)

COMING_SOON = "This part of the menu is being set up. Please check back soon."

ERROR = "Sorry, something went wrong on my side. Please try again in a moment."
