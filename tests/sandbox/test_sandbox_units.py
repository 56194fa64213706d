"""Pure units of the emulator: Telegram HTML and Markdown parsing, and the flood limiter."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from available_now.domain.clock import ManualClock
from telegram_sandbox.clock import Clock
from telegram_sandbox.html import (
    EntityParseError,
    find_auto_entities,
    parse_html,
    render_html,
    utf16_len,
)
from telegram_sandbox.limits import RateLimiter, RateLimits
from telegram_sandbox.markdown import parse_markdown_v2


def test_html_entities_and_plain_text() -> None:
    text, entities = parse_html(
        '<b>Hi</b> &lt;you&gt; &amp; <a href="https://example.com">link</a> '
        '<pre><code class="language-python">x = 1</code></pre>'
    )
    assert text == "Hi <you> & link x = 1"
    kinds = [(e.type, e.offset, e.length) for e in entities]
    assert kinds == [("bold", 0, 2), ("text_link", 11, 4), ("pre", 16, 5)]
    assert entities[1].url == "https://example.com"
    assert entities[2].language == "python"


def test_html_numeric_entities_and_bare_ampersand() -> None:
    assert parse_html("&#65;&#x42; & Co &foo; &amp") == ("AB & Co &foo; &amp", [])


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("<foo>bar</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("Привет <foo>", 'Unsupported start tag "foo" at byte offset 13'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_html_errors_use_telegram_wording(source: str, reason: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        parse_html(source)
    assert str(caught.value) == f"Bad Request: can't parse entities: {reason}"


def test_html_spoilers_quotes_and_emoji() -> None:
    text, entities = parse_html(
        '<tg-spoiler>a</tg-spoiler><span class="tg-spoiler">b</span>'
        "<blockquote expandable>c</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    assert text == "abc👍"
    assert [e.type for e in entities] == [
        "spoiler",
        "spoiler",
        "expandable_blockquote",
        "custom_emoji",
    ]
    assert entities[3].length == 2  # one astral character is two UTF-16 units


def test_render_html_round_trips_formatting() -> None:
    source = '<b>😀 bold</b> and <i>it</i> <a href="https://x.org/">x</a>'
    text, entities = parse_html(source)
    assert render_html(text, entities) == source


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_len("a😀") == 3


def test_auto_entities_find_commands_with_bot_name() -> None:
    text = "/available@available_now_bot now"
    (command,) = find_auto_entities(text)
    assert (command.type, command.offset, command.length) == ("bot_command", 0, 28)


def test_rate_limiter_bursts_then_asks_to_wait() -> None:
    now = [1000.0]
    limiter = RateLimiter(lambda: now[0], limits=RateLimits(chat_burst=3))
    assert [limiter.acquire(1, is_group=False) for _ in range(3)] == [None, None, None]
    assert limiter.acquire(1, is_group=False) == 1
    assert limiter.acquire(2, is_group=False) is None  # other chats are unaffected
    now[0] += 1.0
    assert limiter.acquire(1, is_group=False) is None


def test_rate_limiter_group_minute_limit() -> None:
    clock = Clock(ManualClock(at=datetime.fromtimestamp(0, UTC)))
    limiter = RateLimiter(clock, limits=RateLimits(chat_burst=100, chat_per_second=100))
    results = [limiter.acquire(-100, is_group=True) for _ in range(21)]
    assert results[:20] == [None] * 20
    assert results[20] == 3  # one slot refills every 3 seconds at 20 per minute
    clock.advance(60)
    assert limiter.acquire(-100, is_group=True) is None


def test_rate_limiter_can_be_disabled() -> None:
    limiter = RateLimiter(lambda: 0.0, enabled=False)
    assert all(limiter.acquire(-1, is_group=True) is None for _ in range(100))


def test_markdown_v2_blocks_links_and_mentions() -> None:
    text, entities = parse_markdown_v2(
        ">Quoted\n>twice\nThen ```python\nprint(1)\n``` [Bea](tg://user?id=42) "
        "[x](https://e.x/a\\)b) `a\\`b`"
    )
    assert text == "Quoted\ntwice\nThen print(1)\n Bea x a`b"
    found = [(e.type, e.offset, e.length, e.language, e.url, e.user_id) for e in entities]
    assert found == [
        ("blockquote", 0, 12, None, None, None),
        ("pre", 18, 9, "python", None, None),
        ("text_mention", 28, 3, None, None, 42),
        ("text_link", 32, 1, None, "https://e.x/a)b", None),
        ("code", 34, 3, None, None, None),
    ]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("1.5 h", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("a-b", "Character '-' is reserved"),
        ("(yes)", "Character '(' is reserved"),
        ("_open", "Can't find end of Italic entity at byte offset 0"),
        ("é *open", "Can't find end of Bold entity at byte offset 3"),
        ("```\nno end", "Can't find end of Pre entity at byte offset 0"),
        ("[link]", "Character ']' is reserved"),
    ],
)
def test_markdown_v2_refuses_what_telegram_refuses(source: str, reason: str) -> None:
    with pytest.raises(EntityParseError, match=re.escape(reason)):
        parse_markdown_v2(source)
