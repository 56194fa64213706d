"""Listing expiry at scale: lag, catch-up after a restart, `/available` and memory (PostgreSQL).

The Bot API emulator runs in this process with Telegram's flood limits off, and the real bot
runs as `python -m available_now run` (long polling, `OUTGOING_MESSAGES_PER_SECOND=1000`), as
in `throughput.py`. Listings are not made through the wizard: models, profiles, listings and
their `scheduled_deletions` rows are bulk-inserted (what `OutboxService.posted` writes),
and each listing's group post is created in the emulator's world as a message from the bot.

1. `/available`: with every listing live, a group member sends `/available` N times, spaced
   so that the bot's own group pacing (1 message/s, 20/min per group) never holds a reply;
   latency runs from the update entering the emulator's queue to the reply reaching it. Then
   `ListingService.available()` (and the list's rendering) is timed in this process.
2. Expiry lag: the listings' `expires_at` (and their deletions' `delete_after`) are moved to
   spread evenly over a window starting a few seconds out; for each, the lag runs from
   `expires_at` to the moment the emulator deleted its group post.
3. Restart: the bot is stopped (SIGINT), the same number of overdue listings is inserted, the
   bot is started, and the time until every post is gone and every row is marked is taken.

Peak RSS (`VmHWM`) of each bot process is read from /proc before it is stopped.

    .venv/bin/python benchmarks/expiry.py [--listings 10000] [--quick]

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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from available_now.bot.keyboards import profile_link
from available_now.db import migrate
from available_now.db.database import Database
from available_now.db.encryption import DataCipher
from available_now.db.models import Listing, OfferType, Profile, ScheduledDeletion, User
from available_now.db.types import bind_cipher
from available_now.domain.listings import MessagePurpose
from available_now.domain.rendering import AvailableEntry, render_available_list
from available_now.launcher import BotProcess
from telegram_sandbox import BotAPIEmulator, SimGroup
from telegram_sandbox.params import Params
from telegram_sandbox.state import MessageRecord, UserRecord

# Run as a script: benchmarks/ is on sys.path, so the throughput benchmark's helpers import.
from throughput import (
    DATA_KEY,
    GROUP_ID,
    TOKEN,
    bot_process,
    cpu_seconds,
    peak_rss_mb,
    percentile,
    postgres_database,
)

FIRST_MODEL_ID = 7_200_000_000
MEMBER_ID = 7_300_000_001
BOT_USERNAME = "available_now_bot"
STARTUP_TIMEOUT = 90.0
REPLY_TIMEOUT = 20.0
SERVICE_RUNS = 50

TARGET_LAG_P99 = 2.0
TARGET_AVAILABLE_MS = 100.0
TARGET_RSS_MB = 200.0

SERVICES: tuple[dict[str, Any], ...] = (
    {"service_type": "in_person", "in_person_type": "Incall/Outcall", "in_person_location": "CBD"},
    {"service_type": "facetime", "facetime_platforms": "FaceTime", "facetime_payment": "PayPal"},
    {"service_type": "custom", "custom_payment": "PayPal", "custom_delivery": "Telegram"},
    {"service_type": "other", "other_service": "Dinner dates"},
)

SERVICE_COLUMNS = sorted({column for service in SERVICES for column in service})


# --- the emulator, timing deletions and group replies ----------------------------------------


class ExpiryEmulator(BotAPIEmulator):
    """Notes when each group message is deleted, and when the bot replies in the group."""

    def __init__(self) -> None:
        super().__init__(token=TOKEN, bot_username=BOT_USERNAME, strict_rate_limits=False)
        self.deleted_at: dict[int, float] = {}
        """Group message id -> wall-clock time (time.time()) the emulator deleted it."""
        self.reply: asyncio.Future[tuple[float, str]] | None = None
        self.started_polling: asyncio.Future[float] | None = None
        self.sent_private = 0
        world_delete = self.world.delete_message

        def delete_message(message: MessageRecord) -> None:
            if message.chat_id == GROUP_ID:
                self.deleted_at[message.message_id] = time.time()
            world_delete(message)

        self.world.delete_message = delete_message  # type: ignore[method-assign]

    async def execute(
        self, method: str, params: Params, *, from_webhook_reply: bool = False
    ) -> tuple[int, dict[str, Any]]:
        arrived = time.perf_counter()
        name = method.lower()
        if name == "getupdates" and self.started_polling and not self.started_polling.done():
            self.started_polling.set_result(arrived)
        status, payload = await super().execute(
            method, params, from_webhook_reply=from_webhook_reply
        )
        if name == "sendmessage":
            chat = str(params.values.get("chat_id"))
            if chat == str(GROUP_ID):
                if self.reply is not None and not self.reply.done():
                    result = payload.get("result") or {}
                    text_ = result.get("text", "") if status == 200 else str(payload)
                    self.reply.set_result((arrived, str(text_)))
            else:
                self.sent_private += 1
        return status, payload

    def post_listing(self, name: str, expires_at: datetime) -> int:
        """A listing post the bot made in the group; returns its message id."""
        chat = self.world.chats[GROUP_ID]
        until = expires_at.strftime("%H:%M")
        message = self.world.add_message(
            chat,
            self.world.bot,
            text=f"{name}\nIn person, FaceTime\n\n🟢 Available until {until}",
            reply_markup={
                "inline_keyboard": [
                    [{"text": "Full profile & gallery", "url": f"https://t.me/{BOT_USERNAME}"}]
                ]
            },
        )
        return message.message_id

    def visible_posts(self, message_ids: Sequence[int]) -> int:
        chat = self.world.chats[GROUP_ID]
        return sum(1 for message_id in message_ids if chat.find(message_id) is not None)


# --- seeding the database ----------------------------------------------------------------------


@dataclass(slots=True)
class Model:
    user_id: int
    profile_id: int
    name: str


async def seed_models(engine: AsyncEngine, emulator: ExpiryEmulator, count: int) -> list[Model]:
    """Approved users, each with a completed profile and one service; started private chats."""
    now = datetime.now(UTC)
    names = [f"Model {index:05d}" for index in range(count)]
    users = [
        {
            "id": FIRST_MODEL_ID + index,
            "username": f"bench_model_{index}",
            "first_name": name,
            "is_approved_admin": True,
        }
        for index, name in enumerate(names)
    ]
    async with engine.begin() as connection:
        await connection.execute(insert(User), users)
        rows = await connection.execute(
            insert(Profile).returning(Profile.id, Profile.user_id, sort_by_parameter_order=True),
            [
                {
                    "user_id": user["id"],
                    "name": user["first_name"],
                    "about": "Warm, discreet and punctual. Ask me anything.",
                    "contact_method": "telegram",
                    "telegram_username": user["username"],
                    "rates": "$300/h",
                    "completed_at": now,
                }
                for user in users
            ],
        )
        profiles = [(int(profile_id), int(user_id)) for profile_id, user_id in rows]
        await connection.execute(
            insert(OfferType),
            [
                dict.fromkeys(SERVICE_COLUMNS)
                | {"profile_id": profile_id, **SERVICES[index % len(SERVICES)]}
                for index, (profile_id, _) in enumerate(profiles)
            ],
        )
    for user in users:
        emulator.world.add_user(UserRecord(id=user["id"], first_name=user["first_name"]))
        # They have talked to the bot, so the "your listing ended" message can reach them.
        emulator.world.chats[user["id"]].started = True
    return [
        Model(user_id, profile_id, name)
        for (profile_id, user_id), name in zip(profiles, names, strict=True)
    ]


async def seed_listings(
    engine: AsyncEngine,
    emulator: ExpiryEmulator,
    models: Sequence[Model],
    expiries: Sequence[datetime],
) -> list[int]:
    """One live listing per model, posted in the emulator's group; returns the post ids."""
    message_ids = [
        emulator.post_listing(model.name, expires_at)
        for model, expires_at in zip(models, expiries, strict=True)
    ]
    async with engine.begin() as connection:
        rows = await connection.execute(
            insert(Listing).returning(Listing.id, sort_by_parameter_order=True),
            [
                {
                    "user_id": model.user_id,
                    "profile_id": model.profile_id,
                    "group_id": GROUP_ID,
                    "message_id": message_id,
                    "duration_hours": 2,
                    "posted_at": expires_at - timedelta(hours=2),
                    "expires_at": expires_at,
                    # Its reminder went out 15 minutes before expiry, as in steady operation.
                    "reminder_sent_at": expires_at - timedelta(minutes=15),
                }
                for model, message_id, expires_at in zip(models, message_ids, expiries, strict=True)
            ],
        )
        listing_ids = [int(listing_id) for (listing_id,) in rows]
        await connection.execute(
            insert(ScheduledDeletion),
            [
                {
                    "chat_id": GROUP_ID,
                    "message_id": message_id,
                    "purpose": MessagePurpose.LISTING.value,
                    "listing_id": listing_id,
                    "delete_after": expires_at,
                }
                for listing_id, message_id, expires_at in zip(
                    listing_ids, message_ids, expiries, strict=True
                )
            ],
        )
    async with engine.connect() as connection:
        # Planner statistics, as a database that grew over time has them (autovacuum would
        # analyse a bulk load only a minute or so later).
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(
            text("ANALYZE listings, profiles, offer_types, scheduled_deletions")
        )
    return message_ids


