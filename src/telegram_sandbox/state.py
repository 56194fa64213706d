"""The emulated Telegram world: users, chats, members, messages and files.

Kept free of HTTP so the Bot API methods and the test-facing client share one source of
truth and serialize objects with the exact JSON shapes aiogram parses.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any

from .clock import Clock
from .html import Entity

PRIVATE = "private"
GROUP = "group"
SUPERGROUP = "supergroup"

DELETE_WINDOW_SECONDS = 48 * 3600

_FILE_ID_PREFIX = {
    "photo": "AgACAgIAAxkBAAI",
    "video": "BAACAgIAAxkBAAI",
    "document": "BQACAgIAAxkBAAI",
    "sticker": "CAACAgIAAxkBAAI",
    "voice": "AwACAgIAAxkBAAI",
    "thumbnail": "AAMCAgADGQEAAI",
}
_KIND_NAMES = {
    "photo": "Photo",
    "video": "Video",
    "document": "Document",
    "sticker": "Sticker",
    "voice": "Voice",
    "thumbnail": "Thumbnail",
}
_PATH_DIRS = {
    "photo": "photos",
    "video": "videos",
    "document": "documents",
    "sticker": "stickers",
    "voice": "voice",
    "thumbnail": "thumbnails",
}


@dataclass(slots=True)
class UserRecord:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    is_bot: bool = False
    language_code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_send_welcome_messages",
    "can_pin_messages",
    "can_manage_topics",
)


@dataclass(slots=True)
class MemberRecord:
    """A user's membership; ``status`` uses Bot API names (creator, administrator, ...)."""

    user: UserRecord
    status: str = "member"
    rights: dict[str, bool] = field(default_factory=dict)
    custom_title: str | None = None
    until_date: int = 0

    @property
    def is_admin(self) -> bool:
        return self.status in ("creator", "administrator")

    def can(self, right: str) -> bool:
        if self.status == "creator":
            return True
        return self.status == "administrator" and self.rights.get(right, False)

    @property
    def is_present(self) -> bool:
        return self.status in ("creator", "administrator", "member", "restricted")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status, "user": self.user.to_dict()}
        if self.status == "creator":
            data["is_anonymous"] = False
        elif self.status == "administrator":
            data["can_be_edited"] = False
            data["is_anonymous"] = False
            for right in _ADMIN_RIGHTS:
                data[right] = self.rights.get(right, False)
        elif self.status == "restricted":
            data.update(
                {
                    "is_member": True,
                    "until_date": self.until_date,
                    **{
                        name: self.rights.get(name, False)
                        for name in (
                            "can_send_messages",
                            "can_send_audios",
                            "can_send_documents",
                            "can_send_photos",
                            "can_send_videos",
                            "can_send_video_notes",
                            "can_send_voice_notes",
                            "can_send_polls",
                            "can_send_other_messages",
                            "can_add_web_page_previews",
                            "can_react_to_messages",
                            "can_edit_tag",
                            "can_change_info",
                            "can_invite_users",
                            "can_pin_messages",
                            "can_manage_topics",
                        )
                    },
                }
            )
        elif self.status == "kicked":
            data["until_date"] = self.until_date
        if self.custom_title and self.is_admin:
            data["custom_title"] = self.custom_title
        return data


def admin_rights(*, can_delete_messages: bool = True, **overrides: bool) -> dict[str, bool]:
    """A typical administrator's rights; pass keyword overrides to narrow them."""
    rights = dict.fromkeys(_ADMIN_RIGHTS, True)
    rights["can_promote_members"] = False
    rights["can_delete_messages"] = can_delete_messages
    rights.update(overrides)
    return rights


@dataclass(slots=True)
class FileRecord:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    width: int = 0
    height: int = 0
    duration: int = 0
    file_name: str | None = None
    mime_type: str | None = None
    file_path: str | None = None
    thumbnail: FileRecord | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    siblings: list[FileRecord] = field(default_factory=list, repr=False)

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def kind_name(self) -> str:
        return _KIND_NAMES[self.kind]

    def photo_size(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
            "file_size": self.size,
        }

    def to_dict(self) -> dict[str, Any]:
        """The media object (Video, Document, ...) for this file."""
        data: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.kind in ("video", "sticker", "thumbnail", "photo"):
            data["width"] = self.width
            data["height"] = self.height
        if self.kind in ("video", "voice"):
            data["duration"] = self.duration
        if self.kind == "sticker":
            data["type"] = "regular"
            data["is_animated"] = False
            data["is_video"] = False
            data.update(self.extra)
        if self.file_name and self.kind in ("video", "document"):
            data["file_name"] = self.file_name
        if self.mime_type and self.kind in ("video", "document", "voice"):
            data["mime_type"] = self.mime_type
        if self.thumbnail is not None:
            data["thumbnail"] = self.thumbnail.photo_size()
        data["file_size"] = self.size
        return data

    def file_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.file_path:
            data["file_path"] = self.file_path
        return data


