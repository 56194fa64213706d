"""The wizard's table of steps holds together: every state has its step, every link leads
somewhere, progress counts 1 to N, every button fits Telegram, every word is translated."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from aiogram.fsm.state import State
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from available_now.bot import alerts
from available_now.bot.callbacks import EditStepCallback, WizardAction
from available_now.bot.i18n import LOCALES_DIR
from available_now.bot.keyboards import erase_confirmation
from available_now.bot.wizard import (
    TABLE,
    Step,
    StepTable,
    edit_menu,
    gallery_menu,
    keyboards,
    texts,
)
from available_now.bot.wizard.answers import (
    Asking,
    Choice,
    MediaUpload,
    Question,
    ServicesMenu,
    TypedText,
)
from available_now.bot.wizard.states import Mode
from available_now.domain.profiles import (
    ContactMethod,
    InPersonType,
    MediaItem,
    MediaType,
    ProfileView,
    ServiceOffer,
    ServiceType,
)
from available_now.domain.users import UserAccount

USER = UserAccount(
    id=5_000_000_001, username="SOPHIE_X", first_name="SOPHIE", last_name=None, is_approved=True
)
MEDIA = tuple(
    MediaItem(
        id=2**62 + n,
        file_id=f"F{n}",
        media_type=MediaType.IMAGE if n < 3 else MediaType.VIDEO,
        position=n % 3,
    )
    for n in range(5)
)
PROFILE = ProfileView(
    user_id=USER.id,
    name="SOPHIE",
    about="WARM",
    contact_method=ContactMethod.PHONE,
    phone="+442079460958",
    social_links="@SOPHIE_X",
    rates="1 H 200 £",
    disclaimer="18+",
    services=(
        ServiceOffer(
            ServiceType.IN_PERSON, in_person_type=InPersonType.BOTH, in_person_location="SOHO"
        ),
        ServiceOffer(ServiceType.VIDEO_CALL, facetime_platforms="ZOOM", facetime_payment="CASH"),
        ServiceOffer(ServiceType.CUSTOM, custom_payment="CASH", custom_delivery="DRIVE"),
        ServiceOffer(ServiceType.OTHER, other_service="DINNER"),
    ),
    media=MEDIA,
)


def questions() -> Iterator[tuple[Step, Mode, Question]]:
    """Every step's question, in both modes, after each contact method."""
    for step in TABLE.steps:
        for mode in Mode:
            for method in ContactMethod:
                asking = Asking(
                    prompt=step.prompt,
                    example=step.example,
                    optional=step.optional,
                    editing=mode is Mode.EDIT,
                    back=True,
                    profile=PROFILE,
                    current=step.current(PROFILE) if step.current else None,
                    earlier={"contact_method": method.value},
                    user=USER,
                    limits=(10, 4),
                )
                yield step, mode, step.answer.question(asking)


def every_keyboard() -> Iterator[InlineKeyboardMarkup]:
    for _step, _mode, question in questions():
        yield from (markup for markup in (question.markup, question.card) if markup)
    yield edit_menu()
    yield gallery_menu(list(MEDIA))
    yield erase_confirmation(-(2**63))  # the longest id a button can carry
    for service in ServiceType:
        yield keyboards.service_options(service)
    for item in MEDIA:
        yield keyboards.gallery_item(item, first=False)
    for skip, clear in ((True, False), (False, True)):
        yield keyboards.step_controls(skip=skip, clear=clear)
    yield keyboards.telegram_contact("A" * 32)


def test_every_state_belongs_to_exactly_one_step() -> None:
    for mode in Mode:
        group_states: tuple[State, ...] = TABLE.groups[mode].__all_states__
        assert len(group_states) == len(TABLE.steps)
        for state in group_states:
            position = TABLE.position(state.state)
            assert position is not None
            assert position.mode is mode
            assert TABLE.state(position.step, mode) == state
    names = [state.state for state in TABLE.states()]
    assert len(names) == len(set(names)) == 2 * len(TABLE.steps)
    assert len({step.key for step in TABLE.steps}) == len(TABLE.steps)


