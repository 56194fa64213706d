"""The test-facing side of the emulator: people who talk to the bot, and what chats show.

Tests read like user stories (``await alice.send("/start")``, ``await alice.press(msg,
"Create profile")``) while everything underneath produces the same updates Telegram would.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from .html import Entity, find_auto_entities, render_html
from .methods import CallbackAnswer, CallbackQueryRecord
from .state import ChatRecord, FileRecord, MemberRecord, MessageRecord, UserRecord, World

if TYPE_CHECKING:
    from .server import BotAPIEmulator

DEFAULT_TIMEOUT = 5.0
_LINK_HOSTS = frozenset({"t.me", "telegram.me"})
_START_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


# What a test reads, kept apart from the bot's values by the emulator's independence: records
# of the same shape, not the same meaning.
@dataclass(frozen=True, slots=True)
class Button:
    """One inline keyboard button as the user sees it."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class MessageView:
    """A snapshot of one message as the chat shows it at the moment it was taken."""

    chat_id: int
    message_id: int
    sender_id: int
    from_bot: bool
    date: int
    text: str
    """The message text, or the caption of a media message ("" when there is none)."""
    html: str
    """``text`` with its formatting rendered back to Telegram HTML."""
    caption: str | None
    kind: str
    """``text``, ``photo``, ``video``, ``document``, ``sticker``, ``voice`` or ``service``."""
    file_id: str | None
    file_unique_id: str | None
    media_group_id: str | None
    buttons: tuple[tuple[Button, ...], ...]
    reply_keyboard: tuple[tuple[str, ...], ...] | None
    reply_to_message_id: int | None
    edited: bool
    entities: tuple[Entity, ...]

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    def button(self, label: str) -> Button:
        """The button whose text or callback data equals ``label``."""
        for row in self.buttons:
            for button in row:
                if label in (button.text, button.callback_data):
                    return button
        raise AssertionError(
            f"message {self.message_id} has no button {label!r}; buttons: {self.button_texts}"
        )

    def describe(self) -> str:
        who = "bot" if self.from_bot else str(self.sender_id)
        parts = [f"#{self.message_id} {who}: [{self.kind}]"]
        if self.text:
            parts.append(repr(self.text[:200]))
        if self.buttons:
            parts.append(f"buttons={self.button_texts}")
        if self.media_group_id:
            parts.append(f"album={self.media_group_id}")
        return " ".join(parts)


def view_of(world: World, message: MessageRecord) -> MessageView:
    body = message.text if message.text is not None else message.caption
    entities = message.entities if message.text is not None else message.caption_entities
    main = message.main_file
    buttons = tuple(
        tuple(Button(str(b.get("text", "")), b.get("callback_data"), b.get("url")) for b in row)
        for row in (message.reply_markup or {}).get("inline_keyboard", [])
    )
    keyboard = None
    if message.reply_keyboard and "keyboard" in message.reply_keyboard:
        keyboard = tuple(
            tuple(b["text"] if isinstance(b, dict) else str(b) for b in row)
            for row in message.reply_keyboard["keyboard"]
        )
    kind = message.media_kind or ("text" if message.text is not None else "service")
    return MessageView(
        chat_id=message.chat_id,
        message_id=message.message_id,
        sender_id=message.sender.id,
        from_bot=message.sender.id == world.bot.id,
        date=message.date,
        text=body or "",
        html=render_html(body or "", entities),
        caption=message.caption,
        kind=kind,
        file_id=main.file_id if main else None,
        file_unique_id=main.file_unique_id if main else None,
        media_group_id=message.media_group_id,
        buttons=buttons,
        reply_keyboard=keyboard,
        reply_to_message_id=message.reply_to_message_id,
        edited=message.edit_date is not None,
        entities=tuple(entities),
    )


