"""Delete means gone, and her data is hers: stories of deleting, erasing and exporting.

The first story runs on a SQLite file of its own and reads its bytes (the database, its -wal
and -shm) after she deleted her profile: none of what she typed may be left in them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from available_now.db.database import Database
from available_now.db.models import ConversationState, Listing, Media, Profile, User
from available_now.db.url import to_async_url
from available_now.domain.clock import ManualClock
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import MessageView, SimGroup, SimUser

from ..audit import audit_actions
from .harness import OWNER_ID, InProcessBot, in_process_bot, settings_for
from .stories import answer, approved_model, complete_profile, go_live, open_menu, press

pytestmark = pytest.mark.e2e

PHONE_TYPED = "+44 20 7946 0321"
PHONE_STORED = "+442079460321"
ABOUT = "Quietly luminous heron whisperer"
LOCATION = "Marrowbone Quay"
RATES = "Ninety nightjars an hour"
NAME = "Valentina"
USERNAME = "valentina_quay"
HER_VALUES = (PHONE_STORED, "2079460321", ABOUT, LOCATION, RATES, USERNAME)


async def build_profile(user: SimUser) -> MessageView:
    """The whole wizard with this story's own values; returns the preview."""
    menu = await open_menu(user)
    await press(user, menu, "📝 Create profile", "Step 1 of 9")
    services = await answer(user, NAME, "Step 2 of 9")
    kinds = await press(user, services, "📍 In person", "incall")
    await press(user, kinds, "Incall & outcall", "Where?")
    services = await answer(user, LOCATION, "Which services")
    await press(user, services, "✔️ Done", "Step 3 of 9")
    contact = await answer(user, ABOUT, "Step 4 of 9")
    await press(user, contact, "📞 Phone", "phone number")
    social = await answer(user, PHONE_TYPED, "Step 5 of 9")
    await press(user, social, "⏭ Skip", "Step 6 of 9")
    disclaimer = await answer(user, RATES, "Step 7 of 9")
    await press(user, disclaimer, "⏭ Skip", "Step 8 of 9")
    await user.send_album(photos=2, videos=1)
    receipt = await user.wait_for_message(lambda m: m.text.startswith("Saved ✅"))
    await user.press(receipt, "✔️ Done")
    return await user.wait_for_message(lambda m: "✅ Confirm" in m.button_texts)


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    return tmp_path / "gone.db"


@pytest.fixture
async def file_bot(
    emulator: BotAPIEmulator, group: SimGroup, sqlite_file: Path, clock: ManualClock
) -> AsyncIterator[InProcessBot]:
    url = to_async_url(f"sqlite:///{sqlite_file}")
    async with in_process_bot(settings_for(emulator, url), clock) as running:
        yield running


async def test_a_deleted_profile_leaves_nothing_of_hers_in_the_sqlite_files(
    emulator: BotAPIEmulator, group: SimGroup, file_bot: InProcessBot, sqlite_file: Path
) -> None:
    assert file_bot.app is not None
    db = file_bot.app.db
    model = await approved_model(emulator, db, first_name=NAME, username=USERNAME)
    preview = await build_profile(model)
    await model.press(preview, "✅ Confirm")
    await model.wait_for_message(lambda m: "Your profile is ready" in m.text)
    await go_live(model)
    assert any(LOCATION in m.text for m in group.bot_messages())

    menu = await open_menu(model)
    card = await press(model, menu, "👤 My profile", "🗑 Delete profile")
    confirm = await press(model, card, "🗑 Delete profile", "cannot be undone")
    for removed in (
        "your profile with 2 photos and 1 video",
        "1 service you offer",
        "your live listing and its post in the group",
        "the record of 1 listing",
        "your name, username and language in our records",
    ):
        assert removed in confirm.text, removed
    assert confirm.button_texts == ["🗑 Delete everything", "⬅️ Keep my profile"]
    await model.press(confirm, "🗑 Delete everything")
    done = await model.wait_for_message(lambda m: "Deleted." in m.text)
    assert "your live listing and its post in the group" in done.text
    assert "Kept:" in done.text

    await file_bot.expiry_pass()
    assert group.bot_messages() == []

    files = _database_files(sqlite_file)
    assert sqlite_file.name in files
    for name, stored in files.items():
        for value in HER_VALUES:
            assert value.encode() not in stored, f"{value!r} is still in {name}"

    async with db.read() as session:
        details = [row[0] for row in await session.execute(text("SELECT details FROM audit_log"))]
        account = await session.get(User, model.id)
        left = [
            await session.scalar(select(model_class).where(column == model.id))
            for model_class, column in (
                (Profile, Profile.user_id),
                (Listing, Listing.user_id),
            )
        ]
        media = (await session.scalars(select(Media))).all()
        keys = (await session.scalars(select(ConversationState.key))).all()
    trail = json.dumps(details, ensure_ascii=False)
    for value in (*HER_VALUES, NAME):
        assert value not in trail, value
    erased = [json.loads(d) if isinstance(d, str) else d for d in details]
    counts = next(d for d in erased if d.get("requested_by") == "self")
    assert {k: counts[k] for k in ("photos", "videos", "services", "listings", "posts")} == {
        "photos": 2,
        "videos": 1,
        "services": 1,
        "listings": 1,
        "posts": 1,
    }
    assert account is not None
    assert account.is_approved_admin
    assert _personal_columns(account) == dict.fromkeys(_personal_columns(account))
    assert left == [None, None]
    assert media == []
    assert not [key for key in keys if f":{model.id}:" in key]


def _database_files(database: Path) -> dict[str, bytes]:
    """The bytes of the database file and of its -wal and -shm files, as they are on disk."""
    paths = [Path(f"{database}{suffix}") for suffix in ("", "-wal", "-shm")]
    return {path.name: path.read_bytes() for path in paths if path.exists()}


