"""Two webhook instances of the bot behind a round-robin balancer, on one PostgreSQL and Redis.

Both are real `available-now run --webhook` processes; the emulator posts every update to the
balancer, which hands them out in turn, so consecutive updates of one person (an album's items,
a wizard's answers) reach different instances. The emulator keeps Telegram's flood limits on
real time (20 posts a minute in a group, one a second per chat, 30 a second overall).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy.engine import URL

from available_now.db.database import Database
from available_now.domain.audit import ApprovalSource
from available_now.launcher import BotProcess, bot_environment, start_webhook_instances
from available_now.services.users import UserService
from telegram_sandbox import BotAPIEmulator, RoundRobinBalancer, SimGroup, SimUser
from telegram_sandbox.limits import RateLimits

from ..data_key import TEST_KEY
from .harness import BOT_USERNAME, GROUP_ID, OWNER_ID, QUICK_CHATS
from .stories import create_profile, ready_model

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

SECRET = "instances-Secret_123"
MODELS = 25
FIRST_MODEL_ID = 7_400_000_000
GROUP_MINUTE = 60.0


@pytest.fixture
def backend() -> str:
    """Several instances need a database server: PostgreSQL only."""
    return "postgres"


@pytest.fixture
def token() -> str:
    """A bot id of the test's own, so its keys in the shared Redis are its own."""
    return f"{secrets.randbelow(10**9) + 10**9}:AAE_instances-token"


@pytest.fixture
async def emulator(token: str, request: pytest.FixtureRequest) -> AsyncIterator[BotAPIEmulator]:
    """Real time, not the suite's manual clock: the bot processes pace themselves by it.
    Telegram's pace within a chat only for `@pytest.mark.telegram_pace`, as in the other
    end-to-end tests."""
    paced = request.node.get_closest_marker("telegram_pace") is not None
    limits = RateLimits() if paced else QUICK_CHATS
    async with BotAPIEmulator(
        bot_username=BOT_USERNAME, token=token, rate_limits=limits
    ) as running:
        yield running


@pytest.fixture
def group(emulator: BotAPIEmulator) -> SimGroup:
    return emulator.create_group(chat_id=GROUP_ID, title="Models", bot_is_admin=True)


@contextlib.asynccontextmanager
async def instances(
    emulator: BotAPIEmulator,
    database_url: URL,
    redis_url: str,
    token: str,
    workdir: Path,
    count: int = 2,
) -> AsyncIterator[tuple[RoundRobinBalancer, list[BotProcess]]]:
    """`count` webhook instances behind a balancer, started and serving; stopped on exit."""
    env = bot_environment(
        token=token,
        api_url=emulator.base_url,
        database_url=database_url.render_as_string(hide_password=False),
        group_id=GROUP_ID,
        owner_id=OWNER_ID,
        extra={
            "DATA_ENCRYPTION_KEY": TEST_KEY,
            "REDIS_URL": redis_url,
            "WEBHOOK_SECRET": SECRET,
            # The instances keep the pace within a chat that this emulator enforces.
            "OUTGOING_CHAT_INTERVAL": str(1.0 / emulator.limiter.limits.chat_per_second),
        },
    )
    balancer, bots = await start_webhook_instances(emulator, env, workdir, count)
    try:
        yield balancer, bots
    finally:
        codes = await asyncio.gather(*(bot.stop(signal.SIGTERM) for bot in bots))
        await balancer.stop()
    for bot, code in zip(bots, codes, strict=True):
        assert code == 0, bot.output()
        assert "Traceback" not in bot.output(), bot.output()


async def seed_models(db: Database, emulator: BotAPIEmulator, count: int) -> list[SimUser]:
    """Approved models with finished profiles, as the wizard leaves them."""
    ids = [FIRST_MODEL_ID + index for index in range(count)]
    return [await ready_model(emulator, db, user_id, _name(user_id)) for user_id in ids]


