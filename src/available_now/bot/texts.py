"""What the bot says in messages (Telegram HTML), in the reader's language.

A fixed message is a `Text`, translated when it is called (the locale belongs to the update),
so a forgotten translation is a type error, not English slipping through. Messages that escape
values from users or join pieces are functions that translate as they build. Button popups are
plain text and live in `alerts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo
from html import escape
from typing import Final

from available_now.bot.i18n import CURRENT, Plural, Text, _
from available_now.domain.audit import AuditAction
from available_now.domain.listings import WEEKDAYS, clock_time, duration_text
from available_now.domain.personal_data import Holdings
from available_now.domain.reports import ReportReason, ReportStatus
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


def already_decided(user: UserAccount) -> str:
    """A request's button pressed after it was decided (by another owner, or by command):
    nobody is named, since the owner who pressed decided nothing."""
    who = f"{escape(user.display_name)} (<code>{user.id}</code>)"
    return _("{who}: already decided; nothing changed.").format(who=who)


VERDICTS: Final[Mapping[str, Text]] = {
    "approved": Text("approved"),
    "rejected": Text("rejected"),
    "revoked": Text("revoked"),
    "unchanged": Text("unchanged"),
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


# --- Reports and moderation (docs/moderation.md) ------------------------------------------

REPORT_REASONS: Final[Mapping[ReportReason, Text]] = {
    ReportReason.FAKE_PHOTOS: Text("🖼 Fake or stolen photos"),
    ReportReason.SCAM: Text("💸 Scam"),
    ReportReason.SAFETY: Text("⚠️ Safety concern"),
    ReportReason.UNDERAGE: Text("🔞 Underage concern"),
    ReportReason.OTHER: Text("✏️ Other"),
}
"""Each reason's words, on the member's buttons and in the owners' report alike."""


def report_reason_prompt(name: str) -> str:
    """``name`` is her profile's name (escaped here)."""
    return _(
        "🚩 <b>Report {name}'s listing</b>\n\nWhat is wrong? The owners of the group will "
        "look at it. She is not told who reported her."
    ).format(name=escape(name))


REPORT_NOTE_PROMPT: Final = Text(
    "In a few words, what is wrong? (at most {limit} characters; /cancel stops)",
)
"""Fill ``limit``."""
REPORT_NOTE_TOO_LONG: Final = Text(
    "That is too long: please keep it to {limit} characters.",
)
"""Fill ``limit``."""
REPORT_FILED: Final = Text(
    "✅ Thank you. The owners have your report; she is not told who sent it.",
)
REPORT_ALREADY_FILED: Final = Text(
    "You have already reported this listing. The owners have it.",
)
REPORT_TOO_SOON: Final = Text(
    "You have just reported a listing. You can report again from {when}.",
)
"""Fill ``when``: a time in the group's zone."""
REPORT_NOT_LIVE: Final = Text(
    "This listing is no longer in the group, so there is nothing to report.",
)
REPORT_OWN_LISTING: Final = Text(
    "This is your own listing.",
)


def report_for_owners(
    report_id: int,
    name: str,
    model: UserAccount,
    until: str | None,
    reason: ReportReason,
    note: str | None,
    count: int,
) -> str:
    """What each owner gets at once (and again in the panel while it is open); ``name`` and
    ``note`` come from people (escaped here), ``until`` is None once her listing has ended.

    The reporter is not named: reports are anonymous, to the owners as to her."""
    handle = f" @{escape(model.username)}" if model.username else ""
    listing = (
        _(
            "Listing: <b>{name}</b> ({account}{handle}, id <code>{user_id}</code>), live until "
            "{until}"
        )
        if until is not None
        else _(
            "Listing: <b>{name}</b> ({account}{handle}, id <code>{user_id}</code>), no longer live"
        )
    )
    lines = [
        _("🚩 <b>Report #{id}</b>").format(id=report_id),
        listing.format(
            name=escape(name),
            account=escape(model.display_name),
            handle=handle,
            user_id=model.id,
            until=until,
        ),
        _("Reason: {reason}").format(reason=REPORT_REASONS[reason]()),
    ]
    if note:
        lines.append(_("Note: <i>{note}</i>").format(note=escape(note)))
    lines.append(_REPORT_COUNT(count, count=count))
    return "\n".join(lines)


