"""Telegram's Markdown parse modes: MarkdownV2 and the legacy Markdown, as the Bot API parses them.

A bot that formats with ``parse_mode=MarkdownV2`` must escape every reserved character, and
Telegram refuses the message otherwise; the emulator follows the rules of TDLib's
``parse_markdown_v2`` (and ``parse_markdown`` for the legacy mode) so such mistakes fail in
tests with Telegram's own words instead of in production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .html import Entity, EntityParseError, utf16_len

_RESERVED = "_*[]()~`>#+-=|{}.!"
_USER_LINK = re.compile(r"tg://user\?id=(\d+)")


@dataclass(slots=True)
class _Open:
    type: str
    name: str
    """The entity's name in TDLib's error messages (``Bold``, ``TextUrl``, ...)."""
    byte_offset: int
    utf16_offset: int
    language: str | None = None


def _reserved(char: str) -> EntityParseError:
    return EntityParseError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


class _MarkdownV2:
    def __init__(self, source: str) -> None:
        self.source = source
        self.text: list[str] = []
        self.utf16 = 0
        self.entities: list[Entity] = []
        self.stack: list[_Open] = []
        self.quote_start: int | None = None

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode())

    def emit(self, char: str) -> None:
        self.text.append(char)
        self.utf16 += utf16_len(char)

    def close_quote(self) -> None:
        end = self.utf16 - (1 if self.text and self.text[-1] == "\n" else 0)
        if self.quote_start is not None and end > self.quote_start:
            self.entities.append(Entity("blockquote", self.quote_start, end - self.quote_start))
        self.quote_start = None

    def parse(self) -> tuple[str, list[Entity]]:
        source, i, size = self.source, 0, len(self.source)
        while i < size:
            char = source[i]
            line_start = i == 0 or source[i - 1] == "\n"
            if line_start and not self.stack:
                if char == ">":
                    if self.quote_start is None:
                        self.quote_start = self.utf16
                    i += 1
                    continue
                self.close_quote()
            if char == "\\" and i + 1 < size and 0 < ord(source[i + 1]) <= 126:
                self.emit(source[i + 1])
                i += 2
                continue
            top = self.stack[-1] if self.stack else None
            in_code = top is not None and top.type in ("code", "pre")
            reserved = "`" if in_code else _RESERVED
            if char not in reserved:
                self.emit(char)
                i += 1
                continue
            i = self.marker(i, top)
        if self.stack:
            first = self.stack[0]
            raise EntityParseError(
                f"Can't find end of {first.name} entity at byte offset {first.byte_offset}"
            )
        self.close_quote()
        return "".join(self.text), sorted(self.entities, key=lambda e: (e.offset, -e.length))

    def ends(self, i: int, top: _Open | None) -> bool:
        if top is None:
            return False
        source, char = self.source, self.source[i]
        following = source[i + 1 : i + 3]
        return {
            "bold": char == "*",
            "italic": char == "_" and following[:1] != "_",
            "underline": source[i : i + 2] == "__",
            "strikethrough": char == "~",
            "spoiler": source[i : i + 2] == "||",
            "code": char == "`",
            "pre": source[i : i + 3] == "```",
            "text_link": char == "]",
        }.get(top.type, False)

    def marker(self, i: int, top: _Open | None) -> int:
        """Open or close the entity whose marker starts at ``i``; the index after it."""
        source, char = self.source, self.source[i]
        if self.ends(i, top):
            assert top is not None
            self.stack.pop()
            return self.close(top, i)
        byte_offset = self.byte_offset(i)
        if char == "_" and source[i : i + 2] == "__":
            kind, name, width = "underline", "Underline", 2
        elif char == "_":
            kind, name, width = "italic", "Italic", 1
        elif char == "*":
            kind, name, width = "bold", "Bold", 1
        elif char == "~":
            kind, name, width = "strikethrough", "Strikethrough", 1
        elif char == "|" and source[i : i + 2] == "||":
            kind, name, width = "spoiler", "Spoiler", 2
        elif char == "[":
            kind, name, width = "text_link", "TextUrl", 1
        elif char == "`" and source[i : i + 3] == "```":
            end_of_line = source.find("\n", i + 3)
            language = source[i + 3 : end_of_line] if end_of_line != -1 else ""
            valid = end_of_line != -1 and language and not re.search(r"[\s`]", language)
            if valid:
                self.stack.append(_Open("pre", "PreCode", byte_offset, self.utf16, language))
                return end_of_line + 1
            self.stack.append(_Open("pre", "Pre", byte_offset, self.utf16))
            return i + 3
        elif char == "`":
            kind, name, width = "code", "Code", 1
        else:
            raise _reserved(char)
        self.stack.append(_Open(kind, name, byte_offset, self.utf16))
        return i + width

    def close(self, entity: _Open, i: int) -> int:
        source = self.source
        length = self.utf16 - entity.utf16_offset
        after = i + 1
        url: str | None = None
        if entity.type in ("underline", "spoiler"):
            after = i + 2
        elif entity.type == "pre":
            after = i + 3
        elif entity.type == "text_link":
            if source[i + 1 : i + 2] != "(":
                raise _reserved("]")
            end = i + 2
            chars: list[str] = []
            while end < len(source) and source[end] != ")":
                if (
                    source[end] == "\\"
                    and end + 1 < len(source)
                    and 0 < ord(source[end + 1]) <= 126
                ):
                    end += 1
                chars.append(source[end])
                end += 1
            if end >= len(source):
                raise EntityParseError(
                    f"Can't find end of a url at byte offset {self.byte_offset(i + 1)}"
                )
            url = "".join(chars)
            after = end + 1
        if length > 0:
            user = _USER_LINK.fullmatch(url or "")
            if user is not None:
                self.entities.append(
                    Entity("text_mention", entity.utf16_offset, length, user_id=int(user[1]))
                )
            elif url is not None:
                self.entities.append(Entity("text_link", entity.utf16_offset, length, url=url))
            else:
                self.entities.append(
                    Entity(entity.type, entity.utf16_offset, length, language=entity.language)
                )
        return after


def parse_markdown_v2(source: str) -> tuple[str, list[Entity]]:
    """Plain text and entities of a MarkdownV2 text, or ``EntityParseError`` as Telegram
    describes the mistake."""
    return _MarkdownV2(source).parse()


_LEGACY = {"*": "bold", "_": "italic", "`": "code"}


def parse_markdown(source: str) -> tuple[str, list[Entity]]:
    """The legacy Markdown mode: ``*bold*``, ``_italic_``, ```code```, fenced ``pre`` and
    ``[text](url)``; nothing else is reserved, and nothing nests."""
    text: list[str] = []
    entities: list[Entity] = []
    utf16 = 0
    i, size = 0, len(source)
    while i < size:
        char = source[i]
        if char == "\\" and i + 1 < size and source[i + 1] in "*_`[":
            text.append(source[i + 1])
            utf16 += 1
            i += 2
            continue
        if char not in "*_`[":
            text.append(char)
            utf16 += utf16_len(char)
            i += 1
            continue
        start_bytes = len(source[:i].encode())
        if char == "[":
            close = source.find("](", i + 1)
            end = source.find(")", close + 2) if close != -1 else -1
            if close == -1 or end == -1:
                text.append(char)
                utf16 += 1
                i += 1
                continue
            label = source[i + 1 : close]
            if label:
                entities.append(
                    Entity("text_link", utf16, utf16_len(label), url=source[close + 2 : end])
                )
            text.append(label)
            utf16 += utf16_len(label)
            i = end + 1
            continue
        fence = char == "`" and source[i : i + 3] == "```"
        marker = "```" if fence else char
        end = source.find(marker, i + len(marker))
        if end == -1:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {start_bytes}"
            )
        body = source[i + len(marker) : end]
        kind = "pre" if fence else _LEGACY[char]
        if body:
            entities.append(Entity(kind, utf16, utf16_len(body)))
        text.append(body)
        utf16 += utf16_len(body)
        i = end + len(marker)
    return "".join(text), entities
