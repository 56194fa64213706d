"""Contact details, links and locations are stored encrypted, on both databases.

The raw columns are read with plain SQL, as someone holding a copy of the database would read
them: they must hold Fernet tokens, never her phone number.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import StatementError

from available_now.db import reencryption
from available_now.db.database import Database
from available_now.db.encryption import DataCipher, DataKeyError, generate_key, looks_encrypted
from available_now.db.models import OfferType, Profile, User
from available_now.db.repositories.audit import AuditTrail
from available_now.db.types import EncryptedComparisonError
from available_now.domain.audit import AuditAction
from available_now.services.data_keys import DataKeyService

from ..data_key import TEST_CIPHER

HER = {
    "phone": "+442079460958",
    "email": "sophie@example.com",
    "telegram_username": "sophie_private",
    "social_links": "https://instagram.com/sophie.private",
}
LOCATION = "Central London, near Holborn"
ENCRYPTED = (
    ("profiles", "phone"),
    ("profiles", "email"),
    ("profiles", "telegram_username"),
    ("profiles", "social_links"),
    ("offer_types", "in_person_location"),
)


async def _add_model(db: Database, user_id: int, **details: str) -> None:
    async with db.transaction() as session:
        session.add(User(id=user_id, first_name="Sophie"))
        profile = Profile(user_id=user_id, name="Sophie", **(HER | details))
        profile.offer_types.append(
            OfferType(
                service_type="in_person", in_person_type="Incall Only", in_person_location=LOCATION
            )
        )
        session.add(profile)


async def _stored(db: Database) -> list[str | None]:
    """Every encrypted column's raw values, read without the column type."""
    values: list[str | None] = []
    async with db.read() as session:
        for table, column in ENCRYPTED:
            values.extend(await session.scalars(text(f"SELECT {column} FROM {table}")))  # noqa: S608
    return values


async def _profile(db: Database, user_id: int) -> Profile:
    async with db.read() as session:
        profile = await session.scalar(select(Profile).where(Profile.user_id == user_id))
        assert profile is not None
        await session.refresh(profile, ["offer_types"])
    return profile


@pytest.fixture
async def other_database(database_url: URL) -> AsyncIterator[list[Database]]:
    """Databases opened on the test database with other keys; disposed at the end."""
    opened: list[Database] = []
    yield opened
    for db in opened:
        await db.dispose()


def _open(url: URL, opened: list[Database], *keys: str) -> Database:
    db = Database.from_url(url, pool_size=1, cipher=DataCipher(list(keys)))
    opened.append(db)
    return db


async def test_details_are_stored_as_tokens_and_read_as_text(db: Database) -> None:
    await _add_model(db, 1)
    stored = await _stored(db)
    assert len(stored) == len(ENCRYPTED)
    for value in stored:
        assert value is not None
        assert looks_encrypted(value)
        # Fragments long enough that a random token does not hold them by chance ("7946" is
        # in about one Fernet token in 60,000).
        fragments = [*HER.values(), LOCATION, "2079460958", "London"]
        assert not any(part in value for part in fragments)
    assert sorted(TEST_CIPHER.decrypt(value) for value in stored if value) == sorted(
        [*HER.values(), LOCATION]
    )
    profile = await _profile(db, 1)
    assert {name: getattr(profile, name) for name in HER} == HER
    assert profile.offer_types[0].in_person_location == LOCATION


async def test_an_engine_without_a_key_refuses_to_write_a_detail(database_url: URL) -> None:
    keyless = Database.from_url(database_url, pool_size=1)
    try:
        with pytest.raises(StatementError) as raised:
            await _add_user_with_phone(keyless)
        assert isinstance(raised.value.orig, DataKeyError)
        async with keyless.read() as session:
            assert await session.scalar(text("SELECT count(*) FROM profiles")) == 0
    finally:
        await keyless.dispose()


async def _add_user_with_phone(db: Database) -> None:
    async with db.transaction() as session:
        session.add(User(id=2))
        session.add(Profile(user_id=2, name="Ann", phone="+442079460958"))


def test_a_query_comparing_a_detail_with_a_value_is_refused() -> None:
    with pytest.raises(EncryptedComparisonError):
        select(Profile).where(Profile.phone == "+442079460958")
    with pytest.raises(EncryptedComparisonError):
        select(OfferType).where(OfferType.in_person_location.in_([LOCATION]))
    # Asking whether there is a value at all is fine.
    select(Profile).where(Profile.telegram_username.is_not(None))