_REPORT_COUNT: Final = Plural(
    "This listing has {count} report.", "This listing has {count} reports."
)
REPORT_DECISIONS: Final[Mapping[ReportStatus, Text]] = {
    ReportStatus.REMOVED: Text("✅ Listing removed by {owner}."),
    ReportStatus.WARNED: Text("✅ Model warned by {owner}."),
    ReportStatus.BANNED: Text("✅ Model banned by {owner}."),
    ReportStatus.DISMISSED: Text("✅ Dismissed by {owner}."),
}
"""Fill ``owner``: appended to the report once decided."""
REPORT_HANDLED_ELSEWHERE: Final = Text(
    "☑️ Already handled. Nothing changed.",
)
CONFIRM_REMOVE: Final = Text(
    "Remove this listing from the group now? This cannot be undone.",
)
CONFIRM_BAN_FROM_REPORT: Final = Text(
    "Ban this model? Her listing ends now and she cannot go live or ask for access again "
    "until an owner uses /unban.",
)
MODEL_LISTING_REMOVED: Final = Text(
    "Your listing was taken down by the group's owners after a review. If you think this was "
    "a mistake, contact them.",
)
MODEL_WARNED: Final = Text(
    "A note from the group's owners: your listing was reviewed. Please make sure your profile "
    "and listing follow the group's rules.",
)
MODEL_BANNED: Final = Text(
    "The group's owners have ended your access: you can no longer go live or ask for access. "
    "Your data is still yours: /mydata exports or deletes it.",
)
MODEL_UNBANNED: Final = Text(
    "The group's owners have restored your access. /start opens the menu.",
)
MODERATION_USAGE: Final = Text(
    "Usage: /{command} &lt;user id or @username&gt;",
)
"""Fill ``command``."""


def confirm_ban(user: UserAccount) -> str:
    who = f"{escape(user.display_name)} (<code>{user.id}</code>)"
    return _(
        "Ban {who}? Her listing ends now and she cannot go live or ask for access again until "
        "an owner uses /unban. She can still export and delete her data."
    ).format(who=who)


def moderated(user: UserAccount, what: Text, owner: UserAccount) -> str:
    """``what`` is one of `MODERATION_VERDICTS`."""
    who = f"{escape(user.display_name)} (<code>{user.id}</code>)"
    return _("{who}: {verdict} by {owner}.").format(
        who=who, verdict=what(), owner=escape(owner.display_name)
    )


MODERATION_VERDICTS: Final[Mapping[str, Text]] = {
    "banned": Text("banned"),
    "unbanned": Text("unbanned"),
    "hidden": Text("hidden from /available"),
    "shown": Text("shown in /available again"),
}
OWNER_NOT_BANNABLE: Final = Text(
    "Owners cannot be banned. Nothing changed.",
)
ALREADY_BANNED: Final = Text(
    "Already banned. Nothing changed.",
)
NOT_BANNED: Final = Text(
    "Not banned. Nothing changed.",
)
ALREADY_HIDDEN: Final = Text(
    "Already hidden from /available. Nothing changed.",
)
NOT_HIDDEN: Final = Text(
    "Not hidden. Nothing changed.",
)
NO_PROFILE_TO_HIDE: Final = Text(
    "There is no profile to hide. Nothing changed.",
)
NOTHING_CHANGED: Final = Text(
    "Nothing changed.",
)
# --- The owners' console: owner home, /id, /audit, /models, /stats ------------------------

