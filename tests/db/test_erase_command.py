"""`available-now erase USER_ID` on both databases: the same erasure, from the command line."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL
from typer.testing import CliRunner, Result

from available_now.cli import app
from available_now.db import migrate
from available_now.db.database import Database
from available_now.db.encryption import generate_key
from available_now.db.models import AuditLog, Listing, Profile, ScheduledDeletion, User
from available_now.db.url import to_async_url
from available_now.domain.audit import ApprovalSource
from available_now.domain.clock import ManualClock
from available_now.domain.profiles import ContactMethod, ServiceOffer, ServiceType
from available_now.domain.users import TelegramIdentity
from available_now.services.listings import ListingService
from available_now.services.profiles import ProfileService
from available_now.services.users import UserService
from tests.data_key import TEST_KEY

from .posting import post_accepted

GROUP = -1_001_234_567_890
HER = TelegramIdentity(id=5_800_000_001, username="erin_e", first_name="Erin", last_name="E")
POST_ID = 4242


async def _live_model(db: Database, clock: ManualClock) -> None:
    await UserService(db).register_seen(HER)
    await UserService(db).approve_many([HER.id], source=ApprovalSource.APPROVED_ADMINS)
    profiles = ProfileService(db, clock=clock)
    await profiles.start(HER.id, "Erin")
    await profiles.save_service(HER.id, ServiceOffer(ServiceType.OTHER, other_service="Tea"))
    await profiles.set_text(HER.id, "about", "Erin's own words")
    await profiles.set_contact(HER.id, ContactMethod.EMAIL, "erin@example.com")
    await profiles.set_text(HER.id, "rates", "Ask")
    assert await profiles.complete(HER.id) == []
    listings = ListingService(db, durations=[2], clock=clock)
    started = await listings.start(HER.id, GROUP, 2)
    assert started.listing is not None
    assert await post_accepted(db, clock, POST_ID)


async def _erase(
    database_url: URL, *args: str, answer: str | None = None, key: str | None = TEST_KEY
) -> Result:
    """The command in a thread of its own: it runs its own event loop, as from a shell."""
    env = {"DATABASE_URL": database_url.render_as_string(hide_password=False)}
    if key is not None:
        env["DATA_ENCRYPTION_KEY"] = key
    return await asyncio.to_thread(CliRunner().invoke, app, ["erase", *args], env=env, input=answer)


def _exists(path: Path) -> bool:
    return path.exists()


async def _audit_rows(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(AuditLog)) or 0)


async def test_erase_removes_her_and_queues_her_post_for_the_worker(
    db: Database, database_url: URL
) -> None:
    clock = ManualClock(at=datetime.now(UTC))
    await _live_model(db, clock)

    result = await _erase(database_url, str(HER.id), "--yes")

    assert result.exit_code == 0, result.output
    (line,) = result.output.splitlines()
    assert line.startswith(f"Erased user {HER.id}: a profile, 0 photo(s)")
    assert "1 group post(s) queued for removal by the running bot's worker" in line
    async with db.read() as session:
        assert await session.scalar(select(Profile).where(Profile.user_id == HER.id)) is None
        assert await session.scalar(select(Listing).where(Listing.user_id == HER.id)) is None
        account = await session.get(User, HER.id)
        queued = (await session.scalars(select(ScheduledDeletion))).all()
        erased = await session.scalar(select(AuditLog).where(AuditLog.action == "erase_user"))
    assert account is not None
    assert account.is_approved_admin
    assert (account.username, account.first_name, account.last_name) == (None, None, None)
    assert [(q.chat_id, q.message_id, q.listing_id, q.deleted_at) for q in queued] == [
        (GROUP, POST_ID, None, None)
    ]
    assert queued[0].delete_after <= datetime.now(UTC)
    assert erased is not None
    assert erased.user_id is None
    assert erased.details["requested_by"] == "operator"
    assert erased.details["target_user_id"] == HER.id
    assert (erased.details["services"], erased.details["posts"]) == (1, 1)
    for value in ("Erin", "erin", "example.com", "Tea"):
        assert value not in str(erased.details), value


@pytest.mark.parametrize("key", [None, generate_key()], ids=["no key", "a wrong key"])
async def test_erase_needs_no_data_key(db: Database, database_url: URL, key: str | None) -> None:
    """A lost or wrong key must not keep her on file: erasing reads nothing it would keep."""
    clock = ManualClock(at=datetime.now(UTC))
    await _live_model(db, clock)

    result = await _erase(database_url, str(HER.id), "--yes", key=key)

    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Erased user {HER.id}: a profile, 0 photo(s)")
    async with db.read() as session:
        assert await session.scalar(select(Profile).where(Profile.user_id == HER.id)) is None
        account = await session.get(User, HER.id)
        erased = await session.scalar(select(AuditLog).where(AuditLog.action == "erase_user"))
    assert account is not None
    assert (account.username, account.first_name, account.last_name) == (None, None, None)
    assert erased is not None
    assert (erased.details["services"], erased.details["posts"]) == (1, 1)


async def test_erase_of_an_unknown_id_says_so_and_changes_nothing(
    db: Database, database_url: URL
) -> None:
    await UserService(db).register_seen(HER)
    before = await _audit_rows(db)

    result = await _erase(database_url, "1", "--yes")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["No user 1 is known to the bot; nothing was changed."]
    assert await _audit_rows(db) == before


async def test_erase_asks_first_and_no_keeps_everything(db: Database, database_url: URL) -> None:
    await UserService(db).register_seen(HER)
    before = await _audit_rows(db)

    result = await _erase(database_url, str(HER.id), answer="n\n")

    assert result.exit_code != 0
    assert "cannot be undone" in result.output
    async with db.read() as session:
        account = await session.get(User, HER.id)
    assert account is not None
    assert account.first_name == "Erin"
    assert await _audit_rows(db) == before


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_an_erased_account_is_erased_once(db: Database, database_url: URL) -> None:
    await UserService(db).register_seen(HER)
    assert (await _erase(database_url, str(HER.id), "--yes")).exit_code == 0
    before = await _audit_rows(db)

    result = await _erase(database_url, str(HER.id), "--yes")

    assert result.output.splitlines() == [
        f"User {HER.id} has nothing left to erase; nothing was changed."
    ]
    assert await _audit_rows(db) == before


async def test_erase_on_a_mistyped_or_older_database_says_so_and_creates_nothing(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "typo.db"
    result = await _erase(to_async_url(f"sqlite:///{missing}"), str(HER.id), "--yes")
    assert result.exit_code == 2
    assert result.output.strip() == f"error: there is no database at {missing}: check DATABASE_URL"
    assert not _exists(tmp_path / "typo.db")
    assert not _exists(tmp_path / "typo.db.key")

    older = to_async_url(f"sqlite:///{tmp_path / 'older.db'}")
    await migrate.upgrade(older, "0009")
    result = await _erase(older, str(HER.id), "--yes")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "error: the database is not at the newest revision: run `available-now db upgrade` first"
    )
    assert await migrate.current_revision(older) == "0009"
