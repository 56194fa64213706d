"""What the bot says in messages (Telegram HTML), in the reader's language.

A fixed message is a `Text`, translated when it is called (the locale belongs to the update),
so a forgotten translation is a type error, not English slipping through. Messages that escape
values from users or join pieces are functions that translate as they build. Button popups are
plain text and live in `alerts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from html import escape
from typing import Final

from available_now.bot.i18n import CURRENT, Plural, Text, _
from available_now.domain.listings import duration_text
from available_now.domain.personal_data import Holdings
from available_now.domain.users import UserAccount


def main_menu(user: UserAccount) -> str:
    name = f"<b>{escape(user.first_name or user.display_name)}</b>"
    greeting = _("Hi, {name}!").format(name=name)
    if user.is_approved:
        body = _(
            "This is your <b>main menu</b>. Build your profile once, then tell the group "
            "you are available with one tap."
        )
    else:
        body = _(
            "This is the <b>main menu</b> of Available Now. Models approved by the group's "
            "owners can build a profile here and tell the group when they are available."
        )
    return f"{greeting}\n\n{body}"


HELP_PRIVATE: Final = Text(
    "<b>How Available Now works</b>\n\n"
    "1. <b>Create profile</b>: your name, services, contact details, rates and photos.\n"
    "2. <b>Mark available</b>: choose for how long; your listing appears in the group and "
    "is removed on time, automatically.\n"
    "3. <b>My listing</b>: extend it or end it early.\n\n"
    "Commands: /start opens the menu, /cancel stops what you are doing, /language changes "
    "the language, /help shows this.",
)
HELP_GROUP: Final = Text(
    "Type /available to see who is available right now. Profiles open in a private chat "
    "with me, so nothing personal is asked here.",
)
START_IN_GROUP: Final = Text(
    "I work in private chats: tap the button below to open me.",
)
CANCELLED: Final = Text(
    "Cancelled. Nothing you saved before was lost. /start opens the menu.",
)
NOTHING_TO_CANCEL: Final = Text(
    "There is nothing to cancel. /start opens the menu.",
)
UNKNOWN_INPUT: Final = Text(
    "I did not understand that. Use the buttons below, or /help to see what I can do.",
)
CHOOSE_LANGUAGE: Final = Text(
    "Choose the language I speak with you:",
)
LANGUAGE_SET: Final = Text(
    "Done: I will speak English with you.",
)

# --- access -------------------------------------------------------------------------------

ACCESS_REQUESTED: Final = Text(
    "Your request was sent to the group's owners. You will get a message here when they decide.",
)
ACCESS_ALREADY_APPROVED: Final = Text(
    "You are already approved. Tap <b>Create profile</b> to start.",
)
ACCESS_APPROVED: Final = Text(
    "🎉 You are approved! Tap <b>Create profile</b> to build your profile.",
)
ACCESS_REJECTED: Final = Text(
    "Your request was not approved this time.",
)
ACCESS_REVOKED: Final = Text(
    "Your access was withdrawn by the group's owners; any live listing was ended.",
)
NO_OWNERS: Final = Text(
    "No owners are configured to decide on requests yet. Please contact the group admins.",
)
COMMAND_USAGE: Final = Text(
    "Usage: /{command} &lt;user id or @username&gt;",
)
"""Fill ``command``."""


def access_request_for_owner(user: UserAccount) -> str:
    handle = f" (@{escape(user.username)})" if user.username else ""
    return _(
        "🙋 <b>Access request</b>\n\n{name}{handle}\nid {id} would like to build a profile."
    ).format(name=escape(user.display_name), handle=handle, id=f"<code>{user.id}</code>")


def decided(user: UserAccount, verdict: str, owner: UserAccount) -> str:
    """``verdict`` is one of `VERDICTS`' words, already translated."""
    who = f"{escape(user.display_name)} (<code>{user.id}</code>)"
    return _("{who}: {verdict} by {owner}.").format(
        who=who, verdict=verdict, owner=escape(owner.display_name)
    )


VERDICTS: Final[Mapping[str, Text]] = {
    "approved": Text("approved"),
    "rejected": Text("rejected"),
    "revoked": Text("revoked"),
    "unchanged": Text("unchanged"),
    "already decided": Text("already decided"),
}
"""The decisions' words, by `Decision` value."""


def pending_list(users: list[UserAccount]) -> str:
    if not users:
        return _("No access requests are waiting.")
    lines = [_("<b>Waiting for a decision</b>")]
    for user in users:
        handle = f" @{escape(user.username)}" if user.username else ""
        lines.append(f"• {escape(user.display_name)}{handle} · <code>{user.id}</code>")
    lines.append("\n" + _("Use /approve &lt;id or @username&gt; or the buttons on each request."))
    return "\n".join(lines)