ACCESS_OWNERS_ASKED: Final = Text(
    "The owners have been asked; you will hear back here.",
)
"""Her request is stored, but no owner could be reached yet: it waits in their panel."""
HELP_MEMBER: Final = Text(
    "<b>How Available Now works</b>\n\n"
    "Models approved by the group's owners build a profile here and tell the group when "
    "they are available. To become one, tap <b>Request access</b> in the menu.\n\n"
    "Commands: /start opens the menu, /mydata shows or deletes what I keep about you, "
    "/language changes the language, /id shows your Telegram id, /help shows this.",
)
HELP_OWNER: Final = Text(
    "<b>For owners</b>\n\n"
    "/start opens your owner panel: waiting requests, who is live, and your tools.\n"
    "/pending lists the waiting requests; /approve, /reject and /revoke take an id or "
    "@username.\n"
    "/models lists the approved models; /stats shows the group's figures.\n"
    "/audit shows the audit trail (/audit &lt;id or @username&gt; for one person), with a "
    "CSV export.\n"
    "/ban and /unban, /hide and /unhide take an id or @username; members' reports reach you "
    "here with their buttons.\n"
    "/id shows your id in private, and the group's id in the group.",
)
YOUR_ID: Final = Text(
    "Your Telegram user id is <code>{user_id}</code>.",
)
"""Fill ``user_id``."""
GROUP_ID: Final = Text(
    "This group's id is <code>{chat_id}</code> (the value for TARGET_GROUP_ID).",
)
"""Fill ``chat_id``."""
GROUP_RIGHTS_READY: Final = Text(
    "✅ I have the rights I need here.",
)
GROUP_RIGHTS_UNKNOWN: Final = Text(
    "I could not check my rights here just now.",
)
FOREIGN_GROUP_GOODBYE_WITH_ID: Final = Text(
    "This bot serves a private community; it leaves now. This group's id is "
    "<code>{chat_id}</code>.",
)
"""The one line in another group when someone asked for its id (or none is set yet)."""
AUDIT_EMPTY: Final = Text(
    "Nothing is recorded yet.",
)
AUDIT_EXPORT_CAPTION: Final = Text(
    "The audit trail as CSV: ids, actions and their details, never names or contact details.",
)
AUDIT_BY_BOT: Final = Text(
    "the bot",
)

AUDIT_SENTENCES: Final[Mapping[AuditAction, Text]] = {
    AuditAction.REGISTER_USER: Text("{actor} opened the bot for the first time"),
    AuditAction.UPDATE_USER: Text("{actor}'s Telegram name or username changed"),
    AuditAction.SET_LANGUAGE: Text("{actor} changed the language"),
    AuditAction.APPROVE_USER: Text("{actor} approved {target}"),
    AuditAction.REVOKE_USER: Text("{actor} revoked {target}"),
    AuditAction.REQUEST_ACCESS: Text("{actor} asked for access"),
    AuditAction.REJECT_ACCESS: Text("{actor} rejected {target}"),
    AuditAction.CREATE_PROFILE: Text("{actor} started a profile"),
    AuditAction.COMPLETE_PROFILE: Text("{actor} completed her profile"),
    AuditAction.UPDATE_PROFILE: Text("{actor}'s profile was changed"),
    AuditAction.DELETE_PROFILE: Text("{actor} deleted her profile"),
    AuditAction.ADD_SERVICE: Text("{actor} added a service"),
    AuditAction.UPDATE_SERVICE: Text("{actor} changed a service"),
    AuditAction.REMOVE_SERVICE: Text("{actor} removed a service"),
    AuditAction.ADD_MEDIA: Text("{actor} added a photo or video"),
    AuditAction.REMOVE_MEDIA: Text("{actor} removed a photo or video"),
    AuditAction.REORDER_MEDIA: Text("{actor} reordered her gallery"),
    AuditAction.MARK_AVAILABLE: Text("{actor} went live for {hours} h"),
    AuditAction.EXTEND_LISTING: Text("{actor} extended her listing by {hours} h"),
    AuditAction.END_LISTING: Text("{target}'s listing ended ({actor})"),
    AuditAction.EXPIRE_LISTING: Text("{target}'s listing expired"),
    AuditAction.DELETE_LISTING: Text("a listing's post was removed from the group"),
    AuditAction.MESSAGE_DELETE_FAILED: Text("a message could not be removed from the group"),
    AuditAction.APPLY_RETENTION: Text("old data was removed (retention)"),
    AuditAction.ENCRYPT_PLAINTEXT_DETAILS: Text("stored contact details were encrypted"),
    AuditAction.ROTATE_DATA_KEY: Text("the data key was rotated"),
    AuditAction.ABANDON_DELETIONS: Text("pending removals were given up"),
    AuditAction.ERASE_USER: Text("{actor} erased {target}'s data"),
    # Reporters stay anonymous in the owners' views too; the row keeps who it was.
    AuditAction.REPORT_LISTING: Text("a member reported {target}'s listing"),
    AuditAction.DECIDE_REPORT: Text("{actor} decided on a report about {target}"),
    AuditAction.WARN_USER: Text("{actor} warned {target}"),
    AuditAction.BAN_USER: Text("{actor} banned {target}"),
    AuditAction.UNBAN_USER: Text("{actor} lifted the ban on {target}"),
    AuditAction.HIDE_PROFILE: Text("{actor} hid {target} from /available"),
    AuditAction.UNHIDE_PROFILE: Text("{actor} showed {target} in /available again"),
}
"""Each audited action as a sentence; ``actor`` and ``target`` are people, ``hours`` a number.
An action missing here shows under its own name."""
_AUDIT_ENDED_HER_OWN: Final = Text("{actor} ended her listing")


