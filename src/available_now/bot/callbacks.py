"""Typed callback data. Prefixes are short so every button stays far below 64 bytes."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class MenuAction(StrEnum):
    HOME = "home"
    PROFILE = "profile"
    GO_LIVE = "live"
    MY_LISTING = "listing"
    HELP = "help"


class MenuCallback(CallbackData, prefix="m"):
    action: MenuAction
