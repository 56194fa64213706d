"""The HTTP face of the emulator: a local Bot API server the real bot connects to.

The bot talks to it exactly as to ``api.telegram.org`` (``POST /bot<token>/<method>``,
``GET /file/bot<token>/<path>``), and webhooks are pushed like Telegram pushes them, so
end-to-end tests exercise the bot's real networking code.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

from .client import MessageView, SimChat, SimGroup, SimUser, view_of
from .clock import Clock
from .errors import ApiError
from .limits import RateLimiter, RateLimits
from .methods import BotApi, InjectedFailure
from .params import Params, Upload
from .state import (
    GROUP,
    SUPERGROUP,
    ChatRecord,
    MemberRecord,
    UserRecord,
    World,
    admin_rights,
)
from .updates import UpdateQueue, WebhookConfig

logger = logging.getLogger(__name__)

_TOKEN_RE = re.compile(r"(\d+):[A-Za-z0-9_-]+")
_JSON_LIKE = re.compile(r"^\s*[\[{]")


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One Bot API call the bot made, with the answer it got."""

    method: str
    params: dict[str, Any]
    ok: bool
    error_code: int | None = None
    description: str | None = None
    result: Any = None
    from_webhook_reply: bool = False


def _decoded(values: dict[str, Any]) -> dict[str, Any]:
    """Parameters with JSON-encoded fields decoded, for readable assertions."""
    decoded: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, str) and _JSON_LIKE.match(value):
            try:
                decoded[key] = json.loads(value)
                continue
            except ValueError:
                pass
        decoded[key] = value
    return decoded


async def read_params(request: web.Request) -> Params:
    """Collect parameters from the query string and any supported body encoding."""
    params = Params(values=dict(request.query))
    if request.method != "POST" or not request.can_read_body:
        return params
    content_type = request.content_type
    if content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.values.update(body)
    elif content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                params.uploads[part.name] = Upload(
                    filename=part.filename,
                    data=bytes(await part.read()),
                    content_type=part.headers.get(aiohttp.hdrs.CONTENT_TYPE),
                )
            else:
                params.values[part.name] = await part.text()
    else:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params.uploads[key] = Upload(value.filename, value.file.read(), value.content_type)
            else:
                params.values[key] = value
    return params


def _ordering_key(update: dict[str, Any]) -> int:
    """Whose update this is (the chat, else the sender): their updates keep their order."""
    for key, payload in update.items():
        if key == "update_id" or not isinstance(payload, dict):
            continue
        message = payload.get("message")
        chat = payload.get("chat") or (message.get("chat") if isinstance(message, dict) else None)
        if isinstance(chat, dict) and "id" in chat:
            return int(chat["id"])
        sender = payload.get("from") or payload.get("user")
        if isinstance(sender, dict) and "id" in sender:
            return int(sender["id"])
    return 0


def _parse_webhook_reply(body: bytes, content_type: str) -> Params | None:
    """A method call the bot put in its webhook answer, as Telegram allows."""
    if not body.strip():
        return None
    if content_type.startswith("application/json"):
        try:
            data = json.loads(body)
        except ValueError:
            return None
        if isinstance(data, dict) and "method" in data:
            return Params(values=data)
        return None
    if content_type.startswith("multipart/form-data"):
        header = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
        params = Params()
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            filename = part.get_filename()
            if filename:
                params.uploads[name] = Upload(filename, data, part.get_content_type())
            else:
                params.values[name] = data.decode()
        return params if "method" in params.values else None
    return None


