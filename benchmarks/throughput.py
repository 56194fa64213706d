"""Throughput of the real bot process under many simulated users, on SQLite and PostgreSQL.

The Bot API emulator runs in this process with Telegram's flood limits off (the benchmark
measures the bot, not Telegram); the bot runs as `python -m available_now run`, long-polling
the emulator exactly as it polls Telegram. Simulated users chat with it in private: `/start`,
`/help`, free text and taps on the menu's buttons. A fixed number of updates is kept in flight
(closed loop), and every update's latency runs from the moment the driver hands it to the
emulator's queue to the moment the bot's last reply to it (sendMessage, editMessageText,
answerCallbackQuery) reaches the emulator.

    .venv/bin/python benchmarks/throughput.py [--backend sqlite|postgres|both]
        [--users N] [--updates N] [--concurrency N] [--rate R] [--warmup N] [--quick]
        [--by-action]

PostgreSQL comes from BENCH_DATABASE_URL or TEST_DATABASE_URL (a fresh database is created
there and dropped afterwards), otherwise from a throwaway `pgserver`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import secrets
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import URL

from available_now.db.encryption import generate_key
from available_now.db.url import to_async_url
from available_now.launcher import BotProcess, bot_environment
from telegram_sandbox import BotAPIEmulator, SimUser
from telegram_sandbox.params import Params

TOKEN = "123456789:AAE_bench-token"  # noqa: S105 - a fake token the emulator accepts
GROUP_ID = -1_001_234_567_890
OWNER_ID = 900_000_001
DATA_KEY = generate_key()
"""The run's data key: PostgreSQL needs one, and every run starts from an empty database."""
FIRST_USER_ID = 7_100_000_000

HELP_BUTTON = "❓ Help"
MENU_BUTTON = "⬅️ Main menu"
FREE_TEXTS = (
    "hi",
    "hello, are you there?",
    "how does this work",
    "available tonight?",
    "what can you do",
    "menu please",
    "thanks!",
)
# Fragments of the replies a healthy bot gives (texts.py), so a wrong answer is an error.
MENU_TEXT = "main menu"
HELP_TEXT = "How Available Now works"
HINT_TEXT = "I did not understand"

UPDATE_TIMEOUT = 20.0
STARTUP_TIMEOUT = 90.0


# --- timing replies inside the emulator ------------------------------------------------------


Reply = tuple[frozenset[str], str]
"""A reply an update must get: the methods that may carry it (lower-case) and a fragment of
its text ("" when it has none)."""


@dataclass(slots=True)
class Exchange:
    """One update in flight: the replies it still needs, and when the last one arrived."""

    action: str
    expected: list[Reply]
    sent_at: float
    done: asyncio.Future[float]
    error: str | None = None
    screen: tuple[int, tuple[str, ...]] | None = None
    """The message the user now looks at: its id and inline button labels."""

    def reply(self, method: str, at: float, status: int, payload: dict[str, Any]) -> None:
        wanted = next((reply for reply in self.expected if method in reply[0]), None)
        if wanted is None:
            self._fail(f"unexpected {method}")
            return
        self.expected.remove(wanted)
        if status != 200:
            self._fail(f"{method} failed: {payload.get('description')}")
            return
        result = payload.get("result")
        if isinstance(result, dict):
            text = str(result.get("text", ""))
            if wanted[1] not in text:
                self._fail(f"{method} said {text[:60]!r}")
            keyboard = (result.get("reply_markup") or {}).get("inline_keyboard", [])
            labels = tuple(str(button.get("text", "")) for row in keyboard for button in row)
            self.screen = (int(result["message_id"]), labels)
        if not self.expected and not self.done.done():
            self.done.set_result(at)

    def _fail(self, error: str) -> None:
        self.error = self.error or error
        if not self.done.done():
            self.done.set_result(time.perf_counter())


