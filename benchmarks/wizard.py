"""Many models build their profile and go live at once, at human pace: the bot's real workload.

The Bot API emulator runs in this process with Telegram's flood limits off (the benchmark
measures the bot, not Telegram); the bot runs as `python -m available_now run`, long-polling
the emulator, with its outgoing pacing lifted to 1000 messages/s. The models are approved first
(not measured). Each then walks the whole profile wizard as `tests/e2e/stories.py` does —
/start, Create profile, name, an in-person service, about, phone contact, skips, rates, an
album of two photos, Done, Confirm — and goes live for 2 h, answering `--think` seconds after
the bot's message she was waiting for. Every answer is checked for the text the next step
shows, so a wrong or missing answer is an error, not a fast reply.

Printed: updates/s, reply latency p50/p95/p99 overall and per step (from the moment the update
enters the emulator's queue to the moment the bot's awaited message reaches the emulator; for
the album, from its last item), the bot process's CPU per update (from /proc), its database
transactions and statements per update (counted by the bot itself with SQLAlchemy events and
written at exit to `AVAILABLE_NOW_STATS_FILE`), start-up time to serving, idle and peak RSS,
and how many wizards were completed.

    .venv/bin/python benchmarks/wizard.py [--database sqlite|postgres|both] [--models N]
        [--think SECONDS] [--profile FILE]

`--profile FILE` records the bot process with py-spy (`pip install py-spy`) while the models
walk, as collapsed stacks (FILE.sqlite / FILE.postgres) for a flame graph or `sort | uniq`.

PostgreSQL comes from BENCH_DATABASE_URL or TEST_DATABASE_URL (a fresh database is created
there and dropped afterwards), otherwise from a throwaway `pgserver`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL

from available_now.db import migrate
from available_now.db.database import Database
from available_now.db.encryption import DataCipher
from available_now.domain.audit import ApprovalSource
from available_now.services.users import UserService
from telegram_sandbox import BotAPIEmulator, SimUser
from telegram_sandbox.params import Params
from throughput import (
    DATA_KEY,
    GROUP_ID,
    TOKEN,
    bot_process,
    cpu_seconds,
    database,
    peak_rss_mb,
    percentile,
)

FIRST_MODEL_ID = 7_500_000_000
STEP_TIMEOUT = 30.0
STARTUP_TIMEOUT = 90.0
REPLY_METHODS = frozenset({"sendmessage", "sendphoto", "editmessagetext", "editmessagecaption"})


# --- what each step sends and what it waits for ---------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    kind: str
    """"text" (send `value`), "press" (the button `value` on the last awaited message) or
    "album" (`value` photos in one album)."""
    value: str
    expect: str
    """A fragment of the awaited message's text, or of one of its button labels."""


WIZARD: tuple[Step, ...] = (
    Step("/start", "text", "/start", "main menu"),
    Step("create profile", "press", "📝 Create profile", "Step 1 of 9"),
    Step("name", "text", "Sophie", "Step 2 of 9"),
    Step("in person", "press", "📍 In person", "incall"),
    Step("incall & outcall", "press", "Incall & outcall", "Where?"),
    Step("location", "text", "Central London", "Which services"),
    Step("services done", "press", "✔️ Done", "Step 3 of 9"),
    Step("about", "text", "Warm & discreet <3", "Step 4 of 9"),
    Step("phone", "press", "📞 Phone", "phone number"),
    Step("phone number", "text", "+44 20 7946 0958", "Step 5 of 9"),
    Step("skip social", "press", "⏭ Skip", "Step 6 of 9"),
    Step("rates", "text", "1 h 200 £", "Step 7 of 9"),
    Step("skip disclaimer", "press", "⏭ Skip", "Step 8 of 9"),
    Step("album of 2 photos", "album", "2", "Saved ✅"),
    Step("media done", "press", "✔️ Done", "✅ Confirm"),
    Step("confirm", "press", "✅ Confirm", "Your profile is ready"),
    Step("/available", "text", "/available", "For how long"),
    Step("2 h", "press", "2 h", "You are live"),
)
UPDATES_PER_WIZARD = sum(int(step.value) if step.kind == "album" else 1 for step in WIZARD)


