"""Every conversation's states in one place (diagram: docs/profile-wizard.md)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class ProfileWizard(StatesGroup):
    name = State()
    services = State()
    in_person_type = State()
    in_person_location = State()
    video_platforms = State()
    video_payment = State()
    custom_payment = State()
    custom_delivery = State()
    other_service = State()
    about = State()
    contact_method = State()
    contact_value = State()
    social_links = State()
    rates = State()
    disclaimer = State()
    media = State()
    preview = State()
