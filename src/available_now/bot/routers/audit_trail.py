"""`/audit`: the audit trail for owners, a page at a time, by person, and as a CSV document."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, InaccessibleMessage, Message
from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot import alerts, keyboards, texts
from available_now.bot.callbacks import AuditCallback, AuditView, OwnerCallback, OwnerTool
from available_now.bot.filters import PRIVATE
from available_now.bot.middlewares.owners import OwnersOnlyMiddleware
from available_now.config import Settings
from available_now.services.access import AccessService, AmbiguousUserError, UnknownUserError
from available_now.services.audit_trail import AuditPage, AuditTrailService, as_csv


def _render(page: AuditPage, trail: AuditTrailService, settings: Settings, person: int) -> str:
    now = trail.now()
    lines = [
        texts.audit_line(
            entry.action,
            entry.user_id,
            entry.details,
            page.people,
            texts.audit_time(entry.created_at, settings.timezone, now),
        )
        for entry in page.entries
    ]
    about = texts.audit_person(person, page.people) if person else None
    return texts.audit_page(lines, about=about)


async def on_audit(
    message: Message,
    command: CommandObject,
    access: AccessService,
    audit_trail: AuditTrailService,
    settings: Settings,
) -> None:
    person = 0
    if command.args:
        typed = command.args.strip()[:64]
        try:
            person = (await access.resolve(typed)).id
        except UnknownUserError:
            await message.answer(texts.unknown_user(typed))
            return
        except AmbiguousUserError as ambiguous:
            await message.answer(
                texts.ambiguous_username(typed, [account.id for account in ambiguous.candidates])
            )
            return
    await _send_first_page(message, audit_trail, settings, person)


async def _send_first_page(
    message: Message, audit_trail: AuditTrailService, settings: Settings, person: int
) -> None:
    page = await audit_trail.page(person_id=person or None)
    await message.answer(
        _render(page, audit_trail, settings, person),
        reply_markup=keyboards.audit_pages(before=0, older=page.older, person=person),
    )


async def on_audit_tool(
    query: CallbackQuery, audit_trail: AuditTrailService, settings: Settings
) -> None:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        return
    await _send_first_page(query.message, audit_trail, settings, 0)


async def on_audit_page(
    query: CallbackQuery,
    callback_data: AuditCallback,
    callback_answer: CallbackAnswer,
    audit_trail: AuditTrailService,
    settings: Settings,
) -> None:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        return
    before, person = callback_data.before, callback_data.person
    page = await audit_trail.page(before_id=before or None, person_id=person or None)
    if before < 0 or (before and not page.entries):
        alerts.show(callback_answer, alerts.AUDIT_PAGE_GONE())
        return
    await query.message.edit_text(
        _render(page, audit_trail, settings, person),
        reply_markup=keyboards.audit_pages(before=before, older=page.older, person=person),
    )


async def on_audit_export(
    query: CallbackQuery,
    callback_data: AuditCallback,
    bot: Bot,
    audit_trail: AuditTrailService,
    settings: Settings,
) -> None:
    person = callback_data.person
    entries = await audit_trail.export(person_id=person or None)
    name = f"audit-trail-{person}.csv" if person else "audit-trail.csv"
    await bot.send_document(
        query.from_user.id,
        BufferedInputFile(as_csv(entries, settings.timezone), filename=name),
        caption=texts.AUDIT_EXPORT_CAPTION(),
    )


def build_router() -> Router:
    router = Router(name="audit-trail")
    for observer in (router.message, router.callback_query):
        observer.middleware(OwnersOnlyMiddleware())
    router.message.register(on_audit, Command("audit"), PRIVATE)
    router.callback_query.register(on_audit_tool, OwnerCallback.filter(F.tool == OwnerTool.AUDIT))
    router.callback_query.register(on_audit_page, AuditCallback.filter(F.view == AuditView.PAGE))
    router.callback_query.register(
        on_audit_export, AuditCallback.filter(F.view == AuditView.EXPORT)
    )
    return router
