"""Bot API methods: validation, Telegram's error wording and effects on the world.

Every method checks what Telegram checks and answers with Telegram's descriptions, so a bot
that passes its end-to-end tests here behaves the same against the real servers.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import (
    CHAT_NOT_FOUND,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    WRONG_FILE_ID,
    ApiError,
    bad_request,
    forbidden,
    too_many_requests,
)
from .html import (
    Entity,
    EntityParseError,
    find_auto_entities,
    merge_entities,
    parse_html,
    strip_text,
    utf16_len,
)
from .limits import RateLimiter
from .markdown import parse_markdown, parse_markdown_v2
from .markup import validate_reply_markup
from .params import Params, Upload
from .state import (
    DELETE_WINDOW_SECONDS,
    GROUP,
    PRIVATE,
    ChatRecord,
    FileRecord,
    MessageRecord,
    UserRecord,
    World,
)
from .updates import UpdateQueue, WebhookConfig

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_ALBUM_SIZE = 10
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024

SEND_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "sendvideo",
        "senddocument",
        "sendmediagroup",
        "sendsticker",
        "sendvoice",
        "copymessage",
        "forwardmessage",
    }
)
_MEDIA_KINDS = ("photo", "video", "document", "sticker", "voice")
_SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")

Handler = Callable[[Params], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """What the bot answered to a button press (answerCallbackQuery)."""

    text: str | None
    show_alert: bool
    url: str | None = None
    cache_time: int = 0


@dataclass(slots=True)
class CallbackQueryRecord:
    id: str
    user: UserRecord
    chat_id: int
    message_id: int
    data: str | None
    created: float
    answer: asyncio.Future[CallbackAnswer]


@dataclass(slots=True)
class InjectedFailure:
    method: str
    error: ApiError
    remaining: int
    chat_id: int | None = None
    """Only calls into this chat fail (None: every call of the method)."""
    accepted: bool = False
    """The call takes effect first, then the error is answered (a reply lost on its way)."""


@dataclass(slots=True)
class BotSettings:
    """Per-bot settings a bot changes through the API and tests may inspect."""

    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    default_menu_button: dict[str, Any] = field(default_factory=lambda: {"type": "commands"})
    descriptions: dict[str, str] = field(default_factory=dict)


class BotApi:
    """Executes Bot API calls against a :class:`World` and an :class:`UpdateQueue`."""

    def __init__(
        self,
        world: World,
        queue: UpdateQueue,
        limiter: RateLimiter,
        *,
        callback_timeout: float = 15.0,
        on_webhook_change: Callable[[], None] | None = None,
    ) -> None:
        self.world = world
        self.queue = queue
        self.limiter = limiter
        self.callback_timeout = callback_timeout
        self.on_webhook_change = on_webhook_change
        self.settings = BotSettings()
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.failures: list[InjectedFailure] = []
        self.handlers: dict[str, Handler] = {
            name[len("api_") :].replace("_", ""): getattr(self, name)
            for name in dir(self)
            if name.startswith("api_")
        }

    # --- dispatch -----------------------------------------------------------------------

    async def call(self, method: str, params: Params) -> Any:
        handler = self.handlers.get(method.lower())
        if handler is None:
            raise ApiError(404, "Not Found")
        after = self._raise_injected(method.lower(), params)
        result = await handler(params)
        if after is not None:
            raise after
        return result

    def _raise_injected(self, method: str, params: Params) -> ApiError | None:
        """Raise an injected failure now, or return one to raise after the call took effect."""
        for failure in self.failures:
            if failure.chat_id is not None and str(params.raw("chat_id")) != str(failure.chat_id):
                continue
            if failure.method == method and failure.remaining > 0:
                failure.remaining -= 1
                if failure.remaining == 0:
                    self.failures.remove(failure)
                if failure.accepted:
                    return failure.error
                raise failure.error
        return None

    # --- shared checks --------------------------------------------------------------------

    def chat(self, params: Params, name: str = "chat_id") -> ChatRecord:
        chat = self.world.chat_by_ref(params.chat_ref(name))
        if chat is None:
            raise bad_request(CHAT_NOT_FOUND)
        return chat

    def require_access(self, chat: ChatRecord) -> None:
        """Raise what Telegram answers when the bot may not act in ``chat``."""
        if chat.type == PRIVATE:
            if chat.blocked:
                raise forbidden("bot was blocked by the user")
            if not chat.started:
                raise forbidden("bot can't initiate conversation with a user")
            return
        member = chat.bot_member
        kind = "group chat" if chat.type == GROUP else "supergroup chat"
        if member is None or not member.is_present:
            if member is not None and member.status == "kicked":
                raise forbidden(f"bot was kicked from the {kind}")
            raise forbidden(f"bot is not a member of the {kind}")

    def writable_chat(self, params: Params) -> ChatRecord:
        chat = self.chat(params)
        self.require_access(chat)
        return chat

    def throttle(self, chat: ChatRecord) -> None:
        retry_after = self.limiter.acquire(chat.id, is_group=chat.is_group)
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def formatted(
        self,
        text: str,
        parse_mode: str | None,
        raw_entities: Any,
        *,
        limit: int,
        too_long: str,
        empty: str | None,
    ) -> tuple[str, list[Entity]]:
        mode = (parse_mode or "").lower()
        parsers = {"html": parse_html, "markdownv2": parse_markdown_v2, "markdown": parse_markdown}
        if mode in parsers:
            try:
                plain, entities = parsers[mode](text)
            except EntityParseError as error:
                raise ApiError(400, str(error)) from None
        elif mode in ("", "none"):
            plain = text
            entities = [Entity.from_dict(item) for item in raw_entities or []]
        else:
            raise bad_request("unsupported parse_mode")
        plain, entities = strip_text(plain, entities)
        if not plain and empty is not None:
            raise bad_request(empty)
        if utf16_len(plain) > limit:
            raise bad_request(too_long)
        entities = merge_entities(entities, find_auto_entities(plain, entities))
        return plain, entities

    def message_text(self, params: Params) -> tuple[str, list[Entity]]:
        """A text message's ``text``, checked and parsed as sendMessage and editMessageText do."""
        return self.formatted(
            params.get_str("text") or "",
            params.get_str("parse_mode"),
            params.get_json("entities"),
            limit=MAX_TEXT_LENGTH,
            too_long="message is too long",
            empty="message text is empty",
        )

    def caption(self, params: Params, *, prefix: str = "") -> tuple[str | None, list[Entity]]:
        caption = params.get_str(prefix + "caption")
        if caption is None or caption == "":
            return None, []
        text, entities = self.formatted(
            caption,
            params.get_str(prefix + "parse_mode"),
            params.get_json(prefix + "caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            too_long="message caption is too long",
            empty=None,
        )
        return (text or None), entities

    def reply_to(self, chat: ChatRecord, params: Params) -> int | None:
        reply = params.get_json("reply_parameters") or {}
        message_id = reply.get("message_id") if isinstance(reply, dict) else None
        allow = bool(reply.get("allow_sending_without_reply")) if isinstance(reply, dict) else False
        if message_id is None:
            message_id = params.get_int("reply_to_message_id")
            allow = params.get_bool("allow_sending_without_reply")
        if message_id is None:
            return None
        if chat.find(int(message_id)) is None:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return int(message_id)

    def markup(self, params: Params) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """Split reply_markup into (inline keyboard kept on the message, other keyboards)."""
        markup = validate_reply_markup(
            params.get_json("reply_markup", what="reply keyboard markup")
        )
        if markup is None:
            return None, None
        if "inline_keyboard" in markup:
            return markup, None
        return None, markup

    def deliver(self, chat: ChatRecord, params: Params, **content: Any) -> MessageRecord:
        inline, keyboard = self.markup(params)
        reply_to = self.reply_to(chat, params)
        self.throttle(chat)
        return self.world.add_message(
            chat,
            self.world.bot,
            reply_markup=inline,
            reply_keyboard=keyboard,
            reply_to_message_id=reply_to,
            **content,
        )

    # --- files ----------------------------------------------------------------------------

    def upload_for(self, params: Params, value: Any, name: str) -> Upload | None:
        if isinstance(value, str) and value.startswith("attach://"):
            upload = params.uploads.get(value[len("attach://") :])
            if upload is None:
                raise bad_request("can't parse InputMedia: media not found")
            return upload
        if value in (None, "") and name in params.uploads:
            return params.uploads[name]
        return None

    def resolve_file(self, params: Params, value: Any, kind: str, name: str) -> list[FileRecord]:
        """Turn an upload, URL or file_id into stored files (all sizes for a photo)."""
        upload = self.upload_for(params, value, name)
        if upload is not None:
            if not upload.data:
                raise bad_request("file must be non-empty")
            return self.store_upload(kind, upload.data, upload.filename, upload.content_type)
        if value in (None, ""):
            raise bad_request(f"there is no {kind} in the request")
        reference = str(value)
        if reference.startswith(("http://", "https://")):
            filename = reference.rstrip("/").rsplit("/", 1)[-1] or "file"
            return self.store_upload(kind, secrets.token_bytes(256), filename, None)
        record = self.world.files.get(reference)
        if record is None:
            raise bad_request(WRONG_FILE_ID)
        if record.kind != kind:
            raise bad_request(f"can't use file of type {record.kind_name} as {kind.capitalize()}")
        if kind == "photo":
            return list(record.siblings or [record])
        return [record]

    def store_upload(
        self, kind: str, data: bytes, filename: str, content_type: str | None
    ) -> list[FileRecord]:
        world = self.world
        if kind == "photo":
            return world.new_photo(data)
        if kind == "video":
            return [
                world.new_file(
                    "video",
                    data,
                    width=1280,
                    height=720,
                    duration=10,
                    file_name=filename,
                    mime_type=content_type or "video/mp4",
                )
            ]
        if kind == "document":
            return [
                world.new_file(
                    "document",
                    data,
                    file_name=filename,
                    mime_type=content_type or "application/octet-stream",
                )
            ]
        if kind == "voice":
            return [world.new_file("voice", data, duration=3, mime_type="audio/ogg")]
        return [world.new_file("sticker", data, width=512, height=512)]

    # --- getting updates ------------------------------------------------------------------

    async def api_get_me(self, params: Params) -> Any:
        data = self.world.bot.to_dict()
        data.update(
            {
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            }
        )
        return data

    async def api_get_updates(self, params: Params) -> Any:
        limit = params.get_int("limit") or 100
        limit = min(max(limit, 1), 100)
        allowed = params.get_json("allowed_updates")
        if isinstance(allowed, list):
            self.queue.set_allowed([str(item) for item in allowed])
        return await self.queue.get_updates(
            params.get_int("offset"), limit, params.get_float("timeout", 0.0)
        )

    async def api_set_webhook(self, params: Params) -> Any:
        url = params.get_str("url") or ""
        secret = params.get_str("secret_token")
        if secret is not None and secret != "" and not _SECRET_TOKEN_RE.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        if params.get_bool("drop_pending_updates"):
            self.queue.drop_pending()
        allowed = params.get_json("allowed_updates")
        if isinstance(allowed, list):
            self.queue.set_allowed([str(item) for item in allowed])
        if not url:
            self.queue.webhook = None
        else:
            if not url.startswith(("http://", "https://")):
                raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            self.queue.webhook = WebhookConfig(
                url=url,
                secret_token=secret or None,
                max_connections=params.get_int("max_connections") or 40,
            )
        await self.queue.notify()
        if self.on_webhook_change is not None:
            self.on_webhook_change()
        return True

    async def api_delete_webhook(self, params: Params) -> Any:
        if params.get_bool("drop_pending_updates"):
            self.queue.drop_pending()
        self.queue.webhook = None
        await self.queue.notify()
        if self.on_webhook_change is not None:
            self.on_webhook_change()
        return True

    async def api_get_webhook_info(self, params: Params) -> Any:
        webhook = self.queue.webhook
        info: dict[str, Any] = {
            "url": webhook.url if webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.queue.pending),
        }
        if webhook is not None:
            info["max_connections"] = webhook.max_connections
            info["ip_address"] = "127.0.0.1"
            if webhook.last_error_date is not None:
                info["last_error_date"] = webhook.last_error_date
                info["last_error_message"] = webhook.last_error_message
        if self.queue.allowed_updates != frozenset():
            info["allowed_updates"] = sorted(self.queue.allowed_updates)
        return info

    async def api_log_out(self, params: Params) -> Any:
        return True

    async def api_close(self, params: Params) -> Any:
        return True

    # --- sending --------------------------------------------------------------------------

    async def api_send_message(self, params: Params) -> Any:
        chat = self.writable_chat(params)
        text, entities = self.message_text(params)
        preview = params.get_json("link_preview_options")
        if params.get_bool("disable_web_page_preview"):
            preview = {"is_disabled": True}
        message = self.deliver(
            chat,
            params,
            text=text,
            entities=entities,
            link_preview_options=preview if isinstance(preview, dict) and preview else None,
        )
        return self.world.message_to_dict(message)

    async def _send_media(self, params: Params, kind: str) -> Any:
        chat = self.writable_chat(params)
        caption, caption_entities = (None, []) if kind == "sticker" else self.caption(params)
        files = self.resolve_file(params, params.raw(kind), kind, kind)
        message = self.deliver(
            chat,
            params,
            caption=caption,
            caption_entities=caption_entities,
            media_kind=kind,
            media=files,
            show_caption_above_media=params.get_bool("show_caption_above_media"),
        )
        return self.world.message_to_dict(message)

    async def api_send_photo(self, params: Params) -> Any:
        return await self._send_media(params, "photo")

    async def api_send_video(self, params: Params) -> Any:
        return await self._send_media(params, "video")

    async def api_send_document(self, params: Params) -> Any:
        return await self._send_media(params, "document")

    async def api_send_sticker(self, params: Params) -> Any:
        return await self._send_media(params, "sticker")

    async def api_send_voice(self, params: Params) -> Any:
        return await self._send_media(params, "voice")

    def input_media(self, params: Params, item: Any) -> dict[str, Any]:
        """Read one InputMedia object into message content."""
        if not isinstance(item, dict):
            raise bad_request("can't parse InputMedia: Object expected as InputMedia")
        kind = item.get("type")
        if kind not in ("photo", "video", "document", "audio", "animation"):
            raise bad_request(f'can\'t parse InputMedia: type "{kind}" is unsupported')
        if kind in ("audio", "animation"):
            raise bad_request(f"can't parse InputMedia: type \"{kind}\" can't be used here")
        item_params = Params(values=dict(item), uploads=params.uploads)
        files = self.resolve_file(item_params, item.get("media"), str(kind), "media")
        caption, entities = self.caption(item_params)
        return {
            "media_kind": kind,
            "media": files,
            "caption": caption,
            "caption_entities": entities,
            "show_caption_above_media": item_params.get_bool("show_caption_above_media"),
        }

    async def api_send_media_group(self, params: Params) -> Any:
        chat = self.writable_chat(params)
        media = params.get_json("media")
        if media is None and not params.has("media"):
            raise bad_request('parameter "media" is required')
        if not isinstance(media, list) or not media:
            raise bad_request("there are no messages to send")
        if len(media) > MAX_ALBUM_SIZE:
            raise bad_request("too many messages to send as an album")
        contents = [self.input_media(params, item) for item in media]
        kinds = {content["media_kind"] for content in contents}
        if "document" in kinds and len(kinds) > 1:
            raise bad_request("document can't be mixed with other media types")
        reply_to = self.reply_to(chat, params)
        self.throttle(chat)
        group_id = self.world.new_media_group_id() if len(contents) > 1 else None
        messages = [
            self.world.add_message(
                chat,
                self.world.bot,
                media_group_id=group_id,
                reply_to_message_id=reply_to,
                **content,
            )
            for content in contents
        ]
        return [self.world.message_to_dict(message) for message in messages]

    def source_message(self, params: Params, purpose: str) -> MessageRecord:
        """The message ``from_chat_id`` and ``message_id`` name, to ``purpose`` (copy, forward)."""
        source_chat = self.chat(params, "from_chat_id")
        source = source_chat.find(params.get_int("message_id", required=True) or 0)
        if source is None:
            raise bad_request(f"message to {purpose} not found")
        return source

    async def api_copy_message(self, params: Params) -> Any:
        chat = self.writable_chat(params)
        source = self.source_message(params, "copy")
        caption, caption_entities = source.caption, source.caption_entities
        if params.has("caption"):
            caption, caption_entities = self.caption(params)
        message = self.deliver(
            chat,
            params,
            text=source.text,
            entities=list(source.entities),
            caption=caption,
            caption_entities=caption_entities,
            media_kind=source.media_kind,
            media=list(source.media),
        )
        return {"message_id": message.message_id}

    async def api_forward_message(self, params: Params) -> Any:
        chat = self.writable_chat(params)
        source = self.source_message(params, "forward")
        self.throttle(chat)
        message = self.world.add_message(
            chat,
            self.world.bot,
            text=source.text,
            entities=list(source.entities),
            caption=source.caption,
            caption_entities=list(source.caption_entities),
            media_kind=source.media_kind,
            media=list(source.media),
            service={
                "forward_origin": {
                    "type": "user",
                    "date": source.date,
                    "sender_user": source.sender.to_dict(),
                }
            },
        )
        return self.world.message_to_dict(message)

    async def api_send_chat_action(self, params: Params) -> Any:
        self.writable_chat(params)
        if not params.has("action"):
            raise bad_request('parameter "action" is required')
        return True

    # --- editing --------------------------------------------------------------------------

    def target_message(self, params: Params, purpose: str) -> tuple[ChatRecord, MessageRecord]:
        """The chat and message ``message_id`` names, as Telegram checks them for ``purpose``."""
        chat = self.chat(params)
        self.require_access(chat)
        message_id = params.get_int(
            "message_id", required=True, empty="message identifier is not specified"
        )
        message = chat.find(message_id or 0)
        if message is None:
            raise bad_request(f"message to {purpose} not found")
        return chat, message

    def editable(self, params: Params, part: str | None = None) -> MessageRecord:
        """The bot's own message to edit, which must have the ``part`` ("text", "caption" or
        "media") the method changes."""
        if params.has("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        _chat, message = self.target_message(params, "edit")
        if message.sender.id != self.world.bot.id:
            raise bad_request("message can't be edited")
        if part == "media":
            # Telegram can also add media to a text message, so only a message with neither
            # (a contact, a location) has no media to edit.
            has_part = message.media_kind is not None or message.text is not None
        else:
            has_part = (
                message.text is not None if part == "text" else message.media_kind is not None
            )
        if part is not None and not has_part:
            raise bad_request(f"there is no {part} in the message to edit")
        return message

    def edited(self, message: MessageRecord) -> Any:
        """An edit's answer: the message as it reads now."""
        self.world.mark_edited(message)
        return self.world.message_to_dict(message)

    def new_inline_markup(self, params: Params) -> dict[str, Any] | None:
        inline, keyboard = self.markup(params)
        if keyboard is not None:
            raise bad_request("inline keyboard expected")
        return inline

    async def api_edit_message_text(self, params: Params) -> Any:
        message = self.editable(params, "text")
        text, entities = self.message_text(params)
        markup = self.new_inline_markup(params)
        if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        message.text, message.entities, message.reply_markup = text, entities, markup
        preview = params.get_json("link_preview_options")
        if isinstance(preview, dict) and preview:
            message.link_preview_options = preview
        return self.edited(message)

    async def api_edit_message_caption(self, params: Params) -> Any:
        message = self.editable(params, "caption")
        caption, entities = self.caption(params)
        markup = self.new_inline_markup(params)
        current = (message.caption, message.caption_entities, message.reply_markup)
        if (caption, entities, markup) == current:
            raise bad_request(NOT_MODIFIED)
        message.caption, message.caption_entities, message.reply_markup = (
            caption,
            entities,
            markup,
        )
        return self.edited(message)

    async def api_edit_message_reply_markup(self, params: Params) -> Any:
        message = self.editable(params)
        markup = self.new_inline_markup(params)
        if markup == message.reply_markup:
            raise bad_request(NOT_MODIFIED)
        message.reply_markup = markup
        return self.edited(message)

    async def api_edit_message_media(self, params: Params) -> Any:
        message = self.editable(params, "media")
        media = params.get_json("media")
        if media is None:
            raise bad_request('parameter "media" is required')
        content = self.input_media(params, media)
        if message.media_group_id and (content["media_kind"] == "document") != (
            message.media_kind == "document"
        ):
            raise bad_request("can't edit a media group message to a different media type")
        markup = self.new_inline_markup(params)
        new_ids = [file.file_unique_id for file in content["media"]]
        old_ids = [file.file_unique_id for file in message.media]
        if (
            new_ids == old_ids
            and content["caption"] == message.caption
            and content["caption_entities"] == message.caption_entities
            and markup == message.reply_markup
        ):
            raise bad_request(NOT_MODIFIED)
        message.text, message.entities, message.link_preview_options = None, [], None
        message.media_kind = content["media_kind"]
        message.media = content["media"]
        message.caption = content["caption"]
        message.caption_entities = content["caption_entities"]
        message.show_caption_above_media = content["show_caption_above_media"]
        message.reply_markup = markup
        return self.edited(message)

    # --- deleting -------------------------------------------------------------------------

    def deletion_error(self, chat: ChatRecord, message: MessageRecord) -> ApiError | None:
        """Telegram's rule for whether the bot may delete ``message`` right now."""
        age = self.world.clock.now() - message.date
        own = message.sender.id == self.world.bot.id
        if chat.type == PRIVATE:
            if age >= DELETE_WINDOW_SECONDS:
                return bad_request("message can't be deleted for everyone")
            return None
        member = chat.bot_member
        if chat.type == GROUP:
            allowed = own or (member is not None and member.is_admin)
        else:
            allowed = own or (member is not None and member.can("can_delete_messages"))
        if not allowed or age >= DELETE_WINDOW_SECONDS:
            return bad_request("message can't be deleted")
        return None

    async def api_delete_message(self, params: Params) -> Any:
        chat, message = self.target_message(params, "delete")
        error = self.deletion_error(chat, message)
        if error is not None:
            raise error
        self.world.delete_message(message)
        return True

    async def api_delete_messages(self, params: Params) -> Any:
        chat = self.chat(params)
        self.require_access(chat)
        ids = params.get_json("message_ids")
        if not isinstance(ids, list) or not ids:
            raise bad_request("message identifiers are not specified")
        if len(ids) > 100:
            raise bad_request("too many message identifiers specified")
        found = [m for m in (chat.find(int(i)) for i in ids) if m is not None]
        for message in found:
            error = self.deletion_error(chat, message)
            if error is not None:
                raise error
        for message in found:
            self.world.delete_message(message)
        return True

    # --- callback queries -----------------------------------------------------------------

    async def api_answer_callback_query(self, params: Params) -> Any:
        query_id = params.get_str("callback_query_id") or ""
        query = self.callback_queries.get(query_id)
        expired = (
            query is None
            or query.answer.done()
            or self.world.clock.now() - query.created > self.callback_timeout
        )
        if expired or query is None:
            raise bad_request(QUERY_TOO_OLD)
        text = params.get_str("text")
        if text is not None and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answer.set_result(
            CallbackAnswer(
                text=text or None,
                show_alert=params.get_bool("show_alert"),
                url=params.get_str("url"),
                cache_time=params.get_int("cache_time") or 0,
            )
        )
        self.world.changed.fire()
        return True

    # --- chats and members ----------------------------------------------------------------

    async def api_get_chat(self, params: Params) -> Any:
        chat = self.chat(params)
        if chat.is_group:
            self.require_access(chat)
        return chat.to_full_dict()

    def user_id(self, params: Params) -> int:
        user_id = params.get_int("user_id", required=True, empty="user_id is empty") or 0
        if user_id not in self.world.users:
            raise bad_request("user not found")
        return user_id

    async def api_get_chat_member(self, params: Params) -> Any:
        chat = self.chat(params)
        user_id = self.user_id(params)
        user = self.world.users[user_id]
        if chat.type == PRIVATE:
            if user_id not in (chat.id, self.world.bot.id):
                raise bad_request("user not found")
            return {"status": "member", "user": user.to_dict()}
        self.require_access(chat)
        if user_id == self.world.bot.id and chat.bot_member is not None:
            return chat.bot_member.to_dict()
        member = chat.members.get(user_id)
        if member is None:
            return {"status": "left", "user": user.to_dict()}
        return member.to_dict()

    async def api_get_chat_administrators(self, params: Params) -> Any:
        chat = self.chat(params)
        if chat.type == PRIVATE:
            raise bad_request("there are no administrators in the private chat")
        self.require_access(chat)
        admins = [m for m in chat.members.values() if m.is_admin and not m.user.is_bot]
        return [member.to_dict() for member in admins]

    async def api_get_chat_member_count(self, params: Params) -> Any:
        chat = self.chat(params)
        if chat.type == PRIVATE:
            return 2
        self.require_access(chat)
        present = sum(1 for m in chat.members.values() if m.is_present)
        return present + 1

    async def api_leave_chat(self, params: Params) -> Any:
        chat = self.chat(params)
        if chat.type == PRIVATE:
            raise bad_request("chat member status can't be changed in private chats")
        self.require_access(chat)
        member = chat.bot_member
        if member is not None:
            old = member.to_dict()
            member.status, member.rights = "left", {}
            # Telegram tells the bot of its own departure, as of any change to its membership.
            await self.queue.push(
                {
                    "my_chat_member": {
                        "chat": chat.to_dict(),
                        "from": self.world.bot.to_dict(),
                        "date": self.world.clock.timestamp(),
                        "old_chat_member": old,
                        "new_chat_member": member.to_dict(),
                    }
                }
            )
        return True

    # --- files ----------------------------------------------------------------------------

    async def api_get_file(self, params: Params) -> Any:
        file_id = params.get_str("file_id") or ""
        record = self.world.files.get(file_id)
        if record is None:
            raise bad_request("invalid file_id")
        if record.size > MAX_DOWNLOAD_SIZE:
            raise bad_request("file is too big")
        self.world.assign_file_path(record)
        return record.file_dict()

    # --- bot settings ---------------------------------------------------------------------

    @staticmethod
    def _commands_key(params: Params) -> tuple[str, str]:
        scope = params.get_json("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get_str("language_code") or ""

    async def api_set_my_commands(self, params: Params) -> Any:
        commands = params.get_json("commands")
        if not isinstance(commands, list):
            raise bad_request('parameter "commands" is required')
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        cleaned: list[dict[str, Any]] = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand: Object expected")
            name = str(command.get("command", "")).lower().lstrip("/")
            description = str(command.get("description", ""))
            if not _COMMAND_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("command description must be non-empty")
            cleaned.append({"command": name, "description": description})
        self.settings.commands[self._commands_key(params)] = cleaned
        return True

    async def api_get_my_commands(self, params: Params) -> Any:
        return self.settings.commands.get(self._commands_key(params), [])

    async def api_delete_my_commands(self, params: Params) -> Any:
        self.settings.commands.pop(self._commands_key(params), None)
        return True

    async def api_set_chat_menu_button(self, params: Params) -> Any:
        button = params.get_json("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "commands",
            "web_app",
            "default",
        ):
            raise bad_request("can't parse menu button")
        if params.has("chat_id"):
            chat = self.chat(params)
            if chat.type != PRIVATE:
                raise bad_request("chat is not private")
            chat.menu_button = button
        else:
            self.settings.default_menu_button = button
        return True

    async def api_get_chat_menu_button(self, params: Params) -> Any:
        if params.has("chat_id"):
            chat = self.chat(params)
            if chat.menu_button is not None:
                return chat.menu_button
        return self.settings.default_menu_button

    async def api_set_my_description(self, params: Params) -> Any:
        self.settings.descriptions["description"] = params.get_str("description") or ""
        return True

    async def api_set_my_short_description(self, params: Params) -> Any:
        self.settings.descriptions["short_description"] = params.get_str("short_description") or ""
        return True

    async def api_set_my_name(self, params: Params) -> Any:
        self.settings.descriptions["name"] = params.get_str("name") or ""
        return True
