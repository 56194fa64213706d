"""Steps users take again and again, written once so each test reads like a story."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from available_now.db.database import Database
from available_now.db.models import Listing, ScheduledDeletion
from available_now.domain.audit import ApprovalSource
from available_now.domain.profiles import ContactMethod, ServiceOffer, ServiceType
from available_now.services.profiles import ProfileService
from available_now.services.users import UserService
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import MessageView, SimUser


async def approved_model(
    emulator: BotAPIEmulator,
    db: Database,
    *,
    user_id: int = 5_000_000_001,
    first_name: str = "Sophie",
    username: str | None = "sophie",
) -> SimUser:
    model = emulator.user(user_id=user_id, first_name=first_name, username=username)
    await UserService(db).approve_many([user_id], source=ApprovalSource.APPROVED_ADMINS)
    return model


async def ready_model(emulator: BotAPIEmulator, db: Database, user_id: int, name: str) -> SimUser:
    """An approved model with a finished profile, set up through the services (no wizard)."""
    model = await approved_model(emulator, db, user_id=user_id, first_name=name, username=None)
    profiles = ProfileService(db)
    await profiles.start(user_id, name)
    await profiles.save_service(user_id, ServiceOffer(ServiceType.OTHER, other_service="Dinner"))
    await profiles.set_text(user_id, "about", "Hi")
    await profiles.set_contact(user_id, ContactMethod.EMAIL, f"m{user_id}@example.com")
    await profiles.set_text(user_id, "rates", "Ask")
    assert await profiles.complete(user_id) == []
    return model


async def open_menu(user: SimUser) -> MessageView:
    """/start: the main menu, or for an owner the owner panel."""
    await user.send("/start")
    return await user.wait_for_message(lambda m: "main menu" in m.text or "Owner panel" in m.text)


def shows(message: MessageView, expect: str) -> bool:
    """The message's text or one of its buttons contains `expect`."""
    return expect in message.text or any(expect in label for label in message.button_texts)


async def answer(user: SimUser, text: str, expect: str) -> MessageView:
    """Send a text answer and wait for the bot's next message showing `expect`."""
    await user.send(text)
    return await user.wait_for_message(lambda m: shows(m, expect))


async def press(user: SimUser, message: MessageView, button: str, expect: str) -> MessageView:
    await user.press(message, button)
    return await user.wait_for_message(lambda m: shows(m, expect))


async def create_profile(user: SimUser, *, photos: int = 2, videos: int = 1) -> MessageView:
    """The whole wizard with an in-person service and a phone contact; returns the preview."""
    menu = await open_menu(user)
    await press(user, menu, "📝 Create profile", "Step 1 of 9")
    services = await answer(user, "Sophie", "Step 2 of 9")
    kinds = await press(user, services, "📍 In person", "incall")
    await press(user, kinds, "Incall & outcall", "Where?")
    services = await answer(user, "Central London", "Which services")
    await press(user, services, "✔️ Done", "Step 3 of 9")
    contact = await answer(user, "Warm & discreet <3", "Step 4 of 9")
    await press(user, contact, "📞 Phone", "phone number")
    social = await answer(user, "+44 20 7946 0958", "Step 5 of 9")
    await press(user, social, "⏭ Skip", "Step 6 of 9")
    disclaimer = await answer(user, "1 h 200 £", "Step 7 of 9")
    await press(user, disclaimer, "⏭ Skip", "Step 8 of 9")
    if photos + videos >= 2:
        await user.send_album(photos=photos, videos=videos)
    else:
        await user.send_photo()
        photos, videos = 1, 0
    # The receipt is kept current while an album's items arrive: read it once it counts all.
    counts = f"Photos {photos}/10 · 🎬 Videos {videos}/4"
    receipt = await user.wait_for_message(
        lambda m: m.text.startswith("Saved ✅") and counts in m.text
    )
    await user.press(receipt, "✔️ Done")
    return await user.wait_for_message(lambda m: "✅ Confirm" in m.button_texts)


async def complete_profile(user: SimUser, *, photos: int = 2, videos: int = 0) -> None:
    preview = await create_profile(user, photos=photos, videos=videos)
    await user.press(preview, "✅ Confirm")
    await user.wait_for_message(lambda m: "Your profile is ready" in m.text)


async def go_live(user: SimUser, hours: str = "2 h") -> MessageView:
    """Mark available for `hours`; returns the bot's confirmation."""
    await user.send("/available")
    choice = await user.wait_for_message(lambda m: "For how long" in m.text)
    await user.press(choice, hours)
    live = await user.wait_for_message(lambda m: "You are live" in m.text)
    await user.wait_for_message(lambda m: "is up in the group" in m.text)
    return live


async def backdate_everything(db: Database) -> None:
    """Make every live listing and every pending removal due now, by rewriting their rows.

    Only for a bot in another process, which keeps the system clock; a bot in this process
    shares the test's clock, and the test moves that instead (`InProcessBot.advance`).
    """
    now = datetime.now(UTC) - timedelta(seconds=1)
    async with db.transaction() as session:
        await session.execute(
            update(Listing).where(Listing.deleted_at.is_(None)).values(expires_at=now)
        )
        await session.execute(
            update(ScheduledDeletion)
            .where(ScheduledDeletion.deleted_at.is_(None))
            .values(delete_after=now)
        )


async def eventually(
    check: Callable[[], Awaitable[bool]], *, seconds: float = 10.0, what: str = "condition"
) -> None:
    """Wait for something the bot records just after what the user sees."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds}s")
        await asyncio.sleep(0.05)
