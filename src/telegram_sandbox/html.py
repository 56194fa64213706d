"""Telegram's HTML parse mode: validation, entity extraction and rendering.

The bot's formatting errors must surface in tests exactly as Telegram reports them, and
length limits apply to the parsed text, so the emulator parses HTML the way the Bot API
server does (a port of the rules in TDLib's ``parse_html``) instead of trusting the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PARSE_ERROR_PREFIX = "Bad Request: can't parse entities: "

_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = frozenset(" \t\r\n\v\f")


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; ``str()`` is the full Bot API description."""

    def __init__(self, reason: str) -> None:
        super().__init__(PARSE_ERROR_PREFIX + reason)
        self.reason = reason


# Independent of the bot by contract; a record of optional fields reads like the bot's own.
@dataclass(frozen=True, slots=True)
class Entity:
    """A MessageEntity; offsets and lengths are in UTF-16 code units as in the Bot API."""

    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None
    custom_emoji_id: str | None = None
    user_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "offset": self.offset, "length": self.length}
        if self.url is not None:
            data["url"] = self.url
        if self.language is not None:
            data["language"] = self.language
        if self.custom_emoji_id is not None:
            data["custom_emoji_id"] = self.custom_emoji_id
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(
            type=str(data["type"]),
            offset=int(data["offset"]),
            length=int(data["length"]),
            url=data.get("url"),
            language=data.get("language"),
            custom_emoji_id=data.get("custom_emoji_id"),
        )


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (astral characters count twice)."""
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode ``&...;`` at ``pos``; ``None`` when it is a bare ampersand kept as text."""
    end = text.find(";", pos + 1, pos + 12)
    if end == -1:
        return None
    body = text[pos + 1 : end]
    if body in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[body], end + 1
    code: int | None = None
    if re.fullmatch(r"#[0-9]{1,7}", body):
        code = int(body[1:])
    elif re.fullmatch(r"#[xX][0-9a-fA-F]{1,6}", body):
        code = int(body[2:], 16)
    if code is None or code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), end + 1


