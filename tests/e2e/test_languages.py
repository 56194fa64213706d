"""The bot speaks each person's language: her Telegram app's, or the one she chose."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import URL

from available_now.db.database import Database
from available_now.db.models import User
from available_now.domain.audit import ApprovalSource
from available_now.services.users import UserService
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import SimGroup

from .harness import InProcessBot, in_process_bot, settings_for
from .stories import answer, press

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
    assert (english["mydata"], spanish["mydata"]) == (
        "Get or delete your data",
        "Descargar o borrar tus datos",
    )
    assert set(english) == set(spanish)
    group_menu = {c["command"]: c["description"] for c in emulator.commands(GROUP_SCOPE)}
    assert group_menu["available"] == "Quién está disponible ahora"


async def test_a_spanish_model_goes_from_wizard_to_live_in_spanish_and_the_group_keeps_its_own(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    lucia = emulator.user(
        user_id=5_300_000_010, first_name="Lucía", username="lucia_m", language_code="es"
    )
    await UserService(db).approve_many([lucia.id], source=ApprovalSource.APPROVED_ADMINS)
    await lucia.send("/start")
    menu = await lucia.wait_for_message(lambda m: "menú principal" in m.text)

    step = await press(lucia, menu, "📝 Crear perfil", "Paso 1 de 9")
    assert "¿Qué nombre" in step.text
    services = await answer(lucia, "Lucía", "Paso 2 de 9")
    kinds = await press(lucia, services, "📍 En persona", "a domicilio")
    await press(lucia, kinds, "En mi sitio y a domicilio", "¿Dónde?")
    services = await answer(lucia, "Madrid centro", "¿Qué servicios ofreces?")
    assert "📍 En persona ✅" in services.button_texts
    await press(lucia, services, "✔️ Listo", "Paso 3 de 9")
    contact = await answer(lucia, "Cariñosa y discreta", "Paso 4 de 9")
    await press(lucia, contact, "📞 Teléfono", "número de teléfono")
    refused = await answer(lucia, "612 34 56 78", "prefijo")
    assert refused.text.startswith("Incluye el prefijo del país")
    social = await answer(lucia, "+34 612 34 56 78", "Paso 5 de 9")
    await press(lucia, social, "⏭ Saltar", "Paso 6 de 9")
    disclaimer = await answer(lucia, "1 h 200 €", "Paso 7 de 9")
    await press(lucia, disclaimer, "⏭ Saltar", "Paso 8 de 9")
    await lucia.send_album(photos=2, videos=1)
    receipt = await lucia.wait_for_message(
        lambda m: m.text.startswith("Guardado ✅") and "🖼 Fotos 2/10 · 🎬 Vídeos 1/4" in m.text
    )
    await lucia.press(receipt, "✔️ Listo")
    preview = await lucia.wait_for_message(lambda m: "✅ Confirmar" in m.button_texts)
    assert "📍 En persona — En mi sitio y a domicilio · Madrid centro" in preview.text
    assert "💰 Tarifas" in preview.text
    assert "📞 Teléfono: +34 612 34 56 78" in preview.text
    await lucia.press(preview, "✅ Confirmar")
    await lucia.wait_for_message(lambda m: "Tu perfil está listo" in m.text)

    await lucia.send("/available")
    durations = await lucia.wait_for_message(lambda m: "¿Durante cuánto tiempo" in m.text)
    await lucia.press(durations, "2 h")
    live = await lucia.wait_for_message(lambda m: "Ya estás publicada" in m.text)
    assert "⏹ Terminar ya" in live.button_texts

    # The group reads its own language (English here), whoever posted.
    shown = await group.wait_until(lambda views: any("Lucía" in v.text for v in views))
    post = next(v for v in shown if "Lucía" in v.text)
    assert "🟢 Available until" in post.text
    assert "👤 Full profile & gallery" in post.button_texts

    # Her notices come in her language, also from the worker outside any update.
    await bot.advance(timedelta(hours=2, seconds=1))
    ended = await lucia.wait_for_message(lambda m: "Tu anuncio terminó" in m.text)
    assert "🟢 Estoy disponible" in ended.button_texts
