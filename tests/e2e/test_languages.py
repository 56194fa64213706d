"""The bot speaks each person's language: her Telegram app's, or the one she chose."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.engine import URL

from available_now.db.database import Database
from available_now.db.models import User
from available_now.sandbox import BotAPIEmulator
from available_now.sandbox.client import SimGroup

from .harness import InProcessBot, in_process_bot, settings_for

pytestmark = pytest.mark.e2e

PRIVATE_SCOPE = {"type": "all_private_chats"}
GROUP_SCOPE = {"type": "all_group_chats"}


async def _chosen_language(db: Database, user_id: int) -> str | None:
    async with db.read() as session:
        return await session.scalar(select(User.language).where(User.id == user_id))


async def test_a_spanish_app_is_answered_in_spanish_and_language_switches(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    lucia = emulator.user(user_id=5_300_000_001, first_name="Lucía", language_code="es")
    await lucia.send("/start")
    menu = await lucia.wait_for_message()
    assert "¡Hola, Lucía!" in menu.text
    assert "🙋 Solicitar acceso" in menu.button_texts

    await lucia.send("/language")
    choice = await lucia.wait_for_message(lambda m: "🇬🇧 English" in m.button_texts)
    assert "idioma" in choice.text
    assert "🇪🇸 Español ✅" in choice.button_texts
    await lucia.press(choice, "🇬🇧 English")
    done = await lucia.wait_for_message(lambda m: "Done" in m.text)
    assert done.text == "Done: I will speak English with you."
    assert await _chosen_language(db, lucia.id) == "en"

    await lucia.send("/start")
    assert "Hi, Lucía!" in (await lucia.wait_for_message()).text

    await lucia.send("/language")
    choice = await lucia.wait_for_message(lambda m: "🇪🇸 Español" in m.button_texts)
    await lucia.press(choice, "🇪🇸 Español")
    assert "español" in (await lucia.wait_for_message(lambda m: "Listo" in m.text)).text
    assert await _chosen_language(db, lucia.id) == "es"


async def test_an_unknown_language_falls_back_to_english(
    emulator: BotAPIEmulator, bot: InProcessBot
) -> None:
    kenji = emulator.user(user_id=5_300_000_002, first_name="Kenji", language_code="ja")
    await kenji.send("/start")
    assert "Hi, Kenji!" in (await kenji.wait_for_message()).text


async def test_a_forged_language_button_changes_nothing(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    ana = emulator.user(user_id=5_300_000_003, first_name="Ana", language_code="es")
    await ana.send("/language")
    choice = await ana.wait_for_message(lambda m: "🇬🇧 English" in m.button_texts)
    answer = await ana.press_forged(choice, "lang:xx")
    assert answer.show_alert
    assert "ya no está activo" in (answer.text or "")
    assert await _chosen_language(db, ana.id) is None


@pytest.fixture
async def spanish_group_bot(
    emulator: BotAPIEmulator, group: SimGroup, database_url: URL
) -> AsyncIterator[InProcessBot]:
    async with in_process_bot(settings_for(emulator, database_url, group_language="es")) as running:
        yield running


async def test_the_group_speaks_group_language_whatever_the_member_speaks(
    emulator: BotAPIEmulator, group: SimGroup, spanish_group_bot: InProcessBot
) -> None:
    max_ = emulator.user(user_id=7_300_000_001, first_name="Max", language_code="en")
    group.add_member(max_)
    await max_.send("/available", chat=group)
    answer = await max_.wait_for_message(chat=group)
    assert answer.text == "Ahora mismo no hay nadie disponible."


async def test_command_menus_are_published_per_language(
    emulator: BotAPIEmulator, spanish_group_bot: InProcessBot
) -> None:
    await emulator.wait_for_request("getUpdates")  # the menus are published before polling
    english = {c["command"]: c["description"] for c in emulator.commands(PRIVATE_SCOPE)}
    spanish = {c["command"]: c["description"] for c in emulator.commands(PRIVATE_SCOPE, "es")}
    assert english["language"] == "Change the language"
    assert spanish["language"] == "Cambiar el idioma"
    assert set(english) == set(spanish)
    group_menu = {c["command"]: c["description"] for c in emulator.commands(GROUP_SCOPE)}
    assert group_menu["available"] == "Quién está disponible ahora"