async def spread_expiries(engine: AsyncEngine, start: datetime, window: float) -> dict[int, float]:
    """Move every live listing's expiry (and its post's removal) evenly over the window.

    Returns group message id -> expires_at as a Unix timestamp, as the database now has it.
    """
    async with engine.begin() as connection:
        live = (
            await connection.execute(text("SELECT count(*) FROM listings WHERE deleted_at IS NULL"))
        ).scalar_one()
        step = window / max(int(live) - 1, 1)
        await connection.execute(
            text(
                "WITH ranked AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k"
                " FROM listings WHERE deleted_at IS NULL)"
                " UPDATE listings AS l"
                " SET expires_at = CAST(:start AS timestamptz)"
                " + make_interval(secs => ranked.k * CAST(:step AS double precision))"
                " FROM ranked WHERE l.id = ranked.id"
            ),
            {"start": start, "step": step},
        )
        await connection.execute(
            text(
                "UPDATE scheduled_deletions AS s SET delete_after = l.expires_at"
                " FROM listings AS l"
                " WHERE s.listing_id = l.id AND s.deleted_at IS NULL AND l.deleted_at IS NULL"
            )
        )
        rows = await connection.execute(
            select(Listing.message_id, Listing.expires_at).where(Listing.deleted_at.is_(None))
        )
        return {int(message_id): expires_at.timestamp() for message_id, expires_at in rows}


