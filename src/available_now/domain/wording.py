"""How the domain's words reach people in their language, without the domain knowing gettext's
catalogs or Telegram.

Domain code marks its English source words with `N_` (so Babel extracts them) and renders
through a `Translator`, which the Telegram layer binds to the reader's locale. The standard
library's `gettext.NullTranslations` is one: it speaks the English source.
"""

from __future__ import annotations

import gettext
from typing import Final, Protocol


class Translator(Protocol):
    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


ENGLISH: Final[Translator] = gettext.NullTranslations()


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for "mark only"
    """Marks an English source word for the catalogs; it is translated where it is shown."""
    return message
