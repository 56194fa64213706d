"""The kinds of answer a step takes: typed text, a choice of buttons, the services menu, photos
and videos, or the preview.

A kind builds its step's question and names the buttons it answers to, so the engine asks and
acts by looking at the step, never by asking which step it is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from available_now.bot import alerts
from available_now.bot import texts as messages
from available_now.bot.callbacks import WizardAction
from available_now.bot.i18n import _
from available_now.bot.wizard import keyboards, texts
from available_now.domain import validation
from available_now.domain.profiles import ContactMethod, ProfileView, ServiceType
from available_now.domain.users import UserAccount
from available_now.domain.wording import Translator
from available_now.services.profiles import ProfileService

if TYPE_CHECKING:
    from available_now.bot.wizard.engine import Wizard

Earlier = Mapping[str, Any]
"""Sub-answers kept in the conversation's data between a step's two questions."""

Action = Callable[["Wizard"], Awaitable[None]]
"""What a button does."""

CB = TypeVar("CB", bound=CallbackData)


@dataclass(frozen=True, slots=True)
class Reply:
    """A validated answer, with what she said on the way to it."""

    user_id: int
    value: str
    earlier: Earlier


Save = Callable[[ProfileService, Reply], Awaitable[object]]
Clear = Callable[[ProfileService, int], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Asking:
    """Everything a question may show. ``prompt`` and ``example`` are English source texts."""

    prompt: str
    example: str | None
    optional: bool
    editing: bool
    back: bool
    """Whether Back leads anywhere from here."""
    profile: ProfileView | None
    current: str | None
    earlier: Earlier
    user: UserAccount
    limits: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    markup: InlineKeyboardMarkup | None
    card: InlineKeyboardMarkup | None = None
    """When set, her profile card follows the question, with these buttons."""


class Answer(Protocol):
    @property
    def reads_earlier(self) -> bool:
        """Whether asking or saving needs the sub-answers kept in the conversation's data."""

    def question(self, asking: Asking) -> Question: ...

    def actions(self, *, optional: bool) -> Mapping[WizardAction, Action]:
        """The buttons this step answers to besides Back and Cancel."""


class Refused(validation.ValidationProblem):
    """A refusal worded by the Telegram layer, already in her language."""

    def __init__(self, text: str) -> None:
        super().__init__("{text}", text=text)

    def explain(self, translator: Translator) -> str:
        return str(self)


def _prompt(asking: Asking) -> str:
    return _(asking.prompt) + texts.current_value(asking.current)


@dataclass(frozen=True, slots=True)
class TypedText:
    """A typed answer, validated, then saved (or kept for the step's second question)."""

    validate: Callable[[str, Earlier], str]
    save: Save | None = None
    keep_as: str | None = None
    """Keep the answer in the conversation's data under this name instead of saving it."""
    clear: Clear | None = None
    """How an optional answer is removed."""
    reads_earlier: bool = False

    def check(self, raw: str, earlier: Earlier, user: UserAccount) -> str:
        """The cleaned answer, or a `ValidationProblem` to show her."""
        return self.validate(raw, earlier)

    def question(self, asking: Asking) -> Question:
        markup = keyboards.step_controls(
            back=asking.back,
            skip=asking.optional and not asking.editing,
            clear=asking.optional and asking.editing and bool(asking.current),
        )
        return Question(_prompt(asking) + texts.example(asking.example), markup)

    def actions(self, *, optional: bool) -> Mapping[WizardAction, Action]:
        if not optional:
            return {}
        return {WizardAction.SKIP: _advance, WizardAction.CLEAR: self._cleared}

    async def _cleared(self, wizard: Wizard) -> None:
        assert self.clear is not None
        await self.clear(wizard.profiles, wizard.user.id)
        await wizard.advance()


def _chosen_method(earlier: Earlier) -> ContactMethod:
    return ContactMethod(earlier.get("contact_method", ContactMethod.PHONE.value))


def _validate_contact(raw: str, earlier: Earlier) -> str:
    """A phone number, an e-mail address, or a username's shape; whether the username is hers
    is `ContactValue.check`'s question."""
    method = _chosen_method(earlier)
    if method is ContactMethod.PHONE:
        return validation.validate_phone(raw)
    if method is ContactMethod.EMAIL:
        return validation.validate_email(raw)
    return validation.validate_telegram_username(raw)


async def _save_contact(profiles: ProfileService, reply: Reply) -> None:
    await profiles.set_contact(reply.user_id, _chosen_method(reply.earlier), reply.value)