class BotAPIEmulator:
    """A local Telegram Bot API server with one bot and a scriptable world around it.

    Any well-formed token (``"<id>:<secret>"``) reaches the same bot unless ``token`` pins
    one; the bot's id is the number before ``:`` of the first token used.
    """

    def __init__(
        self,
        *,
        bot_username: str = "available_now_bot",
        bot_name: str = "Available Now",
        token: str | None = None,
        bot_id: int = 123456,
        strict_rate_limits: bool = True,
        rate_limits: RateLimits | None = None,
        privacy_mode: bool = True,
        clock: Clock | None = None,
        callback_timeout: float = 15.0,
        webhook_retry_delay: float = 0.1,
        webhook_timeout: float = 10.0,
        webhook_connections: int = 1,
    ) -> None:
        self.clock = clock or Clock()
        if token is not None:
            match = _TOKEN_RE.fullmatch(token)
            if match is None:
                raise ValueError("token must look like '<digits>:<secret>'")
            bot_id = int(match[1])
        self.token = token
        self._bot_id_adopted = token is not None
        self.bot = UserRecord(id=bot_id, first_name=bot_name, username=bot_username, is_bot=True)
        self.world = World(self.clock, self.bot)
        self.queue = UpdateQueue()
        self.limiter = RateLimiter(self.clock, enabled=strict_rate_limits, limits=rate_limits)
        self.api = BotApi(
            self.world,
            self.queue,
            self.limiter,
            callback_timeout=callback_timeout,
            on_webhook_change=self._webhook_changed,
        )
        self.privacy_mode = privacy_mode
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_timeout = webhook_timeout
        self.webhook_connections = webhook_connections
        """Webhook requests open at once (at most the webhook's `max_connections`, as with
        Telegram); 1, the default, delivers every update strictly in order."""
        self.requests: list[RecordedRequest] = []
        self.arrivals: list[str] = []
        """The methods called so far, in the order the calls arrived (a long poll is in
        `requests` only once it returns)."""
        self.webhook_deliveries: list[tuple[int, int]] = []
        self._users: dict[int, SimUser] = {}
        self._extensions: list[Callable[[web.Application], None]] = []
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._base_url: str | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._client_session: aiohttp.ClientSession | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        for extend in self._extensions:
            extend(app)
        return app

    def extend_app(self, extend: Callable[[web.Application], None]) -> None:
        """Have ``extend`` add its routes (a web client, say) to the app ``start`` serves."""
        if self._runner is not None:
            raise RuntimeError("extend the emulator before starting it")
        self._extensions.append(extend)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        # Long polls still waiting when the emulator stops are cut short, not awaited.
        self.queue.closed = False
        self._runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, host, port)
        await self._site.start()
        server = self._site._server
        sockets = getattr(server, "sockets", None) or []
        bound_port = sockets[0].getsockname()[1] if sockets else port
        self._base_url = f"http://{host}:{bound_port}"

    async def stop(self) -> None:
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._client_session is not None:
            await self._client_session.close()
            self._client_session = None
        for query in self.api.callback_queries.values():
            if not query.answer.done():
                query.answer.cancel()
        await self.queue.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://host:port`` for ``TelegramAPIServer.from_base``."""
        if self._base_url is None:
            raise RuntimeError("the emulator is not started")
        return self._base_url

    # --- HTTP handlers --------------------------------------------------------------------

    def _authorize(self, token: str) -> bool:
        if self.token is not None:
            return token == self.token
        match = _TOKEN_RE.fullmatch(token)
        if match is None:
            return False
        if not self._bot_id_adopted:
            self._adopt_bot_id(int(match[1]))
        return True

    def _adopt_bot_id(self, bot_id: int) -> None:
        self._bot_id_adopted = True
        if bot_id == self.bot.id:
            return
        self.world.users.pop(self.bot.id, None)
        self.bot.id = bot_id
        self.world.users[bot_id] = self.bot

    async def _handle_method(self, request: web.Request) -> web.Response:
        if not self._authorize(request.match_info["token"]):
            return web.json_response(ApiError(401, "Unauthorized").to_dict(), status=401)
        method = request.match_info["method"]
        try:
            params = await read_params(request)
        except (ValueError, aiohttp.ClientError):
            error = ApiError(400, "Bad Request: can't parse request body")
            return web.json_response(error.to_dict(), status=400)
        status, payload = await self.execute(method, params)
        return web.json_response(payload, status=status)

    async def execute(
        self, method: str, params: Params, *, from_webhook_reply: bool = False
    ) -> tuple[int, dict[str, Any]]:
        """Run one method call and record it; returns the HTTP status and JSON answer."""
        self.arrivals.append(method)
        self.world.changed.fire()
        try:
            result = await self.api.call(method, params)
        except ApiError as error:
            self.requests.append(
                RecordedRequest(
                    method,
                    _decoded(params.values),
                    ok=False,
                    error_code=error.error_code,
                    description=error.description,
                    from_webhook_reply=from_webhook_reply,
                )
            )
            self.world.changed.fire()
            return error.error_code, error.to_dict()
        except Exception:
            logger.exception("emulator failed on %s", method)
            self.requests.append(
                RecordedRequest(method, _decoded(params.values), ok=False, error_code=500)
            )
            return 500, ApiError(500, "Internal Server Error").to_dict()
        self.requests.append(
            RecordedRequest(
                method,
                _decoded(params.values),
                ok=True,
                result=result,
                from_webhook_reply=from_webhook_reply,
            )
        )
        self.world.changed.fire()
        return 200, {"ok": True, "result": result}

    async def _handle_file(self, request: web.Request) -> web.Response:
        if not self._authorize(request.match_info["token"]):
            return web.json_response(ApiError(401, "Unauthorized").to_dict(), status=401)
        record = self.world.file_by_path(request.match_info["path"])
        if record is None:
            return web.json_response(ApiError(404, "Not Found").to_dict(), status=404)
        return web.Response(body=record.data, content_type="application/octet-stream")

    # --- webhook delivery -----------------------------------------------------------------

    def _webhook_changed(self) -> None:
        running = self._webhook_task is not None and not self._webhook_task.done()
        if self.queue.webhook is not None and not running:
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_loop())

    async def _http(self) -> aiohttp.ClientSession:
        if self._client_session is None or self._client_session.closed:
            self._client_session = aiohttp.ClientSession()
        return self._client_session

    async def _webhook_loop(self) -> None:
        if self.webhook_connections > 1:
            await self._parallel_webhook_loop()
            return
        while (webhook := self.queue.webhook) is not None:
            if not self.queue.pending:
                await self._until_queue_changes()
                continue
            if not await self._deliver(webhook, self.queue.pending[0]):
                await asyncio.sleep(self.webhook_retry_delay)

    async def _parallel_webhook_loop(self) -> None:
        """Up to `webhook_connections` (and the webhook's `max_connections`) requests open at
        once, as Telegram opens several connections; one chat's updates still go one by one,
        in order."""
        open_requests: dict[int, asyncio.Task[bool]] = {}
        busy_chats: set[int] = set()
        waiter: asyncio.Task[None] | None = None

        def start(webhook: WebhookConfig, update: dict[str, Any]) -> None:
            update_id, chat = int(update["update_id"]), _ordering_key(update)
            busy_chats.add(chat)
            task = asyncio.create_task(self._deliver(webhook, update))
            open_requests[update_id] = task

            def finished(_: object) -> None:
                open_requests.pop(update_id, None)
                busy_chats.discard(chat)

            task.add_done_callback(finished)

        try:
            while (webhook := self.queue.webhook) is not None:
                limit = min(self.webhook_connections, webhook.max_connections)
                for update in list(self.queue.pending):
                    if len(open_requests) >= limit:
                        break
                    if int(update["update_id"]) in open_requests:
                        continue
                    if _ordering_key(update) not in busy_chats:
                        start(webhook, update)
                if waiter is None or waiter.done():
                    waiter = asyncio.create_task(self._until_queue_changes())
                done, _ = await asyncio.wait(
                    [*open_requests.values(), waiter], return_when=asyncio.FIRST_COMPLETED
                )
                refused = any(
                    task is not waiter and not task.cancelled() and task.result() is False
                    for task in done
                )
                if refused:
                    await asyncio.sleep(self.webhook_retry_delay)
        finally:
            for task in [*open_requests.values(), *([waiter] if waiter else [])]:
                task.cancel()

    async def _until_queue_changes(self, timeout: float = 1.0) -> None:  # noqa: ASYNC109
        async with self.queue.changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.queue.changed.wait(), timeout)

    async def _deliver(self, webhook: WebhookConfig, update: dict[str, Any]) -> bool:
        """POST one update to the webhook; True (and the update confirmed) on a 2xx."""
        headers = {}
        if webhook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
        session = await self._http()
        status, reason, body, content_type = 0, "", b"", ""
        try:
            async with session.post(
                webhook.url,
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as response:
                status, reason = response.status, response.reason or ""
                body = await response.read()
                content_type = response.headers.get(aiohttp.hdrs.CONTENT_TYPE, "")
        except (aiohttp.ClientError, TimeoutError) as error:
            reason = f"Connection failed: {error}"
        self.webhook_deliveries.append((int(update["update_id"]), status))
        self.world.changed.fire()
        if 200 <= status < 300:
            self.queue.pending = [
                u for u in self.queue.pending if u["update_id"] != update["update_id"]
            ]
            reply = _parse_webhook_reply(body, content_type)
            if reply is not None:
                method = str(reply.values.pop("method"))
                await self.execute(method, reply, from_webhook_reply=True)
            return True
        webhook.last_error_date = self.clock.timestamp()
        webhook.last_error_message = (
            f"Wrong response from the webhook: {status} {reason}" if status else reason
        )
        return False

    # --- world building -------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str,
        *,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "en",
    ) -> SimUser:
        """A human Telegram user; their private chat with the bot exists but is not started."""
        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        record = self.world.add_user(
            UserRecord(
                id=user_id,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
            )
        )
        sim = SimUser(self, record)
        self._users[user_id] = sim
        return sim

    def known_user(self, user_id: int) -> SimUser:
        """The user made earlier with ``user``; ``KeyError`` for anyone else."""
        return self._users[user_id]

    def create_group(
        self,
        chat_id: int,
        title: str,
        *,
        bot_is_admin: bool = False,
        bot_can_delete_messages: bool = True,
        bot_is_member: bool = True,
        supergroup: bool = True,
        username: str | None = None,
        description: str | None = None,
    ) -> SimGroup:
        """A group the bot belongs to (as admin when ``bot_is_admin``)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        record = ChatRecord(
            id=chat_id,
            type=SUPERGROUP if supergroup else GROUP,
            title=title,
            username=username,
            description=description,
        )
        if bot_is_member:
            record.bot_member = MemberRecord(
                self.bot,
                "administrator" if bot_is_admin else "member",
                admin_rights(can_delete_messages=bot_can_delete_messages) if bot_is_admin else {},
            )
        self.world.add_chat(record)
        return SimGroup(self, record)

    def add_member(
        self, group: SimGroup, user: SimUser, status: str = "member", **rights: bool
    ) -> None:
        group.add_member(user, status=status, **rights)

    def chat(self, chat_id: int) -> SimChat:
        record = self.world.chats.get(chat_id)
        if record is None:
            raise KeyError(f"no chat {chat_id}")
        if record.is_group:
            return SimGroup(self, record)
        return SimChat(self, record)

    # --- scripted events and inspection ---------------------------------------------------

    def delete_message_as_admin(self, chat: SimChat | int, message_id: int) -> None:
        """A human admin deletes a message (for example one the bot posted)."""
        chat_id = chat if isinstance(chat, int) else chat.id
        record = self.world.chats[chat_id]
        message = record.find(message_id)
        if message is None:
            raise AssertionError(f"message {message_id} is not visible in chat {chat_id}")
        self.world.delete_message(message)

    def advance_time(self, seconds: float) -> None:
        """Move the emulator's clock forward (message ages, flood limits, query expiry)."""
        self.clock.advance(seconds)

    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
        accepted: bool = False,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (into ``chat_id`` only, when given) fail
        with the given error; ``accepted``: after taking effect, as when Telegram did the work
        but its answer was lost (a 5xx or a timeout after the post was accepted)."""
        if error_code == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = {
                400: "Bad Request: injected failure",
                403: "Forbidden: injected failure",
                429: f"Too Many Requests: retry after {retry_after}",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(error_code, "Injected failure")
        self.api.failures.append(
            InjectedFailure(
                method.lower(),
                ApiError(error_code, description, retry_after=retry_after),
                times,
                chat_id,
                accepted,
            )
        )

    def calls(self, method: str | None = None) -> list[RecordedRequest]:
        """Recorded calls, optionally of one method (case-insensitive)."""
        if method is None:
            return list(self.requests)
        wanted = method.lower()
        return [r for r in self.requests if r.method.lower() == wanted]

    def errors(self, error_code: int | None = None) -> list[RecordedRequest]:
        return [
            r
            for r in self.requests
            if not r.ok and (error_code is None or r.error_code == error_code)
        ]

    async def wait_for_request(
        self,
        method: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a test deadline, reported as such
        after: int = 0,
    ) -> RecordedRequest:
        """Wait until the bot calls ``method`` (matching ``predicate``); ``after`` skips
        the first that many recorded requests."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        wanted = method.lower()
        while True:
            for record in self.requests[after:]:
                if record.method.lower() == wanted and (predicate is None or predicate(record)):
                    return record
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = ", ".join(r.method for r in self.requests[after:][-20:]) or "nothing"
                raise AssertionError(f"the bot did not call {method} within {timeout}s; saw {seen}")
            await self.world.changed.wait(min(remaining, 0.5))

    async def wait_for_call(
        self,
        method: str,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a test deadline, reported as such
        after: int = 0,
    ) -> None:
        """Wait until a call of ``method`` arrives (before it is answered, unlike
        `wait_for_request`); ``after`` skips the first that many calls."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        wanted = method.lower()
        while not any(call.lower() == wanted for call in self.arrivals[after:]):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"the bot did not call {method} within {timeout}s")
            await self.world.changed.wait(min(remaining, 0.5))

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self.queue.pending)

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        key = json.dumps(scope or {"type": "default"}, sort_keys=True), language_code
        return list(self.api.settings.commands.get(key, []))

    def message(self, chat: SimChat | int, message_id: int) -> MessageView | None:
        chat_id = chat if isinstance(chat, int) else chat.id
        record = self.world.chats[chat_id].find(message_id)
        return None if record is None else view_of(self.world, record)


async def run_emulator(host: str = "127.0.0.1", port: int = 8081, **options: Any) -> None:
    """Serve the emulator until cancelled (for ``python -m telegram_sandbox``)."""
    emulator = BotAPIEmulator(**options)
    await emulator.start(host, port)
    logger.info("Bot API emulator listening on %s", emulator.base_url)
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()
