"""Scaling out: the same load on 1, 2 and 4 webhook instances behind a round-robin balancer.

Each instance is a real `python -m available_now run --webhook` process on one PostgreSQL
database and (when a Redis answers) one Redis, as in production; a small aiohttp balancer
(`telegram_sandbox.RoundRobinBalancer`) hands the webhooks out in turn, and the Bot API
emulator delivers every update to the balancer as Telegram delivers to a reverse proxy, with
up to 40 requests open at once (one chat's updates in order). The
load is `throughput.py`'s: simulated users chatting in private (`/start`, `/help`, free text,
menu buttons), a fixed number of updates in flight, flood limits off, each update timed from
the emulator's queue to the bot's last reply.

    .venv/bin/python benchmarks/scaling.py [--instances 1,2,4] [--users N] [--updates N]
        [--concurrency N] [--no-redis]

PostgreSQL comes from BENCH_DATABASE_URL or TEST_DATABASE_URL (a fresh database for each
instance count), otherwise from a throwaway `pgserver`; Redis from BENCH_REDIS_URL or
TEST_REDIS_URL, else redis://127.0.0.1:6379/0 (the instances then share flood limits and album
receipts through it, as production would; `--no-redis` measures without).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL

from available_now.db import migrate
from available_now.launcher import BotProcess, bot_environment, start_webhook_instances
from telegram_sandbox import RoundRobinBalancer
from throughput import (
    DATA_KEY,
    FIRST_USER_ID,
    GROUP_ID,
    OWNER_ID,
    STARTUP_TIMEOUT,
    TOKEN,
    Player,
    TimedEmulator,
    cpu_seconds,
    drive,
    percentile,
    postgres_database,
)

TELEGRAM_CONNECTIONS = 40
SECRET = "bench-Secret_123"  # noqa: S105 - the benchmark's own webhook secret


async def redis_available(url: str) -> bool:
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(url, socket_connect_timeout=2)
    try:
        return bool(await client.ping())
    except RedisError:
        return False
    finally:
        await client.aclose()


@dataclass(slots=True)
class Result:
    instances: int
    sent: int
    errors: Counter[str]
    duration: float
    latencies: list[float]
    bot_cpu: float | None
    """CPU seconds of all instances together per second of the run."""
    driver_cpu: float
    spread: list[int]
    """Updates each instance received (through the balancer) during the run."""

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.duration if self.duration else 0.0


async def start_instances(
    emulator: TimedEmulator,
    url: URL,
    workdir: Path,
    count: int,
    redis_url: str | None,
) -> tuple[RoundRobinBalancer, list[BotProcess]]:
    shared = {
        "OUTGOING_MESSAGES_PER_SECOND": "1000",
        "DATA_ENCRYPTION_KEY": DATA_KEY,
        "WEBHOOK_SECRET": SECRET,
    }
    if redis_url:
        shared["REDIS_URL"] = redis_url
    env = bot_environment(
        token=TOKEN,
        api_url=emulator.base_url,
        database_url=url.render_as_string(hide_password=False),
        group_id=GROUP_ID,
        owner_id=OWNER_ID,
        log_level="WARNING",
        extra=shared,
    )
    try:
        return await start_webhook_instances(emulator, env, workdir, count, within=STARTUP_TIMEOUT)
    except AssertionError as error:
        raise SystemExit(str(error)) from None


async def bench(
    count: int, users: int, updates: int, concurrency: int, redis_url: str | None
) -> Result:
    with tempfile.TemporaryDirectory(prefix=f"available-now-bench-x{count}-") as raw:
        workdir = Path(raw)
        async with TimedEmulator() as emulator, postgres_database(workdir) as (url, _):
            # As Telegram: up to the webhook's max_connections (40) requests open at once.
            emulator.webhook_connections = TELEGRAM_CONNECTIONS
            emulator.create_group(chat_id=GROUP_ID, title="Models", bot_is_admin=True)
            await migrate.upgrade(url)  # once, before the instances start (as deployed)
            balancer, bots = await start_instances(emulator, url, workdir, count, redis_url)
            try:
                players = [
                    Player(
                        emulator.user(FIRST_USER_ID + index, f"User {index}"),
                        random.Random(index),
                    )
                    for index in range(users)
                ]
                # Registers every user and warms every instance; not measured.
                await drive(emulator, players, users * 2, concurrency)
                players = [player for player in players if player.screen is not None]
                before = Counter(balancer.forwarded)
                cpu_before = [cpu_seconds(bot.pid) for bot in bots]
                run = await drive(emulator, players, updates, concurrency)
                cpu_after = [cpu_seconds(bot.pid) for bot in bots]
                spread = [
                    balancer.forwarded[backend] - before[backend] for backend in balancer.backends
                ]
            finally:
                await asyncio.gather(*(bot.stop() for bot in bots))
                await balancer.stop()
    used = [
        after - before
        for before, after in zip(cpu_before, cpu_after, strict=True)
        if before is not None and after is not None
    ]
    good = [sample for sample in run.samples if sample.error is None]
    return Result(
        instances=count,
        sent=len(run.samples),
        errors=Counter(s.error for s in run.samples if s.error is not None),
        duration=run.duration,
        latencies=sorted(sample.latency for sample in good),
        bot_cpu=sum(used) / run.duration if len(used) == count else None,
        driver_cpu=run.driver_cpu / run.duration,
        spread=spread,
    )


def print_results(results: Sequence[Result]) -> None:
    header = (
        f"{'instances':>9}{'updates':>8}{'errors':>7}{'updates/s':>11}{'speed-up':>10}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'bots CPU':>10}{'CPU/update':>12}"
        f"{'driver CPU':>12}  spread"
    )
    print(header)
    print("-" * len(header))
    base = results[0].rate if results else 0.0
    for r in results:
        lat = r.latencies
        cpu = f"{r.bot_cpu:.0%}" if r.bot_cpu is not None else "?"
        per_update = (
            f"{r.bot_cpu / r.rate * 1000:.1f} ms" if r.bot_cpu is not None and r.rate else "?"
        )
        print(
            f"{r.instances:>9}{r.sent:>8}{sum(r.errors.values()):>7}{r.rate:>11.1f}"
            f"{r.rate / base if base else 0:>9.2f}x"
            f"{percentile(lat, 0.5) * 1000:>8.1f}{percentile(lat, 0.95) * 1000:>8.1f}"
            f"{percentile(lat, 0.99) * 1000:>8.1f}{cpu:>10}{per_update:>12}"
            f"{r.driver_cpu:>12.0%}  " + "/".join(str(n) for n in r.spread)
        )
    for r in results:
        for error, n in r.errors.most_common(3):
            print(f"  {r.instances} instance(s): error x{n}: {error}")


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--instances", default="1,2,4", help="instance counts to run (1,2,4)")
    parser.add_argument("--users", type=int, default=600)
    parser.add_argument("--updates", type=int, default=3000, help="measured updates per run")
    parser.add_argument("--concurrency", type=int, default=64, help="updates in flight")
    parser.add_argument("--no-redis", action="store_true", help="instances without REDIS_URL")
    args = parser.parse_args(argv)
    counts = [int(part) for part in args.instances.split(",") if part.strip()]
    if not counts or min(counts) < 1 or min(args.users, args.updates, args.concurrency) < 1:
        parser.error("--instances, --users, --updates and --concurrency must be positive")
    redis_url = None
    if not args.no_redis:
        candidate = (
            os.environ.get("BENCH_REDIS_URL")
            or os.environ.get("TEST_REDIS_URL")
            or "redis://127.0.0.1:6379/0"
        )
        redis_url = candidate if await redis_available(candidate) else None
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"Available Now scaling, {now}: {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {platform.system()} {platform.machine()}; PostgreSQL, "
        + ("Redis shared" if redis_url else "no Redis")
        + f"; load average {load} before the runs"
    )
    print(
        f"{args.users} users, {args.updates} measured updates per run, at most "
        f"{args.concurrency} in flight; the emulator, the balancer and the load driver share "
        "one process\n"
    )
    results = []
    for count in counts:
        started = time.perf_counter()
        results.append(await bench(count, args.users, args.updates, args.concurrency, redis_url))
        print(f"  {count} instance(s) done in {time.perf_counter() - started:.0f} s")
    print()
    print_results(results)


if __name__ == "__main__":
    asyncio.run(main())