async def pending(engine: AsyncEngine) -> tuple[int, int]:
    """Live listings, and listing posts not yet marked deleted."""
    async with engine.connect() as connection:
        live = await connection.scalar(
            select(func.count()).select_from(Listing).where(Listing.deleted_at.is_(None))
        )
        posts = await connection.scalar(
            select(func.count())
            .select_from(ScheduledDeletion)
            .where(
                ScheduledDeletion.deleted_at.is_(None),
                ScheduledDeletion.purpose == MessagePurpose.LISTING.value,
            )
        )
    return int(live or 0), int(posts or 0)


# --- the bot process ----------------------------------------------------------------------------


def current_rss_mb(pid: int) -> float | None:
    """The process's resident set size right now (VmRSS), in MiB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


async def start_bot(emulator: ExpiryEmulator, bot: BotProcess) -> float:
    """Start the bot; returns seconds until it first polls for updates."""
    emulator.started_polling = asyncio.get_running_loop().create_future()
    started = time.perf_counter()
    await bot.start()
    if not await bot.answered(emulator.started_polling, STARTUP_TIMEOUT):
        raise SystemExit(f"the bot did not start polling; its log:\n{bot.output()[-3000:]}")
    return emulator.started_polling.result() - started


# --- the measurements ---------------------------------------------------------------------------


@dataclass(slots=True)
class Results:
    listings: int
    origin: str = ""
    startup: float = 0.0
    available_ms: list[float] = field(default_factory=list)
    available_errors: list[str] = field(default_factory=list)
    available_text: str = ""
    service_ms: list[float] = field(default_factory=list)
    render_ms: list[float] = field(default_factory=list)
    window: float = 0.0
    lags: list[float] = field(default_factory=list)
    lag_missing: int = 0
    lag_left_in_db: tuple[int, int] = (0, 0)
    running_cpu: float | None = None
    running_seconds: float = 0.0
    restart_startup: float = 0.0
    restart_first: float | None = None
    restart_gone: float | None = None
    restart_marked: float | None = None
    restart_left: int = 0
    restart_notified: int = 0
    rss_started: float | None = None
    rss: list[float | None] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)
    bot_problems: list[str] = field(default_factory=list)


async def measure_available(
    emulator: ExpiryEmulator,
    group: SimGroup,
    runs: int,
    spacing: float,
    expected_total: int,
    results: Results,
) -> None:
    member = emulator.user(MEMBER_ID, "Member", username="bench_member")
    group.add_member(member)
    loop = asyncio.get_running_loop()
    for run in range(runs):
        due = loop.time() + spacing
        emulator.reply = loop.create_future()
        sent = time.perf_counter()
        await member.send("/available", chat=group)
        try:
            arrived, reply = await asyncio.wait_for(asyncio.shield(emulator.reply), REPLY_TIMEOUT)
        except TimeoutError:
            results.available_errors.append(f"run {run}: no reply within {REPLY_TIMEOUT:.0f} s")
        else:
            if f"({expected_total})" not in reply:
                results.available_errors.append(f"run {run}: unexpected reply {reply[:80]!r}")
            results.available_ms.append((arrived - sent) * 1000)
            results.available_text = reply
        emulator.reply = None
        await asyncio.sleep(max(due - loop.time(), 0))


async def measure_service(url: URL, results: Results) -> None:
    """`ListingService.available()` alone, and with the rendering the handler adds."""
    from available_now.services.listings import ListingService

    db = Database.from_url(url, pool_size=2, cipher=DataCipher([DATA_KEY]))
    try:
        listings = ListingService(db, durations=(2, 4, 6))
        for _ in range(3):  # warm the pool and SQLAlchemy's statement cache
            await listings.available(GROUP_ID)
        for _ in range(SERVICE_RUNS):
            started = time.perf_counter()
            entries, total = await listings.available(GROUP_ID)
            queried = time.perf_counter()
            render_available_list(
                [
                    AvailableEntry(
                        name=entry.name,
                        services=entry.services,
                        expires_at=entry.expires_at,
                        profile_link=profile_link(BOT_USERNAME, entry.link_token),
                    )
                    for entry in entries
                ],
                now=listings.now(),
                total=total,
            )
            rendered = time.perf_counter()
            results.service_ms.append((queried - started) * 1000)
            results.render_ms.append((rendered - started) * 1000)
    finally:
        await db.dispose()


async def measure_lag(
    emulator: ExpiryEmulator,
    engine: AsyncEngine,
    bot: BotProcess,
    lead: float,
    window: float,
    results: Results,
) -> None:
    start = datetime.now(UTC) + timedelta(seconds=lead)
    expires = await spread_expiries(engine, start, window)
    results.window = window
    deadline = time.time() + lead + window + 60
    cpu_before, began = cpu_seconds(bot.pid), time.perf_counter()
    while time.time() < deadline and any(m not in emulator.deleted_at for m in expires):
        await emulator.world.changed.wait(0.25)
    cpu_after, results.running_seconds = cpu_seconds(bot.pid), time.perf_counter() - began
    if cpu_before is not None and cpu_after is not None:
        results.running_cpu = (cpu_after - cpu_before) / results.running_seconds
    results.lags = sorted(
        emulator.deleted_at[m] - at for m, at in expires.items() if m in emulator.deleted_at
    )
    results.lag_missing = len(expires) - len(results.lags)
    await asyncio.sleep(1)  # the worker marks rows just after Telegram's answer
    results.lag_left_in_db = await pending(engine)


async def measure_restart(
    emulator: ExpiryEmulator,
    engine: AsyncEngine,
    bot: BotProcess,
    models: Sequence[Model],
    results: Results,
) -> None:
    now = datetime.now(UTC)
    count = len(models)
    # Overdue by one second up to ten minutes: the bot was down for a while.
    expiries = [
        now - timedelta(seconds=1 + 599 * index / max(count - 1, 1)) for index in range(count)
    ]
    posts = await seed_listings(engine, emulator, models, expiries)
    notified_before = emulator.sent_private
    started_wall = time.time()
    results.restart_startup = await start_bot(emulator, bot)
    deadline = started_wall + 300
    while time.time() < deadline:
        if results.restart_gone is None and all(m in emulator.deleted_at for m in posts):
            results.restart_gone = max(emulator.deleted_at[m] for m in posts) - started_wall
        if results.restart_gone is not None:
            live, left = await pending(engine)
            if live == 0 and left == 0:
                results.restart_marked = time.time() - started_wall
                break
        await asyncio.sleep(0.1)
    done = [emulator.deleted_at[m] for m in posts if m in emulator.deleted_at]
    results.restart_first = min(done) - started_wall if done else None
    results.restart_left = emulator.visible_posts(posts)
    results.restart_notified = emulator.sent_private - notified_before


async def run(args: argparse.Namespace) -> Results:
    results = Results(args.listings)
    with tempfile.TemporaryDirectory(prefix="available-now-bench-expiry-") as raw:
        workdir = Path(raw)
        async with ExpiryEmulator() as emulator, postgres_database(workdir) as (url, origin):
            results.origin = origin
            group = emulator.create_group(chat_id=GROUP_ID, title="Models", bot_is_admin=True)
            await migrate.upgrade(url)
            # Bulk inserts through Core, with the bot's key for the encrypted columns.
            engine = create_async_engine(url, pool_size=2, hide_parameters=True)
            bind_cipher(engine, DataCipher([DATA_KEY]))
            try:
                seeded = time.perf_counter()
                models = await seed_models(engine, emulator, args.listings)
                # Live for one to two more hours, one expiry after another.
                soon = datetime.now(UTC) + timedelta(hours=1)
                step = timedelta(hours=1) / len(models)
                later = [soon + index * step for index in range(len(models))]
                await seed_listings(engine, emulator, models, later)
                print(
                    f"seeded {len(models)} models and live listings in "
                    f"{time.perf_counter() - seeded:.1f} s",
                    flush=True,
                )
                bot = bot_process(emulator, url, workdir, args.outgoing_rate)
                try:
                    results.startup = await start_bot(emulator, bot)
                    results.rss_started = current_rss_mb(bot.pid)
                    print("measuring /available ...", flush=True)
                    await measure_available(
                        emulator, group, args.available_runs, args.spacing, len(models), results
                    )
                    await measure_service(url, results)
                    print(f"measuring expiry lag over {args.window:g} s ...", flush=True)
                    await measure_lag(emulator, engine, bot, args.lead, args.window, results)
                    results.rss.append(peak_rss_mb(bot.pid))
                finally:
                    results.exit_codes.append(await bot.stop())
                print("measuring the catch-up after a restart ...", flush=True)
                bot = bot_process(emulator, url, workdir, args.outgoing_rate)
                try:
                    await measure_restart(emulator, engine, bot, models, results)
                    results.rss.append(peak_rss_mb(bot.pid))
                finally:
                    results.exit_codes.append(await bot.stop())
                output = bot.output()
                results.bot_problems = [
                    line
                    for line in output.splitlines()
                    if "Traceback" in line or " ERROR " in line or "CRITICAL" in line
                ][:5]
            finally:
                await engine.dispose()
    return results


# --- output -----------------------------------------------------------------------------------


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(args: argparse.Namespace, r: Results) -> None:
    print()
    print(f"database from {r.origin}; bot started polling {r.startup:.1f} s after launch")
    if r.available_ms:
        values = sorted(r.available_ms)
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        print(
            f"/available with {r.listings} live: n={len(values)}, one every {args.spacing:g} s: "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {values[-1]:.1f} ms  "
            f"[target < {TARGET_AVAILABLE_MS:.0f} ms: {_met(p99 < TARGET_AVAILABLE_MS)}]"
        )
        first_line = r.available_text.splitlines()[0] if r.available_text else ""
        print(f"  reply: {first_line!r}, {len(r.available_text)} characters")
    for error in r.available_errors[:5]:
        print(f"  error: {error}")
    if r.service_ms:
        service, rendered = sorted(r.service_ms), sorted(r.render_ms)
        print(
            f"  in-process ListingService.available(), n={len(service)}: "
            f"p50 {percentile(service, 0.5):.1f} ms, p99 {percentile(service, 0.99):.1f} ms; "
            f"with rendering: p50 {percentile(rendered, 0.5):.1f} ms, "
            f"p99 {percentile(rendered, 0.99):.1f} ms"
        )
    if r.lags:
        p99 = percentile(r.lags, 0.99)
        cpu = f", bot CPU {r.running_cpu:.0%}" if r.running_cpu is not None else ""
        print(
            f"expiry lag, {r.listings} listings due over {r.window:g} s "
            f"({r.listings / r.window:.0f}/s): p50 {percentile(r.lags, 0.5):.2f} s, "
            f"p99 {p99:.2f} s, max {r.lags[-1]:.2f} s{cpu}  "
            f"[target p99 < {TARGET_LAG_P99:g} s: "
            f"{_met(p99 < TARGET_LAG_P99 and not r.lag_missing)}]"
        )
    if r.lag_missing or any(r.lag_left_in_db):
        print(
            f"  not deleted: {r.lag_missing}; left in the database: "
            f"{r.lag_left_in_db[0]} live listings, {r.lag_left_in_db[1]} pending posts"
        )
    gone = f"{r.restart_gone:.1f} s" if r.restart_gone is not None else "not within 300 s"
    rate = f" ({r.listings / r.restart_gone:.0f} listings/s)" if r.restart_gone else ""
    first = f"{r.restart_first:.1f} s" if r.restart_first is not None else "-"
    marked = f"{r.restart_marked:.1f} s" if r.restart_marked is not None else "not yet"
    print(
        f"after a restart, {r.listings} overdue: all posts gone {gone}{rate} after launch; "
        f"first gone {first}, polling {r.restart_startup:.1f} s, rows all marked {marked}; "
        f"{r.restart_notified} 'listing ended' messages sent; {r.restart_left} posts left"
    )
    rss = [value for value in r.rss if value is not None]
    peak = max(rss) if rss else None
    shown = ", ".join(f"{value:.0f} MB" if value is not None else "?" for value in r.rss)
    print(
        f"bot peak RSS (VmHWM): {shown}"
        + (f"  [target < {TARGET_RSS_MB:.0f} MB: {_met(peak < TARGET_RSS_MB)}]" if peak else "")
    )
    if r.rss_started is not None:
        print(f"  RSS when the first bot started polling, before any work: {r.rss_started:.0f} MB")
    print(f"bot exit codes: {', '.join(map(str, r.exit_codes))}")
    for line in r.bot_problems:
        print(f"  bot log: {line[:160]}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--listings", type=int, default=None, help="live listings (10000)")
    parser.add_argument("--window", type=float, default=None, help="expiries spread (60 s)")
    parser.add_argument("--lead", type=float, default=3.0, help="seconds to the first expiry")
    parser.add_argument("--available-runs", type=int, default=None, help="/available commands (50)")
    parser.add_argument(
        "--outgoing-rate",
        type=float,
        default=1000.0,
        help="the bot's OUTGOING_MESSAGES_PER_SECOND (1000; Telegram allows about 30)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="about a minute: 2000 listings over 15 s, 10 runs"
    )
    args = parser.parse_args(argv)
    defaults = (2000, 15.0, 10) if args.quick else (10_000, 60.0, 50)
    args.listings = args.listings or defaults[0]
    args.window = args.window or defaults[1]
    args.available_runs = args.available_runs or defaults[2]
    if min(args.listings, args.window, args.available_runs) <= 0:
        parser.error("--listings, --window and --available-runs must be positive")
    # The bot paces group replies to 1/s and 20/min; stay under both so none is held.
    args.spacing = 1.2 if args.available_runs <= 20 else 3.1
    return args


async def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"Available Now expiry, {now}: {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}"
    )
    print(
        f"{args.listings} listings in one group, PostgreSQL; the emulator (flood limits off) "
        "shares this process; the bot runs with "
        f"OUTGOING_MESSAGES_PER_SECOND={args.outgoing_rate:g}\n",
        flush=True,
    )
    results = await run(args)
    report(args, results)


if __name__ == "__main__":
    asyncio.run(main())
