"""Assembling the bot and the dispatcher from settings."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

from available_now.bot.albums import MediaReceipts
from available_now.bot.i18n import Languages, _, create_i18n
from available_now.bot.middlewares.locale import LocaleMiddleware
from available_now.bot.middlewares.users import UserRegistrationMiddleware
from available_now.bot.ratelimit import OutgoingRateLimiter
from available_now.bot.routers import build_root_router
from available_now.bot.storage import DatabaseStorage
from available_now.config import Settings
from available_now.db.database import Database
from available_now.expiry import ExpiryWorker
from available_now.services.access import AccessService
from available_now.services.listings import ListingService
from available_now.services.profiles import ProfileService
from available_now.services.users import UserService


def create_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    # Every outgoing call, from handlers and the expiry worker alike, shares one limiter.
    session.middleware(OutgoingRateLimiter(global_per_second=settings.outgoing_messages_per_second))
    return Bot(
        token=settings.token(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def create_storage(settings: Settings, db: Database) -> BaseStorage:
    """Redis when several instances share conversations, the database otherwise."""
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage  # optional dependency

        return RedisStorage.from_url(settings.redis_url)
    return DatabaseStorage(db)


def create_dispatcher(
    settings: Settings,
    db: Database,
    *,
    listings: ListingService,
    expiry_worker: ExpiryWorker,
    storage: BaseStorage | None = None,
) -> Dispatcher:
    """Handlers receive `settings`, `db`, the services and `user` as keyword arguments."""
    languages = Languages(create_i18n(), group_locale=settings.group_language)
    dispatcher = Dispatcher(
        storage=storage or create_storage(settings, db),
        settings=settings,
        db=db,
        profiles=ProfileService(db),
        access=AccessService(db, frozenset(settings.owner_ids)),
        media_receipts=MediaReceipts(),
        listings=listings,
        expiry_worker=expiry_worker,
        languages=languages,
        users=UserService(db),
    )
    dispatcher.update.outer_middleware(UserRegistrationMiddleware(UserService(db)))
    # After the user is known (her chosen language is on her account), before any handler.
    LocaleMiddleware(languages).setup(dispatcher)
    dispatcher.callback_query.middleware(CallbackAnswerMiddleware())
    dispatcher.include_router(build_root_router())
    return dispatcher


def private_commands() -> list[BotCommand]:
    return [
        BotCommand(command="start", description=_("Open the main menu")),
        BotCommand(command="available", description=_("Mark yourself available")),
        BotCommand(command="language", description=_("Change the language")),
        BotCommand(command="help", description=_("How this bot works")),
        BotCommand(command="cancel", description=_("Stop what you are doing")),
    ]


def group_commands() -> list[BotCommand]:
    return [
        BotCommand(command="available", description=_("Who is available right now")),
        BotCommand(command="help", description=_("How this bot works")),
    ]


async def publish_commands(bot: Bot, languages: Languages) -> None:
    """Private chats get the menu in each person's app language; the group gets its own."""
    for locale in languages.available:
        with languages.speaking(locale):
            await bot.set_my_commands(
                private_commands(),
                scope=BotCommandScopeAllPrivateChats(),
                language_code=None if locale == languages.i18n.default_locale else locale,
            )
    with languages.speaking(languages.group):
        await bot.set_my_commands(group_commands(), scope=BotCommandScopeAllGroupChats())
