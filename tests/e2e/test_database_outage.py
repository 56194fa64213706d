"""PostgreSQL stopped and started again under the running bot: a friendly answer while it is
down, one line in the log, and everything working again afterwards without a restart, with
updates arriving all the while.

The server is a throwaway one of this test's own (`pgserver`, in a temporary directory), never
the shared test server: stopping that would break every other test.
"""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
import warnings
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import URL

from available_now.db.database import Database
from available_now.db.url import to_async_url
from available_now.domain.clock import ManualClock
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import SimGroup, SimUser

from .harness import InProcessBot, in_process_bot, settings_for
from .stories import approved_model, complete_profile, eventually, go_live

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

FRIENDLY = "The bot is having a moment. Please try again in a minute."


class Server:
    """A PostgreSQL server this test may stop and start at will."""

    def __init__(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                import pgserver
            except ImportError as error:  # pragma: no cover - depends on the machine
                pytest.skip(f"pgserver is not installed: {error}")
            self._server: Any = pgserver.get_server(
                tempfile.mkdtemp(prefix="available-now-outage-"), cleanup_mode="delete"
            )
        self.url: URL = to_async_url(self._server.get_uri())

    async def stop(self) -> None:
        from pgserver._commands import pg_ctl

        await asyncio.to_thread(
            pg_ctl,
            ["-w", "-m", "fast", "stop"],
            pgdata=self._server.pgdata,
            user=self._server.system_user,
        )

    async def start(self) -> None:
        await asyncio.to_thread(self._server.ensure_postgres_running)

    def cleanup(self) -> None:
        self._server.cleanup()


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    try:
        yield running
    finally:
        running.cleanup()


@pytest.fixture
async def outage_db(server: Server) -> AsyncIterator[Database]:
    database = Database.from_url(server.url)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def outage_bot(
    emulator: BotAPIEmulator, group: SimGroup, server: Server, clock: ManualClock
) -> AsyncIterator[InProcessBot]:
    async with in_process_bot(settings_for(emulator, server.url), clock) as running:
        yield running


def _lines(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if text in r.getMessage()]


async def test_postgres_restarted_under_load_loses_nothing(
    emulator: BotAPIEmulator,
    group: SimGroup,
    server: Server,
    outage_db: Database,
    outage_bot: InProcessBot,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sophie = await approved_model(emulator, outage_db)
    await complete_profile(sophie)
    confirmation = await go_live(sophie)
    post = group.last_bot_message()
    assert post is not None
    members = [
        emulator.user(user_id=5_000_000_500 + n, first_name=f"Member {n}", language_code="es")
        for n in range(4)
    ]

    caplog.set_level(logging.INFO)
    await server.stop()
    clock.advance(timedelta(hours=2, seconds=1))  # her listing falls due during the outage

    # Everyone who writes now is told to try again, in their own language, instead of silence.
    for member in members:
        await member.send("/start")
    for member in members:
        answer = await member.wait_for_message(timeout=15)
        assert answer.text == "El bot tiene un pequeño problema. Vuelve a intentarlo en un minuto."
    popup = await sophie.press(confirmation, "+2 h", timeout=15)
    assert popup.text == FRIENDLY
    assert popup.show_alert
    await asyncio.sleep(4)  # the worker keeps trying meanwhile

    assert len(_lines(caplog, "expiry worker: the database is unreachable")) == 1
    worker_records = [r for r in caplog.records if r.name.startswith("available_now.workers")]
    assert not any(r.exc_info for r in worker_records)
    assert [m.message_id for m in group.bot_messages()] == [post.message_id]

    await server.start()

    # No restart: the next updates work, and the listing that expired meanwhile comes down.
    for member in members:
        await member.send("/start")
        await member.wait_for_message(lambda m: "menú principal" in m.text.lower(), timeout=15)
    await outage_bot.expiry_pass()
    await group.wait_until(lambda shown: not any(m.from_bot for m in shown))
    await sophie.wait_for_message(lambda m: "listing ended" in m.text, timeout=10)
    assert len(_lines(caplog, "expiry worker: the database is reachable again")) == 1
    assert len(_lines(caplog, "expiry worker: the database is unreachable")) == 1


async def _keep_asking(member: SimUser, stop: asyncio.Event, kinds: list[str]) -> None:
    """A member who keeps writing: every update must get its answer, whatever the database."""
    while not stop.is_set():
        await member.send("/start")
        answer = await member.wait_for_message(timeout=20)
        if answer.text == FRIENDLY:
            kinds.append("F")
        elif "main menu" in answer.text.lower():
            kinds.append("M")
        else:
            kinds.append(answer.text)
        await asyncio.sleep(0.1)


async def test_updates_arriving_all_through_a_restart_are_each_answered(
    emulator: BotAPIEmulator,
    group: SimGroup,
    server: Server,
    outage_db: Database,
    outage_bot: InProcessBot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sophie = await approved_model(emulator, outage_db)
    await complete_profile(sophie)
    members = [emulator.user(user_id=5_000_000_600 + n, first_name=f"Member {n}") for n in range(8)]
    caplog.set_level(logging.INFO)
    stop = asyncio.Event()
    kinds: list[list[str]] = [[] for _ in members]
    load = [
        asyncio.create_task(_keep_asking(m, stop, k)) for m, k in zip(members, kinds, strict=True)
    ]
    try:
        await eventually(lambda: _true(all(len(k) >= 3 for k in kinds)), what="answers before")
        await server.stop()
        await eventually(
            lambda: _true(all("F" in k for k in kinds)), seconds=20, what="friendly answers"
        )
        await asyncio.sleep(2)
        await server.start()
        await eventually(
            lambda: _true(all("".join(k).endswith("M" * 5) for k in kinds)),
            seconds=30,
            what="everyone answered normally again",
        )
    finally:
        stop.set()
        await asyncio.gather(*load)  # a lost update fails here: its answer never came

    # Each member was answered every time: the menu, a friendly "try again" while the server
    # was down, and the menu again for good once it was back, without a restart of the bot.
    assert sum(map(len, kinds)) >= 100
    for answered in kinds:
        assert re.fullmatch(r"M+F+M+", "".join(answered)), answered
    # The outbox is back too: she goes live and her post reaches the group.
    await go_live(sophie)
    assert any("Sophie" in m.text for m in group.bot_messages())
    for worker in ("expiry worker", "outbox worker"):
        assert len(_lines(caplog, f"{worker}: the database is unreachable")) <= 1
        assert len(_lines(caplog, f"{worker}: the database is reachable again")) == len(
            _lines(caplog, f"{worker}: the database is unreachable")
        )
    assert _lines(caplog, "the database is unreachable")


async def _true(value: bool) -> bool:
    return value
