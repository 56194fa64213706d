"""Checking what a model types in the profile wizard, with answers she can act on.

Every validator returns the cleaned value or raises :class:`ValidationProblem`, whose message is
shown to her in her language (`explain`). Messages never contain "<", ">" or "&", so they are
safe to send in HTML parse mode.
Lengths are counted in characters (code points), as she and the database count them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError
from email_validator import validate_email as _check_email

from available_now.domain.wording import N_, Translator

FIELD_LIMITS: Final[Mapping[str, int]] = MappingProxyType(
    {
        "name": 64,
        "about": 1500,
        "in_person_location": 120,
        "facetime_platforms": 120,
        "facetime_payment": 120,
        "custom_payment": 120,
        "custom_delivery": 120,
        "other_service": 300,
        "social_links": 500,
        "rates": 600,
        "disclaimer": 500,
    }
)
"""Most characters each free-text field may hold."""

_FIELD_NOUNS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "name": N_("name"),
        "about": N_("text about you"),
        "in_person_location": N_("location"),
        "facetime_platforms": N_("list of platforms"),
        "facetime_payment": N_("payment text"),
        "custom_payment": N_("payment text"),
        "custom_delivery": N_("delivery text"),
        "other_service": N_("service description"),
        "social_links": N_("list of links"),
        "rates": N_("rates text"),
        "disclaimer": N_("disclaimer"),
    }
)

MAX_BLANK_LINES: Final = 2
"""Longer runs of empty lines are collapsed to this many."""

MAX_SOCIAL_LINKS: Final = 10

_PHONE_EXAMPLE: Final = "+44 20 7946 0958"
_TELEGRAM_USERNAME: Final = re.compile(r"[A-Za-z0-9_]{5,32}")
_TELEGRAM_LINK: Final = re.compile(r"(?:https?://)?(?:www\.)?(?:t|telegram)\.me/", re.IGNORECASE)
_HANDLE_LINE: Final = re.compile(r"@[\w.]{1,64}(?:\s+(?:on|at)\s+\S.{0,40}|\s*\(\S.{0,40}\))?")
_PLATFORM_LINE: Final = re.compile(r"[^\W_][^:]{0,39}:\s*(?!//)\S{1,200}")
_KEPT_CONTROLS: Final = frozenset("\n\t")
_LINE_BREAKS: Final = re.compile(r"\r\n|[\r\u2028\u2029\x85]")
_BLANK_RUN: Final = re.compile("\n" * (MAX_BLANK_LINES + 2) + "+")


# The wizard speaks of problems the model fixes, not of errors in the program.
class ValidationProblem(ValueError):  # noqa: N818
    """Input the model must correct: a friendly sentence naming the rule.

    ``str()`` is the English sentence; `explain` gives it in the reader's language. Values that
    are words of ours (`Word`) are translated too; numbers and her own text are not.
    """

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message.format(**values))
        self.message = message
        self.values = values

    def explain(self, translator: Translator) -> str:
        values = {
            key: translator.gettext(value) if isinstance(value, Word) else value
            for key, value in self.values.items()
        }
        return translator.gettext(self.message).format(**values)


class Word(str):
    """An English word of ours inside a problem's sentence, translated with it."""

    __slots__ = ()


def _clean(raw: str, noun: str) -> str:
    """Normalise line breaks, trim each line's end, and refuse empty or control characters."""
    text = _LINE_BREAKS.sub("\n", raw)
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    if not text:
        raise ValidationProblem(N_("Please send some text for your {noun}."), noun=Word(noun))
    if any(unicodedata.category(char) == "Cc" and char not in _KEPT_CONTROLS for char in text):
        raise ValidationProblem(
            N_("That text contains invisible control characters. Please type it again.")
        )
    return _BLANK_RUN.sub("\n" * (MAX_BLANK_LINES + 1), text)


def _check_name(text: str) -> None:
    if "\n" in text:
        raise ValidationProblem(N_("Please keep your name on a single line."))


def _check_social_links(text: str) -> None:
    lines = {n: line.strip() for n, line in enumerate(text.split("\n"), start=1) if line.strip()}
    if len(lines) > MAX_SOCIAL_LINKS:
        raise ValidationProblem(
            N_("That is too many links: {limit} at most (you sent {count})."),
            limit=MAX_SOCIAL_LINKS,
            count=len(lines),
        )
    for number, line in lines.items():
        if not _is_social_link(line):
            raise ValidationProblem(
                N_(
                    "Line {number} does not look like a link. Send one per line: a web address "
                    "starting with https://, an @handle, or “platform: handle”."
                ),
                number=number,
            )


def _is_social_link(line: str) -> bool:
    if line.lower().startswith(("http://", "https://")):
        parts = urlsplit(line)
        return "." in parts.netloc and not any(char.isspace() for char in line)
    return bool(_HANDLE_LINE.fullmatch(line) or _PLATFORM_LINE.fullmatch(line))


_FIELD_RULES: Final[Mapping[str, Callable[[str], None]]] = MappingProxyType(
    {"name": _check_name, "social_links": _check_social_links}
)


def validate_text(field: str, raw: str) -> str:
    """A free-text profile field, cleaned and within ``FIELD_LIMITS[field]``.

    Raises ``KeyError`` for a field that has no limit: that is a programming error.
    """
    limit = FIELD_LIMITS[field]
    noun = _FIELD_NOUNS[field]
    text = _clean(raw, noun)
    if len(text) > limit:
        raise ValidationProblem(
            N_("That {noun} is too long: {limit} characters at most (you sent {count})."),
            noun=Word(noun),
            limit=limit,
            count=len(text),
        )
    rule = _FIELD_RULES.get(field)
    if rule is not None:
        rule(text)
    return text