@dataclass(frozen=True, slots=True)
class ContactValue(TypedText):
    """Her phone, e-mail or username, as the method chosen just before asks. A Telegram
    contact is her own current @username, in one tap or typed; anyone else's is refused."""

    validate: Callable[[str, Earlier], str] = _validate_contact
    save: Save | None = _save_contact
    reads_earlier: bool = True

    def check(self, raw: str, earlier: Earlier, user: UserAccount) -> str:
        if _chosen_method(earlier) is not ContactMethod.TELEGRAM:
            return self.validate(raw, earlier)
        try:
            return validation.validate_own_telegram_username(raw, user.username)
        except validation.NotOwnUsernameError:
            if user.username is None:
                raise Refused(alerts.NO_USERNAME()) from None
            raise Refused(messages.telegram_contact_not_hers(user.username)) from None

    def question(self, asking: Asking) -> Question:
        method = _chosen_method(asking.earlier)
        prompt, sample = texts.CONTACT_PROMPTS[method]
        text = _(prompt)
        markup = keyboards.step_controls(back=asking.back)
        if method is ContactMethod.TELEGRAM:
            markup = keyboards.telegram_contact(asking.user.username)
            if not asking.user.username:
                text = f"{text}\n\n{alerts.NO_USERNAME()}"
        return Question(text + texts.example(sample), markup)

    def actions(self, *, optional: bool) -> Mapping[WizardAction, Action]:
        return {WizardAction.USE_USERNAME: _use_username}


async def _use_username(wizard: Wizard) -> None:
    username = wizard.user.username
    if not username:
        wizard.alert(alerts.NO_USERNAME())
        return
    await wizard.profiles.set_contact(wizard.user.id, ContactMethod.TELEGRAM, username)
    await wizard.advance()


@dataclass(frozen=True, slots=True)
class Choice(Generic[CB]):
    """Buttons that pick one option, kept for the question that follows."""

    callback: type[CB]
    pick: Callable[[CB], str]
    keep_as: str
    keyboard: Callable[[], InlineKeyboardMarkup]
    reads_earlier: ClassVar[bool] = False

    def question(self, asking: Asking) -> Question:
        return Question(_prompt(asking), self.keyboard())

    def actions(self, *, optional: bool) -> Mapping[WizardAction, Action]:
        return {}


@dataclass(frozen=True, slots=True)
class ServicesMenu:
    """The services she offers, each set up by its own questions; Done needs at least one."""

    entries: Mapping[ServiceType, str]
    """The step that sets up each service."""
    reads_earlier: ClassVar[bool] = False

    def question(self, asking: Asking) -> Question:
        return Question(_(asking.prompt), keyboards.services_menu(asking.profile))

    def actions(self, *, optional: bool) -> Mapping[WizardAction, Action]:
        return {WizardAction.DONE: _services_done}


async def _services_done(wizard: Wizard) -> None:
    profile = await wizard.profiles.get(wizard.user.id)
    if profile is None or not profile.services:
        wizard.alert(alerts.NEED_SERVICE())
        return
    await wizard.advance()


@dataclass(frozen=True, slots=True)
class MediaUpload:
    """Photos and videos, one by one or as albums, with a running count."""

    reads_earlier: ClassVar[bool] = False

    def question(self, asking: Asking) -> Question:
        profile = asking.profile
        photos, videos = (len(profile.photos), len(profile.videos)) if profile else (0, 0)
        counts = texts.media_counts(photos, videos, asking.limits)
        return Question(f"{_(asking.prompt)}\n{counts}", keyboards.media_controls())

    def actions(self, *, optional: bool) -> Mapping[WizardAction, Action]:
        return {WizardAction.DONE: _advance}


@dataclass(frozen=True, slots=True)
class Preview:
    """The group's post as it will look, to confirm or to edit."""

    reads_earlier: ClassVar[bool] = False

    def question(self, asking: Asking) -> Question:
        return Question(_(asking.prompt), None, card=keyboards.preview_controls())

    def actions(self, *, optional: bool) -> Mapping[WizardAction, Action]:
        return {WizardAction.CONFIRM: _confirm, WizardAction.EDIT: _to_edit_menu}


async def _advance(wizard: Wizard) -> None:
    await wizard.advance()


async def _confirm(wizard: Wizard) -> None:
    await wizard.confirm()


async def _to_edit_menu(wizard: Wizard) -> None:
    await wizard.show_edit_menu(None)