class SimChat:
    """A chat as a participant sees it."""

    def __init__(self, emulator: BotAPIEmulator, record: ChatRecord) -> None:
        self.emulator = emulator
        self.record = record
        self.id = record.id

    @property
    def title(self) -> str | None:
        return self.record.title

    def visible_messages(self) -> list[MessageView]:
        """Everything the chat shows right now, oldest first."""
        return [view_of(self.emulator.world, m) for m in self.record.visible_messages()]

    def bot_messages(self) -> list[MessageView]:
        return [view for view in self.visible_messages() if view.from_bot]

    def last_bot_message(self) -> MessageView | None:
        messages = self.bot_messages()
        return messages[-1] if messages else None

    def describe(self) -> str:
        lines = [view.describe() for view in self.visible_messages()]
        return "\n".join(f"  {line}" for line in lines) or "  (no messages)"

    async def wait_until(
        self,
        condition: Callable[[list[MessageView]], bool],
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - a test deadline, reported as such
        what: str = "the expected state",
    ) -> list[MessageView]:
        """Wait until ``condition(visible_messages())`` holds; returns those messages."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            views = self.visible_messages()
            if condition(views):
                return views
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"chat {self.id} did not reach {what} within {timeout}s; it shows:\n"
                    + self.describe()
                )
            await self.emulator.world.changed.wait(min(remaining, 0.5))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.record.title or self.record.first_name}>"


class SimGroup(SimChat):
    """A group or supergroup with members and the bot's own membership."""

    def add_member(self, user: SimUser, status: str = "member", **rights: bool) -> None:
        """Make ``user`` a member (``administrator``/``creator`` with ``rights``)."""
        from .state import admin_rights

        granted = admin_rights(**rights) if status == "administrator" else dict(rights)
        self.record.members[user.id] = MemberRecord(user.record, status, granted)

    def remove_member(self, user: SimUser) -> None:
        member = self.record.members.get(user.id)
        if member is not None:
            member.status = "left"

    def set_bot_rights(self, *, admin: bool, can_delete_messages: bool = True) -> None:
        from .state import admin_rights

        self.record.bot_member = MemberRecord(
            self.emulator.bot,
            "administrator" if admin else "member",
            admin_rights(can_delete_messages=can_delete_messages) if admin else {},
        )

    def members(self) -> list[int]:
        return [uid for uid, m in self.record.members.items() if m.is_present]

    # --- the bot's own membership, as an admin of the group changes it --------------------

    @property
    def bot_status(self) -> str:
        """The bot's status here in Bot API words (``left`` when it was never added)."""
        member = self.record.bot_member
        return member.status if member is not None else "left"

    async def add_bot(
        self, by: SimUser, *, admin: bool = False, can_delete_messages: bool = True
    ) -> None:
        """``by`` adds the bot: a ``my_chat_member`` update, then the ``new_chat_members``
        service message the bot also receives, as Telegram sends them."""
        from .state import admin_rights

        rights = admin_rights(can_delete_messages=can_delete_messages) if admin else {}
        await self._change_bot(by, "administrator" if admin else "member", rights)
        world = self.emulator.world
        message = world.add_message(
            self.record, by.record, service={"new_chat_members": [world.bot.to_dict()]}
        )
        await self.emulator.queue.push({"message": world.message_to_dict(message)})

    async def promote_bot(self, by: SimUser, *, can_delete_messages: bool = True) -> None:
        """``by`` makes the bot an administrator (or changes its rights)."""
        from .state import admin_rights

        await self._change_bot(
            by, "administrator", admin_rights(can_delete_messages=can_delete_messages)
        )

    async def demote_bot(self, by: SimUser) -> None:
        """``by`` takes the bot's administrator rights away; it stays a member."""
        await self._change_bot(by, "member", {})

    async def kick_bot(self, by: SimUser) -> None:
        """``by`` removes the bot from the group (banned until re-added)."""
        await self._change_bot(by, "kicked", {})

    async def _change_bot(self, by: SimUser, status: str, rights: dict[str, bool]) -> None:
        world = self.emulator.world
        old = self.record.bot_member
        old_payload = old.to_dict() if old is not None else _member_payload("left", world.bot)
        self.record.bot_member = MemberRecord(world.bot, status, dict(rights))
        await self.emulator.queue.push(
            {
                "my_chat_member": {
                    "chat": self.record.to_dict(),
                    "from": by.record.to_dict(),
                    "date": world.clock.timestamp(),
                    "old_chat_member": old_payload,
                    "new_chat_member": self.record.bot_member.to_dict(),
                }
            }
        )
        world.changed.fire()


