"""Assembling the bot, the services and the dispatcher from settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import Update
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

from available_now.bot.albums import MediaReceipts
from available_now.bot.commands import CommandMenus
from available_now.bot.group_access import GroupStatus
from available_now.bot.i18n import Languages, create_i18n
from available_now.bot.member_pace import MemberPace
from available_now.bot.membership import GroupMembership
from available_now.bot.middlewares.foreign_groups import ForeignGroupGuard
from available_now.bot.middlewares.inflight import InFlightUpdates
from available_now.bot.middlewares.locale import LocaleMiddleware
from available_now.bot.middlewares.users import UserRegistrationMiddleware
from available_now.bot.owners import OwnerNotices
from available_now.bot.ratelimit import OutgoingRateLimiter, SharedFloodLimits
from available_now.bot.routers import build_root_router
from available_now.bot.sending import commit_before_speaking
from available_now.bot.session import BotSession
from available_now.bot.shared import flood_storage
from available_now.bot.storage import DatabaseStorage
from available_now.bot.warmup import pin_responses_on_first_use
from available_now.config import Settings
from available_now.db.database import Database
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.retention import RetentionPolicy
from available_now.services.access import AccessService
from available_now.services.audit_trail import AuditTrailService
from available_now.services.console import ConsoleService
from available_now.services.data_export import DataExportService
from available_now.services.erasure import ErasureService
from available_now.services.listings import ListingService
from available_now.services.moderation import ModerationService
from available_now.services.notices import NoticeService
from available_now.services.outbox import OutboxService
from available_now.services.profiles import ProfileService
from available_now.services.reports import ReportService
from available_now.services.retention import RetentionService
from available_now.services.signals import WorkSignal
from available_now.services.users import UserService

if TYPE_CHECKING:
    from redis.asyncio import Redis


def create_bot(settings: Settings, *, redis: Redis | None = None) -> Bot:
    """The bot on its own session; with ``redis`` (`REDIS_URL`) its flood limits are shared
    with every other instance on that Redis."""
    session = BotSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    bot = Bot(
        token=settings.token(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    per_second = settings.outgoing_messages_per_second
    per_chat = settings.outgoing_chat_interval
    flood = (
        SharedFloodLimits(
            flood_storage(redis),
            bot_id=bot.id,
            global_per_second=per_second,
            per_chat_interval=per_chat,
        )
        if redis is not None
        else None
    )
    # Every outgoing call, from handlers and the expiry worker alike, shares one limiter.
    # An update's writes are committed before anything it sends can be seen (and before any
    # wait for a turn to send, so no lock is held meanwhile).
    session.middleware(commit_before_speaking)
    session.middleware(pin_responses_on_first_use)
    session.middleware(
        OutgoingRateLimiter(global_per_second=per_second, per_chat_interval=per_chat, shared=flood)
    )
    return bot


@dataclass(frozen=True, slots=True)
class Services:
    """The use cases, on one database, one clock and one signal to the workers."""

    users: UserService
    profiles: ProfileService
    access: AccessService
    listings: ListingService
    notices: NoticeService
    erasure: ErasureService
    data_export: DataExportService
    work_due: WorkSignal
    retention: RetentionService
    reports: ReportService
    moderation: ModerationService
    console: ConsoleService
    audit_trail: AuditTrailService
    outbox: OutboxService


def create_services(settings: Settings, db: Database, *, clock: Clock = SYSTEM_CLOCK) -> Services:
    work_due = WorkSignal()
    reports = ReportService(db, clock=clock)
    posts_due = WorkSignal()
    return Services(
        users=UserService(db, clock=clock),
        profiles=ProfileService(db, clock=clock, work_due=work_due, posts_due=posts_due),
        access=AccessService(
            db,
            frozenset(settings.owner_ids),
            clock=clock,
            work_due=work_due,
            request_cooldown=timedelta(days=settings.access_request_cooldown_days),
        ),
        listings=ListingService(
            db,
            durations=settings.listing_durations,
            clock=clock,
            work_due=work_due,
            posts_due=posts_due,
        ),
        outbox=OutboxService(db, clock=clock, work_due=work_due, posts_due=posts_due),
        notices=NoticeService(db, clock=clock),
        erasure=ErasureService(db, clock=clock, work_due=work_due),
        data_export=DataExportService(db, clock=clock),
        work_due=work_due,
        retention=RetentionService(
            db,
            RetentionPolicy(
                member_idle=timedelta(days=settings.member_retention_days),
                history=timedelta(days=settings.history_retention_days),
            ),
            protected_ids={*settings.owner_ids, *settings.approved_admins},
            clock=clock,
        ),
        reports=reports,
        moderation=ModerationService(
            db,
            frozenset(settings.owner_ids),
            clock=clock,
            work_due=work_due,
            posts_due=posts_due,
        ),
        console=ConsoleService(db, reports=reports, clock=clock),
        audit_trail=AuditTrailService(db, clock=clock),
    )


def create_storage(settings: Settings, db: Database, *, clock: Clock = SYSTEM_CLOCK) -> BaseStorage:
    """Redis when several instances share conversations, the database otherwise."""
    if settings.redis_url:
        from aiogram.fsm.storage.base import DefaultKeyBuilder
        from aiogram.fsm.storage.redis import RedisStorage  # optional dependency

        # Conversations left alone expire like those in the database (retention pass); keys
        # name the bot, so bots sharing one Redis keep apart.
        kept = timedelta(days=settings.history_retention_days)
        return RedisStorage.from_url(
            settings.redis_url,
            key_builder=DefaultKeyBuilder(with_bot_id=True),
            state_ttl=kept,
            data_ttl=kept,
        )
    return DatabaseStorage(db, clock)


def create_languages(settings: Settings) -> Languages:
    """The catalogs and `GROUP_LANGUAGE`; a language without a catalog stops start-up."""
    return Languages(create_i18n(), group_locale=settings.group_language)


class UpdateDispatcher(Dispatcher):
    """aiogram's dispatcher, with each update's database work in one scope: its writes in one
    transaction (`db/per_update.py`), counted apart from the workers' (`db/statistics.py`).

    The scope starts before aiogram's FSM middleware reads the conversation, so that read is
    the update's too.
    """

    def __init__(self, database: Database, /, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._db = database

    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> Any:
        with self._db.work.handling_update():
            async with self._db.handling_update():
                return await super().feed_update(bot, update, **kwargs)


def create_dispatcher(
    settings: Settings,
    db: Database,
    services: Services,
    languages: Languages,
    *,
    storage: BaseStorage,
    clock: Clock = SYSTEM_CLOCK,
    media_receipts: MediaReceipts | None = None,
    member_pace: MemberPace | None = None,
) -> Dispatcher:
    """Handlers receive `settings`, `db`, the services, `languages`, `membership`,
    `group_status`, `owner_notices`, `command_menus` and `user` as keyword arguments.
    `dispatcher["in_flight"]` knows the updates in hand (for shutdown)."""
    owner_notices = OwnerNotices(tuple(settings.owner_ids), languages, services.users)
    dispatcher = UpdateDispatcher(
        db,
        storage=storage,
        settings=settings,
        db=db,
        membership=GroupMembership(clock),
        profiles=services.profiles,
        access=services.access,
        media_receipts=media_receipts or MediaReceipts(),
        listings=services.listings,
        outbox=services.outbox,
        member_pace=member_pace or MemberPace(clock),
        users=services.users,
        erasure=services.erasure,
        data_export=services.data_export,
        languages=languages,
        in_flight=InFlightUpdates(),
        group_status=GroupStatus(settings.target_group_id),
        owner_notices=owner_notices,
        reports=services.reports,
        moderation=services.moderation,
        console=services.console,
        audit_trail=services.audit_trail,
        command_menus=CommandMenus(languages, settings.owner_ids),
    )
    # Before anything else reads or writes: another group's updates stop here.
    dispatcher.update.outer_middleware(
        ForeignGroupGuard(settings.target_group_id, languages, owner_notices, clock)
    )
    dispatcher.update.outer_middleware(dispatcher["in_flight"])
    dispatcher.update.outer_middleware(UserRegistrationMiddleware(services.users))
    # After the user is known (her chosen language is on her account), before any handler.
    LocaleMiddleware(languages).setup(dispatcher)
    dispatcher.callback_query.middleware(CallbackAnswerMiddleware())
    dispatcher.include_router(build_root_router())
    return dispatcher


async def publish_commands(bot: Bot, dispatcher: Dispatcher) -> None:
    """Each reader's command menu: members', approved models', owners' and the group's."""
    menus: CommandMenus = dispatcher["command_menus"]
    users: UserService = dispatcher["users"]
    await menus.publish(bot, await users.approved_ids())
