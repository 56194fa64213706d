"""Translation: every user-visible word goes through these functions into gettext catalogs.

The catalogs live in `available_now/locales/<locale>/LC_MESSAGES/messages.po` (compiled to
`.mo`), extracted from the code with Babel (`make messages`; see docs/translating.md). aiogram's
`I18n` holds them and keeps the current update's locale in a context variable, which
`LocaleMiddleware` sets for every update. Outside an update (start-up, a worker's notice) the
caller picks the locale with `use_locale`; with no catalog context at all the English source
text is returned, so nothing ever fails for want of a translation.

Messages use named `{placeholders}` filled with `str.format` after translation, so translators
can move them; values from users are escaped by the caller before they are filled in. A fixed
message is a `Text` (or a `Plural`) defined once and called where it is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Final, ParamSpec, TypeVar

from aiogram.utils.i18n import I18n
from babel import Locale, UnknownLocaleError

from available_now.config import ConfigError
from available_now.domain.users import UserAccount

LOCALES_DIR: Final = Path(__file__).resolve().parent.parent / "locales"
DEFAULT_LOCALE: Final = "en"
DOMAIN: Final = "messages"


def create_i18n(default_locale: str = DEFAULT_LOCALE) -> I18n:
    return I18n(path=LOCALES_DIR, default_locale=default_locale, domain=DOMAIN)


def _current() -> I18n | None:
    return I18n.get_current(no_error=True)


def _(message: str) -> str:
    """The message in the current locale."""
    i18n = _current()
    return message if i18n is None else i18n.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current locale (its own plural rules)."""
    i18n = _current()
    if i18n is None:
        return singular if n == 1 else plural
    return i18n.gettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for "mark only"
    """Marks a message for extraction where it is defined; `_` translates it where it is shown."""
    return message


@dataclass(frozen=True, slots=True)
class Text:
    """A message marked for the catalogs (Babel extracts ``Text("…")``), translated when called.

    Not a `str`, so a text sent without being called is a type error instead of English
    slipping through; ``WENT_LIVE(until="21:30")`` fills the named placeholders.
    """

    source: str

    def __call__(self, **values: object) -> str:
        message = _(self.source)
        return message.format(**values) if values else message


@dataclass(frozen=True, slots=True)
class Plural:
    """A message with a singular and a plural (``Plural:1,2`` for Babel), in the locale's forms.

    ``PHOTOS(n, count=n)`` picks the form for ``n`` and fills the named placeholders.
    """

    singular: str
    plural: str

    def __call__(self, n: int, /, **values: object) -> str:
        return ngettext(self.singular, self.plural, n).format(**values)


def current_locale() -> str:
    i18n = _current()
    return DEFAULT_LOCALE if i18n is None else i18n.current_locale


class _CurrentLocale:
    """A domain `Translator` that speaks whatever locale the current update has."""

    def gettext(self, message: str, /) -> str:
        return _(message)

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return ngettext(singular, plural, n)


CURRENT: Final = _CurrentLocale()

P = ParamSpec("P")
R = TypeVar("R")


def cache_per_locale(build: Callable[P, R]) -> Callable[P, R]:
    """`functools.cache` for things built from translated words: one entry per locale."""

    built: dict[Hashable, R] = {}

    @wraps(build)
    def lookup(*args: P.args, **kwargs: P.kwargs) -> R:
        key = (current_locale(), args, tuple(sorted(kwargs.items())))
        if key not in built:
            built[key] = build(*args, **kwargs)
        return built[key]

    return lookup


class Languages:
    """The languages the bot speaks, and which one each reader gets.

    In the group: ``GROUP_LANGUAGE``. In private: the language she chose with /language, else
    her Telegram app's when a catalog exists for it, else English.
    """

    def __init__(self, i18n: I18n, *, group_locale: str = DEFAULT_LOCALE) -> None:
        self.i18n = i18n
        others = sorted(set(i18n.available_locales) - {i18n.default_locale})
        self.available: tuple[str, ...] = (i18n.default_locale, *others)
        if group_locale not in self.available:
            raise ConfigError(
                f"GROUP_LANGUAGE: there is no catalog for {group_locale!r}; "
                f"available: {', '.join(self.available)}"
            )
        self.group = group_locale

    def supported(self, code: str | None) -> str | None:
        """The catalog for a tag such as Telegram's ``es`` or ``pt-br``, if there is one."""
        if not code:
            return None
        try:
            locale = Locale.parse(code.replace("_", "-"), sep="-")
        except (UnknownLocaleError, ValueError):
            return None
        for candidate in (str(locale), locale.language):
            if candidate in self.available:
                return candidate
        return None

    def for_account(self, account: UserAccount | None, telegram_code: str | None = None) -> str:
        """Her chosen language, else her app's (``telegram_code`` when fresher), else English."""
        if account is not None and account.language in self.available:
            return account.language
        app_language = telegram_code or (account.language_code if account else None)
        return self.supported(app_language) or self.i18n.default_locale

    @contextmanager
    def speaking(self, locale: str) -> Iterator[None]:
        """Speak ``locale`` inside the block, also outside an update (workers, start-up)."""
        with self.i18n.context(), self.i18n.use_locale(locale):
            yield

    def speaking_to(self, account: UserAccount | None) -> AbstractContextManager[None]:
        return self.speaking(self.for_account(account))