def _fake_bytes(size: int, magic: bytes = b"") -> bytes:
    return magic + secrets.token_bytes(max(size - len(magic), 1))


class SimUser:
    """A human user; every action produces the update Telegram would send the bot."""

    def __init__(self, emulator: BotAPIEmulator, record: UserRecord) -> None:
        self.emulator = emulator
        self.record = record
        self.id = record.id
        self.private_chat = SimChat(emulator, emulator.world.chats[record.id])
        self._marks: dict[int, int] = {}
        self._seen: set[tuple[int, int, int]] = set()

    @property
    def username(self) -> str | None:
        return self.record.username

    def __repr__(self) -> str:
        return f"<SimUser {self.id} {self.record.full_name}>"

    # --- helpers --------------------------------------------------------------------------

    def _chat(self, chat: SimChat | None) -> ChatRecord:
        record = (chat or self.private_chat).record
        if record.is_group:
            member = record.members.get(self.id)
            if member is None or not member.is_present:
                raise AssertionError(f"{self!r} is not a member of {chat!r}")
        return record

    def _bot_sees(self, chat: ChatRecord, message: MessageRecord) -> bool:
        """Whether the bot receives this message. In privacy mode a bot that is no admin sees
        commands addressed to it (``/cmd@bot``), bare commands only when it was the last bot
        to speak in the group, replies to its messages and mentions of it."""
        if not chat.is_group:
            return True
        member = chat.bot_member
        if member is None or not member.is_present:
            return False
        if member.is_admin or not self.emulator.privacy_mode:
            return True
        if message.reply_to_message_id is not None:
            replied = chat.messages.get(message.reply_to_message_id)
            if replied is not None and replied.sender.id == self.emulator.bot.id:
                return True
        body = message.text if message.text is not None else message.caption or ""
        username = (self.emulator.bot.username or "").lower()
        for entity in message.entities or message.caption_entities:
            word = body[entity.offset : entity.offset + entity.length].lower()
            if entity.type == "bot_command" and entity.offset == 0:
                if "@" in word:
                    return word.endswith("@" + username)
                # A bare command goes to the last bot that spoke in the group, if any.
                return self._bot_spoke_last(chat, message)
            if entity.type == "mention" and word == "@" + username:
                return True
        return False

    def _bot_spoke_last(self, chat: ChatRecord, message: MessageRecord) -> bool:
        for earlier in reversed(chat.visible_messages()):
            if earlier.seq < message.seq and earlier.sender.is_bot:
                return earlier.sender.id == self.emulator.bot.id
        return False

    async def _post(
        self, chat: SimChat | None, *, notify: bool = True, **content: Any
    ) -> MessageRecord:
        record = self._chat(chat)
        if not record.is_group:
            was_blocked = record.blocked
            record.started = True
            record.blocked = False
            if was_blocked:
                await self._my_chat_member(record, "kicked", "member")
        message = self.emulator.world.add_message(record, self.record, **content)
        self._marks[record.id] = message.seq
        if notify and self._bot_sees(record, message):
            await self.emulator.queue.push(
                {"message": self.emulator.world.message_to_dict(message)}
            )
        return message

    def _view(self, message: MessageRecord) -> MessageView:
        return view_of(self.emulator.world, message)

    @staticmethod
    def _text_content(text: str) -> dict[str, Any]:
        return {"text": text, "entities": find_auto_entities(text)}

    def _caption_content(self, caption: str | None) -> dict[str, Any]:
        if not caption:
            return {}
        return {"caption": caption, "caption_entities": find_auto_entities(caption)}

    def _reply_id(self, reply_to: MessageView | int | None) -> int | None:
        if reply_to is None:
            return None
        return reply_to if isinstance(reply_to, int) else reply_to.message_id

    # --- sending --------------------------------------------------------------------------

    async def send(
        self,
        text: str,
        *,
        chat: SimChat | None = None,
        reply_to: MessageView | int | None = None,
    ) -> MessageView:
        """Send a text message (to the private chat with the bot unless ``chat`` is given)."""
        message = await self._post(
            chat, reply_to_message_id=self._reply_id(reply_to), **self._text_content(text)
        )
        return self._view(message)

    async def open_link(self, url: str) -> MessageView:
        """Tap a ``t.me/<bot>?start=<payload>`` link: the private chat with the bot receives
        ``/start <payload>``, or a bare ``/start`` when Telegram would drop the payload (more
        than 64 characters, or any outside A-Z, a-z, 0-9, ``_`` and ``-``)."""
        parts = urlsplit(url)
        username = parts.path.strip("/")
        if parts.scheme != "https" or parts.netloc not in _LINK_HOSTS:
            raise AssertionError(f"{url!r} is not a t.me link")
        if username.lower() != (self.emulator.bot.username or "").lower():
            raise AssertionError(f"{url!r} does not lead to the bot")
        payload = parse_qs(parts.query).get("start", [""])[0]
        valid = _START_PAYLOAD.fullmatch(payload) is not None
        return await self.send(f"/start {payload}" if valid else "/start")

    async def send_photo(
        self,
        caption: str | None = None,
        *,
        chat: SimChat | None = None,
        width: int = 1280,
        height: int = 960,
        file_id: str | None = None,
        data: bytes | None = None,
    ) -> MessageView:
        """Send a photo: ``data`` (an image file's bytes), a photo seen before (``file_id``)
        or made-up bytes."""
        world = self.emulator.world
        if file_id is not None:
            sizes = list(world.files[file_id].siblings or [world.files[file_id]])
        else:
            sizes = world.new_photo(data or _fake_bytes(4096, b"\xff\xd8\xff\xe0"), width, height)
        message = await self._post(
            chat, media_kind="photo", media=sizes, **self._caption_content(caption)
        )
        return self._view(message)

    def _new_video(self, data: bytes | None = None) -> FileRecord:
        world = self.emulator.world
        thumb = world.new_file("thumbnail", _fake_bytes(512), width=320, height=180)
        return world.new_file(
            "video",
            data or _fake_bytes(8192),
            width=1280,
            height=720,
            duration=7,
            file_name="video.mp4",
            mime_type="video/mp4",
            thumbnail=thumb,
        )

    async def send_video(
        self, caption: str | None = None, *, chat: SimChat | None = None, data: bytes | None = None
    ) -> MessageView:
        message = await self._post(
            chat,
            media_kind="video",
            media=[self._new_video(data)],
            **self._caption_content(caption),
        )
        return self._view(message)

    async def send_document(
        self,
        caption: str | None = None,
        *,
        chat: SimChat | None = None,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        data: bytes | None = None,
    ) -> MessageView:
        record = self.emulator.world.new_file(
            "document",
            data if data is not None else _fake_bytes(2048, b"%PDF-1.4\n"),
            file_name=file_name,
            mime_type=mime_type,
        )
        message = await self._post(
            chat, media_kind="document", media=[record], **self._caption_content(caption)
        )
        return self._view(message)

    async def send_sticker(self, *, chat: SimChat | None = None, emoji: str = "👍") -> MessageView:
        record = self.emulator.world.new_file(
            "sticker",
            _fake_bytes(1024, b"RIFF"),
            width=512,
            height=512,
            extra={"emoji": emoji, "set_name": "SandboxStickers"},
        )
        message = await self._post(chat, media_kind="sticker", media=[record])
        return self._view(message)

    async def send_voice(self, *, chat: SimChat | None = None, duration: int = 3) -> MessageView:
        record = self.emulator.world.new_file(
            "voice", _fake_bytes(1536, b"OggS"), duration=duration, mime_type="audio/ogg"
        )
        message = await self._post(chat, media_kind="voice", media=[record])
        return self._view(message)

    async def send_album(
        self,
        *,
        photos: int = 2,
        videos: int = 0,
        caption: str | None = None,
        chat: SimChat | None = None,
        files: Sequence[tuple[str, bytes]] = (),
    ) -> list[MessageView]:
        """Send an album: one message (and one update) per item, sharing a media_group_id.

        ``files`` (``("photo" | "video", bytes)`` pairs) come first, then ``photos`` and
        ``videos`` items of made-up bytes."""
        total = len(files) + photos + videos
        if not 2 <= total <= 10:
            raise ValueError("an album holds 2-10 items")
        world = self.emulator.world
        group_id = world.new_media_group_id()
        items: list[tuple[str, list[FileRecord]]] = [
            (kind, world.new_photo(data) if kind == "photo" else [self._new_video(data)])
            for kind, data in files
        ]
        items += [
            ("photo", world.new_photo(_fake_bytes(4096, b"\xff\xd8\xff\xe0")))
            for _ in range(photos)
        ]
        items += [("video", [self._new_video()]) for _ in range(videos)]
        views: list[MessageView] = []
        for index, (kind, records) in enumerate(items):
            content = self._caption_content(caption) if index == 0 else {}
            message = await self._post(
                chat, media_kind=kind, media=records, media_group_id=group_id, **content
            )
            views.append(self._view(message))
        return views

    async def edit(self, message: MessageView | int, text: str) -> MessageView:
        """Edit one of the user's own text messages (an ``edited_message`` update)."""
        message_id = message if isinstance(message, int) else message.message_id
        chat_id = self.id if isinstance(message, int) else message.chat_id
        record = self.emulator.world.chats[chat_id].find(message_id)
        if record is None or record.sender.id != self.id:
            raise AssertionError(f"{self!r} cannot edit message {message_id}")
        record.text = text
        record.entities = find_auto_entities(text)
        self.emulator.world.mark_edited(record)
        chat = self.emulator.world.chats[chat_id]
        if self._bot_sees(chat, record):
            await self.emulator.queue.push(
                {"edited_message": self.emulator.world.message_to_dict(record)}
            )
        return self._view(record)

    # --- buttons --------------------------------------------------------------------------

    async def press(
        self,
        message: MessageView | int,
        button: str,
        *,
        chat: SimChat | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - a test deadline, reported as such
    ) -> CallbackAnswer:
        """Press an inline button (by text or callback data) and wait for the bot's answer."""
        query = await self.press_nowait(message, button, chat=chat)
        try:
            return await asyncio.wait_for(asyncio.shield(query.answer), timeout)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not answer the callback query for {button!r} "
                f"(data={query.data!r}) within {timeout}s"
            ) from None

    async def press_nowait(
        self, message: MessageView | int, button: str, *, chat: SimChat | None = None
    ) -> CallbackQueryRecord:
        """Press an inline button without waiting; the record's ``answer`` future resolves
        when the bot calls answerCallbackQuery."""
        if isinstance(message, MessageView):
            chat_id, message_id = message.chat_id, message.message_id
        else:
            chat_id, message_id = (chat or self.private_chat).id, message
        world = self.emulator.world
        chat_record = world.chats[chat_id]
        record = chat_record.find(message_id)
        if record is None:
            raise AssertionError(f"message {message_id} is no longer visible in chat {chat_id}")
        target = self._view(record).button(button)
        if target.callback_data is None:
            raise AssertionError(f"button {button!r} is not a callback button ({target})")
        return await self._push_query(chat_record, record, target.callback_data)

    async def press_forged(
        self,
        message: MessageView,
        data: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - a test deadline, reported as such
    ) -> CallbackAnswer:
        """Send callback data no button carries, as a modified client can: bots must refuse it."""
        chat_record = self.emulator.world.chats[message.chat_id]
        record = chat_record.find(message.message_id)
        if record is None:
            raise AssertionError(f"message {message.message_id} is no longer visible")
        query = await self._push_query(chat_record, record, data)
        return await asyncio.wait_for(asyncio.shield(query.answer), timeout)

    async def _push_query(
        self, chat_record: ChatRecord, record: MessageRecord, data: str
    ) -> CallbackQueryRecord:
        world = self.emulator.world
        chat_id, message_id = chat_record.id, record.message_id
        loop = asyncio.get_running_loop()
        query = CallbackQueryRecord(
            id=str(secrets.randbits(63)),
            user=self.record,
            chat_id=chat_id,
            message_id=message_id,
            data=data,
            created=world.clock.now(),
            answer=loop.create_future(),
        )
        self.emulator.api.callback_queries[query.id] = query
        self._marks[chat_id] = world.next_seq()
        await self.emulator.queue.push(
            {
                "callback_query": {
                    "id": query.id,
                    "from": self.record.to_dict(),
                    "message": world.message_to_dict(record),
                    "chat_instance": chat_record.chat_instance,
                    "data": data,
                }
            }
        )
        return query

    async def press_keyboard(self, text: str, *, chat: SimChat | None = None) -> MessageView:
        """Tap a reply-keyboard button: Telegram sends its text as a message."""
        record = self._chat(chat)
        for message in reversed(record.visible_messages()):
            keyboard = message.reply_keyboard
            if keyboard and "keyboard" in keyboard:
                labels = [
                    b["text"] if isinstance(b, dict) else str(b)
                    for row in keyboard["keyboard"]
                    for b in row
                ]
                if text not in labels:
                    raise AssertionError(f"no keyboard button {text!r}; keyboard: {labels}")
                return await self.send(text, chat=chat)
            if keyboard and keyboard.get("remove_keyboard"):
                break
        raise AssertionError(f"chat {record.id} shows no reply keyboard")

    # --- waiting for the bot --------------------------------------------------------------

    async def wait_for_message(
        self,
        predicate: Callable[[MessageView], bool] | None = None,
        *,
        chat: SimChat | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - a test deadline, reported as such
    ) -> MessageView:
        """The first bot message (new or edited since this user's last action in the chat)
        matching ``predicate`` that this user has not already received from this method."""
        record = (chat or self.private_chat).record
        sim = chat or self.private_chat
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            mark = self._marks.get(record.id, 0)
            for message in record.visible_messages():
                if message.sender.id != self.emulator.bot.id or message.last_change <= mark:
                    continue
                key = (record.id, message.message_id, message.last_change)
                if key in self._seen:
                    continue
                view = self._view(message)
                if predicate is None or predicate(view):
                    self._seen.add(key)
                    return view
            remaining = deadline - loop.time()
            if remaining <= 0:
                errors = [
                    f"  {r.method}: {r.description}"
                    for r in self.emulator.requests[-10:]
                    if not r.ok
                ]
                hint = ("\nrecent API errors:\n" + "\n".join(errors)) if errors else ""
                raise AssertionError(
                    f"{self!r}: no matching bot message in chat {record.id} within "
                    f"{timeout}s; the chat shows:\n{sim.describe()}{hint}"
                )
            await self.emulator.world.changed.wait(min(remaining, 0.5))

    async def wait_for_messages(
        self,
        count: int,
        predicate: Callable[[MessageView], bool] | None = None,
        *,
        chat: SimChat | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - a test deadline, reported as such
    ) -> list[MessageView]:
        """``count`` successive matching bot messages (e.g. the items of an album)."""
        return [
            await self.wait_for_message(predicate, chat=chat, timeout=timeout) for _ in range(count)
        ]

    # --- relationship with the bot --------------------------------------------------------

    async def _my_chat_member(self, chat: ChatRecord, old: str, new: str) -> None:
        world = self.emulator.world
        bot = world.bot
        await self.emulator.queue.push(
            {
                "my_chat_member": {
                    "chat": chat.to_dict(),
                    "from": self.record.to_dict(),
                    "date": world.clock.timestamp(),
                    "old_chat_member": _member_payload(old, bot),
                    "new_chat_member": _member_payload(new, bot),
                }
            }
        )

    async def block_bot(self) -> None:
        """Block the bot: later sends get 403 "bot was blocked by the user"."""
        chat = self.private_chat.record
        if not chat.blocked:
            chat.blocked = True
            await self._my_chat_member(chat, "member", "kicked")

    async def unblock_bot(self) -> None:
        chat = self.private_chat.record
        if chat.blocked:
            chat.blocked = False
            await self._my_chat_member(chat, "kicked", "member")

    async def join(self, group: SimGroup) -> MessageView:
        """Join a group: membership plus the ``new_chat_members`` service message."""
        group.add_member(self)
        message = await self._post(
            group,
            notify=False,
            service={"new_chat_members": [self.record.to_dict()]},
        )
        member = group.record.bot_member
        if member is not None and member.is_present:
            await self.emulator.queue.push(
                {"message": self.emulator.world.message_to_dict(message)}
            )
        return self._view(message)


def _member_payload(status: str, user: UserRecord) -> dict[str, Any]:
    return MemberRecord(user, status).to_dict()


__all__: Sequence[str] = ("Button", "MessageView", "SimChat", "SimGroup", "SimUser", "view_of")
