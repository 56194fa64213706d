"""Routers, one per concern. `build_root_router` includes them in the order they must match."""

from __future__ import annotations

from aiogram import Router

from available_now.bot import wizard
from available_now.bot.routers import (
    access,
    audit_trail,
    common,
    errors,
    fallback,
    group,
    group_status,
    ids,
    language,
    listings,
    menu,
    moderation,
    my_data,
    owner_panel,
    owner_stats,
    profile,
    reports,
)


def build_root_router() -> Router:
    root = Router(name="root")
    root.include_routers(
        errors.build_router(),
        group.build_router(),
        reports.build_router(),
        group_status.build_router(),
        common.build_router(),
        language.build_router(),
        my_data.build_router(),
        access.build_router(),
        moderation.build_router(),
        owner_panel.build_router(),
        owner_stats.build_router(),
        audit_trail.build_router(),
        ids.build_router(),
        listings.build_router(),
        wizard.build_router(),
        profile.build_router(),
        menu.build_router(),
        fallback.build_router(),
    )
    return root
