"""Profile deep links: a random token per profile stands in for her Telegram id.

A link in a group post is seen by every member and can be forwarded anywhere. Carrying her user
id would tell everyone her Telegram account and let anyone walk through profiles by counting; a
random token says nothing about her and cannot be guessed. Rotating it (a new profile, revoked
access) makes every old link lead nowhere.
"""

from __future__ import annotations

import re
import secrets
from typing import Final

from available_now.domain.limits import START_PAYLOAD_LIMIT

LINK_TOKEN_BYTES: Final = 16
"""128 random bits: out of reach of guessing, even at Telegram's whole message rate."""

LINK_TOKEN_LENGTH: Final = 22
"""`secrets.token_urlsafe(16)` is 22 characters of A-Z, a-z, 0-9, `_` and `-`."""

PROFILE_PAYLOAD_PREFIX: Final = "p_"
"""What a `/start` payload opening a profile begins with; the token follows."""

REPORT_PAYLOAD_PREFIX: Final = "r_"
"""What a `/start` payload reporting her listing begins with; the same token follows."""

_TOKEN = re.compile(rf"[A-Za-z0-9_-]{{{LINK_TOKEN_LENGTH}}}")


def new_link_token() -> str:
    """A fresh, unguessable token for a profile's deep links."""
    return secrets.token_urlsafe(LINK_TOKEN_BYTES)


def profile_payload(token: str, prefix: str = PROFILE_PAYLOAD_PREFIX) -> str:
    """The `/start` payload that opens the profile with this token (or, with
    `REPORT_PAYLOAD_PREFIX`, reports her listing)."""
    payload = prefix + token
    if _TOKEN.fullmatch(token) is None or len(payload) > START_PAYLOAD_LIMIT:
        raise ValueError("not a profile link token")
    return payload


def token_from_payload(payload: str | None, prefix: str = PROFILE_PAYLOAD_PREFIX) -> str | None:
    """The token in a `/start` payload, or None when it is not one we could have made.

    The payload comes from whoever sent `/start`: anything else (an old link with a user id,
    a truncated or edited token) is refused here, before any lookup.
    """
    if not payload or not payload.startswith(prefix):
        return None
    token = payload.removeprefix(prefix)
    return token if _TOKEN.fullmatch(token) else None
