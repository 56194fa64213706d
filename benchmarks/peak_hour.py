"""Peak hour: many models tap "2 h" at the same moment, with Telegram's flood limits on.

The Bot API emulator runs in this process with its flood limits ON (20 messages a minute
into a group, one a second per chat, 30 a second overall); the bot runs as
`python -m available_now run` with its production pacing (30 messages/s), long-polling the
emulator. The models are approved and their profiles finished through the services first
(not measured); each has the duration choice on screen. Then all press "2 h" together.

Printed: the button's answer latency (p50/p99/max), the time until each model read
"You are live", the time until every model is visible in the group (her own post or a line
on the board), how many group messages that took, and the count of 429 answers.

    .venv/bin/python benchmarks/peak_hour.py [--backend sqlite|postgres] [--models N]

PostgreSQL comes from BENCH_DATABASE_URL or TEST_DATABASE_URL (a fresh database is created
there and dropped afterwards), otherwise from a throwaway `pgserver`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import URL

from available_now.db import migrate
from available_now.db.database import Database
from available_now.db.encryption import DataCipher
from available_now.domain.audit import ApprovalSource
from available_now.domain.profiles import ContactMethod, ServiceOffer, ServiceType
from available_now.services.profiles import ProfileService
from available_now.services.users import UserService
from telegram_sandbox import BotAPIEmulator, SimGroup, SimUser
from throughput import DATA_KEY, GROUP_ID, TOKEN, bot_process, database, percentile

FIRST_MODEL_ID = 7_300_000_000
VISIBLE_TIMEOUT = 120.0
TELEGRAM_PACE = 30.0
"""The bot's own outgoing pace in production (messages/s)."""


async def seed_models(url: URL, emulator: BotAPIEmulator, count: int) -> list[SimUser]:
    """Approved models with finished profiles, made as the wizard would leave them."""
    db = Database.from_url(url, pool_size=2, cipher=DataCipher([DATA_KEY]))
    try:
        ids = [FIRST_MODEL_ID + index for index in range(count)]
        await UserService(db).approve_many(ids, source=ApprovalSource.APPROVED_ADMINS)
        profiles = ProfileService(db)
        for user_id in ids:
            await profiles.start(user_id, _name(user_id))
            await profiles.save_service(
                user_id, ServiceOffer(ServiceType.OTHER, other_service="Dinner")
            )
            await profiles.set_text(user_id, "about", "Hi")
            await profiles.set_contact(user_id, ContactMethod.EMAIL, f"m{user_id}@example.com")
            await profiles.set_text(user_id, "rates", "Ask")
            assert await profiles.complete(user_id) == []
    finally:
        await db.dispose()
    return [emulator.user(user_id, _name(user_id), username=None) for user_id in ids]


def _name(user_id: int) -> str:
    return f"Model{user_id - FIRST_MODEL_ID:03d}"


def _visible(group: SimGroup, names: Sequence[str]) -> bool:
    shown = [m.text for m in group.visible_messages() if m.from_bot]
    return all(any(name in text for text in shown) for name in names)


async def run(backend: str, count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="available-now-bench-peak-") as raw:
        workdir = Path(raw)
        async with (
            BotAPIEmulator(token=TOKEN, strict_rate_limits=True) as emulator,
            database(backend, workdir) as (url, origin),
        ):
            group = emulator.create_group(chat_id=GROUP_ID, title="Models", bot_is_admin=True)
            await migrate.upgrade(url)
            models = await seed_models(url, emulator, count)
            bot = bot_process(emulator, url, workdir, outgoing_rate=TELEGRAM_PACE)
            await bot.started(emulator)
            try:
                choices = []
                for model in models:
                    await model.send("/available")
                    choices.append(
                        await model.wait_for_message(lambda m: "For how long" in m.text, timeout=30)
                    )
                errors_before = len(emulator.errors(429))
                started = time.perf_counter()

                async def tap(model: SimUser, choice: object) -> tuple[float, float]:
                    query = await model.press_nowait(choice, "2 h")  # type: ignore[arg-type]
                    await asyncio.wait_for(asyncio.shield(query.answer), 30)
                    answered = time.perf_counter() - started
                    await model.wait_for_message(lambda m: "You are live" in m.text, timeout=30)
                    return answered, time.perf_counter() - started

                timings = await asyncio.gather(
                    *(tap(model, choice) for model, choice in zip(models, choices, strict=True))
                )
                names = [_name(model.id) for model in models]
                await group.wait_until(
                    lambda _: _visible(group, names),
                    timeout=VISIBLE_TIMEOUT,
                    what="every model visible",
                )
                visible = time.perf_counter() - started
                group_messages = len([m for m in group.visible_messages() if m.from_bot])
                flood = len(emulator.errors(429)) - errors_before
            finally:
                exit_code = await bot.stop()
    answers = sorted(answered for answered, _ in timings)
    told = sorted(told for _, told in timings)
    print(f"peak hour: {count} models tap '2 h' at once; {backend} ({origin})")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        "button answered: p50 "
        f"{percentile(answers, 0.5) * 1000:.0f} ms, p99 {percentile(answers, 0.99) * 1000:.0f} ms,"
        f" max {max(answers) * 1000:.0f} ms"
    )
    print(
        f"'You are live' read: p50 {percentile(told, 0.5) * 1000:.0f} ms, "
        f"p99 {percentile(told, 0.99) * 1000:.0f} ms, max {max(told) * 1000:.0f} ms"
    )
    print(f"every model visible in the group after {visible:.1f} s ({group_messages} messages)")
    print(f"429 answers: {flood}; bot exit code {exit_code}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--models", type=int, default=25)
    args = parser.parse_args(argv)
    asyncio.run(run(args.backend, args.models))


if __name__ == "__main__":
    main()