@dataclass(slots=True)
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    text_offset: int
    expandable: bool = False


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.out: list[str] = []
        self.out_len = 0
        self.utf16 = 0
        self.entities: list[Entity] = []
        self.stack: list[_OpenTag] = []

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def char(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else ""

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.out_len += len(chunk)
        self.utf16 += utf16_len(chunk)

    def run(self) -> tuple[str, list[Entity]]:
        i = 0
        src = self.src
        while i < len(src):
            c = src[i]
            if c == "&":
                decoded = _decode_entity(src, i)
                if decoded is not None:
                    self.emit(decoded[0])
                    i = decoded[1]
                    continue
            if c != "<":
                j = i + 1
                while j < len(src) and src[j] not in "<&":
                    j += 1
                self.emit(src[i:j])
                i = j
                continue
            i = self.end_tag(i) if self.char(i + 1) == "/" else self.start_tag(i)
        if self.stack:
            raise EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.entities.sort(key=lambda e: (e.offset, -e.length))
        return "".join(self.out), self.entities

    def start_tag(self, begin: int) -> int:
        i = begin + 1
        while self.char(i) not in _SPACES and self.char(i) != ">":
            if self.char(i) == "":
                raise EntityParseError(
                    f"Unclosed start tag at byte offset {self.byte_offset(begin)}"
                )
            i += 1
        tag = self.src[begin + 1 : i].lower()
        if tag not in _SUPPORTED_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{tag}" at byte offset {self.byte_offset(begin)}'
            )
        argument = ""
        expandable = False
        while self.char(i) != ">":
            while self.char(i) in _SPACES and self.char(i) != "":
                i += 1
            if self.char(i) == ">":
                break
            if self.char(i) == "":
                raise EntityParseError(
                    f'Unclosed start tag "{tag}" at byte offset {self.byte_offset(begin)}'
                )
            name_begin = i
            while self.char(i) not in _SPACES and self.char(i) not in ("=", ">", ""):
                i += 1
            name = self.src[name_begin:i]
            if not name:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset '
                    f"{self.byte_offset(begin)}"
                )
            while self.char(i) in _SPACES and self.char(i) != "":
                i += 1
            if self.char(i) != "=":
                if tag == "blockquote" and name == "expandable":
                    expandable = True
                    continue
                raise EntityParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self.byte_offset(begin)}"
                )
            i += 1
            while self.char(i) in _SPACES and self.char(i) != "":
                i += 1
            if self.char(i) == "":
                raise EntityParseError(
                    f'Unclosed start tag "{tag}" at byte offset {self.byte_offset(begin)}'
                )
            value, i = self.attribute_value(i)
            if self.char(i) == "":
                raise EntityParseError(
                    f"Unclosed start tag at byte offset {self.byte_offset(begin)}"
                )
            if tag == "a" and name == "href":
                argument = value
            elif tag == "code" and name == "class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif tag == "span" and name == "class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif tag == "tg-emoji" and name == "emoji-id":
                argument = value
        if tag == "span" and argument != "spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}'
            )
        self.stack.append(_OpenTag(tag, argument, self.utf16, self.out_len, expandable))
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.char(i)
        if quote not in ("'", '"'):
            token_begin = i
            while self.char(i).isalnum() or self.char(i) in (".", "-"):
                i += 1
            if self.char(i) not in _SPACES and self.char(i) != ">":
                raise EntityParseError(
                    f"Unexpected end of name token at byte offset {self.byte_offset(token_begin)}"
                )
            return self.src[token_begin:i].lower(), i
        i += 1
        value: list[str] = []
        while self.char(i) not in (quote, ""):
            if self.char(i) == "&":
                decoded = _decode_entity(self.src, i)
                if decoded is not None:
                    value.append(decoded[0])
                    i = decoded[1]
                    continue
            value.append(self.char(i))
            i += 1
        if self.char(i) == quote:
            i += 1
        return "".join(value), i

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        i = begin + 2
        while self.char(i) not in (">", ""):
            i += 1
        name = self.src[begin + 2 : i].rstrip()
        top = self.stack[-1]
        if name and name.lower() != top.name:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{top.name}>", found "</{name}>"'
            )
        if self.char(i) == "":
            raise EntityParseError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        self.stack.pop()
        self.close_entity(top)
        return i + 1

    def close_entity(self, tag: _OpenTag) -> None:
        length = self.utf16 - tag.utf16_offset
        if length == 0:
            return
        offset = tag.utf16_offset
        if tag.name in _SIMPLE_ENTITY_TYPES:
            self.entities.append(Entity(_SIMPLE_ENTITY_TYPES[tag.name], offset, length))
            if tag.name == "code" and tag.argument:
                self.entities[-1] = Entity("code", offset, length, language=tag.argument)
        elif tag.name == "a":
            url = tag.argument or "".join(self.out)[tag.text_offset :]
            match = re.fullmatch(r"tg://user\?id=(\d+)", url)
            if match:
                self.entities.append(Entity("text_mention", offset, length, user_id=int(match[1])))
            elif _looks_like_url(url):
                self.entities.append(Entity("text_link", offset, length, url=_normalize_url(url)))
        elif tag.name == "pre":
            last = self.entities[-1] if self.entities else None
            if (
                last is not None
                and last.type == "code"
                and last.offset == offset
                and last.length == length
            ):
                self.entities[-1] = Entity("pre", offset, length, language=last.language)
            else:
                self.entities.append(Entity("pre", offset, length))
        elif tag.name == "blockquote":
            kind = "expandable_blockquote" if tag.expandable else "blockquote"
            self.entities.append(Entity(kind, offset, length))
        elif tag.name == "tg-emoji" and tag.argument.isdigit():
            self.entities.append(
                Entity("custom_emoji", offset, length, custom_emoji_id=tag.argument)
            )


_URL_RE = re.compile(
    r"^(?:(?:https?|tg|ftp)://)?[\w.-]+\.[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?$|^tg://\S+$",
    re.IGNORECASE,
)


def _looks_like_url(url: str) -> bool:
    return bool(_URL_RE.match(url)) or url.startswith(("http://", "https://"))