def audit_person(user_id: int | None, people: Mapping[int, UserAccount]) -> str:
    """ "Sophie (<code>id</code>)"; the id alone for someone forgotten; the bot for no one."""
    if user_id is None:
        return AUDIT_BY_BOT()
    account = people.get(user_id)
    name = account.display_name if account is not None else ""
    if not name or name == str(user_id):
        return f"<code>{user_id}</code>"
    return f"{escape(name)} (<code>{user_id}</code>)"


def audit_time(moment: datetime, zone: tzinfo, now: datetime) -> str:
    """`Sat 21:04` within the last week, the date before that; in the group's zone."""
    local = moment.astimezone(zone)
    if now - moment < timedelta(days=6):
        return f"{_(WEEKDAYS[local.weekday()])} {local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


def audit_line(
    action: str,
    actor_id: int | None,
    details: Mapping[str, object],
    people: Mapping[int, UserAccount],
    when: str,
) -> str:
    """One entry as a sentence: `Sat 21:04 · Sophie (id) went live for 2 h`."""
    target_id = details.get("target_user_id", details.get("user_id"))
    target = audit_person(target_id if isinstance(target_id, int) else None, people)
    actor = audit_person(actor_id, people)
    try:
        sentence = AUDIT_SENTENCES[AuditAction(action)]
    except (ValueError, KeyError):
        return f"{when} · {actor} · {escape(action)}"
    if action == AuditAction.END_LISTING and target_id == actor_id:
        sentence = _AUDIT_ENDED_HER_OWN
    hours = details.get("hours")
    text = sentence(actor=actor, target=target, hours=hours if isinstance(hours, int) else "?")
    if text[:1].islower():
        text = text[:1].upper() + text[1:]
    return f"{when} · {text}"


def audit_page(lines: list[str], *, about: str | None) -> str:
    heading = (
        _("📜 <b>Audit trail</b> about {who}").format(who=about)
        if about is not None
        else _("📜 <b>Audit trail</b>, newest first")
    )
    return "\n".join([heading, "", *(lines or [AUDIT_EMPTY()])])