@dataclass(slots=True)
class MessageRecord:
    chat_id: int
    message_id: int
    date: int
    sender: UserRecord
    seq: int
    text: str | None = None
    entities: list[Entity] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[Entity] = field(default_factory=list)
    media_kind: str | None = None
    media: list[FileRecord] = field(default_factory=list)
    media_group_id: str | None = None
    reply_markup: dict[str, Any] | None = None
    reply_keyboard: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    link_preview_options: dict[str, Any] | None = None
    show_caption_above_media: bool = False
    edit_date: int | None = None
    edit_seq: int = 0
    deleted: bool = False
    service: dict[str, Any] = field(default_factory=dict)

    @property
    def last_change(self) -> int:
        return max(self.seq, self.edit_seq)

    @property
    def main_file(self) -> FileRecord | None:
        """The file a user sees: the largest photo size, or the single media file."""
        return self.media[-1] if self.media else None


# The emulator shares no code with the bot (an import contract keeps it independent), and its
# records follow the Bot API's objects: a user and a chat name some of the same things.
@dataclass(slots=True)
class ChatRecord:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    description: str | None = None
    members: dict[int, MemberRecord] = field(default_factory=dict)
    bot_member: MemberRecord | None = None
    messages: dict[int, MessageRecord] = field(default_factory=dict)
    next_message_id: int = 1
    started: bool = False
    blocked: bool = False
    chat_instance: str = field(default_factory=lambda: str(secrets.randbits(62)))
    menu_button: dict[str, Any] | None = None

    @property
    def is_group(self) -> bool:
        return self.type in (GROUP, SUPERGROUP)

    def visible_messages(self) -> list[MessageRecord]:
        return [message for message in self.messages.values() if not message.deleted]

    def find(self, message_id: int) -> MessageRecord | None:
        message = self.messages.get(message_id)
        if message is None or message.deleted:
            return None
        return message

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == PRIVATE:
            data["first_name"] = self.first_name or ""
            if self.last_name:
                data["last_name"] = self.last_name
        else:
            data["title"] = self.title or ""
        if self.username:
            data["username"] = self.username
        return data

    def to_full_dict(self) -> dict[str, Any]:
        """ChatFullInfo as returned by getChat."""
        data = self.to_dict()
        data.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        if self.description:
            data["description"] = self.description
        if self.is_group:
            data["permissions"] = {
                "can_send_messages": True,
                "can_send_photos": True,
                "can_send_videos": True,
                "can_send_documents": True,
            }
        return data


class Pulse:
    """Wakes everyone waiting for "something changed" without tracking what changed."""

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None
        self.version = 0
        """How many changes there have been: a watcher compares it to what it last saw."""

    def fire(self) -> None:
        self.version += 1
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, seconds: float) -> None:
        """Return on the next change, or after ``seconds`` at the latest."""
        if self._event is None:
            self._event = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), seconds)


