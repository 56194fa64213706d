"""The profile wizard: one question per step, every answer saved the moment it is given.

The draft profile row is created with the name (step 1) and each later answer is written to it
at once, so a restart, a crash or a pause of days loses nothing; the FSM state (kept in the
database) only remembers which question comes next.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot import alerts, keyboards, texts
from available_now.bot.albums import MediaReceipts
from available_now.bot.callbacks import (
    ContactCallback,
    InPersonCallback,
    MenuAction,
    MenuCallback,
    ServiceAction,
    ServiceCallback,
    WizardAction,
    WizardCallback,
)
from available_now.bot.filters import PRIVATE, Magic
from available_now.bot.middlewares.approval import ApprovedOnlyMiddleware
from available_now.bot.presenters import send_profile_card
from available_now.bot.states import ProfileWizard as W
from available_now.bot.wizard_steps import (
    CONTINUES,
    NEXT,
    PREVIOUS,
    TEXT_STATES,
    TOTAL_STEPS,
    step_for,
)
from available_now.config import Settings
from available_now.domain import validation
from available_now.domain.profiles import (
    ContactMethod,
    InPersonType,
    MediaType,
    ProfileView,
    ServiceOffer,
    ServiceType,
)
from available_now.domain.users import UserAccount
from available_now.services.profiles import ProfileService

EDIT = "edit"
SERVICE_ENTRY = {
    ServiceType.IN_PERSON: W.in_person_type,
    ServiceType.VIDEO_CALL: W.video_platforms,
    ServiceType.CUSTOM: W.custom_payment,
    ServiceType.OTHER: W.other_service,
}
SERVICE_SUBSTEPS = frozenset(
    state.state
    for state in (
        W.in_person_type,
        W.in_person_location,
        W.video_platforms,
        W.video_payment,
        W.custom_payment,
        W.custom_delivery,
        W.other_service,
    )
)


class Wizard:
    """Asks questions and moves between steps; shared by the wizard and profile routers."""

    def __init__(
        self,
        bot: Bot,
        state: FSMContext,
        user: UserAccount,
        profiles: ProfileService,
        limits: tuple[int, int],
    ) -> None:
        self.bot, self.state, self.user, self.profiles = bot, state, user, profiles
        self.limits = limits

    async def editing(self) -> bool:
        return (await self.state.get_data()).get("mode") == EDIT

    async def begin_edit(self, target: State) -> None:
        await self.state.set_data({"mode": EDIT})
        await self.ask(target)

    async def resume(self) -> None:
        """Continue where she left off: the saved state, else the first unanswered step."""
        current = await self.state.get_state()
        if step_for(current) is not None:
            await self.ask(_state(current))
            return
        profile = await self.profiles.get(self.user.id)
        await self.state.set_data({})
        await self.ask(first_open_step(profile))

    async def ask(self, target: State) -> None:
        await self.state.set_state(target)
        step = step_for(target.state)
        assert step is not None
        editing = await self.editing()
        header = (
            f"<i>Editing</i> · <b>{step.title}</b>"
            if editing
            else texts.step_header(step.number, TOTAL_STEPS, step.title)
        )
        profile = await self.profiles.get(self.user.id)
        chat_id = self.user.id
        if target == W.services:
            await self.bot.send_message(
                chat_id, f"{header}\n\n{step.prompt}", reply_markup=keyboards.services_menu(profile)
            )
        elif target == W.in_person_type:
            await self.bot.send_message(
                chat_id, f"{header}\n\n{step.prompt}", reply_markup=keyboards.in_person_types()
            )
        elif target == W.contact_method:
            now = _contact_summary(profile)
            await self.bot.send_message(
                chat_id,
                f"{header}\n\n{step.prompt}{texts.current_value(now)}",
                reply_markup=keyboards.contact_methods(),
            )
        elif target == W.contact_value:
            method = ContactMethod((await self.state.get_data()).get("contact_method", "phone"))
            prompt, sample = texts.CONTACT_PROMPTS[method.value]
            markup = keyboards.step_controls()
            if method is ContactMethod.TELEGRAM:
                markup = keyboards.telegram_contact(self.user.username)
                if not self.user.username:
                    prompt = f"{prompt}\n\n{texts.NO_USERNAME}"
            await self.bot.send_message(
                chat_id, f"{header}\n\n{prompt}{texts.example(sample)}", reply_markup=markup
            )
        elif target == W.media:
            await self.bot.send_message(
                chat_id,
                f"{header}\n\n{step.prompt}\n{_media_counts(profile, self.limits)}",
                reply_markup=keyboards.media_controls(),
            )
        elif target == W.preview:
            assert profile is not None
            await self.bot.send_message(chat_id, f"{header}\n\n{step.prompt}")
            await send_profile_card(
                self.bot, chat_id, profile, reply_markup=keyboards.preview_controls()
            )
        else:
            current = _current_text(profile, step.field)
            await self.bot.send_message(
                chat_id,
                f"{header}\n\n{step.prompt}{texts.current_value(current)}"
                f"{texts.example(step.example)}",
                reply_markup=keyboards.step_controls(
                    back=not (target == W.name and not editing and profile is None),
                    skip=step.optional and not editing,
                    clear=step.optional and editing and bool(current),
                ),
            )

    async def advance(self, after: State) -> None:
        """After a saved answer: the next question, or back to the menu that sent her here."""
        if after.state in CONTINUES:
            await self.ask(NEXT[after.state or ""])
            return
        if await self.editing():
            if after.state in SERVICE_SUBSTEPS:
                await self.ask(W.services)
            else:
                await self.show_edit_menu(texts.SAVED)
            return
        await self.ask(NEXT[after.state or ""])

    async def back(self, current: State) -> None:
        if await self.editing() and current.state not in SERVICE_SUBSTEPS | {W.contact_value.state}:
            await self.show_edit_menu(None)
            return
        previous = PREVIOUS.get(current.state or "")
        await self.ask(previous or current)

    async def show_edit_menu(self, note: str | None) -> None:
        await self.state.clear()
        text = f"{note}\n\n{texts.EDIT_MENU}" if note else texts.EDIT_MENU
        await self.bot.send_message(self.user.id, text, reply_markup=keyboards.edit_menu())


def first_open_step(profile: ProfileView | None) -> State:
    if profile is None:
        return W.name
    if not profile.services:
        return W.services
    if not profile.about:
        return W.about
    if profile.contact_method is None or not profile.contact_value:
        return W.contact_method
    if not profile.rates:
        return W.rates
    return W.media


def _state(name: str | None) -> State:
    step = step_for(name)
    assert step is not None
    return step.state


def _field_of(state: State) -> str:
    """The profile column a text step writes (its `Step.field`)."""
    step = step_for(state.state)
    assert step is not None
    assert step.field is not None
    return step.field


def _contact_summary(profile: ProfileView | None) -> str | None:
    if profile is None or profile.contact_method is None or not profile.contact_value:
        return None
    return f"{profile.contact_method.label}: {profile.contact_value}"


def _current_text(profile: ProfileView | None, field: str | None) -> str | None:
    if profile is None or field is None:
        return None
    if field in {"name", "about", "social_links", "rates", "disclaimer"}:
        value = getattr(profile, field)
        return str(value) if value else None
    offers = {offer.service_type: offer for offer in profile.services}
    for offer in offers.values():
        value = getattr(offer, field, None)
        if value:
            return str(value)
    return None


def _media_counts(profile: ProfileView | None, limits: tuple[int, int]) -> str:
    photos = len(profile.photos) if profile else 0
    videos = len(profile.videos) if profile else 0
    return f"🖼 Photos {photos}/{limits[0]} · 🎬 Videos {videos}/{limits[1]}"


def make_wizard(
    bot: Bot, state: FSMContext, user: UserAccount, profiles: ProfileService, settings: Settings
) -> Wizard:
    return Wizard(bot, state, user, profiles, (settings.max_photos, settings.max_videos))


# --- entry -------------------------------------------------------------------------------------


async def open_profile(
    query: CallbackQuery,
    bot: Bot,
    state: FSMContext,
    user: UserAccount,
    profiles: ProfileService,
    settings: Settings,
) -> None:
    wizard = make_wizard(bot, state, user, profiles, settings)
    profile = await profiles.get(user.id)
    if profile is not None and profile.completed and step_for(await state.get_state()) is None:
        await send_profile_card(bot, user.id, profile, reply_markup=keyboards.edit_menu())
        return
    await wizard.resume()


# --- text answers ------------------------------------------------------------------------------


async def on_text(
    message: Message,
    bot: Bot,
    state: FSMContext,
    user: UserAccount,
    profiles: ProfileService,
    settings: Settings,
) -> None:
    wizard = make_wizard(bot, state, user, profiles, settings)
    current = await state.get_state()
    step = step_for(current)
    assert step is not None
    assert step.field is not None
    assert message.text is not None
    data = await state.get_data()
    try:
        if step.field == "contact":
            method = ContactMethod(data.get("contact_method", "phone"))
            value = _validate_contact(method, message.text)
        else:
            value = validation.validate_text(step.field, message.text)
    except validation.ValidationProblem as problem:
        await message.answer(f"{problem}", reply_markup=keyboards.step_controls())
        return
    await _save(step.state, value, data, user, profiles, state)
    await wizard.advance(step.state)


def _validate_contact(method: ContactMethod, raw: str) -> str:
    if method is ContactMethod.PHONE:
        return validation.validate_phone(raw)
    if method is ContactMethod.EMAIL:
        return validation.validate_email(raw)
    return validation.validate_telegram_username(raw)


async def _save(
    target: State,
    value: str,
    data: dict[str, object],
    user: UserAccount,
    profiles: ProfileService,
    state: FSMContext,
) -> None:
    uid = user.id
    if target == W.name:
        await profiles.start(uid, value)
    elif target in (W.about, W.social_links, W.rates, W.disclaimer):
        await profiles.set_text(uid, _field_of(target), value)
    elif target == W.contact_value:
        await profiles.set_contact(uid, ContactMethod(str(data.get("contact_method"))), value)
    elif target == W.in_person_location:
        kind = InPersonType(str(data.get("in_person_type", InPersonType.BOTH.value)))
        await profiles.save_service(
            uid,
            ServiceOffer(ServiceType.IN_PERSON, in_person_type=kind, in_person_location=value),
        )
    elif target == W.video_platforms:
        await state.update_data(facetime_platforms=value)
    elif target == W.video_payment:
        await profiles.save_service(
            uid,
            ServiceOffer(
                ServiceType.VIDEO_CALL,
                facetime_platforms=str(data.get("facetime_platforms") or ""),
                facetime_payment=value,
            ),
        )
    elif target == W.custom_payment:
        await state.update_data(custom_payment=value)
    elif target == W.custom_delivery:
        await profiles.save_service(
            uid,
            ServiceOffer(
                ServiceType.CUSTOM,
                custom_payment=str(data.get("custom_payment") or ""),
                custom_delivery=value,
            ),
        )
    elif target == W.other_service:
        await profiles.save_service(uid, ServiceOffer(ServiceType.OTHER, other_service=value))


async def on_not_text(message: Message) -> None:
    await message.answer(texts.NEED_TEXT, reply_markup=keyboards.step_controls())


# --- buttons -----------------------------------------------------------------------------------


async def on_wizard_button(
    query: CallbackQuery,
    callback_data: WizardCallback,
    callback_answer: CallbackAnswer,
    bot: Bot,
    state: FSMContext,
    user: UserAccount,
    profiles: ProfileService,
    settings: Settings,
) -> None:
    wizard = make_wizard(bot, state, user, profiles, settings)
    current = _state(await state.get_state())
    action = callback_data.action
    if action is WizardAction.CANCEL:
        editing = await wizard.editing()
        await state.clear()
        await bot.send_message(
            user.id,
            texts.EDIT_STOPPED if editing else texts.WIZARD_SAVED_AS_DRAFT,
            reply_markup=keyboards.main_menu_for(await profiles.get(user.id)),
        )
    elif action is WizardAction.BACK:
        await wizard.back(current)
    elif action is WizardAction.SKIP and current in (W.social_links, W.disclaimer):
        await wizard.advance(current)
    elif action is WizardAction.CLEAR and current in (W.social_links, W.disclaimer):
        await profiles.set_text(user.id, _field_of(current), None)
        await wizard.advance(current)
    elif action is WizardAction.DONE and current == W.services:
        profile = await profiles.get(user.id)
        if profile is None or not profile.services:
            callback_answer.text, callback_answer.show_alert = texts.NEED_SERVICE, True
            return
        await wizard.advance(current)
    elif action is WizardAction.DONE and current == W.media:
        await wizard.advance(current)
    elif action is WizardAction.USE_USERNAME and current == W.contact_value and user.username:
        await profiles.set_contact(user.id, ContactMethod.TELEGRAM, user.username)
        await wizard.advance(current)
    elif action is WizardAction.CONFIRM and current == W.preview:
        missing = await profiles.complete(user.id)
        if missing:
            await bot.send_message(
                user.id, texts.PROFILE_MISSING_PARTS.format(missing=", ".join(missing))
            )
            await wizard.ask(first_open_step(await profiles.get(user.id)))
            return
        await state.clear()
        await bot.send_message(
            user.id, texts.PROFILE_READY, reply_markup=keyboards.main_menu(has_profile=True)
        )
    elif action is WizardAction.EDIT and current == W.preview:
        await wizard.show_edit_menu(None)
    else:
        alerts.show(callback_answer, alerts.stale_button())


async def on_service_button(
    query: CallbackQuery,
    callback_data: ServiceCallback,
    bot: Bot,
    state: FSMContext,
    user: UserAccount,
    profiles: ProfileService,
    settings: Settings,
) -> None:
    wizard = make_wizard(bot, state, user, profiles, settings)
    service = callback_data.service
    profile = await profiles.get(user.id)
    configured = profile is not None and profile.service(service) is not None
    if callback_data.action is ServiceAction.OPEN and configured:
        await bot.send_message(
            user.id,
            f"<b>{service.label}</b> is set up. Change or remove it?",
            reply_markup=keyboards.service_options(service),
        )
    elif callback_data.action in (ServiceAction.OPEN, ServiceAction.CHANGE):
        await wizard.ask(SERVICE_ENTRY[service])
    elif callback_data.action is ServiceAction.REMOVE:
        await profiles.remove_service(user.id, service)
        await wizard.ask(W.services)
    else:
        await wizard.ask(W.services)


async def on_in_person_type(
    query: CallbackQuery,
    callback_data: InPersonCallback,
    bot: Bot,
    state: FSMContext,
    user: UserAccount,
    profiles: ProfileService,
    settings: Settings,
) -> None:
    await state.update_data(in_person_type=callback_data.kind.value)
    await make_wizard(bot, state, user, profiles, settings).ask(W.in_person_location)


async def on_contact_method(
    query: CallbackQuery,
    callback_data: ContactCallback,
    bot: Bot,
    state: FSMContext,
    user: UserAccount,
    profiles: ProfileService,
    settings: Settings,
) -> None:
    await state.update_data(contact_method=callback_data.method.value)
    await make_wizard(bot, state, user, profiles, settings).ask(W.contact_value)


# --- photos and videos -------------------------------------------------------------------------


async def on_media(
    message: Message,
    bot: Bot,
    user: UserAccount,
    profiles: ProfileService,
    settings: Settings,
    media_receipts: MediaReceipts,
) -> None:
    if message.photo:
        media_type, limit = MediaType.IMAGE, settings.max_photos
        file_id, file_unique_id = message.photo[-1].file_id, message.photo[-1].file_unique_id
    else:
        assert message.video is not None
        media_type, limit = MediaType.VIDEO, settings.max_videos
        file_id, file_unique_id = message.video.file_id, message.video.file_unique_id
    result = await profiles.add_media(
        user.id,
        file_id=file_id,
        file_unique_id=file_unique_id,
        media_type=media_type,
        limit=limit,
    )
    await media_receipts.record(
        bot,
        chat_id=user.id,
        group_key=message.media_group_id,
        media_type=media_type,
        result=result,
        limits=(settings.max_photos, settings.max_videos),
    )


async def on_not_media(message: Message) -> None:
    await message.answer(texts.NEED_MEDIA, reply_markup=keyboards.media_controls())


def build_router() -> Router:
    router = Router(name="wizard")
    router.message.filter(PRIVATE)
    router.callback_query.filter(PRIVATE)
    router.message.middleware(ApprovedOnlyMiddleware())
    router.callback_query.middleware(ApprovedOnlyMiddleware())

    router.callback_query.register(
        open_profile, MenuCallback.filter(F.action == MenuAction.PROFILE)
    )
    router.callback_query.register(on_wizard_button, WizardCallback.filter(), StateFilter(W))
    router.callback_query.register(
        on_service_button, ServiceCallback.filter(), StateFilter(W.services)
    )
    router.callback_query.register(
        on_in_person_type, InPersonCallback.filter(), StateFilter(W.in_person_type)
    )
    router.callback_query.register(
        on_contact_method, ContactCallback.filter(), StateFilter(W.contact_method)
    )
    router.message.register(on_text, StateFilter(*TEXT_STATES), Magic(F.text))
    router.message.register(on_not_text, StateFilter(*TEXT_STATES))
    router.message.register(on_media, StateFilter(W.media), Magic(F.photo | F.video))
    router.message.register(on_not_media, StateFilter(W.media))
    return router


__all__ = ["Wizard", "build_router", "first_open_step", "make_wizard"]