class TimedEmulator(BotAPIEmulator):
    """The emulator, noting the arrival of each reply for the update waiting in its chat.

    Matching by chat is exact because every simulated user has at most one update in flight.
    """

    def __init__(self) -> None:
        super().__init__(token=TOKEN, strict_rate_limits=False)
        self._waiting: dict[int, Exchange] = {}

    def expect(self, chat_id: int, action: str, expected: Sequence[Reply]) -> Exchange:
        exchange = Exchange(
            action,
            list(expected),
            sent_at=time.perf_counter(),
            done=asyncio.get_running_loop().create_future(),
        )
        self._waiting[chat_id] = exchange
        return exchange

    def forget(self, chat_id: int) -> None:
        self._waiting.pop(chat_id, None)

    async def execute(
        self, method: str, params: Params, *, from_webhook_reply: bool = False
    ) -> tuple[int, dict[str, Any]]:
        arrived = time.perf_counter()
        status, payload = await super().execute(
            method, params, from_webhook_reply=from_webhook_reply
        )
        name = method.lower()
        if name in (SEND, EDIT, ANSWER):
            chat_id = self._chat_of(name, params)
            exchange = self._waiting.get(chat_id) if chat_id is not None else None
            if exchange is not None:
                exchange.reply(name, arrived, status, payload)
        return status, payload

    def _chat_of(self, method: str, params: Params) -> int | None:
        if method == ANSWER:
            query = self.api.callback_queries.get(params.get_str("callback_query_id") or "")
            return None if query is None else query.chat_id
        try:
            return int(params.chat_ref())
        except (TypeError, ValueError):
            return None


# --- simulated users ------------------------------------------------------------------------


@dataclass(slots=True)
class Player:
    """A simulated user and the message (with buttons) their chat shows last."""

    sim: SimUser
    rng: random.Random
    screen: tuple[int, tuple[str, ...]] | None = None

    def next_action(self) -> str:
        if self.screen is None:
            return "/start"
        buttons = [label for label in (HELP_BUTTON, MENU_BUTTON) if label in self.screen[1]]
        roll = self.rng.random()
        if buttons and roll < 0.40:
            return self.rng.choice(buttons)
        if roll < 0.60:
            return "/start"
        if roll < 0.75:
            return "/help"
        return "text"


SEND, EDIT, ANSWER = "sendmessage", "editmessagetext", "answercallbackquery"
EXPECTED: dict[str, list[Reply]] = {
    "/start": [(frozenset({SEND}), MENU_TEXT)],
    "/help": [(frozenset({SEND}), HELP_TEXT)],
    "text": [(frozenset({SEND}), HINT_TEXT)],
    HELP_BUTTON: [(frozenset({EDIT}), HELP_TEXT), (frozenset({ANSWER}), "")],
    # The menu is sent anew or edited into the message, depending on the bot's version.
    MENU_BUTTON: [(frozenset({SEND, EDIT}), MENU_TEXT), (frozenset({ANSWER}), "")],
}


@dataclass(slots=True)
class Sample:
    action: str
    latency: float
    error: str | None


async def play_once(emulator: TimedEmulator, player: Player) -> Sample:
    """Send the player's next update and wait for the bot's complete answer."""
    action = player.next_action()
    chat_id = player.sim.id
    exchange = emulator.expect(chat_id, action, EXPECTED[action])
    if action in (HELP_BUTTON, MENU_BUTTON):
        assert player.screen is not None
        await player.sim.press_nowait(player.screen[0], action)
    else:
        text = player.rng.choice(FREE_TEXTS) if action == "text" else action
        await player.sim.send(text)
    try:
        finished = await asyncio.wait_for(asyncio.shield(exchange.done), UPDATE_TIMEOUT)
    except TimeoutError:
        exchange.error = f"no complete answer within {UPDATE_TIMEOUT:.0f} s"
        finished = time.perf_counter()
    finally:
        emulator.forget(chat_id)
    if exchange.screen is not None:
        player.screen = exchange.screen
    return Sample(action, finished - exchange.sent_at, exchange.error)


