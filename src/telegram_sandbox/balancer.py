"""A round-robin load balancer for webhooks, to put several instances of a bot behind one URL.

Telegram posts every update to one webhook URL; in production a reverse proxy spreads them over
the bot's instances. `RoundRobinBalancer` plays that proxy for tests and benchmarks: each
request goes to the next backend in turn, headers (the webhook secret among them) and body
unchanged, and the backend's answer comes back as it is. A backend that cannot be reached
answers 502, as a proxy would, and Telegram (or the emulator) delivers the update again.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from types import TracebackType
from typing import Self

import aiohttp
from aiohttp import web

FORWARDED_HEADERS = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")
"""What a webhook request carries that the bot reads."""


class RoundRobinBalancer:
    """Forwards each request on ``path`` to the next of ``backends`` (base URLs) in turn."""

    def __init__(self, backends: Sequence[str], *, path: str = "/telegram/webhook") -> None:
        if not backends:
            raise ValueError("a balancer needs at least one backend")
        self.backends = [backend.rstrip("/") for backend in backends]
        self.path = path
        self.forwarded: Counter[str] = Counter()
        """Requests each backend answered, by base URL."""
        self._next = itertools.cycle(self.backends)
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        """The public URL to give `setWebhook` (``http://host:port/path``)."""
        if self._url is None:
            raise RuntimeError("the balancer is not started")
        return self._url

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_post(self.path, self._forward)
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0),
            timeout=aiohttp.ClientTimeout(total=30),
        )
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []
        bound = sockets[0].getsockname()[1] if sockets else port
        self._url = f"http://{host}:{bound}{self.path}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

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

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        backend = next(self._next)
        headers = {
            name: request.headers[name] for name in FORWARDED_HEADERS if name in request.headers
        }
        body = await request.read()
        try:
            async with self._session.post(
                backend + self.path, data=body, headers=headers
            ) as response:
                payload = await response.read()
                self.forwarded[backend] += 1
                return web.Response(
                    status=response.status,
                    body=payload,
                    content_type=response.content_type,
                )
        except (aiohttp.ClientError, TimeoutError) as error:
            return web.Response(status=502, text=f"Bad Gateway: {error.__class__.__name__}")
