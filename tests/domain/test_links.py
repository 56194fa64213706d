"""Profile link tokens: random, well-formed for Telegram, and strict about what they accept."""

from __future__ import annotations

import re

import pytest

from available_now.domain.limits import START_PAYLOAD_LIMIT
from available_now.domain.links import (
    LINK_TOKEN_BYTES,
    LINK_TOKEN_LENGTH,
    new_link_token,
    profile_payload,
    token_from_payload,
)

START_PAYLOAD = re.compile(r"[A-Za-z0-9_-]+")


def test_a_token_is_long_random_and_fits_a_start_payload() -> None:
    tokens = {new_link_token() for _ in range(2_000)}
    assert len(tokens) == 2_000
    assert LINK_TOKEN_BYTES >= 16
    for token in tokens:
        assert len(token) == LINK_TOKEN_LENGTH
        payload = profile_payload(token)
        assert START_PAYLOAD.fullmatch(payload)
        assert len(payload) <= START_PAYLOAD_LIMIT
        assert token_from_payload(payload) == token


def test_a_token_does_not_look_like_a_telegram_id() -> None:
    assert not any(new_link_token().isdigit() for _ in range(200))


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "",
        "p_",
        "p_5000000001",  # an old link with her user id
        "menu",
        "x_" + "a" * LINK_TOKEN_LENGTH,
        "p_" + "a" * (LINK_TOKEN_LENGTH - 1),
        "p_" + "a" * (LINK_TOKEN_LENGTH + 1),
        "p_" + "a" * (LINK_TOKEN_LENGTH - 1) + "=",
        "p_" + "a" * (LINK_TOKEN_LENGTH - 1) + "é",
        "p_" + "a" * LINK_TOKEN_LENGTH + "\n",
        "p_" + "a" * (LINK_TOKEN_LENGTH - 3) + "<b>",
    ],
)
def test_anything_we_could_not_have_made_is_refused(payload: str | None) -> None:
    assert token_from_payload(payload) is None


def test_a_bad_token_never_becomes_a_link() -> None:
    with pytest.raises(ValueError, match="not a profile link token"):
        profile_payload("")
    with pytest.raises(ValueError, match="not a profile link token"):
        profile_payload("5000000001")
