"""Everything the bot says, in one place. Values from users are escaped by the caller's helpers."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from available_now.domain.listings import duration_text
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

ERROR = "Sorry, something went wrong on my side. Please try again in a moment."


ACCESS_REQUESTED = (
    "Your request was sent to the group's owners. You will get a message here when they decide."
)
ACCESS_ALREADY_PENDING = "Your request is waiting for an owner's decision."
ACCESS_ALREADY_APPROVED = "You are already approved. Tap <b>Create profile</b> to start."
ACCESS_APPROVED = "🎉 You are approved! Tap <b>Create profile</b> to build your profile."
ACCESS_REJECTED = "Your request was not approved this time."
ACCESS_REVOKED = "Your access was withdrawn by the group's owners; any live listing was ended."
OWNERS_ONLY = "This is for the group's owners only."
NO_OWNERS = "No owners are configured to decide on requests yet. Please contact the group admins."


def access_request_for_owner(user: UserAccount) -> str:
    handle = f" (@{escape(user.username)})" if user.username else ""
    return (
        f"🙋 <b>Access request</b>\n\n{escape(user.display_name)}{handle}\n"
        f"id <code>{user.id}</code> would like to build a profile."
    )


def decided(user: UserAccount, verdict: str, owner: UserAccount) -> str:
    who = f"{escape(user.display_name)} (<code>{user.id}</code>)"
    return f"{who}: {verdict} by {escape(owner.display_name)}."


def pending_list(users: list[UserAccount]) -> str:
    if not users:
        return "No access requests are waiting."
    lines = ["<b>Waiting for a decision</b>"]
    for user in users:
        handle = f" @{escape(user.username)}" if user.username else ""
        lines.append(f"• {escape(user.display_name)}{handle} · <code>{user.id}</code>")
    lines.append("\nUse /approve &lt;id or @username&gt; or the buttons on each request.")
    return "\n".join(lines)


COMMAND_USAGE = "Usage: /{command} &lt;user id or @username&gt;"
UNKNOWN_USER = "I don't know {target}: they must open a chat with me first."


def listing_expired(until: str) -> str:
    return f"⏹ Your listing ended at {until} and was removed from the group."


def listing_reminder(until: str, left: timedelta) -> str:
    return (
        f"⏳ Your listing ends at <b>{until}</b> (in {duration_text(left)}). "
        "Extend it with one tap:"
    )


def live_status(until: str, left: timedelta) -> str:
    return (
        f"🟢 You are <b>live</b> in the group until <b>{until}</b> "
        f"({duration_text(left)} left). Extend or end it:"
    )


def went_live(until: str) -> str:
    return f"🟢 You are live! Your listing is in the group until <b>{until}</b>."


def extended(until: str, *, capped: bool) -> str:
    note = (
        " That is the longest a listing can stay: Telegram lets bots remove posts only "
        "within 48 hours."
        if capped
        else ""
    )
    return f"⏩ Extended: you are live until <b>{until}</b>.{note}"


def cleanup_failed(messages: list[tuple[int, int]], error: str) -> str:
    where = ", ".join(f"{chat}/{message}" for chat, message in messages[:10])
    return (
        "⚠️ I could not remove an ended listing from the group and could not mark it as ended. "
        f"Please delete it by hand: {escape(where)}\nTelegram said: {escape(error)}"
    )


CHOOSE_DURATION = "🟢 For how long are you available? Your listing is removed automatically."
NOT_LIVE = "You are not live right now."
LISTING_ENDED = "⏹ Your listing was ended and is being removed from the group."
NEED_COMPLETE_PROFILE = "Finish your profile first: tap <b>Create profile</b> to continue it."
NO_GROUP = "No group is configured for listings yet. Please tell the group's owners."
POST_FAILED = "Sorry, I could not post your listing to the group. Please try again in a minute."
BAD_DURATION = "Please choose one of the offered durations."
PROFILE_NOT_AVAILABLE = "This profile is not available right now."
