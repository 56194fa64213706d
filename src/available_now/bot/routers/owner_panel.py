"""The owners' home: `/start` (and every way back to the menu) opens the owner panel.

The panel says what waits for a decision and who is live, and leads to the tools. Requests
and reports that reached no owner (an owner who had never opened the bot cannot be messaged)
are waiting here too: each follows the panel as its own message with its buttons.
"""

from __future__ import annotations

from typing import Final

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery

from available_now.bot import keyboards, texts
from available_now.bot.callbacks import OwnerCallback, OwnerTool
from available_now.bot.middlewares.owners import OwnersOnlyMiddleware
from available_now.bot.times import until as until_text
from available_now.config import Settings
from available_now.domain.users import UserAccount
from available_now.services.console import ConsoleService
from available_now.services.profiles import ProfileService
from available_now.services.reports import ReportService

PANEL_REQUESTS: Final = 5
"""Waiting requests sent under the panel; /pending lists them all."""
PANEL_REPORTS: Final = 5
"""Open reports sent under the panel, the oldest first; the panel counts them all."""


async def send_owner_panel(
    bot: Bot,
    user: UserAccount,
    console: ConsoleService,
    reports: ReportService,
    settings: Settings,
) -> None:
    overview = await console.overview()
    await bot.send_message(
        user.id,
        texts.owner_panel(
            waiting=len(overview.pending),
            live=[(row.user_id, row.name, row.expires_at) for row in overview.live],
            live_total=overview.live_total,
            open_reports=overview.open_reports,
            zone=settings.timezone,
            now=console.now(),
        ),
        reply_markup=keyboards.owner_panel(),
    )
    for waiting in overview.pending[:PANEL_REQUESTS]:
        await bot.send_message(
            user.id,
            texts.access_request_for_owner(waiting),
            reply_markup=keyboards.access_decision(waiting.id),
        )
    now = console.now()
    for open_report in await reports.waiting(PANEL_REPORTS):
        report = open_report.report
        until = open_report.live_until
        await bot.send_message(
            user.id,
            texts.report_for_owners(
                report.id,
                open_report.name,
                open_report.model,
                None if until is None else until_text(until, settings.timezone, now),
                report.reason,
                report.note,
                open_report.count,
            ),
            reply_markup=keyboards.report_decisions(report.id),
        )


async def on_panel(
    query: CallbackQuery,
    bot: Bot,
    user: UserAccount,
    console: ConsoleService,
    reports: ReportService,
    settings: Settings,
) -> None:
    await send_owner_panel(bot, user, console, reports, settings)


async def on_own_menu(
    query: CallbackQuery, bot: Bot, user: UserAccount, profiles: ProfileService
) -> None:
    """An owner's own menu (her profile, if she is approved too), without Request access."""
    profile = await profiles.get(user.id)
    await bot.send_message(
        user.id,
        texts.main_menu(user),
        reply_markup=keyboards.main_menu_for(profile, approved=user.is_approved, can_request=False),
    )


def build_router() -> Router:
    router = Router(name="owner-panel")
    router.callback_query.middleware(OwnersOnlyMiddleware())
    router.callback_query.register(on_panel, OwnerCallback.filter(F.tool == OwnerTool.PANEL))
    router.callback_query.register(
        on_own_menu, OwnerCallback.filter(F.tool == OwnerTool.MODEL_MENU)
    )
    return router
