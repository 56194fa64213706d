"""Translation: every user-visible word goes through these functions into gettext catalogs.

The catalogs live in `available_now/locales/<locale>/LC_MESSAGES/messages.po` (compiled to
`.mo`), extracted from the code with Babel (`make messages`; see docs/translating.md). aiogram's
`I18n` holds them and keeps the current update's locale in a context variable, which
`LocaleMiddleware` sets for every update. Outside an update (start-up, a worker's notice) the
caller picks the locale with `use_locale`; with no catalog context at all the English source
text is returned, so nothing ever fails for want of a translation.

Messages use named `{placeholders}` filled with `str.format` after translation, so translators
can move them; values from users are escaped by the caller before they are filled in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from aiogram.utils.i18n import I18n

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


def current_locale() -> str:
    i18n = _current()
    return DEFAULT_LOCALE if i18n is None else i18n.current_locale


@contextmanager
def use_locale(i18n: I18n, locale: str) -> Iterator[None]:
    """Speak ``locale`` inside the block, also outside an update (workers, start-up)."""
    with i18n.context(), i18n.use_locale(locale):
        yield