def test_creating_keeps_the_state_names_drafts_in_progress_are_stored_under() -> None:
    assert TABLE.state(TABLE.by_key["rates"], Mode.CREATE).state == "ProfileWizard:rates"
    assert TABLE.state(TABLE.by_key["rates"], Mode.EDIT).state == "ProfileEditing:rates"


def test_back_and_next_lead_to_steps_of_the_table() -> None:
    first, last = TABLE.parts[0], TABLE.parts[-1]
    for step in TABLE.steps:
        back, following = TABLE.back(step), TABLE.next(step)
        assert back in TABLE.steps if step is not first else back is None
        assert following in TABLE.steps if step is not last else following is None
        if isinstance(step.answer, ServicesMenu):
            for key in step.answer.entries.values():
                assert TABLE.part(TABLE.by_key[key]) is step


def test_a_sub_step_returns_within_its_part_and_half_answers_continue() -> None:
    for step in TABLE.steps:
        if step.within is None:
            continue
        back = TABLE.back(step)
        assert back is not None
        assert TABLE.part(back) is TABLE.part(step)
    kept = [step for step in TABLE.steps if isinstance(step.answer, (TypedText, Choice))]
    for step in kept:
        if step.answer.keep_as is None:
            continue
        second = TABLE.next(step)
        assert second is not None
        assert TABLE.part(second) is TABLE.part(step), f"{step.key} would stop half-answered"
        assert second.answer.reads_earlier, f"{second.key} ignores what {step.key} kept"


def test_progress_counts_from_one_to_the_number_of_parts() -> None:
    assert [TABLE.number(step) for step in TABLE.parts] == list(range(1, TABLE.total + 1))
    for step in TABLE.steps:
        assert TABLE.number(step) == TABLE.number(TABLE.part(step))
    assert TABLE.total == 9  # as the users' guide and the end-to-end stories say


def test_optional_steps_can_be_cleared() -> None:
    for step in TABLE.parts:
        if step.optional:
            assert isinstance(step.answer, TypedText)
            assert step.answer.clear is not None
            assert WizardAction.CLEAR in step.answer.actions(optional=True)


def test_a_draft_resumes_at_its_first_unanswered_required_step() -> None:
    assert TABLE.first_open(None).key == "name"
    draft = ProfileView(user_id=USER.id, name="SOPHIE")
    assert TABLE.first_open(draft).key == "services"
    assert TABLE.first_open(PROFILE).key == "media"
    without_contact = ProfileView(
        user_id=USER.id, name="S", about="A", rates="R", services=PROFILE.services
    )
    assert TABLE.first_open(without_contact).key == "contact_method"


def test_every_editable_step_is_in_the_edit_menu_and_nothing_else_is() -> None:
    menu = edit_menu()
    keys = {
        EditStepCallback.unpack(button.callback_data).step
        for row in menu.inline_keyboard
        for button in row
        if button.callback_data and button.callback_data.startswith("es:")
    }
    assert keys == {step.key for step in TABLE.steps if step.menu_label}
    assert all(TABLE.by_key[key].within is None for key in keys)
    adding = [
        EditStepCallback.unpack(button.callback_data).step
        for row in gallery_menu(list(MEDIA)).inline_keyboard
        for button in row
        if button.callback_data and button.callback_data.startswith("es:")
    ]
    assert [TABLE.by_key[key].answer for key in adding] == [MediaUpload()]


def test_every_button_fits_in_64_bytes() -> None:
    count = 0
    for markup in every_keyboard():
        for row in markup.inline_keyboard:
            for button in row:
                assert button.callback_data is not None
                assert 1 <= len(button.callback_data.encode()) <= 64, button
                count += 1
    assert count > 100


def test_a_table_with_a_link_to_nowhere_is_refused() -> None:
    broken = (*TABLE.steps[:-1], Step("preview", "T", "P", TABLE.steps[-1].answer, back="nope"))
    with pytest.raises(ValueError, match="nope"):
        StepTable(broken)


