"""Measuring and shortening text the way Telegram counts it."""

from __future__ import annotations

import pytest

from available_now.domain.text import (
    ELLIPSIS,
    Span,
    shorten,
    spans_length,
    spans_to_html,
    truncate_spans,
    utf16_len,
)
from telegram_sandbox.html import parse_html


@pytest.mark.parametrize(
    ("text", "units"),
    [("", 0), ("abc", 3), ("é", 1), ("😀", 2), ("❤️", 2), ("👩‍👩‍👧", 8), ("🇬🇧", 4)],
)
def test_utf16_len_counts_code_units(text: str, units: int) -> None:
    assert utf16_len(text) == units


def test_short_text_is_kept_whole() -> None:
    assert shorten("Warm and discreet", 17) == "Warm and discreet"


def test_long_text_ends_on_a_word_with_an_ellipsis() -> None:
    result = shorten("Warm, playful and discreet companion", 20)
    assert result == "Warm, playful and" + ELLIPSIS
    assert utf16_len(result) <= 20


def test_a_word_longer_than_a_third_of_the_room_is_cut_hard() -> None:
    result = shorten("See https://example.com/a/very/long/path/to/somewhere", 30)
    assert result.startswith("See https://example.com/")
    assert result.endswith(ELLIPSIS)
    assert utf16_len(result) == 30


def test_trailing_punctuation_is_not_left_before_the_ellipsis() -> None:
    assert shorten("One two. Three four five six", 10) == "One two" + ELLIPSIS


@pytest.mark.parametrize(
    ("text", "units", "expected"),
    [
        ("😀" * 10, 5, "😀😀…"),
        ("❤️❤️❤️", 4, "❤️…"),
        ("🇬🇧🇫🇷", 7, "🇬🇧…"),
        ("👩‍👩‍👧👩‍👩‍👧", 12, "👩‍👩‍👧…"),
        ("cafe\u0301 bar", 5, "caf…"),
        ("cafe\u0301 bar", 6, "cafe\u0301…"),
    ],
)
def test_shortening_never_splits_an_emoji_or_an_accent(
    text: str, units: int, expected: str
) -> None:
    assert shorten(text, units) == expected


def test_no_room_gives_nothing_or_an_ellipsis() -> None:
    assert shorten("abc", 0) == ""
    assert shorten("abc", 1) == ELLIPSIS


def test_spans_are_escaped_and_balanced() -> None:
    spans = [
        Span("<b>&amp;</b> "),
        Span("bold & <i>", "b"),
        Span(""),
        Span("link", "a", 'https://example.com/?a=1&b="2"'),
    ]
    html = spans_to_html(spans)
    assert html == (
        "&lt;b&gt;&amp;amp;&lt;/b&gt; <b>bold &amp; &lt;i&gt;</b>"
        '<a href="https://example.com/?a=1&amp;b=&quot;2&quot;">link</a>'
    )
    plain, entities = parse_html(html)
    assert plain == "<b>&amp;</b> bold & <i>link"
    assert utf16_len(plain) == spans_length(spans)
    assert entities[-1].url == 'https://example.com/?a=1&b="2"'


def test_truncated_spans_fit_and_keep_their_tags() -> None:
    spans = [Span("Name", "b"), Span("\n"), Span("a long tail of words", "i")]
    kept = truncate_spans(spans, 12)
    assert spans_length(kept) <= 12
    assert kept[0] == Span("Name", "b")
    assert kept[-1].tag == "i"
    assert kept[-1].text.endswith(ELLIPSIS)
