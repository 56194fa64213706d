"""Measuring, shortening and marking up text the way Telegram counts it.

Telegram limits messages by the length of the text left after HTML parsing, counted in UTF-16
code units. Messages are therefore built from :class:`Span` values (plain text plus the tag that
wraps it), so the plain length is known exactly and the HTML is balanced by construction.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

ELLIPSIS: Final = "…"

Tag = Literal["b", "i", "u", "s", "code", "a"]

_ZERO_WIDTH_JOINER: Final = "\u200d"
_TRAILING_PUNCTUATION: Final = ".,;:!?·-–—/("
_WORD_LOOKBACK: Final = 40
"""How far back a cut may move to end on a word: beyond this a hard cut reads better."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: characters outside the BMP (most emoji) count twice."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _prefix_end(text: str, units: int) -> int:
    """The largest index whose prefix fits in ``units`` UTF-16 code units."""
    low, high = 0, min(max(units, 0), len(text))
    while low < high:
        middle = (low + high + 1) // 2
        if utf16_len(text[:middle]) <= units:
            low = middle
        else:
            high = middle - 1
    return low


def _extends_previous(char: str) -> bool:
    """Characters that belong to the one before: cutting before them breaks a glyph."""
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or char == _ZERO_WIDTH_JOINER
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _glyph_boundary(text: str, cut: int) -> int:
    """Move ``cut`` back so it does not split an emoji sequence, a flag or an accent."""
    while 0 < cut < len(text) and (
        _extends_previous(text[cut]) or text[cut - 1] == _ZERO_WIDTH_JOINER
    ):
        cut -= 1
    if 0 < cut < len(text) and _is_regional_indicator(text[cut]):
        run = 0
        while cut - run > 0 and _is_regional_indicator(text[cut - run - 1]):
            run += 1
        if run % 2 == 1:
            cut -= 1
    return cut


def shorten(text: str, max_units: int) -> str:
    """``text`` cut to ``max_units`` UTF-16 units, ending in "…" on a word boundary if it can.

    The result is never longer than ``max_units``; it is "…" alone when nothing else fits.
    """
    if utf16_len(text) <= max_units:
        return text
    if max_units < 1:
        return ""
    cut = _glyph_boundary(text, _prefix_end(text, max_units - 1))
    if not text[cut].isspace():
        lowest = max(cut - min(cut // 3, _WORD_LOOKBACK), 1)
        for index in range(cut - 1, lowest - 1, -1):
            if text[index].isspace():
                cut = index
                break
    head = text[:cut].rstrip().rstrip(_TRAILING_PUNCTUATION).rstrip()
    return head + ELLIPSIS


@dataclass(frozen=True, slots=True)
class Span:
    """Plain text and the one tag that wraps it; ``href`` is the target of an ``a`` tag."""

    text: str
    tag: Tag | None = None
    href: str | None = None


def spans_length(spans: Iterable[Span]) -> int:
    """What Telegram counts against its limits: the UTF-16 length of the plain text."""
    return sum(utf16_len(span.text) for span in spans)


def spans_to_html(spans: Iterable[Span]) -> str:
    """Telegram HTML with every piece of text escaped; empty spans leave no empty tags."""
    parts: list[str] = []
    for span in spans:
        if not span.text:
            continue
        body = html.escape(span.text, quote=False)
        if span.tag is None:
            parts.append(body)
        elif span.tag == "a":
            href = html.escape(span.href or "", quote=True)
            parts.append(f'<a href="{href}">{body}</a>')
        else:
            parts.append(f"<{span.tag}>{body}</{span.tag}>")
    return "".join(parts)


def truncate_spans(spans: Iterable[Span], max_units: int) -> list[Span]:
    """Keep spans from the start while they fit, shortening the one that crosses the limit."""
    kept: list[Span] = []
    room = max_units
    for span in spans:
        length = utf16_len(span.text)
        if length <= room:
            kept.append(span)
            room -= length
            continue
        cut = shorten(span.text, room)
        if cut:
            kept.append(Span(cut, span.tag, span.href))
        break
    return kept