async def test_plain_text_from_before_is_read_then_encrypted_by_the_start_up_pass(
    db: Database,
) -> None:
    await _add_model(db, 1)
    async with db.transaction() as session:
        await session.execute(
            text("UPDATE profiles SET phone = :phone, email = NULL"), {"phone": "+34600111222"}
        )
        await session.execute(text("UPDATE offer_types SET in_person_location = 'Madrid'"))
    profile = await _profile(db, 1)
    assert (profile.phone, profile.email) == ("+34600111222", None)
    assert profile.offer_types[0].in_person_location == "Madrid"

    keys = DataKeyService(db)
    counts = await keys.encrypt_plaintext()
    assert (counts.rows_checked, counts.rows_reencrypted) == (2, 2)
    stored = await _stored(db)
    assert all(looks_encrypted(value) for value in stored if value is not None)
    assert "+34600111222" not in str(stored)
    profile = await _profile(db, 1)
    assert profile.phone == "+34600111222"
    assert profile.offer_types[0].in_person_location == "Madrid"
    async with db.read() as session:
        entries = await AuditTrail(session).entries(action=AuditAction.ENCRYPT_PLAINTEXT_DETAILS)
    assert [entry.details for entry in entries] == [
        {"rows_checked": 2, "rows_reencrypted": 2, "key_count": 1, "completed": True}
    ]
    # Nothing is left to do, and a pass that did nothing leaves no audit row.
    assert await keys.encrypt_plaintext() == type(counts)(0, 0)
    async with db.read() as session:
        assert (
            len(await AuditTrail(session).entries(action=AuditAction.ENCRYPT_PLAINTEXT_DETAILS))
            == 1
        )


async def test_rotation_puts_every_value_under_the_newest_key_and_resumes(
    database_url: URL, other_database: list[Database]
) -> None:
    old_key, new_key = generate_key(), generate_key()
    under_old = _open(database_url, other_database, old_key)
    for user_id in range(1, 6):
        await _add_model(under_old, user_id, phone=f"+4420794609{user_id:02d}")

    both = _open(database_url, other_database, new_key, old_key)
    keys = DataKeyService(both)
    assert await keys.rows_to_rotate() == 10  # five profiles, five services

    # A first run stops after its first committed batch of two rows.
    def stop(_batch: reencryption.WalkCounts) -> None:
        raise InterruptedError

    assert both.cipher is not None
    with pytest.raises(InterruptedError):
        await reencryption.walk(
            both, both.cipher, reencryption.Pass.ROTATE, batch_size=2, on_batch=stop
        )
    newest = DataCipher([new_key])
    current = [value for value in await _stored(both) if value and newest.is_current(value)]
    assert len(current) == 2 * 4  # two profiles, four details each

    seen: list[int] = []
    counts = await keys.rotate(seen.append)
    assert (counts.rows_checked, counts.rows_reencrypted) == (10, 8)
    assert sum(seen) == 10
    assert all(newest.is_current(value) for value in await _stored(both) if value is not None)

    only_new = _open(database_url, other_database, new_key)
    profile = await _profile(only_new, 3)
    assert profile.phone == "+442079460903"
    assert profile.offer_types[0].in_person_location == LOCATION

    again = await DataKeyService(only_new).rotate()
    assert (again.rows_checked, again.rows_reencrypted) == (10, 0)
    async with only_new.read() as session:
        entries = await AuditTrail(session).entries(action=AuditAction.ROTATE_DATA_KEY)
    assert [entry.details for entry in reversed(entries)] == [
        {"rows_checked": 10, "rows_reencrypted": 8, "key_count": 2, "completed": True},
        {"rows_checked": 10, "rows_reencrypted": 0, "key_count": 1, "completed": True},
    ]
    assert all(entry.user_id is None for entry in entries)


async def test_a_wrong_key_is_one_sentence_and_changes_nothing(
    database_url: URL, other_database: list[Database]
) -> None:
    right = _open(database_url, other_database, generate_key())
    await _add_model(right, 1)
    before = await _stored(right)

    wrong = _open(database_url, other_database, generate_key())
    keys = DataKeyService(wrong)
    with pytest.raises(DataKeyError) as checked:
        await keys.check_keys()
    assert "cannot be decrypted with DATA_ENCRYPTION_KEY" in str(checked.value)
    assert "\n" not in str(checked.value)
    with pytest.raises(DataKeyError):
        await keys.rotate()
    assert await _stored(right) == before
