"""A Telegram contact is her own username, in any case; nobody else's."""

from __future__ import annotations

import pytest

from available_now.domain.validation import (
    NotOwnUsernameError,
    ValidationProblem,
    same_telegram_username,
    validate_own_telegram_username,
)


def test_usernames_are_compared_without_case() -> None:
    assert same_telegram_username("Sophie_X", "sophie_x")
    assert not same_telegram_username("sophie_x", "sophie_y")
    assert not same_telegram_username(None, None)
    assert not same_telegram_username("sophie_x", None)


@pytest.mark.parametrize(
    "typed", ["Sophie_X", "@sophie_x", "  @SOPHIE_X ", "https://t.me/sophie_X", "t.me/sophie_x/"]
)
def test_her_own_username_is_taken_as_telegram_spells_it(typed: str) -> None:
    assert validate_own_telegram_username(typed, "Sophie_X") == "Sophie_X"


@pytest.mark.parametrize("own", ["Sophie_X", None])
def test_anyone_elses_username_is_refused(own: str | None) -> None:
    with pytest.raises(NotOwnUsernameError):
        validate_own_telegram_username("@sophie_y", own)


def test_what_is_no_username_is_explained_first() -> None:
    with pytest.raises(ValidationProblem, match="5 to 32"):
        validate_own_telegram_username("@abc", "Sophie_X")
