"""A model builds, previews, edits and deletes her profile, as she would on her phone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from available_now.db.database import Database
from available_now.db.models import Media, OfferType, Profile
from available_now.db.repositories.audit import AuditTrail
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import MessageView, SimUser

from ..audit import audit_actions
from .harness import InProcessBot
from .stories import answer, approved_model, create_profile, open_menu, press

pytestmark = pytest.mark.e2e


async def test_complete_wizard_with_every_service_type_and_an_album(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    menu = await open_menu(model)
    await press(model, menu, "📝 Create profile", "Step 1 of 9")
    services = await answer(model, "Sophie · Late nights", "Step 2 of 9")

    kinds = await press(model, services, "📍 In person", "incall")
    await press(model, kinds, "Incall only", "Where?")
    services = await answer(model, "Soho, London", "In person ✅")
    await press(model, services, "📹 Video calls", "platforms")
    await answer(model, "FaceTime, Zoom", "How do clients pay for video calls")
    services = await answer(model, "PayPal", "Video calls ✅")
    await press(model, services, "🎁 Custom content", "How do clients pay for custom")
    await answer(model, "Revolut", "How do you deliver")
    services = await answer(model, "Google Drive", "Custom content ✅")
    await press(model, services, "✨ Other", "Describe the other")
    services = await answer(model, "Dinner dates", "Other ✅")

    contact = await press(model, services, "✔️ Done", "Step 3 of 9")
    contact = await answer(model, "Playful <b>and</b> kind", "Step 4 of 9")
    await press(model, contact, "✉️ Email", "email address")
    social = await answer(model, "Sophie@Example.com", "Step 5 of 9")
    rates = await answer(model, "https://instagram.com/sophie", "Step 6 of 9")
    del rates
    await answer(model, "1 h 200 £", "Step 7 of 9")
    await answer(model, "Adults only.", "Step 8 of 9")
    del social

    await model.send_album(photos=3, videos=1)
    receipt = await model.wait_for_message(
        lambda m: m.text.startswith("Saved ✅") and "Photos 3/10 · 🎬 Videos 1/4" in m.text
    )
    await model.press(receipt, "✔️ Done")
    preview = await model.wait_for_message(lambda m: "✅ Confirm" in m.button_texts)
    assert preview.kind == "photo"
    assert "Sophie · Late nights" in preview.text
    assert "Playful <b>and</b> kind" in preview.text  # shown literally, not as formatting
    await model.press(preview, "✅ Confirm")
    await model.wait_for_message(lambda m: "Your profile is ready" in m.text)

    async with db.transaction() as session:
        profile = await session.scalar(select(Profile).where(Profile.user_id == model.id))
        assert profile is not None
        offers = {
            o.service_type: o
            for o in await session.scalars(
                select(OfferType).where(OfferType.profile_id == profile.id)
            )
        }
        media = list(
            await session.scalars(
                select(Media)
                .where(Media.profile_id == profile.id)
                .order_by(Media.media_type, Media.position)
            )
        )
    assert profile.completed_at is not None
    # The domain is normalised; the local part is kept as typed (it may be case-sensitive).
    assert (profile.contact_method, profile.email) == ("email", "Sophie@example.com")
    assert profile.disclaimer == "Adults only."
    assert set(offers) == {"in_person", "facetime", "custom", "other"}
    assert offers["in_person"].in_person_type == "Incall Only"
    assert offers["in_person"].in_person_location == "Soho, London"
    assert (offers["facetime"].facetime_platforms, offers["facetime"].facetime_payment) == (
        "FaceTime, Zoom",
        "PayPal",
    )
    assert (offers["custom"].custom_payment, offers["custom"].custom_delivery) == (
        "Revolut",
        "Google Drive",
    )
    assert offers["other"].other_service == "Dinner dates"
    assert [(m.media_type, m.position) for m in media] == [
        ("image", 0),
        ("image", 1),
        ("image", 2),
        ("video", 0),
    ]
    actions = await audit_actions(db, model.id)
    # Approved before her first message, she is registered then and her names filled in now.
    assert actions[:2] == ["update_user", "create_profile"]
    assert actions.count("add_service") == 4
    assert actions.count("add_media") == 4
    assert actions[-1] == "complete_profile"


async def test_phone_and_telegram_contacts_are_validated_and_normalised(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    preview = await create_profile(model)
    assert "+44" in preview.text
    async with db.transaction() as session:
        profile = await session.scalar(select(Profile).where(Profile.user_id == model.id))
    assert profile is not None
    assert profile.phone == "+442079460958"

    await model.press(preview, "✏️ Edit")
    edit_menu = await model.wait_for_message(lambda m: "What would you like to change" in m.text)
    methods = await press(model, edit_menu, "Contact", "How should clients contact you")
    await press(model, methods, "📞 Phone", "phone number")
    await model.send("12345")
    problem = await model.wait_for_message(lambda m: "country code" in m.text)
    assert "+" in problem.text
    methods = await press(model, problem, "⬅️ Back", "How should clients contact you")
    ask = await press(model, methods, "💬 Telegram", "Telegram username")
    await model.press(ask, "Use @sophie")
    await model.wait_for_message(lambda m: "Saved ✅" in m.text)
    async with db.transaction() as session:
        profile = await session.scalar(select(Profile).where(Profile.user_id == model.id))
    assert profile is not None
    assert (profile.contact_method, profile.telegram_username, profile.phone) == (
        "telegram",
        "sophie",
        None,
    )


async def test_a_restart_mid_wizard_resumes_where_she_left_off(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    menu = await open_menu(model)
    await press(model, menu, "📝 Create profile", "Step 1 of 9")
    services = await answer(model, "Sophie", "Step 2 of 9")
    await press(model, services, "✨ Other", "Describe the other")
    await bot.restart()
    # Her next answer goes to the same question, after the restart.
    services = await answer(model, "Travel companion", "Other ✅")
    await press(model, services, "✔️ Done", "Step 3 of 9")
    await bot.restart()
    menu = await open_menu(model)
    step = await press(model, menu, "📝 Continue profile", "Step 3 of 9")
    assert "About you" in step.text


async def test_edit_a_single_field_and_see_the_audit(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    preview = await create_profile(model)
    await model.press(preview, "✅ Confirm")
    await model.wait_for_message(lambda m: "Your profile is ready" in m.text)
    menu = await open_menu(model)
    card = await press(model, menu, "👤 My profile", "Sophie")
    ask = await press(model, card, "Rates", "What are your rates")
    assert "1 h 200 £" in ask.text  # the current value is shown
    await answer(model, "1 h 250 £", "Saved ✅")
    async with db.transaction() as session:
        profile = await session.scalar(select(Profile).where(Profile.user_id == model.id))
        entries = await AuditTrail(session).entries(user_id=model.id, limit=1)
    assert profile is not None
    assert profile.rates == "1 h 250 £"
    assert entries[0].action == "update_profile"
    assert entries[0].details["field"] == "rates"


async def test_reorder_and_remove_media(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    preview = await create_profile(model, photos=3, videos=0)
    await model.press(preview, "✅ Confirm")
    await model.wait_for_message(lambda m: "Your profile is ready" in m.text)
    async with db.transaction() as session:
        before = list(await session.scalars(select(Media).order_by(Media.position)))
    menu = await open_menu(model)
    card = await press(model, menu, "👤 My profile", "Sophie")
    gallery = await press(model, card, "🖼 Manage gallery", "Your gallery")
    assert gallery.button_texts[:3] == ["🖼 Photo 1 (cover)", "🖼 Photo 2", "🖼 Photo 3"]
    await model.press(gallery, "🖼 Photo 3")
    item = await model.wait_for_message(lambda m: "⭐ Make cover" in m.button_texts)
    assert item.file_id == before[2].file_id
    answer_ = await model.press(item, "⭐ Make cover")
    assert "cover" in (answer_.text or "")
    gallery = await model.wait_for_message(lambda m: "Your gallery" in m.text)
    await model.press(gallery, "🖼 Photo 2")
    item = await model.wait_for_message(lambda m: "🗑 Remove" in m.button_texts)
    await model.press(item, "🗑 Remove")
    await model.wait_for_message(lambda m: "Your gallery" in m.text)
    async with db.transaction() as session:
        after = list(await session.scalars(select(Media).order_by(Media.position)))
    assert [m.file_id for m in after] == [before[2].file_id, before[1].file_id]
    assert [m.position for m in after] == [0, 1]
    actions = await audit_actions(db, model.id)
    assert "reorder_media" in actions
    assert "remove_media" in actions


async def test_delete_profile_after_confirmation(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    preview = await create_profile(model)
    await model.press(preview, "✏️ Edit")
    edit_menu = await model.wait_for_message(lambda m: "What would you like to change" in m.text)
    confirm = await press(model, edit_menu, "🗑 Delete profile", "cannot be undone")
    await model.press(confirm, "🗑 Delete everything")
    await model.wait_for_message(lambda m: "Deleted." in m.text)
    async with db.transaction() as session:
        assert (await session.scalars(select(Profile))).all() == []
        assert (await session.scalars(select(OfferType))).all() == []
        assert (await session.scalars(select(Media))).all() == []
    assert (await audit_actions(db, model.id))[-1] == "erase_user"


async def test_bad_input_gets_friendly_messages_and_loses_nothing(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    menu = await open_menu(model)
    await press(model, menu, "📝 Create profile", "Step 1 of 9")
    await model.send("x" * 65)
    too_long = await model.wait_for_message(lambda m: "64" in m.text)
    assert "too long" in too_long.text
    await model.send_sticker()
    await model.wait_for_message(lambda m: "text message" in m.text)
    await model.send("   ")
    await model.wait_for_message(lambda m: "some text" in m.text)
    services = await answer(model, "Sophie", "Step 2 of 9")
    done = await model.press(services, "✔️ Done")
    assert done.show_alert
    assert "at least one service" in (done.text or "")

    # An old button from an earlier step no longer acts.
    stale = await model.press(too_long, "⬅️ Back")
    assert stale.text is None or "no longer" not in stale.text
    await model.wait_for_message(lambda m: "Step 1 of 9" in m.text)


async def test_media_step_refuses_other_files_and_overflow(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    preview = await create_profile(model, photos=9, videos=0)
    await model.press(preview, "✏️ Edit")
    edit_menu = await model.wait_for_message(lambda m: "What would you like to change" in m.text)
    await press(model, edit_menu, "➕ Add photos/videos", "Photos 9/10")
    await model.send_document()
    await model.wait_for_message(lambda m: "documents" in m.text)
    await model.send_voice()
    await model.wait_for_message(lambda m: "documents" in m.text)
    await model.send_album(photos=3)
    receipt = await model.wait_for_message(
        lambda m: m.text.startswith("Saved ✅") and "2 photos not added" in m.text
    )
    assert "Photos 10/10" in receipt.text
    async with db.transaction() as session:
        assert len((await session.scalars(select(Media))).all()) == 10


async def test_the_group_never_gets_wizard_questions(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    from telegram_sandbox.client import SimGroup

    model = await approved_model(emulator, db)
    group: SimGroup = emulator.chat(-1_001_234_567_890)  # type: ignore[assignment]
    group.add_member(model)
    menu = await open_menu(model)
    await press(model, menu, "📝 Create profile", "Step 1 of 9")
    await model.send("Sophie", chat=group)
    await model.send("/available@available_now_bot", chat=group)
    assert all("Step" not in m.text for m in group.bot_messages())


async def _edit_menu_from_preview(model: SimUser) -> MessageView:
    preview = await create_profile(model)
    await model.press(preview, "✏️ Edit")
    return await model.wait_for_message(lambda m: "What would you like to change" in m.text)


async def _profile(db: Database, user_id: int) -> Profile:
    async with db.transaction() as session:
        profile = await session.scalar(select(Profile).where(Profile.user_id == user_id))
    assert profile is not None
    return profile


async def test_an_edited_field_is_saved_and_she_lands_back_on_the_edit_menu(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    edit_menu = await _edit_menu_from_preview(model)
    ask = await press(model, edit_menu, "About", "Tell clients about yourself")
    assert "Editing" in ask.text
    assert "Step" not in ask.text
    assert "Warm &amp; discreet &lt;3" in ask.html  # her current answer, shown as she typed it
    saved = await answer(model, "Kind and curious", "Saved ✅")
    assert "What would you like to change" in saved.text
    assert "🗑 Delete profile" in saved.button_texts
    assert (await _profile(db, model.id)).about == "Kind and curious"

    # Back from an edit returns to the menu and changes nothing.
    ask = await press(model, saved, "Rates", "What are your rates")
    menu = await press(model, ask, "⬅️ Back", "What would you like to change")
    assert "Saved" not in menu.text
    assert (await _profile(db, model.id)).rates == "1 h 200 £"

    # An optional answer is cleared while editing, never skipped.
    ask = await press(model, menu, "Disclaimer", "Anything clients must know")
    assert "⏭ Skip" not in ask.button_texts
    await model.send("Adults only.")
    menu = await model.wait_for_message(lambda m: "Saved ✅" in m.text)
    ask = await press(model, menu, "Disclaimer", "Adults only.")
    await press(model, ask, "🗑 Clear", "Saved ✅")
    assert (await _profile(db, model.id)).disclaimer is None


async def test_cancel_while_editing_says_the_edit_stopped(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    edit_menu = await _edit_menu_from_preview(model)
    ask = await press(model, edit_menu, "Name", "What name")
    stopped = await press(model, ask, "✖️ Cancel", "Stopped editing")
    assert "📝 Continue profile" in stopped.button_texts
    # The question is closed: her next message is not taken as a name.
    await answer(model, "Someone else", "I did not understand")
    assert (await _profile(db, model.id)).name == "Sophie"


async def test_a_half_answered_service_asks_its_second_question_while_editing(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    edit_menu = await _edit_menu_from_preview(model)
    services = await press(model, edit_menu, "Services", "Which services")
    assert "Editing" in services.text
    platforms = await press(model, services, "📹 Video calls", "Which platforms")
    assert "Editing" in platforms.text
    payment = await answer(model, "FaceTime", "How do clients pay for video calls")
    # Back from the second question goes to the first, still editing.
    await press(model, payment, "⬅️ Back", "Which platforms")
    await answer(model, "Zoom", "How do clients pay for video calls")
    services = await answer(model, "PayPal", "Video calls ✅")
    assert "Editing" in services.text

    # A service already set up is changed through the same questions.
    options = await press(model, services, "📍 In person ✅", "Change or remove it?")
    kinds = await press(model, options, "✏️ Change", "Do you host")
    await press(model, kinds, "Outcall only", "Where?")
    services = await answer(model, "Mayfair", "In person ✅")
    menu = await press(model, services, "✔️ Done", "Saved ✅")
    assert "What would you like to change" in menu.text

    async with db.transaction() as session:
        profile = await session.scalar(select(Profile).where(Profile.user_id == model.id))
        assert profile is not None
        offers = {
            o.service_type: o
            for o in await session.scalars(
                select(OfferType).where(OfferType.profile_id == profile.id)
            )
        }
    assert (offers["facetime"].facetime_platforms, offers["facetime"].facetime_payment) == (
        "Zoom",
        "PayPal",
    )
    assert (offers["in_person"].in_person_type, offers["in_person"].in_person_location) == (
        "Outcall Only",
        "Mayfair",
    )


async def test_an_edit_in_progress_survives_a_restart(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    edit_menu = await _edit_menu_from_preview(model)
    await press(model, edit_menu, "Rates", "What are your rates")
    await bot.restart()
    # Still editing after the restart: the answer returns her to the menu, not to step 7.
    menu = await answer(model, "1 h 300 £", "Saved ✅")
    assert "What would you like to change" in menu.text
    assert (await _profile(db, model.id)).rates == "1 h 300 £"