@dataclass(slots=True)
class RunResult:
    samples: list[Sample]
    duration: float
    driver_cpu: float


async def drive(
    emulator: TimedEmulator,
    players: Sequence[Player],
    updates: int,
    concurrency: int,
    rate: float | None = None,
) -> RunResult:
    """Keep up to `concurrency` updates in flight until `updates` have been answered.

    Without `rate` the next update goes out as soon as one is answered (the bot's saturation
    throughput); with `rate` updates leave on a fixed schedule of that many per second, still
    capped at `concurrency` in flight. A user whose update got no complete answer is retired:
    a late reply would otherwise be taken for the answer to their next update.
    """
    idle: asyncio.Queue[Player] = asyncio.Queue()
    for player in players:
        idle.put_nowait(player)
    samples: list[Sample] = []
    budget = updates
    loop = asyncio.get_running_loop()
    schedule_start = loop.time()

    async def worker() -> None:
        nonlocal budget
        while budget > 0:
            budget -= 1
            if rate is not None:
                await asyncio.sleep(schedule_start + (updates - budget - 1) / rate - loop.time())
            try:
                player = await asyncio.wait_for(idle.get(), UPDATE_TIMEOUT * 2)
            except TimeoutError:
                return
            sample = await play_once(emulator, player)
            samples.append(sample)
            if sample.error is None:
                idle.put_nowait(player)

    cpu_before, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    duration = time.perf_counter() - started
    return RunResult(samples, duration, time.process_time() - cpu_before)


# --- the bot process ------------------------------------------------------------------------


def bot_process(
    emulator: BotAPIEmulator, database_url: URL, workdir: Path, outgoing_rate: float = 1000
) -> BotProcess:
    """The bot as `python -m available_now run`, started as tests/e2e/harness.py starts it.

    It paces itself to Telegram's 30 messages/s by default; a benchmark measures the bot, so
    `outgoing_rate` lifts that.
    """
    env = bot_environment(
        token=TOKEN,
        api_url=emulator.base_url,
        database_url=database_url.render_as_string(hide_password=False),
        group_id=GROUP_ID,
        owner_id=OWNER_ID,
        log_level="WARNING",
        extra={
            "OUTGOING_MESSAGES_PER_SECOND": f"{outgoing_rate:g}",
            "DATA_ENCRYPTION_KEY": DATA_KEY,
        },
    )
    return BotProcess(env, workdir)


def peak_rss_mb(pid: int) -> float | None:
    """The process's high-water resident set size (VmHWM), in MiB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time the process has used so far."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- databases ------------------------------------------------------------------------------


def _start_pgserver(directory: Path) -> Any:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset, as on most servers.
        warnings.simplefilter("ignore")
        import pgserver

        return pgserver.get_server(str(directory), cleanup_mode="delete")


@contextlib.asynccontextmanager
async def postgres_database(workdir: Path) -> AsyncIterator[tuple[URL, str]]:
    """A fresh database on the configured server, or on a throwaway pgserver."""
    configured = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    server = None
    if configured:
        server_url, origin = to_async_url(configured), "BENCH/TEST_DATABASE_URL"
    else:
        server = await asyncio.to_thread(_start_pgserver, workdir / "pgdata")
        server_url, origin = to_async_url(server.get_uri()), "pgserver"
    dsn = server_url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"available_now_bench_{secrets.token_hex(4)}"
    try:
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        try:
            yield server_url.set(database=name), origin
        finally:
            connection = await asyncpg.connect(dsn)
            try:
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await connection.close()
    finally:
        if server is not None:
            await asyncio.to_thread(server.cleanup)


@contextlib.asynccontextmanager
async def database(backend: str, workdir: Path) -> AsyncIterator[tuple[URL, str]]:
    if backend == "sqlite":
        yield to_async_url(f"sqlite:///{workdir / 'bench.db'}"), "file in a temp dir"
        return
    async with postgres_database(workdir) as provided:
        yield provided


# --- one backend ----------------------------------------------------------------------------


@dataclass(slots=True)
class Report:
    backend: str
    origin: str
    sent: int
    errors: Counter[str]
    duration: float
    latencies: list[float]
    by_action: dict[str, list[float]]
    driver_cpu: float
    bot_cpu: float | None
    bot_rss_mb: float | None
    exit_code: int
    warmup: tuple[int, float] = (0, 0.0)
    """Updates answered before the measurement started, and how long they took."""
    bot_problems: list[str] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.answered / self.duration if self.duration else 0.0


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of sorted `values`."""
    if not values:
        return float("nan")
    rank = max(1, round(share * len(values) + 0.5 - 1e-9))
    return values[min(rank, len(values)) - 1]


