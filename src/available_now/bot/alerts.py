"""What the bot says in button popups, in the reader's language.

Telegram shows callback answers as plain text, so nothing here may carry markup: a test reads
every catalog entry that comes from this module and fails on a tag or an entity.
"""

from __future__ import annotations

from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot.i18n import _


def show(answer: CallbackAnswer, text: str) -> None:
    """Answer the pressed button with a popup the person must dismiss."""
    answer.text, answer.show_alert = text, True


def stale_button() -> str:
    return _("This button is no longer active. Open the menu again with /start.")


def not_approved() -> str:
    return _(
        "Profiles are for models approved by the group's owners. "
        "Ask an owner to approve you, then come back."
    )


def error() -> str:
    return _("Sorry, something went wrong on my side. Please try again in a moment.")


def access_already_pending() -> str:
    return _("Your request is waiting for an owner's decision.")


def owners_only() -> str:
    return _("This is for the group's owners only.")


def unknown_user(target: str) -> str:
    return _("I don't know {target}: they must open a chat with me first.").format(target=target)


def need_service() -> str:
    return _("Please set up at least one service first.")


def no_profile() -> str:
    return _("You have no profile yet. Tap Create profile to start.")


def no_username() -> str:
    return _(
        "You have no Telegram username yet. Set one in Telegram: Settings → Username, "
        "then come back and tap the button, or choose another contact method."
    )


def media_gone() -> str:
    return _("That item is no longer in your gallery.")


def media_moved() -> str:
    return _("Moved ⬆️")


def media_cover() -> str:
    return _("This photo is now your cover ⭐")


def media_removed() -> str:
    return _("Removed 🗑")


def not_live() -> str:
    return _("You are not live right now.")


def access_request_too_soon(when: str) -> str:
    """``when``: the moment she may ask again, as a date and time."""
    return _("Your last request was not approved. You can ask again from {when}.").format(when=when)