OWNER_PANEL_HEADING: Final = Text(
    "🛡 <b>Owner panel</b>",
)
_WAITING_REQUESTS: Final = Plural(
    "🙋 {count} access request is waiting; it follows below.",
    "🙋 {count} access requests are waiting; they follow below.",
)
_LIVE_NOW: Final = Plural(
    "🟢 {count} listing is live now:",
    "🟢 {count} listings are live now:",
)
_OPEN_REPORTS: Final = Plural(
    "🚩 {count} report is open.",
    "🚩 {count} reports are open.",
)
NO_REQUESTS_WAITING: Final = Text(
    "🙋 No access requests are waiting.",
)
NOBODY_LIVE: Final = Text(
    "🟢 Nobody is live right now.",
)
OWNER_TOOLS: Final = Text(
    "Tools: /models · /stats · /audit · /pending · /id · /help",
)


def owner_panel(
    *,
    waiting: int,
    live: list[tuple[int, str, datetime]],
    live_total: int,
    open_reports: int | None,
    zone: tzinfo,
    now: datetime,
) -> str:
    """The owner's home: requests, who is live (``live``: id, profile name, until), reports."""
    lines = [OWNER_PANEL_HEADING(), ""]
    lines.append(_WAITING_REQUESTS(waiting, count=waiting) if waiting else NO_REQUESTS_WAITING())
    if live_total:
        lines.append(_LIVE_NOW(live_total, count=live_total))
        for user_id, name, until in live:
            when = clock_time(until, zone, now=now, translator=CURRENT)
            lines.append(
                "• "
                + _("{name} (<code>{user_id}</code>) until {until}").format(
                    name=escape(name), user_id=user_id, until=when
                )
            )
        if live_total > len(live):
            lines.append(_("… and {count} more.").format(count=live_total - len(live)))
    else:
        lines.append(NOBODY_LIVE())
    if open_reports is not None:
        lines.append(_OPEN_REPORTS(open_reports, count=open_reports))
    return "\n".join([*lines, "", OWNER_TOOLS()])


def models_page(
    rows: list[tuple[UserAccount, datetime | None, int | None]],
    *,
    page: int,
    pages: int,
    total: int,
    zone: tzinfo,
    now: datetime,
) -> str:
    """``rows``: each model, until when she is live (or None), her open reports (or None)."""
    if not total:
        return _("No model is approved yet.")
    lines = [
        _("👥 <b>Approved models</b>: {total} · page {page} of {pages}").format(
            total=total, page=page + 1, pages=pages
        ),
        "",
    ]
    for account, live_until, reports in rows:
        parts = [audit_person(account.id, {account.id: account})]
        if account.username:
            parts[0] += f" @{escape(account.username)}"
        parts.append(
            _("live until {until}").format(
                until=clock_time(live_until, zone, now=now, translator=CURRENT)
            )
            if live_until is not None
            else _("not live")
        )
        seen = account.last_seen_at
        parts.append(
            _("last active {day}").format(day=f"{seen.astimezone(zone):%Y-%m-%d}")
            if seen is not None
            else _("never active")
        )
        if reports is not None:
            parts.append(_("open reports: {count}").format(count=reports))
        lines.append("• " + " · ".join(parts))
    return "\n".join(lines)


def group_stats(
    *,
    approved: int,
    live_now: int,
    today: int,
    this_week: int,
    median_duration: timedelta | None,
    peak_hour: int | None,
    open_reports: int | None,
) -> str:
    lines = [
        _("📊 <b>The group in figures</b>"),
        "",
        _("Models approved: {count}").format(count=approved),
        _("Live now: {count}").format(count=live_now),
        _("Listings today: {count}").format(count=today),
        _("Listings this week: {count}").format(count=this_week),
        _("Median time live (30 days): {duration}").format(
            duration=duration_text(median_duration, CURRENT) if median_duration else "–"
        ),
        _("Busiest hour (30 days): {hour}").format(
            hour=f"{peak_hour:02d}:00–{peak_hour:02d}:59" if peak_hour is not None else "–"
        ),
    ]
    if open_reports is not None:
        lines.append(_("Open reports: {count}").format(count=open_reports))
    return "\n".join(lines)


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