class World:
    """All emulated state behind one bot."""

    def __init__(self, clock: Clock, bot: UserRecord) -> None:
        self.clock = clock
        self.changed = Pulse()
        self.bot = bot
        self.users: dict[int, UserRecord] = {bot.id: bot}
        self.chats: dict[int, ChatRecord] = {}
        self.files: dict[str, FileRecord] = {}
        self._seq = itertools.count(1)
        self._file_counter = itertools.count(1)
        self._media_group_counter = itertools.count(13_000_000_000_000_000)

    # --- sequencing -----------------------------------------------------------------

    def next_seq(self) -> int:
        return next(self._seq)

    def new_media_group_id(self) -> str:
        return str(next(self._media_group_counter))

    # --- users and chats --------------------------------------------------------------

    def add_user(self, user: UserRecord) -> UserRecord:
        self.users[user.id] = user
        if user.id not in self.chats and not user.is_bot:
            self.chats[user.id] = ChatRecord(
                id=user.id,
                type=PRIVATE,
                first_name=user.first_name,
                last_name=user.last_name,
                username=user.username,
            )
        return user

    def add_chat(self, chat: ChatRecord) -> ChatRecord:
        self.chats[chat.id] = chat
        return chat

    def chat_by_ref(self, ref: int | str) -> ChatRecord | None:
        if isinstance(ref, int):
            return self.chats.get(ref)
        if ref.startswith("@"):
            name = ref[1:].lower()
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == name and chat.type != PRIVATE:
                    return chat
            return None
        try:
            return self.chats.get(int(ref))
        except ValueError:
            return None

    # --- files ------------------------------------------------------------------------

    def new_file(
        self,
        kind: str,
        data: bytes,
        **attributes: Any,
    ) -> FileRecord:
        record = FileRecord(
            file_id=_FILE_ID_PREFIX[kind] + secrets.token_urlsafe(40),
            file_unique_id="AQAD" + secrets.token_urlsafe(9),
            kind=kind,
            data=data,
            **attributes,
        )
        self.files[record.file_id] = record
        return record

    def new_photo(self, data: bytes, width: int = 1280, height: int = 960) -> list[FileRecord]:
        """The sizes Telegram generates for one uploaded photo, smallest first."""
        sizes: list[FileRecord] = []
        for side in (90, 320, 800, 1280):
            if side > max(width, height) and sizes:
                break
            scale = min(1.0, side / max(width, height))
            part = data[: max(1, int(len(data) * scale * scale))] if data else b"\0"
            sizes.append(
                self.new_file(
                    "photo",
                    part,
                    width=max(1, round(width * scale)),
                    height=max(1, round(height * scale)),
                )
            )
        for size in sizes:
            size.siblings = sizes
        return sizes

    def assign_file_path(self, record: FileRecord) -> str:
        if record.file_path is None:
            extension = {
                "photo": ".jpg",
                "video": ".mp4",
                "voice": ".oga",
                "sticker": ".webp",
                "thumbnail": ".jpg",
            }.get(record.kind, "")
            if record.kind == "document" and record.file_name and "." in record.file_name:
                extension = "." + record.file_name.rsplit(".", 1)[1]
            number = next(self._file_counter)
            record.file_path = f"{_PATH_DIRS[record.kind]}/file_{number}{extension}"
        return record.file_path

    def file_by_path(self, path: str) -> FileRecord | None:
        for record in self.files.values():
            if record.file_path == path:
                return record
        return None

    # --- messages ---------------------------------------------------------------------

    def add_message(self, chat: ChatRecord, sender: UserRecord, **content: Any) -> MessageRecord:
        message = MessageRecord(
            chat_id=chat.id,
            message_id=chat.next_message_id,
            date=self.clock.timestamp(),
            sender=sender,
            seq=self.next_seq(),
            **content,
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        self.changed.fire()
        return message

    def mark_edited(self, message: MessageRecord) -> None:
        message.edit_date = self.clock.timestamp()
        message.edit_seq = self.next_seq()
        self.changed.fire()

    def delete_message(self, message: MessageRecord) -> None:
        message.deleted = True
        self.changed.fire()

    def entity_dicts(self, entities: list[Entity]) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = []
        for entity in entities:
            data = entity.to_dict()
            if entity.user_id is not None:
                user = self.users.get(entity.user_id)
                if user is None:
                    continue
                data["user"] = user.to_dict()
            result.append(data)
        return result

    def message_to_dict(self, message: MessageRecord, *, with_reply: bool = True) -> dict[str, Any]:
        chat = self.chats[message.chat_id]
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": message.sender.to_dict(),
            "chat": chat.to_dict(),
            "date": message.date,
        }
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.media_group_id:
            data["media_group_id"] = message.media_group_id
        if with_reply and message.reply_to_message_id is not None:
            replied = chat.find(message.reply_to_message_id)
            if replied is not None:
                data["reply_to_message"] = self.message_to_dict(replied, with_reply=False)
        if message.text is not None:
            data["text"] = message.text
            if message.entities:
                data["entities"] = self.entity_dicts(message.entities)
        if message.link_preview_options:
            data["link_preview_options"] = message.link_preview_options
        if message.media_kind == "photo":
            data["photo"] = [size.photo_size() for size in message.media]
        elif message.media_kind is not None and message.main_file is not None:
            data[message.media_kind] = message.main_file.to_dict()
        if message.caption is not None:
            data["caption"] = message.caption
            if message.caption_entities:
                data["caption_entities"] = self.entity_dicts(message.caption_entities)
            if message.show_caption_above_media:
                data["show_caption_above_media"] = True
        data.update(message.service)
        if message.reply_markup is not None:
            data["reply_markup"] = message.reply_markup
        return data