def validate_social_links(raw: str) -> str:
    """One link per line (a URL, an @handle or "platform: handle"), kept as typed."""
    return validate_text("social_links", raw)


def validate_phone(raw: str) -> str:
    """An international phone number in E.164 (`+442079460958`); "00" counts as "+"."""
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text:
        raise ValidationProblem(
            N_("Please send your phone number with its country code, e.g. {example}."),
            example=_PHONE_EXAMPLE,
        )
    if not text.startswith("+"):
        raise ValidationProblem(
            N_(
                "Please include the country code: start with + and the country code, "
                "e.g. {example}."
            ),
            example=_PHONE_EXAMPLE,
        )
    if re.search(r"[^0-9\s()./-]", text[1:]):
        raise ValidationProblem(
            N_(
                "A phone number may contain only digits, spaces, brackets and dashes "
                "after the +, e.g. {example}."
            ),
            example=_PHONE_EXAMPLE,
        )
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as error:
        raise _phone_parse_problem(error) from None
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible == phonenumbers.ValidationResult.TOO_SHORT:
        raise ValidationProblem(_TOO_SHORT)
    if possible == phonenumbers.ValidationResult.TOO_LONG:
        raise ValidationProblem(_TOO_LONG)
    if not phonenumbers.is_valid_number(number):
        raise ValidationProblem(
            N_(
                "That is not a valid phone number for its country. Please check the country "
                "code and the digits."
            )
        )
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


_TOO_SHORT: Final = N_("That phone number is too short. Please check the digits.")
_TOO_LONG: Final = N_("That phone number is too long. Please check the digits.")


def _phone_parse_problem(error: phonenumbers.NumberParseException) -> ValidationProblem:
    kind = phonenumbers.NumberParseException
    if error.error_type == kind.INVALID_COUNTRY_CODE:
        return ValidationProblem(
            N_(
                "I do not recognise that country code. Start with + and the country code, "
                "e.g. {example}."
            ),
            example=_PHONE_EXAMPLE,
        )
    if error.error_type in (kind.TOO_SHORT_NSN, kind.TOO_SHORT_AFTER_IDD):
        return ValidationProblem(_TOO_SHORT)
    if error.error_type == kind.TOO_LONG:
        return ValidationProblem(_TOO_LONG)
    return ValidationProblem(
        N_("That does not look like a phone number. Please send it like {example}."),
        example=_PHONE_EXAMPLE,
    )


def format_phone_for_display(e164: str) -> str:
    """International format for reading (`+44 20 7946 0958`); anything unparsable is kept."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def validate_email(raw: str) -> str:
    """A syntactically valid e-mail address, normalised; the domain is not looked up."""
    text = raw.strip()
    if not text:
        raise ValidationProblem(N_("Please send your e-mail address, e.g. name@example.com."))
    try:
        result = _check_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationProblem(
            N_("That e-mail address does not look right. Please check it, e.g. name@example.com.")
        ) from None
    return str(result.normalized)


def validate_telegram_username(raw: str) -> str:
    """A username as "@name", "name" or a t.me link; returned without the "@".

    Telegram's rule: 5 to 32 characters of a-z, 0-9 and underscores, case-insensitive. Its apps
    also refuse a leading digit or underscore and a trailing underscore, so no real username
    has them.
    """
    text = raw.strip()
    link = _TELEGRAM_LINK.match(text)
    if link is not None:
        text = text[link.end() :].split("?", 1)[0].rstrip("/")
    text = text.removeprefix("@")
    if not text:
        raise ValidationProblem(N_("Please send your Telegram username, e.g. @sophie_x."))
    if not text.isascii() or not re.fullmatch(r"\w+", text, re.ASCII):
        raise ValidationProblem(
            N_("A Telegram username may contain only Latin letters, digits and underscores.")
        )
    if not _TELEGRAM_USERNAME.fullmatch(text):
        raise ValidationProblem(
            N_("A Telegram username has 5 to 32 characters (you sent {count})."), count=len(text)
        )
    if not text[0].isalpha():
        raise ValidationProblem(N_("A Telegram username starts with a letter."))
    if text.endswith("_"):
        raise ValidationProblem(N_("A Telegram username cannot end with an underscore."))
    return text


def same_telegram_username(first: str | None, second: str | None) -> bool:
    """Whether two usernames are one account's: Telegram ignores case (`Sophie_X` is
    `sophie_x`); no username matches nothing."""
    return first is not None and second is not None and first.casefold() == second.casefold()


class NotOwnUsernameError(ValueError):
    """A well-formed username that is not hers right now (or she has none): a model's Telegram
    contact can only be her own account, so nobody can list someone else's handle, and a
    handle she gave up cannot be claimed by a stranger while her listing still shows it.
    """


def validate_own_telegram_username(raw: str, own: str | None) -> str:
    """Her own current username typed as "@name", "name" or a t.me link, in any case;
    returned as Telegram spells it.

    Raises `ValidationProblem` for something that is no username, and `NotOwnUsernameError`
    for someone else's (the Telegram layer words that refusal).
    """
    typed = validate_telegram_username(raw)
    if own is None or not same_telegram_username(typed, own):
        raise NotOwnUsernameError
    return own
