"""Running the bot: start-up work shared by both modes, then long polling or a webhook.

Stopping (SIGTERM from `docker stop`, or Ctrl-C) ends intake first (polling, or the webhook
server), then gives the updates in hand and the workers a few seconds to finish, cancels what
is left, and closes the Telegram session and the database: well inside Docker's 10 seconds,
with exit code 0, however long a flood pause anyone was waiting on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aiogram import Bot, Dispatcher
from aiohttp import web

from available_now.bot import shared
from available_now.bot.albums import MediaReceipts, SharedMediaReceipts
from available_now.bot.app import (
    create_bot,
    create_dispatcher,
    create_languages,
    create_services,
    create_storage,
    publish_commands,
)
from available_now.bot.group_access import GroupStatus
from available_now.bot.member_pace import SharedMemberPace
from available_now.bot.middlewares.inflight import InFlightUpdates
from available_now.bot.notices import TelegramListingNotifier
from available_now.bot.owners import OwnerNotices
from available_now.bot.publisher import TelegramGroupPublisher
from available_now.bot.ratelimit import raising_flood_limits
from available_now.bot.routers.group_status import PROBLEM_TEXTS
from available_now.bot.warmup import freeze_startup_objects, pin_response_models
from available_now.bot.webhook import (
    MAX_UPDATES_IN_FLIGHT,
    WEBHOOK_MAX_CONNECTIONS,
    webhook_application,
)
from available_now.config import Settings
from available_now.db import migrate
from available_now.db.database import Database
from available_now.db.encryption import DataKeyError, discard_generated_key, load_cipher
from available_now.domain.audit import ApprovalSource
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.services.data_keys import DataKeyService
from available_now.services.users import UserService
from available_now.workers.expiry import ExpiryWorker
from available_now.workers.notices import NoticeSender
from available_now.workers.outbox import OutboxWorker
from available_now.workers.retention import RetentionWorker

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

HANDLER_GRACE = 5.0
"""Seconds the updates in hand get to finish once intake has stopped."""
WORKER_GRACE = 3.0
"""Seconds a worker's pass in hand gets; its leased rows are picked up again after that."""
CLOSE_TIMEOUT = 1.5
"""Seconds for closing the database's connections (a server that is down may not answer)."""
STARTUP_NOTICE_SECONDS = 600
"""Instances started within this long of each other tell the owners a start-up problem once."""


@dataclass
class Application:
    bot: Bot
    dispatcher: Dispatcher
    db: Database
    expiry_worker: ExpiryWorker
    retention_worker: RetentionWorker
    outbox_worker: OutboxWorker


@asynccontextmanager
async def application(
    settings: Settings, *, clock: Clock = SYSTEM_CLOCK
) -> AsyncIterator[Application]:
    """Migrate, seed the approved admins, and build the bot; cleans everything up on exit.

    `clock` is what the services and the worker read as "now" (tests move it forward). A
    missing or wrong data key stops the start (`DataKeyError`) before anything is written.
    """
    # Shared with the other instances: flood limits and album receipts (connects on first use).
    redis = shared.connect(settings.redis_url) if settings.redis_url else None
    bot = create_bot(settings, redis=redis)  # validates the token before touching the database
    languages = create_languages(settings)
    cipher = load_cipher(settings.data_keys(), settings.database_url)
    await migrate.bring_up_to_date(settings.database_url)
    db = Database.from_url(settings.database_url, cipher=cipher)
    media_receipts = (
        SharedMediaReceipts(redis, bot_id=bot.id) if redis is not None else MediaReceipts()
    )
    try:
        await _prepare_encrypted_details(db, clock)
        services = create_services(settings, db, clock=clock)
        approved = await services.users.approve_many(
            settings.approved_admins, source=ApprovalSource.APPROVED_ADMINS
        )
        if approved:
            logger.info("approved %d user(s) from APPROVED_ADMINS", len(approved))
        if settings.target_group_id is None:
            logger.warning("TARGET_GROUP_ID is not set: models cannot go live until it is")
        await _remind_owners(settings, services.users)
        notifier = TelegramListingNotifier(bot, settings, languages, services.users, clock)
        notice_sender = NoticeSender(services.notices, notifier)
        worker = ExpiryWorker(
            bot,
            services.listings,
            notifier,
            notice_sender,
            work_due=services.work_due,
        )
        outbox = OutboxWorker(
            services.outbox,
            TelegramGroupPublisher(bot, settings, languages, services.users, clock),
            notice_sender,
        )
        dispatcher = create_dispatcher(
            settings,
            db,
            services,
            languages,
            storage=create_storage(settings, db, clock=clock),
            clock=clock,
            media_receipts=media_receipts,
            member_pace=(
                SharedMemberPace(redis, bot_id=bot.id, clock=clock) if redis is not None else None
            ),
        )
        await check_group_access(bot, dispatcher, redis=redis)
        pin_response_models()
        freeze_startup_objects()
        # Overdue listings from any downtime are removed right away, before updates are served.
        # The workers' tasks are told about flood limits instead of waiting them out.
        with raising_flood_limits():
            worker.start()
            outbox.start()
        retention = RetentionWorker(services.retention)
        retention.start()
        try:
            yield Application(
                bot=bot,
                dispatcher=dispatcher,
                db=db,
                expiry_worker=worker,
                retention_worker=retention,
                outbox_worker=outbox,
            )
        finally:
            in_flight: InFlightUpdates = dispatcher["in_flight"]
            await asyncio.gather(
                in_flight.drain(HANDLER_GRACE),
                worker.stop(WORKER_GRACE),
                outbox.stop(WORKER_GRACE),
                retention.stop(WORKER_GRACE),
            )
            if settings.available_now_stats_file:
                _write_stats(Path(settings.available_now_stats_file), db)
    finally:
        await media_receipts.close()
        await bot.session.close()
        await _close(db)
        if redis is not None:
            await redis.aclose()