def test_every_service_has_its_questions() -> None:
    services = TABLE.by_key["services"].answer
    assert isinstance(services, ServicesMenu)
    assert set(services.entries) == set(ServiceType)


# --- every word goes through the catalogs -------------------------------------------------------

_PLACEHOLDER = re.compile(r"(\{[a-z_]+\})")


class Shouting(I18n):
    """A stand-in language: every catalog text in capitals, its {placeholders} intact."""

    def gettext(
        self, singular: str, plural: str | None = None, n: int = 1, locale: str | None = None
    ) -> str:
        text = singular if plural is None or n == 1 else plural
        return "".join(
            part if _PLACEHOLDER.fullmatch(part) else part.upper()
            for part in _PLACEHOLDER.split(text)
        )


@pytest.fixture
def shouting() -> Iterator[None]:
    token = I18n.set_current(Shouting(path=LOCALES_DIR))
    try:
        yield
    finally:
        I18n.reset_current(token)


def _untranslated(text: str) -> list[str]:
    """Words in lower case, once tags, entities and the user's own values are taken out."""
    plain = re.sub(r"</?[a-zA-Z]+>|&#?[a-zA-Z0-9]+;", " ", text)
    return re.findall(r"[a-z]+", plain)


@pytest.mark.usefixtures("shouting")
def test_every_question_and_button_is_translated() -> None:
    for step, mode, question in questions():
        header = (
            texts.editing_header(step.title)
            if mode is Mode.EDIT
            else texts.step_header(TABLE.number(step), TABLE.total, step.title)
        )
        assert _untranslated(f"{header}\n\n{question.text}") == [], (step.key, mode)
    for markup in every_keyboard():
        for row in markup.inline_keyboard:
            for button in row:
                assert _untranslated(button.text) == [], button.text


WIZARD_POPUPS = (
    alerts.NEED_SERVICE,
    alerts.NO_PROFILE,
    alerts.NO_USERNAME,
    alerts.MEDIA_GONE,
    alerts.MEDIA_MOVED,
    alerts.MEDIA_COVER,
    alerts.MEDIA_REMOVED,
)
"""The popups the wizard and the profile editor show."""


@pytest.mark.usefixtures("shouting")
def test_every_notice_is_translated() -> None:
    notices = [
        texts.media_receipt(
            10, 4, (10, 4), refused={MediaType.IMAGE: 2, MediaType.VIDEO: 1}, duplicates=3
        ),
        texts.missing_parts(ProfileView(user_id=1, name="S").missing_for_completion()),
        texts.service_is_set_up(ServiceType.VIDEO_CALL),
    ]
    constants = [
        texts.WIZARD_SAVED_AS_DRAFT,
        texts.EDIT_STOPPED,
        texts.NEED_TEXT,
        texts.NEED_MEDIA,
        texts.PROFILE_READY,
        texts.SAVED,
        texts.EDIT_MENU,
        texts.GALLERY,
        texts.GALLERY_EMPTY,
    ]
    for text in [*notices, *(constant() for constant in [*constants, *WIZARD_POPUPS])]:
        assert _untranslated(text) == [], text


def test_alerts_are_plain_text() -> None:
    for popup in WIZARD_POPUPS:
        alert = popup()
        assert "<" not in alert, alert
        assert "&" not in alert, alert


def test_english_counts_read_naturally() -> None:
    receipt = texts.media_receipt(
        10, 0, (10, 4), refused={MediaType.IMAGE: 1, MediaType.VIDEO: 2}, duplicates=0
    )
    assert "⚠️ 1 photo not added: the gallery holds 10 photos at most." in receipt
    assert "⚠️ 2 videos not added: the gallery holds 4 videos at most." in receipt
    assert receipt.startswith("Saved ✅ 🖼 Photos 10/10 · 🎬 Videos 0/4")
