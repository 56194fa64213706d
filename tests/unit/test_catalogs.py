"""The translation catalogs: complete, current, and safe to send.

A catalog that misses a text, drops a placeholder or breaks the HTML would show English,
raise `KeyError` or make Telegram refuse the message only when someone reaches that screen;
these tests find it before then.
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from available_now.bot.i18n import DOMAIN, LOCALES_DIR

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "Text": None, "Plural": (1, 2)}
"""gettext's own names, and the bot's `Text` and `Plural` (as `make messages` extracts)."""
PLACEHOLDER = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?([a-z]+)[^>]*>")


def _source_messages() -> dict[str | tuple[str, ...], set[str]]:
    """What the code marks for translation now, with the files each text comes from."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str | tuple[str, ...], set[str]] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        key = message if isinstance(message, str) else tuple(message)
        found.setdefault(key, set()).add(filename)
    return found


def _locales() -> list[str]:
    return sorted(
        path.parent.parent.name for path in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    )


def _catalog(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as po:
        return read_po(po, locale=locale)


def _pairs(message: Message) -> Iterator[tuple[str, str]]:
    """(source, translation) for each form; a plural's extra forms pair with the plural."""
    if isinstance(message.id, str):
        assert isinstance(message.string, str)
        yield message.id, message.string
        return
    singular, plural = message.id[0], message.id[1]
    for index, form in enumerate(message.string):
        yield (singular if index == 0 else plural), form


SOURCE = _source_messages()
LOCALES = _locales()


def test_there_is_a_spanish_catalog() -> None:
    assert "es" in LOCALES


def test_the_template_lists_exactly_what_the_code_marks() -> None:
    with (LOCALES_DIR / f"{DOMAIN}.pot").open("rb") as pot:
        template = read_po(pot)
    listed = {m.id if isinstance(m.id, str) else tuple(m.id) for m in template if m.id}
    missing, stale = set(SOURCE) - listed, listed - set(SOURCE)
    assert not missing, f"run `make messages`: new texts {sorted(map(str, missing))[:5]}"
    assert not stale, f"run `make messages`: texts no longer used {sorted(map(str, stale))[:5]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_text_is_translated(locale: str) -> None:
    catalog = _catalog(locale)
    untranslated = [
        key
        for key in SOURCE
        if (message := catalog.get(key if isinstance(key, str) else key[0])) is None
        or "fuzzy" in message.flags
        or not all(translation for _source, translation in _pairs(message))
    ]
    assert not untranslated, f"{locale} lacks {len(untranslated)}: {untranslated[:5]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_placeholders_and_markup(locale: str) -> None:
    """Same `{placeholders}` (else `str.format` fails) and the same tags (else Telegram does)."""
    for message in _catalog(locale):
        if not message.id:
            continue
        for source, translation in _pairs(message):
            assert set(PLACEHOLDER.findall(translation)) == set(PLACEHOLDER.findall(source)), (
                f"{locale}: placeholders differ in {translation!r}"
            )
            assert Counter(TAG.findall(translation)) == Counter(TAG.findall(source)), (
                f"{locale}: markup differs in {translation!r}"
            )


@pytest.mark.parametrize("locale", LOCALES)
def test_popup_texts_are_plain(locale: str) -> None:
    """Button popups cannot show HTML: texts from `bot/alerts.py` carry no tags or entities."""
    alert_texts = [key for key, files in SOURCE.items() if any("alerts.py" in f for f in files)]
    assert alert_texts
    catalog = _catalog(locale)
    for key in alert_texts:
        message = catalog.get(key if isinstance(key, str) else key[0])
        assert message is not None
        for source, translation in _pairs(message):
            for text in (source, translation):
                assert not re.search(r"[<>&]", text), f"{locale}: markup in popup {text!r}"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalog_matches_its_source(locale: str) -> None:
    """The bot loads the `.mo`; it must say what the `.po` says (`make messages` compiles)."""
    catalog = _catalog(locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)
    with (LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as mo:
        shipped = gettext.GNUTranslations(mo)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, str):
            assert shipped.gettext(message.id) == expected.gettext(message.id)
        else:
            for n in (1, 2, 5, 1_000_000):
                assert shipped.ngettext(message.id[0], message.id[1], n) == expected.ngettext(
                    message.id[0], message.id[1], n
                )
