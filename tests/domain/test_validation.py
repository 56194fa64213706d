"""What a model types in the profile wizard: cleaned when it is fine, a clear answer when not."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest

from available_now.domain.validation import (
    FIELD_LIMITS,
    MAX_SOCIAL_LINKS,
    ValidationProblem,
    format_phone_for_display,
    validate_email,
    validate_phone,
    validate_social_links,
    validate_telegram_username,
    validate_text,
)


def problem(call: object, *args: str) -> str:
    assert callable(call)
    with pytest.raises(ValidationProblem) as caught:
        call(*args)
    message = str(caught.value)
    assert not any(char in message for char in "<>&"), "messages are sent in HTML parse mode"
    return message


# --- free text ------------------------------------------------------------------------------


def test_text_is_trimmed_and_blank_runs_are_collapsed() -> None:
    raw = "  Warm and discreet.  \r\n\n\n\n\n\nSpeaks French.\t\n  "
    assert validate_text("about", raw) == "Warm and discreet.\n\n\nSpeaks French."


def test_two_blank_lines_are_kept() -> None:
    assert validate_text("about", "One\n\n\nTwo") == "One\n\n\nTwo"


def test_tabs_and_emoji_are_fine() -> None:
    assert validate_text("rates", "1 h\t200 £ 💋") == "1 h\t200 £ 💋"


@pytest.mark.parametrize("field", sorted(FIELD_LIMITS))
def test_every_field_takes_its_limit_and_refuses_one_more(field: str) -> None:
    limit = FIELD_LIMITS[field]
    if field == "social_links":
        fits = "\n".join(["@" + "s" * 49] + ["@" + "s" * 48] * (MAX_SOCIAL_LINKS - 1))
    else:
        fits = "x" * limit
    assert validate_text(field, fits) == fits
    message = problem(validate_text, field, fits + "y")
    assert "too long" in message
    assert f"{limit} characters at most (you sent {limit + 1})" in message


def test_the_name_limit_reads_naturally() -> None:
    assert problem(validate_text, "name", "S" * 131) == (
        "That name is too long: 64 characters at most (you sent 131)."
    )


def test_length_is_counted_after_cleaning() -> None:
    assert validate_text("name", "  " + "S" * 64 + "  \n") == "S" * 64


@pytest.mark.parametrize("raw", ["", "   ", "\n\n\t \n"])
def test_empty_text_is_refused(raw: str) -> None:
    assert problem(validate_text, "about", raw).startswith("Please send some text")


@pytest.mark.parametrize("raw", ["Sophie\x00", "So\x07phie", "Soph\x1bie"])
def test_control_characters_are_refused(raw: str) -> None:
    assert "control characters" in problem(validate_text, "name", raw)


def test_the_name_is_one_line() -> None:
    assert problem(validate_text, "name", "Sophie\nLondon") == (
        "Please keep your name on a single line."
    )


def test_an_unknown_field_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        validate_text("favourite_colour", "blue")


# --- social links ---------------------------------------------------------------------------


def test_social_links_are_kept_as_typed() -> None:
    raw = "https://instagram.com/sophie\n@sophie_x on X\n\nOnlyFans: sophie\n@sophie (TikTok)"
    assert validate_social_links(raw) == raw


def test_the_wizard_checks_links_through_validate_text() -> None:
    assert "Line 1" in problem(validate_text, "social_links", "just some words")


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ("hello there", 1),
        ("@sophie\nmy website", 2),
        ("@sophie\n\nmy website", 3),
        ("https://\n", 1),
        ("https://exa mple.com", 1),
        ("ftp://example.com", 1),
    ],
)
def test_lines_that_are_not_links_are_named(raw: str, line: int) -> None:
    message = problem(validate_social_links, raw)
    assert message.startswith(f"Line {line} does not look like a link.")
    assert "https://" in message


def test_at_most_ten_links() -> None:
    links = "\n".join(f"@sophie{n}" for n in range(MAX_SOCIAL_LINKS))
    assert validate_social_links(links) == links
    assert problem(validate_social_links, links + "\n@one_more") == (
        "That is too many links: 10 at most (you sent 11)."
    )


# --- phone ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+44 20 7946 0958", "+442079460958"),
        ("+1 (415) 555-2671", "+14155552671"),
        ("0044 20 7946 0958", "+442079460958"),
        ("00 44 20 7946 0958", "+442079460958"),
        (" +44 (0)20 7946 0958 ", "+442079460958"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+49-30-901820", "+4930901820"),
    ],
)
def test_international_numbers_are_stored_in_e164(raw: str, e164: str) -> None:
    assert validate_phone(raw) == e164


@pytest.mark.parametrize("raw", ["020 7946 0958", "4155552671", "(415) 555-2671"])
def test_a_country_code_is_required(raw: str) -> None:
    message = problem(validate_phone, raw)
    assert "start with + and the country code" in message
    assert "+44 20 7946 0958" in message


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "country code"),
        ("+44 20 7946 095a", "only digits"),
        ("+44 <20>", "only digits"),
        ("+999 1234 5678", "country code"),
        ("+44 12", "too short"),
        ("+44 20 7946 0958 1234 5678", "too long"),
        ("+44 99 9999 9999", "not a valid phone number"),
        ("+", "phone number"),
    ],
)
def test_bad_numbers_are_explained(raw: str, words: str) -> None:
    assert words in problem(validate_phone, raw)


def test_phone_is_displayed_in_international_format() -> None:
    assert format_phone_for_display("+442079460958") == "+44 20 7946 0958"
    assert format_phone_for_display("+14155552671") == "+1 415-555-2671"
    assert format_phone_for_display("not a number") == "not a number"


# --- e-mail ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("sophie@example.com", "sophie@example.com"),
        ("  Sophie.X@Example.COM ", "Sophie.X@example.com"),
        ("sophie+vip@bücher.de", "sophie+vip@bücher.de"),
    ],
)
def test_email_is_normalised(raw: str, normalised: str) -> None:
    assert validate_email(raw) == normalised


@pytest.mark.parametrize(
    "raw", ["sophie", "sophie@", "@example.com", "a@@example.com", "so phie@example.com", "x@y"]
)
def test_bad_email_is_refused(raw: str) -> None:
    assert problem(validate_email, raw).startswith("That e-mail address does not look right.")


def test_empty_email_asks_for_one() -> None:
    assert "name@example.com" in problem(validate_email, "  ")


def test_email_problems_stay_html_safe() -> None:
    problem(validate_email, "<b>@example.com")


# --- Telegram username ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "@sophie_x",
        "sophie_x",
        " @sophie_x ",
        "https://t.me/sophie_x",
        "http://t.me/sophie_x/",
        "t.me/sophie_x",
        "https://telegram.me/sophie_x?start=hi",
    ],
)
def test_username_forms_give_the_bare_name(raw: str) -> None:
    assert validate_telegram_username(raw) == "sophie_x"


def test_username_keeps_its_case() -> None:
    assert validate_telegram_username("@Sophie_X") == "Sophie_X"


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "Please send your Telegram username"),
        ("@", "Please send your Telegram username"),
        ("@soph", "5 to 32 characters (you sent 4)"),
        ("@" + "s" * 33, "5 to 32 characters (you sent 33)"),
        ("@sophie-x", "only Latin letters, digits and underscores"),
        ("@sophié_x", "only Latin letters, digits and underscores"),
        ("@sophie x", "only Latin letters, digits and underscores"),
        ("@1sophie", "starts with a letter"),
        ("@_sophie", "starts with a letter"),
        ("@sophie_", "cannot end with an underscore"),
    ],
)
def test_bad_usernames_are_explained(raw: str, words: str) -> None:
    assert words in problem(validate_telegram_username, raw)


# --- in her language ------------------------------------------------------------------------


def test_a_problem_is_explained_in_the_readers_language_with_its_values() -> None:
    locales = Path(__file__).resolve().parents[2] / "src" / "available_now" / "locales"
    spanish = gettext.translation("messages", locales, languages=["es"])
    with pytest.raises(ValidationProblem) as caught:
        validate_text("about", "x" * (FIELD_LIMITS["about"] + 5))
    assert str(caught.value) == (
        "That text about you is too long: 1500 characters at most (you sent 1505)."
    )
    assert caught.value.explain(spanish) == (
        "Ese texto es demasiado largo (texto sobre ti): 1500 caracteres como máximo "
        "(has enviado 1505)."
    )
    assert caught.value.explain(gettext.NullTranslations()) == str(caught.value)
