"""Only approved models reach profile handlers; everyone else is told how to get access."""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject

from available_now.bot import alerts, keyboards
from available_now.bot.middlewares import Handler, refuse
from available_now.domain.users import UserAccount
from available_now.services.access import AccessService


class ApprovedOnlyMiddleware(BaseMiddleware):
    """Inner middleware: runs only when a handler matched, so other routers stay reachable.

    Approval is read fresh for every update, so a revocation takes effect mid-wizard.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: UserAccount | None = data.get("user")
        if user is not None and user.is_approved:
            return await handler(event, data)
        state: FSMContext | None = data.get("state")
        if state is not None:
            await state.clear()
        if user is not None and user.is_banned:
            await refuse(event, data, alerts.BANNED())
            return None
        access: AccessService | None = data.get("access")
        if user is not None and access is not None and access.is_owner(user.id):
            # Owners decide on requests; one who wants a profile approves herself.
            await refuse(event, data, alerts.OWNER_NEEDS_NO_REQUEST(), keyboards.back_to_menu())
            return None
        await refuse(event, data, alerts.NOT_APPROVED(), keyboards.request_access())
        return None
