"""What Telegram would make of a rendered message, through the emulator's HTML parser."""

from __future__ import annotations

from telegram_sandbox.html import Entity, parse_html, strip_text, utf16_len

MAX_ENTITIES = 100
"""Telegram ignores formatting beyond this many entities in one message."""


def accepted(html: str, limit: int) -> tuple[str, list[Entity]]:
    """Parse as the Bot API does and check what it checks: valid HTML, not empty, not too long."""
    plain, entities = parse_html(html)
    assert utf16_len(plain) <= limit
    stripped, _ = strip_text(plain, entities)
    assert stripped, "Telegram refuses an empty message"
    assert len(entities) <= MAX_ENTITIES
    return plain, entities
