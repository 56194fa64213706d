"""The engine that runs the table of steps: it asks a step's question, takes the answer the
step's kind takes, and moves on.

Every answer is saved the moment it is given (a draft profile from the name on), so the state
only remembers which question comes next. Creating moves on to the next step; editing stays
within the part of the profile she chose and then returns to the edit menu with "Saved ✅".
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer

from available_now.bot import alerts
from available_now.bot import keyboards as bot_keyboards
from available_now.bot.callbacks import ServiceAction, WizardAction
from available_now.bot.i18n import CURRENT
from available_now.bot.presenters import send_profile_card
from available_now.bot.wizard import keyboards, texts
from available_now.bot.wizard.answers import (
    Action,
    Asking,
    Choice,
    MediaUpload,
    Reply,
    ServicesMenu,
    TypedText,
)
from available_now.bot.wizard.states import Mode
from available_now.bot.wizard.steps import TABLE, Position, Step, StepTable
from available_now.domain import validation
from available_now.domain.profiles import MediaItem, ServiceType
from available_now.domain.users import UserAccount
from available_now.services.profiles import ProfileService


class Wizard:
    """The wizard as one update sees it: where she is, and how to move from there."""

    def __init__(
        self,
        *,
        bot: Bot,
        state: FSMContext,
        raw_state: str | None,
        user: UserAccount,
        profiles: ProfileService,
        limits: tuple[int, int],
        callback_answer: CallbackAnswer | None = None,
        table: StepTable = TABLE,
    ) -> None:
        self.bot, self.state, self.user, self.profiles = bot, state, user, profiles
        self.limits, self.table = limits, table
        self.position = table.position(raw_state)
        self._callback_answer = callback_answer

    @property
    def here(self) -> Position:
        assert self.position is not None, "the conversation is not in the wizard"
        return self.position

    def alert(self, text: str) -> None:
        """Answer the pressed button with an alert (plain text: no HTML)."""
        assert self._callback_answer is not None, "only a button press has an alert"
        alerts.show(self._callback_answer, text)

    # --- ways in --------------------------------------------------------------------------

    async def open(self) -> None:
        """Her profile from the main menu: the card when complete, else the wizard resumed."""
        if self.position is not None:
            await self.ask(self.position.step, self.position.mode)
            return
        profile = await self.profiles.get(self.user.id)
        if profile is not None and profile.completed:
            await send_profile_card(
                self.bot, self.user.id, profile, reply_markup=edit_menu(self.table)
            )
            return
        await self.state.set_data({})
        await self.ask(self.table.first_open(profile), Mode.CREATE)

    async def edit(self, key: str) -> None:
        """One step from the edit menu."""
        step = self.table.by_key.get(key)
        if step is None or step.menu_label is None:
            self.alert(alerts.STALE_BUTTON())
        elif await self.profiles.get(self.user.id) is None:
            await self.state.clear()
            self.alert(alerts.NO_PROFILE())
        else:
            await self.ask(step, Mode.EDIT)

    async def ask(self, step: Step, mode: Mode) -> None:
        await self.state.set_state(self.table.state(step, mode))
        self.position = Position(step, mode)
        profile = await self.profiles.get(self.user.id)
        editing = mode is Mode.EDIT
        question = step.answer.question(
            Asking(
                prompt=step.prompt,
                example=step.example,
                optional=step.optional,
                editing=editing,
                back=editing or self.table.back(step) is not None,
                profile=profile,
                current=step.current(profile) if step.current and profile else None,
                earlier=await self.state.get_data() if step.answer.reads_earlier else {},
                user=self.user,
                limits=self.limits,
            )
        )
        header = (
            texts.editing_header(step.title)
            if editing
            else texts.step_header(self.table.number(step), self.table.total, step.title)
        )
        await self.bot.send_message(
            self.user.id, f"{header}\n\n{question.text}", reply_markup=question.markup
        )
        if question.card is not None:
            assert profile is not None
            await send_profile_card(self.bot, self.user.id, profile, reply_markup=question.card)

    # --- answers --------------------------------------------------------------------------

    async def answer_text(self, raw: str) -> str | None:
        """Check and save a typed answer, then move on; returns the problem when refused."""
        answer = self.here.step.answer
        assert isinstance(answer, TypedText)
        earlier = await self.state.get_data() if answer.reads_earlier else {}
        try:
            value = answer.check(raw, earlier, self.user)
        except validation.ValidationProblem as problem:
            return problem.explain(CURRENT)
        if answer.keep_as is not None:
            await self.state.update_data({answer.keep_as: value})
        else:
            assert answer.save is not None
            await answer.save(self.profiles, Reply(self.user.id, value, earlier))
        await self.advance()
        return None

    async def pick(self, data: CallbackData) -> None:
        """A choice button: kept for the question that follows."""
        answer = self.here.step.answer
        assert isinstance(answer, Choice)
        await self.state.update_data({answer.keep_as: answer.pick(data)})
        await self.advance()

    async def press(self, action: WizardAction) -> None:
        """A wizard button; one this step does not have is no longer active."""
        step = self.here.step
        actions: dict[WizardAction, Action] = {
            WizardAction.BACK: Wizard.back,
            WizardAction.CANCEL: Wizard.cancel,
            **step.answer.actions(optional=step.optional),
        }
        act = actions.get(action)
        if act is None:
            self.alert(alerts.STALE_BUTTON())
            return
        await act(self)

    async def choose_service(self, action: ServiceAction, service: ServiceType) -> None:
        """A button of the services menu: set a service up, change it, or remove it."""
        menu = self.here.step
        assert isinstance(menu.answer, ServicesMenu)
        if action is ServiceAction.OPEN:
            profile = await self.profiles.get(self.user.id)
            if profile is not None and profile.service(service) is not None:
                await self.bot.send_message(
                    self.user.id,
                    texts.service_is_set_up(service),
                    reply_markup=keyboards.service_options(service),
                )
                return
        if action is ServiceAction.REMOVE:
            await self.profiles.remove_service(self.user.id, service)
        if action in (ServiceAction.OPEN, ServiceAction.CHANGE):
            await self.ask(self.table.by_key[menu.answer.entries[service]], self.here.mode)
        else:
            await self.ask(menu, self.here.mode)

    # --- moving on ------------------------------------------------------------------------

    async def advance(self) -> None:
        """After a saved answer."""
        await self._follow(self.table.next(self.here.step), note=texts.SAVED())

    async def back(self) -> None:
        await self._follow(self.table.back(self.here.step), note=None)

    async def _follow(self, target: Step | None, note: str | None) -> None:
        """Creating goes to ``target`` (or stays); editing only within the part she chose,
        else back to the edit menu."""
        step, mode = self.here.step, self.here.mode
        if mode is Mode.EDIT and (
            target is None or self.table.part(target).key != self.table.part(step).key
        ):
            await self.show_edit_menu(note)
            return
        await self.ask(target or step, mode)

    async def cancel(self) -> None:
        editing = self.here.mode is Mode.EDIT
        await self.state.clear()
        await self.bot.send_message(
            self.user.id,
            (texts.EDIT_STOPPED if editing else texts.WIZARD_SAVED_AS_DRAFT)(),
            reply_markup=bot_keyboards.main_menu_for(await self.profiles.get(self.user.id)),
        )

    async def confirm(self) -> None:
        """Complete the draft, or ask for the first part it still lacks."""
        missing = await self.profiles.complete(self.user.id)
        if missing:
            await self.bot.send_message(self.user.id, texts.missing_parts(missing))
            profile = await self.profiles.get(self.user.id)
            await self.ask(self.table.first_open(profile), Mode.CREATE)
            return
        await self.state.clear()
        await self.bot.send_message(
            self.user.id,
            texts.PROFILE_READY(),
            reply_markup=bot_keyboards.main_menu(has_profile=True),
        )

    async def show_edit_menu(self, note: str | None) -> None:
        await self.state.clear()
        self.position = None
        menu = texts.EDIT_MENU()
        await self.bot.send_message(
            self.user.id, f"{note}\n\n{menu}" if note else menu, reply_markup=edit_menu(self.table)
        )


def edit_menu(table: StepTable = TABLE) -> InlineKeyboardMarkup:
    """The edit menu: a button for each editable step, then the gallery, preview and delete."""
    return keyboards.edit_menu(table.editable())


def gallery_menu(items: list[MediaItem], table: StepTable = TABLE) -> InlineKeyboardMarkup:
    """Her gallery's buttons; Add more opens the step that takes photos and videos."""
    adding = next(step for step in table.parts if isinstance(step.answer, MediaUpload))
    return keyboards.gallery(items, add_step=adding.key)