def _personal_columns(account: User) -> dict[str, Any]:
    names = ("username", "first_name", "last_name", "language", "language_code")
    more = ("access_requested_at", "last_seen_at")
    return {name: getattr(account, name) for name in (*names, *more)}


async def test_a_revoked_model_can_still_delete_her_profile(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia")
    await open_menu(owner)
    model = await approved_model(emulator, db, user_id=5_700_000_001)
    await complete_profile(model)
    await go_live(model)
    await owner.send(f"/revoke {model.id}")
    await model.wait_for_message(lambda m: "access was withdrawn" in m.text)
    await bot.expiry_pass()
    assert group.bot_messages() == []

    menu = await open_menu(model)
    assert "🙋 Request access" in menu.button_texts
    assert {"📦 Export my data", "🗑 Delete my data"} <= set(menu.button_texts)
    confirm = await press(model, menu, "🗑 Delete my data", "cannot be undone")
    assert "your profile with 2 photos" in confirm.text
    await model.press(confirm, "🗑 Delete everything")
    await model.wait_for_message(lambda m: "Deleted." in m.text)
    async with db.read() as session:
        assert await session.scalar(select(Profile).where(Profile.user_id == model.id)) is None
        account = await session.get(User, model.id)
    assert account is not None
    assert not account.is_approved_admin
    assert account.first_name is None
    assert (await audit_actions(db, model.id))[-1] == "erase_user"

    menu = await open_menu(model)
    assert "🗑 Delete my data" not in menu.button_texts


async def test_keep_my_profile_deletes_nothing_and_a_forged_confirmation_is_refused(
    emulator: BotAPIEmulator, bot: InProcessBot, db: Database
) -> None:
    sophie = await approved_model(emulator, db)
    await complete_profile(sophie)
    mallory = await approved_model(emulator, db, user_id=5_700_000_009, first_name="Mallory")
    mallory_menu = await open_menu(mallory)

    menu = await open_menu(sophie)
    card = await press(sophie, menu, "👤 My profile", "🗑 Delete profile")
    confirm = await press(sophie, card, "🗑 Delete profile", "cannot be undone")
    erase_data = confirm.button("🗑 Delete everything").callback_data
    assert erase_data is not None

    # Mallory sends Sophie's button's data, and then her own id on a message without it.
    refused = await mallory.press_forged(confirm, erase_data)
    assert refused.text is not None
    assert "not yours" in refused.text
    own = erase_data.replace(str(sophie.id), str(mallory.id))
    refused = await mallory.press_forged(mallory_menu, own)
    assert refused.text is not None
    assert "not yours" in refused.text

    await sophie.press(confirm, "⬅️ Keep my profile")
    await sophie.wait_for_message(lambda m: "Nothing was deleted" in m.text)
    async with db.read() as session:
        for user_id in (sophie.id, mallory.id):
            account = await session.get(User, user_id)
            assert account is not None
            assert account.first_name is not None
        assert await session.scalar(select(Profile).where(Profile.user_id == sophie.id))
    assert "erase_user" not in await audit_actions(db)


async def test_her_export_holds_everything_of_hers_and_nothing_of_anyone_else(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    other = await approved_model(
        emulator, db, user_id=5_700_000_002, first_name="Oriane", username="oriane_other"
    )
    await complete_profile(other)
    await go_live(other)
    model = await approved_model(emulator, db, first_name=NAME, username=USERNAME)
    preview = await build_profile(model)
    await model.press(preview, "✅ Confirm")
    await model.wait_for_message(lambda m: "Your profile is ready" in m.text)
    await go_live(model)

    await model.send("/mydata")
    document = await model.wait_for_message(lambda m: m.kind == "document")
    assert "Everything this bot stores about you" in document.text
    assert "🗑 Delete my data" in document.button_texts
    raw = _document_bytes(emulator, document)
    export = json.loads(raw)

    assert export["account"]["id"] == model.id
    assert export["account"]["first_name"] == NAME
    assert export["account"]["username"] == USERNAME
    assert export["profile"]["name"] == NAME
    assert export["profile"]["phone"] == PHONE_STORED
    assert export["profile"]["about"] == ABOUT
    assert [s["in_person_location"] for s in export["services"]] == [LOCATION]
    async with db.read() as session:
        stored = (
            await session.scalars(
                select(Media.file_id)
                .join(Profile, Profile.id == Media.profile_id)
                .where(Profile.user_id == model.id)
            )
        ).all()
    assert sorted(m["file_id"] for m in export["media"]) == sorted(stored)
    assert sorted(m["type"] for m in export["media"]) == ["image", "image", "video"]
    (listing,) = export["listings"]
    assert listing["posted_at"] < listing["expires_at"]
    assert listing["ended_at"] is None
    actions = [entry["action"] for entry in export["audit_entries"]]
    assert {"approve_user", "create_profile", "complete_profile", "mark_available"} <= set(actions)
    assert all(entry["at"] for entry in export["audit_entries"])
    text_of_it = raw.decode()
    for theirs in (str(other.id), "Oriane", "oriane_other", "+442079460958", "Central London"):
        assert theirs not in text_of_it, theirs

    # The same file from her profile menu's button.
    menu = await open_menu(model)
    card = await press(model, menu, "👤 My profile", "📦 Export my data")
    await model.press(card, "📦 Export my data")
    again = await model.wait_for_message(lambda m: m.kind == "document")
    assert json.loads(_document_bytes(emulator, again))["profile"]["phone"] == PHONE_STORED


def _document_bytes(emulator: BotAPIEmulator, message: MessageView) -> bytes:
    assert message.file_id is not None
    return emulator.world.files[message.file_id].data