async def bench_backend(
    backend: str, users: int, updates: int, concurrency: int, rate: float | None, warmup: int
) -> Report:
    with tempfile.TemporaryDirectory(prefix=f"available-now-bench-{backend}-") as raw:
        workdir = Path(raw)
        async with TimedEmulator() as emulator, database(backend, workdir) as (url, origin):
            emulator.create_group(chat_id=GROUP_ID, title="Models", bot_is_admin=True)
            bot = bot_process(emulator, url, workdir)
            await bot.start()
            try:
                warm_up = Player(emulator.user(FIRST_USER_ID - 1, "Warm-up"), random.Random(0))
                exchange = emulator.expect(warm_up.sim.id, "/start", EXPECTED["/start"])
                await warm_up.sim.send("/start")
                if not await bot.answered(exchange.done, STARTUP_TIMEOUT):
                    raise SystemExit(
                        f"{backend}: the bot did not answer the warm-up /start; "
                        f"its log:\n{bot.output()[-3000:]}"
                    )
                emulator.forget(warm_up.sim.id)
                players = [
                    Player(
                        emulator.user(
                            FIRST_USER_ID + index,
                            f"User {index}",
                            username=f"bench_user_{index}",
                        ),
                        random.Random(index),
                    )
                    for index in range(users)
                ]
                # Registers every user and warms the bot's caches; not measured.
                warm = await drive(emulator, players, users + warmup, concurrency)
                players = [player for player in players if player.screen is not None]
                cpu_before = cpu_seconds(bot.pid)
                run = await drive(emulator, players, updates, concurrency, rate)
                cpu_after = cpu_seconds(bot.pid)
                rss = peak_rss_mb(bot.pid)
            finally:
                exit_code = await bot.stop()
            output = bot.output()
    good = [s for s in run.samples if s.error is None]
    by_action: dict[str, list[float]] = {}
    for sample in good:
        by_action.setdefault(sample.action, []).append(sample.latency)
    problems = [
        line
        for line in output.splitlines()
        if "Traceback" in line or " ERROR " in line or "CRITICAL" in line
    ]
    return Report(
        backend=backend,
        origin=origin,
        sent=len(run.samples),
        errors=Counter(s.error for s in run.samples if s.error is not None),
        duration=run.duration,
        latencies=sorted(s.latency for s in good),
        by_action={action: sorted(values) for action, values in sorted(by_action.items())},
        driver_cpu=run.driver_cpu / run.duration,
        bot_cpu=(
            (cpu_after - cpu_before) / run.duration
            if cpu_before is not None and cpu_after is not None
            else None
        ),
        bot_rss_mb=rss,
        exit_code=exit_code,
        warmup=(len(warm.samples), warm.duration),
        bot_problems=problems[:5],
    )


# --- output ---------------------------------------------------------------------------------

TARGET_RATE = 300.0
TARGET_P99_MS = 100.0


def _ms(value: float) -> str:
    return f"{value * 1000:.1f}"