def unknown_user(target: str) -> str:
    """``target`` as an owner typed it: escaped here."""
    return _("I don't know {target}: they must open a chat with me first.").format(
        target=escape(target)
    )


# --- listings -----------------------------------------------------------------------------

LISTING_EXPIRED: Final = Text(
    "⏹ Your listing ended at {until} and was removed from the group.",
)
"""Fill ``until``."""
WENT_LIVE: Final = Text(
    "🟢 You are live! Your listing is in the group until <b>{until}</b>.",
)
"""Fill ``until``."""
LISTING_ENDED_NOTICE: Final = Text(
    "⏹ This listing has ended.",
)
"""What an ended post says when Telegram no longer lets the bot delete it."""
CHOOSE_DURATION: Final = Text(
    "🟢 For how long are you available? Your listing is removed automatically.",
)
LISTING_ENDED: Final = Text(
    "⏹ Your listing was ended and is being removed from the group.",
)
NEED_COMPLETE_PROFILE: Final = Text(
    "Finish your profile first: tap <b>Create profile</b> to continue it.",
)
NO_GROUP: Final = Text(
    "No group is configured for listings yet. Please tell the group's owners.",
)
POST_FAILED: Final = Text(
    "Sorry, I could not post your listing to the group. Please try again in a minute.",
)
BAD_DURATION: Final = Text(
    "Please choose one of the offered durations.",
)
PROFILE_NOT_AVAILABLE: Final = Text(
    "This profile is not available right now.",
)


def listing_reminder(until: str, left: timedelta) -> str:
    return _("⏳ Your listing ends at <b>{until}</b> (in {left}). Extend it with one tap:").format(
        until=until, left=duration_text(left, CURRENT)
    )


def live_status(until: str, left: timedelta) -> str:
    return _(
        "🟢 You are <b>live</b> in the group until <b>{until}</b> ({left} left). Extend or end it:"
    ).format(until=until, left=duration_text(left, CURRENT))


def extended(until: str, *, capped: bool) -> str:
    text = _("⏩ Extended: you are live until <b>{until}</b>.").format(until=until)
    if capped:
        text += " " + _(
            "That is the longest a listing can stay: Telegram lets bots remove posts only "
            "within 48 hours."
        )
    return text


def cleanup_failed(messages: list[tuple[int, int]], error: str) -> str:
    where = ", ".join(f"{chat}/{message}" for chat, message in messages[:10])
    return _(
        "⚠️ I could not remove an ended listing from the group and could not mark it as "
        "ended. Please delete it by hand: {where}\nTelegram said: {error}"
    ).format(where=escape(where), error=escape(error))


PROFILE_FOR_MEMBERS: Final = Text(
    "This profile is for members of the group.",
)
"""A profile link opened by someone who is not in the group."""
OWN_PROFILE_HEADING: Final = Text(
    "Your own profile, as members of the group see it while you are live.",
)
"""Above her own profile opened through her link: a plain line, no markup."""


def ambiguous_username(target: str, user_ids: list[int]) -> str:
    """``target`` as an owner typed it (escaped here); ``user_ids`` the accounts it matches."""
    ids = ", ".join(f"<code>{user_id}</code>" for user_id in user_ids)
    return _(
        "More than one account was known as {target}, so I did nothing. Send the command "
        "again with the id of the right one: {ids}"
    ).format(target=escape(target), ids=ids)


def telegram_contact_not_hers(username: str) -> str:
    """Someone typed a username other than her own (``username``) as her Telegram contact."""
    return _(
        "Your Telegram contact can only be your own username, @{username}: nobody can list "
        "someone else's. Send it, or go back and choose another way to be contacted."
    ).format(username=escape(username))


# --- Only our group: the bot's access to its group, and groups it does not serve ----------

FOREIGN_GROUP_GOODBYE: Final = Text(
    "This bot serves a private community; it leaves now.",
)
"""The one line said in a group other than its own, before leaving it."""


def left_foreign_group(title: str, chat_id: int) -> str:
    """To the owners: someone added the bot to another group (``title`` escaped here)."""
    return _(
        "ℹ️ I was added to “{title}” (id <code>{chat_id}</code>) and left it: I serve only "
        "the group set in TARGET_GROUP_ID."
    ).format(title=escape(title), chat_id=chat_id)


