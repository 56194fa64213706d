"""`/models` and `/stats`: the approved models with their status, and the group in figures."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from available_now.bot import keyboards, texts
from available_now.bot.callbacks import ModelsCallback, OwnerCallback, OwnerTool
from available_now.bot.filters import PRIVATE
from available_now.bot.middlewares.owners import OwnersOnlyMiddleware
from available_now.config import Settings
from available_now.services.console import ConsoleService, ModelsPage


def _models_text(page: ModelsPage, console: ConsoleService, settings: Settings) -> str:
    return texts.models_page(
        [(model.account, model.live_until, model.open_reports) for model in page.models],
        page=page.page,
        pages=page.pages,
        total=page.total,
        zone=settings.timezone,
        now=console.now(),
    )


async def _send_models(message: Message, console: ConsoleService, settings: Settings) -> None:
    page = await console.models(0)
    await message.answer(
        _models_text(page, console, settings),
        reply_markup=keyboards.models_pages(page.page, page.pages),
    )


async def on_models(message: Message, console: ConsoleService, settings: Settings) -> None:
    await _send_models(message, console, settings)


async def on_models_page(
    query: CallbackQuery,
    callback_data: ModelsCallback,
    console: ConsoleService,
    settings: Settings,
) -> None:
    """A page past the end (the list shrank, or a forged button) shows the last one."""
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        return
    page = await console.models(callback_data.page)
    await query.message.edit_text(
        _models_text(page, console, settings),
        reply_markup=keyboards.models_pages(page.page, page.pages),
    )


async def _send_stats(message: Message, console: ConsoleService, settings: Settings) -> None:
    stats = await console.stats(settings.timezone)
    await message.answer(
        texts.group_stats(
            approved=stats.approved,
            live_now=stats.live_now,
            today=stats.today,
            this_week=stats.this_week,
            median_duration=stats.median_duration,
            peak_hour=stats.peak_hour,
            open_reports=stats.open_reports,
        ),
        reply_markup=keyboards.back_to_panel(),
    )


async def on_stats(message: Message, console: ConsoleService, settings: Settings) -> None:
    await _send_stats(message, console, settings)


async def on_tool(
    query: CallbackQuery, callback_data: OwnerCallback, console: ConsoleService, settings: Settings
) -> None:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        return
    if callback_data.tool is OwnerTool.MODELS:
        await _send_models(query.message, console, settings)
    else:
        await _send_stats(query.message, console, settings)


def build_router() -> Router:
    router = Router(name="owner-stats")
    for observer in (router.message, router.callback_query):
        observer.middleware(OwnersOnlyMiddleware())
    router.message.register(on_models, Command("models"), PRIVATE)
    router.message.register(on_stats, Command("stats"), PRIVATE)
    router.callback_query.register(on_models_page, ModelsCallback.filter())
    router.callback_query.register(
        on_tool, OwnerCallback.filter(F.tool.in_({OwnerTool.MODELS, OwnerTool.STATS}))
    )
    return router