def _write_stats(path: Path, db: Database) -> None:
    """The updates handled and the database work they took (counts only, no personal data)."""
    path.write_text(json.dumps(db.work.as_dict()), encoding="utf-8")


async def _remind_owners(settings: Settings, users: UserService) -> None:
    """Telegram lets a bot message only people who have opened a chat with it: say so."""
    if not settings.owner_ids:
        logger.warning("OWNER_IDS is not set: nobody can decide on access requests")
        return
    logger.info(
        "each owner in OWNER_IDS must open a chat with the bot once (send it /start) to "
        "receive access requests and notices; until then requests wait in the owner panel"
    )
    known = await users.accounts(settings.owner_ids)
    missing = [owner_id for owner_id in settings.owner_ids if owner_id not in known]
    if missing:
        logger.warning(
            "owner(s) %s have not opened a chat with the bot yet",
            ", ".join(str(owner_id) for owner_id in missing),
        )


async def _close(db: Database) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(CLOSE_TIMEOUT):
            await db.dispose()
            return
    logger.warning("the database did not close its connections in time; leaving them")


async def _prepare_encrypted_details(db: Database, clock: Clock) -> None:
    """Check the data keys open what is stored, then encrypt what predates encryption."""
    keys = DataKeyService(db, clock=clock)
    try:
        await keys.check_keys()
    except DataKeyError:
        discard_generated_key(keys.cipher)
        raise
    if keys.cipher.generated_file is not None:
        logger.warning(
            "DATA_ENCRYPTION_KEY is not set: generated a data key in %s (keep it with the "
            "database and out of its backups)",
            keys.cipher.generated_file,
        )
    encrypted = await keys.encrypt_plaintext()
    if encrypted.rows_reencrypted:
        logger.info(
            "encrypted the details of %d row(s) stored before encryption at rest",
            encrypted.rows_reencrypted,
        )


async def check_group_access(
    bot: Bot, dispatcher: Dispatcher, *, redis: Redis | None = None
) -> None:
    """Is the bot in its group with "Delete messages"? If not: one log line, and the owners.

    The bot serves on either way: an owner can fix the rights later, and the `my_chat_member`
    update that follows tells it so. With ``redis`` (several instances starting together)
    only the first instance to find the problem tells the owners.
    """
    status: GroupStatus = dispatcher["group_status"]
    access = await status.check(bot)
    if access in PROBLEM_TEXTS:
        if redis is not None and not await shared.first_to_claim(
            redis, f"group-access:{access}", bot_id=bot.id, seconds=STARTUP_NOTICE_SECONDS
        ):
            return
        owners: OwnerNotices = dispatcher["owner_notices"]
        await owners.tell(bot, PROBLEM_TEXTS[access])


async def run_polling(settings: Settings) -> None:
    async with application(settings) as app:
        await serve_polling(app)


async def serve_polling(
    app: Application, *, handle_signals: bool = True, polling_timeout: int = 10
) -> None:
    """Long-poll until stopped (SIGINT/SIGTERM, or `dispatcher.stop_polling()`)."""
    await publish_commands(app.bot, app.dispatcher)
    # A webhook left behind by an earlier deployment would make getUpdates fail with 409.
    await app.bot.delete_webhook(drop_pending_updates=False)
    await app.dispatcher.start_polling(
        app.bot,
        allowed_updates=app.dispatcher.resolve_used_update_types(),
        close_bot_session=False,
        handle_signals=handle_signals,
        polling_timeout=polling_timeout,
        tasks_concurrency_limit=MAX_UPDATES_IN_FLIGHT,
    )


async def run_webhook(settings: Settings) -> None:
    url, secret = settings.webhook()
    async with application(settings) as app:
        await publish_commands(app.bot, app.dispatcher)
        web_app = webhook_application(
            app.dispatcher, app.bot, path=settings.webhook_path, secret_token=secret
        )
        # Requests still open at shutdown get the handlers' grace, not aiohttp's 60 s.
        runner = web.AppRunner(web_app, handle_signals=False, shutdown_timeout=HANDLER_GRACE)
        await runner.setup()
        site = web.TCPSite(runner, settings.webhook_listen_host, settings.webhook_listen_port)
        await site.start()
        await app.bot.set_webhook(
            url=url,
            secret_token=secret,
            allowed_updates=app.dispatcher.resolve_used_update_types(),
            max_connections=WEBHOOK_MAX_CONNECTIONS,
        )
        logger.info(
            "webhook server listening on %s:%d%s",
            settings.webhook_listen_host,
            settings.webhook_listen_port,
            settings.webhook_path,
        )
        try:
            await _until_signalled()
        finally:
            await runner.cleanup()


async def _until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    logger.info("stopping")