def print_table(reports: Sequence[Report]) -> None:
    header = (
        f"{'backend':<9}{'updates':>8}{'errors':>7}{'duration':>10}{'updates/s':>11}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}{'bot CPU':>9}{'driver CPU':>12}"
        f"{'bot peak RSS':>14}"
    )
    print(header)
    print("-" * len(header))
    for r in reports:
        bot_cpu = f"{r.bot_cpu:.0%}" if r.bot_cpu is not None else "?"
        rss = f"{r.bot_rss_mb:.0f} MB" if r.bot_rss_mb is not None else "?"
        lat = r.latencies
        print(
            f"{r.backend:<9}{r.sent:>8}{sum(r.errors.values()):>7}{r.duration:>9.1f}s"
            f"{r.rate:>11.1f}{_ms(percentile(lat, 0.50)):>8}{_ms(percentile(lat, 0.95)):>8}"
            f"{_ms(percentile(lat, 0.99)):>8}{_ms(lat[-1] if lat else float('nan')):>8}"
            f"{bot_cpu:>9}{r.driver_cpu:>12.0%}{rss:>14}"
        )


def print_details(reports: Sequence[Report], by_action: bool) -> None:
    for r in reports:
        print(
            f"\n{r.backend}: database from {r.origin}; warm-up {r.warmup[0]} updates in "
            f"{r.warmup[1]:.1f} s (not measured); bot exit code {r.exit_code}"
        )
        for error, count in r.errors.most_common(5):
            print(f"  error x{count}: {error}")
        for line in r.bot_problems:
            print(f"  bot log: {line[:160]}")
        if by_action:
            for action, values in r.by_action.items():
                print(
                    f"  {action:<14} n={len(values):<6} p50 {_ms(percentile(values, 0.5)):>7} ms"
                    f"  p95 {_ms(percentile(values, 0.95)):>7} ms"
                    f"  p99 {_ms(percentile(values, 0.99)):>7} ms"
                )
        if r.backend == "postgres":
            p99 = percentile(r.latencies, 0.99) * 1000
            met = r.rate >= TARGET_RATE and p99 < TARGET_P99_MS and not r.errors
            print(
                f"  target >= {TARGET_RATE:.0f} updates/s with p99 < {TARGET_P99_MS:.0f} ms: "
                f"{'met' if met else 'MISSED'} ({r.rate:.0f}/s, p99 {p99:.0f} ms)"
            )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--users", type=int, default=None, help="simulated users (2000)")
    parser.add_argument("--updates", type=int, default=None, help="updates per backend (6000)")
    parser.add_argument("--concurrency", type=int, default=None, help="updates in flight (64)")
    parser.add_argument(
        "--quick", action="store_true", help="a ~20-second smoke run (40 users, 300 updates)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="send this many updates per second instead of as fast as answered",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=None,
        help="unmeasured updates after each user's first /start (1000)",
    )
    parser.add_argument("--by-action", action="store_true", help="latency per kind of update")
    args = parser.parse_args(argv)
    defaults = (40, 300, 16, 100) if args.quick else (2000, 6000, 64, 1000)
    args.users = args.users or defaults[0]
    args.updates = args.updates or defaults[1]
    args.concurrency = args.concurrency or defaults[2]
    args.warmup = defaults[3] if args.warmup is None else args.warmup
    if min(args.users, args.updates, args.concurrency, args.rate or 1) <= 0 or args.warmup < 0:
        parser.error("--users, --updates, --concurrency and --rate must be positive")
    return args


async def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"Available Now throughput, {now}: {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}"
    )
    print(
        f"{args.users} users, {args.updates} updates per backend, "
        f"at most {args.concurrency} in flight, "
        + (f"offered at {args.rate:g} updates/s; " if args.rate else "closed loop; ")
        + "the emulator and the load driver share this process\n"
    )
    reports = []
    for backend in backends:
        reports.append(
            await bench_backend(
                backend, args.users, args.updates, args.concurrency, args.rate, args.warmup
            )
        )
    print_table(reports)
    print_details(reports, args.by_action)


if __name__ == "__main__":
    asyncio.run(main())