@dataclass(slots=True)
class Reply:
    """A bot message as the emulator answered it: its id, text and inline button labels."""

    at: float
    message_id: int
    text: str
    buttons: tuple[str, ...]

    def shows(self, fragment: str) -> bool:
        return fragment in self.text or any(fragment in label for label in self.buttons)


class WizardEmulator(BotAPIEmulator):
    """The emulator, handing each private chat's bot messages to the model waiting in it."""

    def __init__(self) -> None:
        super().__init__(token=TOKEN, strict_rate_limits=False)
        self.inboxes: dict[int, asyncio.Queue[Reply]] = {}
        self.failures: list[str] = []

    async def execute(
        self, method: str, params: Params, *, from_webhook_reply: bool = False
    ) -> tuple[int, dict[str, Any]]:
        arrived = time.perf_counter()
        status, payload = await super().execute(
            method, params, from_webhook_reply=from_webhook_reply
        )
        if method.lower() not in REPLY_METHODS:
            return status, payload
        if status != 200:
            self.failures.append(f"{method}: {payload.get('description')}")
            return status, payload
        result = payload.get("result")
        if isinstance(result, dict):
            inbox = self.inboxes.get(int(result.get("chat", {}).get("id", 0)))
            if inbox is not None:
                inbox.put_nowait(_reply(arrived, result))
        return status, payload


def _reply(arrived: float, result: dict[str, Any]) -> Reply:
    keyboard = (result.get("reply_markup") or {}).get("inline_keyboard", [])
    return Reply(
        at=arrived,
        message_id=int(result["message_id"]),
        text=str(result.get("text") or result.get("caption") or ""),
        buttons=tuple(str(button.get("text", "")) for row in keyboard for button in row),
    )


# --- one model ------------------------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    latencies: list[tuple[str, float]] = field(default_factory=list)
    updates: int = 0
    error: str | None = None

    @property
    def completed(self) -> bool:
        return self.error is None and len(self.latencies) == len(WIZARD)


async def walk(
    emulator: WizardEmulator, model: SimUser, think: float, rng: random.Random
) -> Outcome:
    """The whole wizard and going live; stops at the first step not answered as expected."""
    inbox = emulator.inboxes[model.id]
    outcome = Outcome()
    await asyncio.sleep(rng.uniform(0, think))  # the models do not start in lockstep
    screen: Reply | None = None
    for step in WIZARD:
        while not inbox.empty():  # what came after the awaited message: seen, not awaited
            inbox.get_nowait()
        if step.kind == "text":
            sent = time.perf_counter()
            await model.send(step.value)
            outcome.updates += 1
        elif step.kind == "press":
            assert screen is not None
            if step.value not in screen.buttons:
                outcome.error = f"{step.name}: no button {step.value!r} on {screen.text[:40]!r}"
                return outcome
            sent = time.perf_counter()
            await model.press_nowait(screen.message_id, step.value)
            outcome.updates += 1
        else:
            await model.send_album(photos=int(step.value))
            sent = time.perf_counter()  # from the last item of the album
            outcome.updates += int(step.value)
        screen = await _awaited(inbox, step.expect, sent + STEP_TIMEOUT)
        if screen is None:
            outcome.error = f"{step.name}: nothing showing {step.expect!r} within {STEP_TIMEOUT} s"
            return outcome
        outcome.latencies.append((step.name, screen.at - sent))
        await asyncio.sleep(think)
    return outcome


async def _awaited(inbox: asyncio.Queue[Reply], expect: str, deadline: float) -> Reply | None:
    while (remaining := deadline - time.perf_counter()) > 0:
        try:
            reply = await asyncio.wait_for(inbox.get(), remaining)
        except TimeoutError:
            return None
        if reply.shows(expect):
            return reply
    return None


