"""Validation of ``reply_markup`` the way Telegram rejects malformed keyboards."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .errors import bad_request

MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_DATA_BYTES = 64

_ACTION_FIELDS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def _valid_button_url(url: str) -> bool:
    if url.startswith("tg://"):
        return len(url) > len("tg://")
    parts = urlsplit(url if "://" in url else "http://" + url)
    if parts.scheme not in ("http", "https"):
        return False
    host = parts.hostname or ""
    if not host or " " in url:
        return False
    return "." in host or host == "localhost"


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    if "text" not in button:
        raise bad_request("can't parse inline keyboard button: Can't find field \"text\"")
    if not isinstance(button["text"], str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    actions = [name for name in _ACTION_FIELDS if button.get(name) not in (None, "")]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in actions:
        data = button["callback_data"]
        if not isinstance(data, str) or len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in actions:
        url = button["url"]
        if not isinstance(url, str) or not _valid_button_url(url):
            raise bad_request("BUTTON_URL_INVALID")


def validate_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Return the markup if Telegram would accept it, else raise the matching ApiError."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("object expected as reply markup")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'can\'t parse inline keyboard: field "inline_keyboard" must be an Array of Arrays'
            )
        count = 0
        for row in rows:
            for button in row:
                _check_inline_button(button)
                count += 1
        if count > MAX_INLINE_BUTTONS:
            raise bad_request("reply markup is too long")
        cleaned_rows = [row for row in rows if row]
        return {"inline_keyboard": cleaned_rows}
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('can\'t parse keyboard: field "keyboard" must be an Array of Arrays')
        for row in rows:
            for button in row:
                text = button.get("text") if isinstance(button, dict) else button
                if not isinstance(text, str):
                    raise bad_request(
                        'can\'t parse keyboard button: Field "text" must be of type String'
                    )
        return dict(markup)
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return dict(markup)
    raise bad_request("can't parse reply keyboard markup JSON object")


def inline_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [button for row in markup["inline_keyboard"] for button in row]