def _name(user_id: int) -> str:
    return f"Model{user_id - FIRST_MODEL_ID:03d}"


@pytest.mark.serial  # two bot processes on Telegram's real pace for a minute: alone
@pytest.mark.telegram_pace
async def test_two_instances_share_the_groups_flood_limits(
    emulator: BotAPIEmulator,
    group: SimGroup,
    database_url: URL,
    db: Database,
    redis_url: str,
    token: str,
    workdir: Path,
) -> None:
    models = await seed_models(db, emulator, MODELS)
    async with instances(emulator, database_url, redis_url, token, workdir) as (balancer, _):
        choices = []
        for model in models:
            await model.send("/available")
            choices.append(await model.wait_for_message(lambda m: "For how long" in m.text))

        async def go_live(model: SimUser, choice: object) -> None:
            await model.press(choice, "2 h")  # type: ignore[arg-type]
            await model.wait_for_message(lambda m: "You are live" in m.text, timeout=30)
            await model.wait_for_message(
                lambda m: "is up in the group" in m.text, timeout=GROUP_MINUTE * 2
            )

        await asyncio.gather(
            *(go_live(model, choice) for model, choice in zip(models, choices, strict=True))
        )
        names = [_name(model.id) for model in models]
        shown = [m.text for m in group.bot_messages()]
        # Both instances served updates: the balancer alternated between them.
        assert len(balancer.forwarded) == 2
        assert min(balancer.forwarded.values()) >= MODELS

    assert emulator.errors(429) == []
    posted = [
        call.params["text"]
        for call in emulator.calls("sendMessage")
        if call.ok and str(call.params.get("chat_id")) == str(GROUP_ID)
    ]
    # The group's minute was counted in Redis, for both instances' sends together.
    bot_id = token.split(":")[0]
    window = f"available_now:flood/{bot_id}/{GROUP_ID}/minute/20/1/minute"
    redis = Redis.from_url(redis_url)
    try:
        counted = await redis.llen(window)
    finally:
        await redis.aclose()
    assert posted
    # Every send is counted (a race between instances may count one twice: never too few).
    assert min(len(posted), 20) <= counted <= 20
    for name in names:
        # Her own post (the card opens with her name) at most once, sent and shown; the
        # group's living list names everyone live.
        assert sum(text.startswith(f"<b>{name}</b>") for text in posted) <= 1, name
        assert sum(text.startswith(f"{name}\n") for text in shown) <= 1, name
        assert any(name in text for text in shown), f"{name} is not in the group"


async def test_an_album_split_over_two_instances_gets_one_receipt_and_owners_one_warning(
    emulator: BotAPIEmulator,
    database_url: URL,
    db: Database,
    redis_url: str,
    token: str,
    workdir: Path,
) -> None:
    # The bot lacks its rights in the group: both instances find out at start-up.
    emulator.create_group(chat_id=GROUP_ID, title="Models", bot_is_admin=False)
    owner = emulator.user(OWNER_ID, "Olivia", username="olivia")
    await owner.send("/start")
    await UserService(db).approve_many([FIRST_MODEL_ID], source=ApprovalSource.APPROVED_ADMINS)
    model = emulator.user(FIRST_MODEL_ID, "Sophie", username="sophie")
    async with instances(emulator, database_url, redis_url, token, workdir) as (balancer, _):
        # Every answer of the wizard lands on the other instance than the one before.
        preview = await create_profile(model, photos=2, videos=1)
        assert "✅ Confirm" in preview.button_texts
        assert len(balancer.forwarded) == 2

    receipts = [m for m in model.private_chat.visible_messages() if m.text.startswith("Saved ✅")]
    assert len(receipts) == 1, [m.text for m in receipts]
    assert "Photos 2/10" in receipts[0].text
    assert "Videos 1/4" in receipts[0].text
    # One of the two instances told the owner; the other knew it had been said.
    warnings = [m for m in owner.private_chat.bot_messages() if "not an administrator" in m.text]
    assert len(warnings) == 1