# --- one database ---------------------------------------------------------------------------


@dataclass(slots=True)
class Report:
    backend: str
    origin: str
    models: int
    outcomes: list[Outcome]
    duration: float
    startup: float
    bot_cpu: float | None
    idle_rss_mb: float | None
    peak_rss_mb: float | None
    stats: dict[str, Any]
    failures: list[str]
    exit_code: int

    @property
    def updates(self) -> int:
        return sum(outcome.updates for outcome in self.outcomes)

    def latencies(self, where: Callable[[str], bool] = lambda _: True) -> list[float]:
        return sorted(
            latency
            for outcome in self.outcomes
            for name, latency in outcome.latencies
            if where(name)
        )


def current_rss_mb(pid: int) -> float | None:
    """The process's resident set size now (VmRSS), in MiB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


async def approve(url: URL, ids: Sequence[int]) -> None:
    db = Database.from_url(url, pool_size=2, cipher=DataCipher([DATA_KEY]))
    try:
        await UserService(db).approve_many(ids, source=ApprovalSource.APPROVED_ADMINS)
    finally:
        await db.dispose()


async def start_profiler(pid: int, output: Path) -> asyncio.subprocess.Process:
    """py-spy recording `pid` until it is sent SIGINT."""
    beside_python = Path(sys.executable).with_name("py-spy")
    return await asyncio.create_subprocess_exec(
        shutil.which("py-spy") or str(beside_python),
        "record",
        "--pid",
        str(pid),
        "--rate",
        "100",
        "--nonblocking",
        "--format",
        "raw",
        "--output",
        str(output),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def bench(backend: str, count: int, think: float, profile: Path | None = None) -> Report:
    with tempfile.TemporaryDirectory(prefix=f"available-now-bench-wizard-{backend}-") as raw:
        workdir = Path(raw)
        stats_file = workdir / "stats.json"
        async with (
            WizardEmulator() as emulator,
            database(backend, workdir) as (url, origin),
        ):
            emulator.create_group(chat_id=GROUP_ID, title="Models", bot_is_admin=True)
            ids = [FIRST_MODEL_ID + index for index in range(count)]
            await migrate.upgrade(url)
            await approve(url, ids)
            models = [
                emulator.user(user_id, f"Model{user_id - FIRST_MODEL_ID:03d}", username=None)
                for user_id in ids
            ]
            for model in models:
                emulator.inboxes[model.id] = asyncio.Queue()
            bot = bot_process(emulator, url, workdir)
            bot.env["AVAILABLE_NOW_STATS_FILE"] = str(stats_file)
            begun = time.perf_counter()
            await bot.started(emulator, within=STARTUP_TIMEOUT)
            startup = time.perf_counter() - begun
            try:
                await asyncio.sleep(1.0)  # serving, nobody writing yet: the idle footprint
                idle_rss = current_rss_mb(bot.pid)
                profiler = (
                    await start_profiler(bot.pid, profile.with_suffix(f".{backend}"))
                    if profile is not None
                    else None
                )
                cpu_before, started = cpu_seconds(bot.pid), time.perf_counter()
                outcomes = await asyncio.gather(
                    *(walk(emulator, model, think, random.Random(model.id)) for model in models)
                )
                duration = time.perf_counter() - started
                cpu_after = cpu_seconds(bot.pid)
                peak_rss = peak_rss_mb(bot.pid)
                if profiler is not None:
                    profiler.send_signal(signal.SIGINT)
                    await profiler.wait()
            finally:
                exit_code = await bot.stop()
            stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
            failures = list(emulator.failures)
    updates = sum(outcome.updates for outcome in outcomes)
    return Report(
        backend=backend,
        origin=origin,
        models=count,
        outcomes=list(outcomes),
        duration=duration,
        startup=startup,
        bot_cpu=(
            (cpu_after - cpu_before) / updates
            if cpu_before is not None and cpu_after is not None and updates
            else None
        ),
        idle_rss_mb=idle_rss,
        peak_rss_mb=peak_rss,
        stats=stats,
        failures=failures,
        exit_code=exit_code,
    )


# --- output ---------------------------------------------------------------------------------


def _ms(values: Sequence[float], share: float) -> str:
    return f"{percentile(values, share) * 1000:.0f}" if values else "-"


def _per_update(stats: dict[str, Any], key: str, what: str) -> str:
    counts = stats.get(key) or {}
    updates = stats.get("updates") or 0
    if what not in counts or not updates:
        return "?"
    return f"{counts[what] / updates:.2f}"


def print_report(report: Report) -> None:
    all_latencies = report.latencies()
    completed = sum(outcome.completed for outcome in report.outcomes)
    stats = report.stats
    print(f"\n{report.backend} (database from {report.origin}), bot exit code {report.exit_code}")
    print(
        f"  wizards completed {completed}/{report.models}; {report.updates} updates in "
        f"{report.duration:.1f} s = {report.updates / report.duration:.1f} updates/s"
    )
    print(
        f"  reply latency p50 {_ms(all_latencies, 0.5)} ms, p95 {_ms(all_latencies, 0.95)} ms, "
        f"p99 {_ms(all_latencies, 0.99)} ms, max {_ms(all_latencies, 1.0)} ms"
    )
    cpu = f"{report.bot_cpu * 1000:.1f} ms" if report.bot_cpu is not None else "?"
    print(f"  bot CPU per update {cpu}")
    print(
        f"  database per update (bot's count, {stats.get('updates', '?')} updates): "
        f"{_per_update(stats, 'for_updates', 'transactions')} transactions "
        f"({_per_update(stats, 'for_updates', 'read_transactions')} read, "
        f"{_per_update(stats, 'for_updates', 'write_transactions')} write), "
        f"{_per_update(stats, 'for_updates', 'statements')} statements; "
        f"workers and start-up: {(stats.get('background') or {}).get('transactions', '?')} "
        "transactions in all"
    )
    idle = f"{report.idle_rss_mb:.0f} MB" if report.idle_rss_mb is not None else "?"
    peak = f"{report.peak_rss_mb:.0f} MB" if report.peak_rss_mb is not None else "?"
    print(f"  start-up to serving {report.startup:.2f} s; RSS idle {idle}, peak {peak}")
    print(f"  {'step':<20}{'n':>5}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
    for step in WIZARD:
        values = report.latencies(lambda name, step=step: name == step.name)  # type: ignore[misc]
        print(
            f"  {step.name:<20}{len(values):>5}{_ms(values, 0.5):>8}{_ms(values, 0.95):>8}"
            f"{_ms(values, 0.99):>8}"
        )
    errors = [outcome.error for outcome in report.outcomes if outcome.error]
    for error in sorted(set(errors))[:5]:
        print(f"  error x{errors.count(error)}: {error}")
    for failure in report.failures[:5]:
        print(f"  failed call: {failure}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--models", type=int, default=200)
    parser.add_argument("--think", type=float, default=1.0, help="seconds before each answer (1.0)")
    parser.add_argument("--profile", type=Path, default=None, help="py-spy output (no suffix)")
    args = parser.parse_args(argv)
    if args.models <= 0 or args.think < 0:
        parser.error("--models must be positive and --think not negative")
    return args


async def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    backends = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"Available Now wizard benchmark, {now}: {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}"
    )
    print(
        f"{args.models} models, {len(WIZARD)} steps ({UPDATES_PER_WIZARD} updates) each, "
        f"{args.think:g} s to think; the emulator and the models share this process"
    )
    for backend in backends:
        print_report(await bench(backend, args.models, args.think, args.profile))


if __name__ == "__main__":
    asyncio.run(main())