def _normalize_url(url: str) -> str:
    if "://" not in url:
        return "http://" + url
    return url


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Parse Telegram HTML into plain text and entities, or raise :class:`EntityParseError`."""
    return _Parser(source).run()


def _slice_utf16(text: str) -> list[int]:
    """Map each UTF-16 offset boundary to a Python string index."""
    boundaries = [0]
    for index, char in enumerate(text):
        boundaries.append(index + 1)
        if ord(char) > 0xFFFF:
            boundaries.append(index + 1)
    return boundaries


_AUTO_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}(?!\w)")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*")),
    ("email", re.compile(r"(?<![\w.@])[\w.+-]+@[\w-]+\.[\w.-]*[a-z]{2,}(?!\w)", re.IGNORECASE)),
    (
        "url",
        re.compile(
            r"(?<![\w@/.])(?:https?://)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}(?::\d+)?(?:/\S*)?(?!\w)",
            re.IGNORECASE,
        ),
    ),
)
_OPAQUE = frozenset({"code", "pre", "text_link", "url", "email", "mention", "bot_command"})


def find_auto_entities(text: str, existing: list[Entity] | None = None) -> list[Entity]:
    """Entities Telegram detects by itself: commands, mentions, hashtags, e-mails and URLs."""
    taken: list[tuple[int, int]] = [
        (e.offset, e.offset + e.length) for e in existing or [] if e.type in _OPAQUE
    ]
    found: list[Entity] = []
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(match.group())
            if kind == "url" and not _plausible_host(match.group()):
                continue
            if any(start < stop and begin < end for begin, stop in taken):
                continue
            taken.append((start, end))
            found.append(Entity(kind, start, end - start))
    return found


_COMMON_TLDS = frozenset(
    [
        "com",
        "org",
        "net",
        "io",
        "ru",
        "me",
        "app",
        "dev",
        "info",
        "biz",
        "co",
        "uk",
        "de",
        "fr",
        "it",
        "es",
        "ua",
        "by",
        "kz",
        "us",
        "eu",
        "tv",
        "gg",
        "ly",
        "so",
        "ai",
    ]
)


def _plausible_host(candidate: str) -> bool:
    if candidate.lower().startswith(("http://", "https://")):
        return True
    host = candidate.split("/", 1)[0].split(":", 1)[0]
    return host.rsplit(".", 1)[-1].lower() in _COMMON_TLDS


def merge_entities(first: list[Entity], second: list[Entity]) -> list[Entity]:
    return sorted([*first, *second], key=lambda e: (e.offset, -e.length))


def strip_text(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Trim surrounding whitespace as Telegram does, keeping entity offsets consistent."""
    stripped_left = text.lstrip()
    shift = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip()
    limit = utf16_len(result)
    adjusted: list[Entity] = []
    for entity in entities:
        start = max(entity.offset - shift, 0)
        end = min(entity.offset + entity.length - shift, limit)
        if end > start:
            adjusted.append(
                Entity(
                    entity.type,
                    start,
                    end - start,
                    url=entity.url,
                    language=entity.language,
                    custom_emoji_id=entity.custom_emoji_id,
                    user_id=entity.user_id,
                )
            )
    return result, adjusted


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_RENDER_TAGS = {
    "bold": "b",
    "italic": "i",
    "underline": "u",
    "strikethrough": "s",
    "spoiler": "tg-spoiler",
    "code": "code",
    "blockquote": "blockquote",
}


def _open_tag(entity: Entity) -> str:
    if entity.type in _RENDER_TAGS:
        return f"<{_RENDER_TAGS[entity.type]}>"
    if entity.type == "expandable_blockquote":
        return "<blockquote expandable>"
    if entity.type == "text_link":
        return f'<a href="{escape(entity.url or "")}">'
    if entity.type == "text_mention":
        return f'<a href="tg://user?id={entity.user_id}">'
    if entity.type == "pre":
        if entity.language:
            return f'<pre><code class="language-{entity.language}">'
        return "<pre>"
    if entity.type == "custom_emoji":
        return f'<tg-emoji emoji-id="{entity.custom_emoji_id}">'
    return ""


def _close_tag(entity: Entity) -> str:
    if entity.type in _RENDER_TAGS:
        return f"</{_RENDER_TAGS[entity.type]}>"
    if entity.type == "expandable_blockquote":
        return "</blockquote>"
    if entity.type in ("text_link", "text_mention"):
        return "</a>"
    if entity.type == "pre":
        return "</code></pre>" if entity.language else "</pre>"
    if entity.type == "custom_emoji":
        return "</tg-emoji>"
    return ""


def render_html(text: str, entities: list[Entity]) -> str:
    """Render text and entities back to HTML, so tests can assert on formatting."""
    boundaries = _slice_utf16(text)
    opens: dict[int, list[Entity]] = {}
    closes: dict[int, list[Entity]] = {}
    for entity in sorted(entities, key=lambda e: (e.offset, -e.length)):
        if not _open_tag(entity):
            continue
        opens.setdefault(entity.offset, []).append(entity)
        closes.setdefault(entity.offset + entity.length, []).insert(0, entity)
    parts: list[str] = []
    total = utf16_len(text)
    position = 0
    while position <= total:
        for entity in closes.get(position, []):
            parts.append(_close_tag(entity))
        for entity in opens.get(position, []):
            parts.append(_open_tag(entity))
        if position < total:
            start = boundaries[position]
            end = boundaries[position + 1]
            if end > start:
                parts.append(escape(text[start:end]))
        position += 1
    return "".join(parts)