GROUP_ABSENT: Final = Text(
    "⚠️ I am not in the group, so models cannot go live. Add me to the group as an "
    "administrator with the “Delete messages” right.",
)
GROUP_NOT_ADMIN: Final = Text(
    "⚠️ I am in the group but not an administrator, so models cannot go live: I need the "
    "“Delete messages” right to keep the group clean. Make me an administrator with that right.",
)
GROUP_NO_DELETE_RIGHT: Final = Text(
    "⚠️ I am an administrator of the group without the “Delete messages” right, so models "
    "cannot go live until I have it back; listings that are live stay until they end. Give me "
    "that right.",
)
GROUP_READY_AGAIN: Final = Text(
    "✅ I am an administrator of the group with the “Delete messages” right again: models can "
    "go live.",
)
GROUP_POSTS_LEFT_BEHIND: Final = Plural(
    "{count} message I posted there may still be visible (listings included): please delete "
    "it by hand.",
    "{count} messages I posted there may still be visible (listings included): please delete "
    "them by hand.",
)
"""Added to `GROUP_ABSENT` when the bot was removed while its posts were up."""
LISTING_ENDED_GROUP_LOST: Final = Text(
    "⏹ Your listing ended: the bot lost access to the group. The owners have been told and "
    "asked to remove your post.",
)
GO_LIVE_GROUP_ABSENT: Final = Text(
    "You cannot go live right now: the bot is not in the group. The owners have been told; "
    "try again later.",
)
GO_LIVE_NO_DELETE_RIGHT: Final = Text(
    "You cannot go live right now: the bot is missing a right it needs in the group. The "
    "owners have been told; try again later.",
)
# --- Deleting and exporting her data (docs/deletion.md) ---------------------------------------

EXPORT_CAPTION: Final = Text(
    "📦 Everything this bot stores about you, as of now: your account, profile, services, "
    "photo and video ids, listings and the log entries about you. The file was made for you "
    "just now and is not kept.",
)
ERASE_KEPT: Final = Text(
    "<b>Kept:</b> your Telegram id and whether the owners approved you, so their decision "
    "stands, and the log of what happened, which holds no details of yours. If you write to "
    "me again, I see your Telegram name again, as with anyone.",
)
ERASE_CANCELLED: Final = Text(
    "Nothing was deleted.",
)
ERASE_NOTHING: Final = Text(
    "There is nothing of yours left to delete.",
)
ERASED_POSTS: Final = Text(
    "Your post leaves the group within a minute.",
)
_PHOTOS: Final = Plural("{count} photo", "{count} photos")
_VIDEOS: Final = Plural("{count} video", "{count} videos")
_SERVICES: Final = Plural("{count} service you offer", "{count} services you offer")
_LISTINGS: Final = Plural("the record of {count} listing", "the records of {count} listings")


def _held(held: Holdings) -> list[str]:
    """One line for each kind of thing she has, in the words both messages share."""
    lines: list[str] = []
    if held.profile:
        profile = _("your draft profile") if held.draft else _("your profile")
        photos, videos = (
            _PHOTOS(held.photos, count=held.photos),
            _VIDEOS(held.videos, count=held.videos),
        )
        if held.photos and held.videos:
            gallery = _("{photos} and {videos}").format(photos=photos, videos=videos)
            profile = _("{profile} with {gallery}").format(profile=profile, gallery=gallery)
        elif held.photos or held.videos:
            gallery = photos if held.photos else videos
            profile = _("{profile} with {gallery}").format(profile=profile, gallery=gallery)
        lines.append(profile)
    if held.services:
        lines.append(_SERVICES(held.services, count=held.services))
    if held.live_listings:
        lines.append(_("your live listing and its post in the group"))
    elif held.posts:
        lines.append(_("your listing's post in the group"))
    if held.listings:
        lines.append(_LISTINGS(held.listings, count=held.listings))
    if held.conversations or held.draft:
        lines.append(_("your drafts and saved wizard progress"))
    lines.append(_("your name, username and language in our records"))
    return [f"• {line}" for line in lines]


def erase_confirmation(held: Holdings) -> str:
    """Exactly what "Delete everything" removes, and that it is final."""
    heading = _("<b>Delete your data?</b> This removes:")
    final = _("<b>This cannot be undone.</b>")
    return "\n".join([heading, *_held(held), "", final, "", ERASE_KEPT()])


def erased(held: Holdings) -> str:
    """What was removed, and what is kept."""
    heading = _("🗑 <b>Deleted.</b> Removed:")
    parts = [heading, *_held(held)]
    if held.posts:
        parts += ["", ERASED_POSTS()]
    return "\n".join([*parts, "", ERASE_KEPT()])


# --- The group outbox (go-live queue, post up, stray posts) ----------------------------------

QUEUE_ESTIMATE: Final = Text(
    "Your post appears in the group in about {seconds} s (number {position} in the queue).",
)
"""Fill ``seconds`` and ``position``; added to the go-live answer."""
POST_UP: Final = Text(
    "📣 Your listing is up in the group now.",
)
STRAY_POST: Final = Text(
    "⚠️ A listing post may have been left in the group after a failed send. Please look at "
    "the messages from here on and delete a stray listing by hand: {link}",
)
"""Fill ``link`` (a link to the first message that may be it)."""
