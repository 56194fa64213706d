"""Telegram's hard limits, in one place so every layer checks the same numbers."""

from __future__ import annotations

from typing import Final

TEXT_LIMIT: Final = 4096
"""Characters of message text, counted after entity parsing."""

CAPTION_LIMIT: Final = 1024
"""Characters of a media caption, counted after entity parsing."""

CALLBACK_DATA_LIMIT: Final = 64
"""Bytes of an inline button's callback data."""

ALBUM_MIN: Final = 2
ALBUM_MAX: Final = 10

TELEGRAM_DELETE_WINDOW_HOURS: Final = 48
"""A bot may delete its own group messages only this long after sending them."""

START_PAYLOAD_LIMIT: Final = 64
"""Characters of a `t.me/<bot>?start=` payload, each one of A-Z, a-z, 0-9, `_` and `-`."""

DOCUMENT_LIMIT_BYTES: Final = 50 * 1024 * 1024
"""The largest file a bot may send (`sendDocument` uploads)."""
