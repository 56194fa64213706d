"""Which language each reader gets, and a group language without a catalog."""

from __future__ import annotations

import pytest

from available_now.bot import keyboards, texts
from available_now.bot.i18n import Languages, create_i18n
from available_now.config import ConfigError
from available_now.domain.users import UserAccount

LANGUAGES = Languages(create_i18n())


def _account(language: str | None = None, language_code: str | None = None) -> UserAccount:
    return UserAccount(
        id=1,
        username=None,
        first_name="Ana",
        last_name=None,
        is_approved=False,
        language=language,
        language_code=language_code,
    )


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("es", "es"),
        ("es-MX", "es"),
        ("es_AR", "es"),
        ("en-GB", "en"),
        ("pt-br", None),
        ("ja", None),
        ("", None),
        (None, None),
        ("not a language!", None),
    ],
)
def test_telegram_language_codes_map_to_catalogs(code: str | None, expected: str | None) -> None:
    assert LANGUAGES.supported(code) == expected


def test_her_choice_wins_over_her_app_and_english_is_the_fallback() -> None:
    assert LANGUAGES.for_account(_account(language="en", language_code="es")) == "en"
    assert LANGUAGES.for_account(_account(language_code="es")) == "es"
    assert LANGUAGES.for_account(_account(language_code="es"), "en") == "en"
    assert LANGUAGES.for_account(_account(language="xx")) == "en"
    assert LANGUAGES.for_account(None) == "en"


def test_a_group_language_without_a_catalog_stops_start_up_with_one_line() -> None:
    with pytest.raises(ConfigError, match=r"GROUP_LANGUAGE: there is no catalog for 'pt'"):
        Languages(create_i18n(), group_locale="pt")


def test_texts_and_keyboards_follow_the_locale_they_are_built_in() -> None:
    with LANGUAGES.speaking("es"):
        spanish = keyboards.back_to_menu()
        assert texts.NO_GROUP().startswith("Todavía no hay ningún grupo")
    with LANGUAGES.speaking("en"):
        english = keyboards.back_to_menu()
        assert texts.NO_GROUP().startswith("No group is configured")
    assert spanish.inline_keyboard[0][0].text == "⬅️ Menú principal"
    assert english.inline_keyboard[0][0].text == "⬅️ Main menu"
    with LANGUAGES.speaking("es"):
        assert keyboards.back_to_menu() is spanish  # built once per language


def test_outside_any_update_the_english_source_is_spoken() -> None:
    assert texts.NOTHING_TO_CANCEL() == "There is nothing to cancel. /start opens the menu."
