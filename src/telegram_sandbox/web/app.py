"""A Telegram-like web client on top of the emulator: people chat with a bot in a browser.

The page (plain HTML, CSS and JavaScript in ``static/``, no build step) speaks to a small JSON
API served by the emulator's own aiohttp app; it acts only through :class:`SimUser`, so what a
person does in the browser produces exactly the updates a test would. Changes reach the page
as server-sent events, so edits and deletions show at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..client import MessageView, SimChat, SimUser, view_of
from ..state import ChatRecord, FileRecord, MessageRecord
from .samples import is_complete_media, media_type, sample_png

if TYPE_CHECKING:
    from ..server import BotAPIEmulator

FastForward = Callable[[timedelta], Awaitable[None]]

_STATIC = resources.files(__package__) / "static"
_STATIC_FILES = {
    "index.html": "text/html",
    "app.js": "text/javascript",
    "style.css": "text/css",
}
_ANSWER_TIMEOUT = 10.0
_KEEPALIVE = 15.0
_MAX_FAST_FORWARD = timedelta(days=30)
_STICKERS = ("😀", "👍", "🔥", "❤️", "😎", "🎉")


@dataclass(frozen=True, slots=True)
class Persona:
    """Someone the page lets you be: a user of the emulator, with a role and a line on what
    they can try."""

    user: SimUser
    role: str
    about: str = ""


class WebClient:
    """Serves the page and its API; ``install`` it with ``BotAPIEmulator.extend_app``.

    ``fast_forward`` moves time for the bot under test too (and wakes what waits on it);
    without it only the emulator's clock moves.
    """

    def __init__(
        self,
        emulator: BotAPIEmulator,
        personas: Sequence[Persona],
        *,
        title: str = "Telegram sandbox",
        fast_forward: FastForward | None = None,
    ) -> None:
        if not personas:
            raise ValueError("the page needs at least one persona")
        self.emulator = emulator
        self.personas = {persona.user.id: persona for persona in personas}
        self.title = title
        self.fast_forward = fast_forward
        self._samples = 0

    def install(self, app: web.Application) -> None:
        app.router.add_get("/", self._page)
        app.router.add_get("/static/{name}", self._static)
        app.router.add_get("/api/world", self._world)
        app.router.add_get("/api/chats", self._chats)
        app.router.add_get("/api/chats/{chat_id}/messages", self._messages)
        app.router.add_get("/api/files/{file_id}", self._file)
        app.router.add_get("/api/events", self._events)
        app.router.add_post("/api/send", self._send)
        app.router.add_post("/api/send_media", self._send_media)
        app.router.add_post("/api/press", self._press)
        app.router.add_post("/api/open_link", self._open_link)
        app.router.add_post("/api/fast_forward", self._fast_forward_request)

    # --- the page -------------------------------------------------------------------------

    async def _page(self, request: web.Request) -> web.Response:
        return await self._static_file("index.html")

    async def _static(self, request: web.Request) -> web.Response:
        return await self._static_file(request.match_info["name"])

    async def _static_file(self, name: str) -> web.Response:
        if name not in _STATIC_FILES:
            raise web.HTTPNotFound()
        body = (_STATIC / name).read_bytes()
        return web.Response(
            body=body,
            content_type=_STATIC_FILES[name],
            charset="utf-8",
            headers={"Cache-Control": "no-cache"},
        )

    # --- reading --------------------------------------------------------------------------

    async def _world(self, request: web.Request) -> web.Response:
        bot = self.emulator.bot
        return web.json_response(
            {
                "title": self.title,
                "bot": {"id": bot.id, "name": bot.first_name, "username": bot.username},
                "now": self.emulator.clock.timestamp(),
                "personas": [
                    {
                        "id": persona.user.id,
                        "name": persona.user.record.full_name,
                        "username": persona.user.username,
                        "role": persona.role,
                        "about": persona.about,
                    }
                    for persona in self.personas.values()
                ],
            }
        )

    def _persona(self, value: object) -> SimUser:
        try:
            return self.personas[int(str(value))].user
        except (KeyError, ValueError):
            raise web.HTTPBadRequest(text="unknown persona") from None

    def _chat_for(self, user: SimUser, value: object) -> ChatRecord:
        try:
            chat_id = int(str(value))
        except ValueError:
            raise web.HTTPBadRequest(text="bad chat id") from None
        if chat_id == user.id:
            return user.private_chat.record
        record = self.emulator.world.chats.get(chat_id)
        if record is None or not record.is_group:
            raise web.HTTPNotFound(text="no such chat")
        member = record.members.get(user.id)
        if member is None or not member.is_present:
            raise web.HTTPForbidden(text="not a member of this chat")
        return record

    def _sim_chat(self, user: SimUser, record: ChatRecord) -> SimChat | None:
        return None if record.id == user.id else self.emulator.chat(record.id)

    async def _chats(self, request: web.Request) -> web.Response:
        user = self._persona(request.query.get("as"))
        records = [user.private_chat.record] + [
            chat
            for chat in self.emulator.world.chats.values()
            if chat.is_group
            and (member := chat.members.get(user.id)) is not None
            and member.is_present
        ]
        chats = []
        for record in records:
            visible = record.visible_messages()
            last = view_of(self.emulator.world, visible[-1]) if visible else None
            chats.append(
                {
                    "id": record.id,
                    "title": record.title if record.is_group else self.emulator.bot.first_name,
                    "kind": "group" if record.is_group else "bot",
                    "last": _preview(last) if last else "",
                    "last_date": last.date if last else 0,
                }
            )
        return web.json_response({"chats": chats, "now": self.emulator.clock.timestamp()})

    async def _messages(self, request: web.Request) -> web.Response:
        user = self._persona(request.query.get("as"))
        record = self._chat_for(user, request.match_info["chat_id"])
        messages = [self._message(user, message) for message in record.visible_messages()]
        return web.json_response({"messages": messages, "version": self._version()})

    def _message(self, user: SimUser, message: MessageRecord) -> dict[str, Any]:
        view = view_of(self.emulator.world, message)
        main = message.main_file
        media = (
            [{"kind": view.kind, "url": f"/api/files/{view.file_id}", "sample": _is_made_up(main)}]
            if main is not None and view.kind != "sticker"
            else []
        )
        sticker = main.extra.get("emoji") if main is not None and view.kind == "sticker" else None
        return {
            "id": view.message_id,
            "sender": {
                "id": message.sender.id,
                "name": message.sender.full_name,
                "is_bot": message.sender.is_bot,
            },
            "outgoing": message.sender.id == user.id,
            "date": view.date,
            "kind": view.kind,
            "html": view.html,
            "media": media,
            "sticker": sticker,
            "album": view.media_group_id,
            "buttons": [
                [{"text": b.text, "data": b.callback_data, "url": b.url} for b in row]
                for row in view.buttons
            ],
            "keyboard": [list(row) for row in view.reply_keyboard or ()],
            "edited": view.edited,
            "service": _service_text(message),
        }

    async def _file(self, request: web.Request) -> web.Response:
        record = self.emulator.world.files.get(request.match_info["file_id"])
        if record is None:
            raise web.HTTPNotFound()
        largest = record.siblings[-1] if record.siblings else record
        return web.Response(
            body=largest.data,
            content_type=media_type(largest.data, largest.kind),
            headers={"Cache-Control": "max-age=3600"},
        )

    def _version(self) -> int:
        return self.emulator.world.changed.version

    async def _events(self, request: web.Request) -> web.StreamResponse:
        """Server-sent events: ``change`` whenever anything in the world changed."""
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        seen = self._version()
        with contextlib.suppress(ConnectionResetError):
            await response.write(f"event: change\ndata: {seen}\n\n".encode())
            while True:
                await self.emulator.world.changed.wait(_KEEPALIVE)
                version = self._version()
                if version == seen:
                    await response.write(b": keep-alive\n\n")
                    continue
                seen = version
                await response.write(f"event: change\ndata: {version}\n\n".encode())
        return response

    # --- acting ---------------------------------------------------------------------------

    async def _json(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            raise web.HTTPBadRequest(text="expected a JSON object") from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="expected a JSON object")
        return body

    async def _send(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        user = self._persona(body.get("as"))
        record = self._chat_for(user, body.get("chat"))
        text = str(body.get("text", "")).strip()
        if not text:
            raise web.HTTPBadRequest(text="nothing to send")
        reply_to = body.get("reply_to")
        view = await user.send(
            text,
            chat=self._sim_chat(user, record),
            reply_to=int(reply_to) if isinstance(reply_to, int) else None,
        )
        return web.json_response({"id": view.message_id})

    async def _send_media(self, request: web.Request) -> web.Response:
        """Multipart: ``as``, ``chat``, ``kind`` (photo, video, album, sticker), ``caption``
        and any number of ``file`` parts; without files, built-in samples are sent."""
        fields: dict[str, str] = {}
        uploads: list[tuple[str, bytes]] = []
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                content_type = value.content_type or ""
                kind = "video" if content_type.startswith("video/") else "photo"
                uploads.append((kind, value.file.read()))
            else:
                fields[name] = str(value)
        user = self._persona(fields.get("as"))
        record = self._chat_for(user, fields.get("chat"))
        chat = self._sim_chat(user, record)
        kind = fields.get("kind", "photo")
        caption = fields.get("caption") or None
        if kind == "sticker":
            emoji = fields.get("emoji") or _STICKERS[self._next_sample() % len(_STICKERS)]
            views = [await user.send_sticker(chat=chat, emoji=emoji)]
        elif len(uploads) >= 2 or kind == "album":
            files = uploads or [("photo", self._sample()) for _ in range(3)]
            if len(files) == 1:
                files.append(("photo", self._sample()))
            views = await user.send_album(photos=0, caption=caption, chat=chat, files=files[:10])
        elif (uploads and uploads[0][0] == "video") or (not uploads and kind == "video"):
            video = uploads[0][1] if uploads else None
            views = [await user.send_video(caption, chat=chat, data=video)]
        else:
            photo = uploads[0][1] if uploads else self._sample()
            views = [await user.send_photo(caption, chat=chat, data=photo)]
        return web.json_response({"ids": [view.message_id for view in views]})

    def _next_sample(self) -> int:
        self._samples += 1
        return self._samples

    def _sample(self) -> bytes:
        return sample_png(self._next_sample())

    async def _press(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        user = self._persona(body.get("as"))
        record = self._chat_for(user, body.get("chat"))
        message = record.find(int(body.get("message", 0)))
        if message is None:
            raise web.HTTPNotFound(text="the message is gone")
        data = str(body.get("data", ""))
        view = view_of(self.emulator.world, message)
        if data not in (b.callback_data for row in view.buttons for b in row):
            raise web.HTTPBadRequest(text="no such button")
        query = await user.press_nowait(view, data)
        try:
            answer = await asyncio.wait_for(asyncio.shield(query.answer), _ANSWER_TIMEOUT)
        except TimeoutError:
            return web.json_response({"answered": False})
        return web.json_response(
            {"answered": True, "text": answer.text, "show_alert": answer.show_alert}
        )

    async def _open_link(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        user = self._persona(body.get("as"))
        try:
            await user.open_link(str(body.get("url", "")))
        except AssertionError as error:
            raise web.HTTPBadRequest(text=str(error)) from None
        return web.json_response({"chat": user.id})

    async def _fast_forward_request(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        try:
            by = timedelta(minutes=float(body.get("minutes", 0)))
        except (TypeError, ValueError):
            raise web.HTTPBadRequest(text="minutes must be a number") from None
        if not timedelta(0) < by <= _MAX_FAST_FORWARD:
            raise web.HTTPBadRequest(text="fast-forward by a positive time, up to 30 days")
        if self.fast_forward is not None:
            await self.fast_forward(by)
        else:
            self.emulator.advance_time(by.total_seconds())
        self.emulator.world.changed.fire()
        return web.json_response({"now": self.emulator.clock.timestamp()})


def _is_made_up(file: FileRecord) -> bool:
    """Made-up bytes (as tests send) show as placeholders, not as broken images."""
    largest = file.siblings[-1] if file.siblings else file
    return not is_complete_media(largest.data)


def _preview(view: MessageView) -> str:
    if view.text:
        return view.text.split("\n", 1)[0][:80]
    return {"photo": "🖼 Photo", "video": "🎬 Video", "sticker": "Sticker"}.get(view.kind, "")


def _service_text(message: MessageRecord) -> str | None:
    if not message.service:
        return None
    joined = message.service.get("new_chat_members")
    if joined:
        names = ", ".join(str(user.get("first_name", "")) for user in joined)
        return f"{names} joined the group"
    left = message.service.get("left_chat_member")
    if left:
        return f"{left.get('first_name', '')} left the group"
    return json.dumps(sorted(message.service))
