"""Her contact details at rest: encrypted on disk, readable by the bot, under keys that rotate.

The stories run the real bot (in this process, or as `python -m available_now`) and look where
an intruder would: into the database file and its write-ahead log, and at the raw columns.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.engine import URL

from available_now.db import migrate
from available_now.db.database import Database
from available_now.db.encryption import DataCipher, generate_key, looks_encrypted
from available_now.db.repositories.audit import AuditTrail
from available_now.db.url import to_async_url
from available_now.domain.audit import AuditAction
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import SimGroup, SimUser
from tests.cli import run_cli

from ..conftest import PostgresDatabases
from ..data_key import TEST_KEY
from .harness import TOKEN, in_process_bot, settings_for
from .stories import answer, approved_model, complete_profile, go_live, open_menu, press

pytestmark = pytest.mark.e2e

PHONE = "+44 20 7946 0958"
EMAIL = "sophie.private@example.com"
SOCIAL = "https://instagram.com/sophie.secret"
LOCATION = "Marylebone Lane"
ENCRYPTED = (
    ("profiles", "phone"),
    ("profiles", "email"),
    ("profiles", "telegram_username"),
    ("profiles", "social_links"),
    ("offer_types", "in_person_location"),
)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """The common default, under which new files are readable by everyone (0644)."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _sqlite(directory: Path, name: str = "bot.db") -> URL:
    return to_async_url(f"sqlite:///{directory / name}")


async def _email_profile(model: SimUser) -> None:
    """The wizard with an e-mail contact, a social link and an in-person location."""
    menu = await open_menu(model)
    await press(model, menu, "📝 Create profile", "Step 1 of 9")
    services = await answer(model, "Mia", "Step 2 of 9")
    kinds = await press(model, services, "📍 In person", "incall")
    await press(model, kinds, "Incall only", "Where?")
    services = await answer(model, LOCATION, "In person ✅")
    contact = await press(model, services, "✔️ Done", "Step 3 of 9")
    contact = await answer(model, "Kind and calm", "Step 4 of 9")
    await press(model, contact, "✉️ Email", "email address")
    await answer(model, EMAIL, "Step 5 of 9")
    await answer(model, SOCIAL, "Step 6 of 9")
    disclaimer = await answer(model, "1 h 300 £", "Step 7 of 9")
    await press(model, disclaimer, "⏭ Skip", "Step 8 of 9")
    await model.send_photo()
    receipt = await model.wait_for_message(lambda m: m.text.startswith("Saved ✅"))
    await model.press(receipt, "✔️ Done")
    preview = await model.wait_for_message(lambda m: "✅ Confirm" in m.button_texts)
    assert EMAIL in preview.text
    await model.press(preview, "✅ Confirm")
    await model.wait_for_message(lambda m: "Your profile is ready" in m.text)


async def _stored(db: Database) -> list[str]:
    """The encrypted columns' raw values, as plain SQL reads them."""
    values: list[str] = []
    async with db.read() as session:
        for table, column in ENCRYPTED:
            query = text(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")  # noqa: S608
            values.extend(await session.scalars(query))
    return values


async def _member_sees(emulator: BotAPIEmulator, group: SimGroup, *details: str) -> None:
    """A group member taps the newest post's profile button and reads her details."""
    url = group.bot_messages()[-1].button("👤 Full profile & gallery").url
    assert url is not None
    member = emulator.user(user_id=7_000_000_000 + len(group.bot_messages()), first_name="Max")
    group.add_member(member)
    await member.open_link(url)
    profile = await member.wait_for_message(lambda m: details[0] in m.text)
    for detail in details:
        assert detail in profile.text


def _open(url: URL, *keys: str) -> Database:
    return Database.from_url(url, pool_size=1, cipher=DataCipher(list(keys or [TEST_KEY])))


async def test_the_sqlite_files_never_hold_her_details_in_clear(
    emulator: BotAPIEmulator, group: SimGroup, tmp_path: Path
) -> None:
    url = _sqlite(tmp_path)
    files = [tmp_path / name for name in ("bot.db", "bot.db-wal")]
    secrets = [PHONE, "+442079460958", EMAIL, SOCIAL, "sophie.secret", LOCATION, "Central London"]
    db = _open(url)
    try:
        async with in_process_bot(settings_for(emulator, url)):
            sophie = await approved_model(emulator, db)
            await complete_profile(sophie)  # a phone number, in person in Central London
            mia = await approved_model(emulator, db, user_id=5_000_000_002, first_name="Mia")
            await _email_profile(mia)
            await go_live(mia)
            await _member_sees(emulator, group, EMAIL, SOCIAL, LOCATION)
            assert all(file.exists() for file in files)  # the log is still open
            _assert_nowhere_in(files, secrets)
            assert len(await _stored(db)) == 5  # two contacts, her link, two locations
        _assert_nowhere_in([file for file in files if file.exists()], secrets)
    finally:
        await db.dispose()


def _assert_nowhere_in(files: list[Path], secrets: list[str]) -> None:
    for file in files:
        content = file.read_bytes()
        for secret in secrets:
            for form in {secret, secret.lower(), secret.upper()}:
                assert form.encode() not in content, f"{secret!r} is in {file.name}"


@pytest.mark.usefixtures("permissive_umask")
async def test_without_a_key_sqlite_gets_a_private_key_file_once(
    emulator: BotAPIEmulator, group: SimGroup, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = _sqlite(tmp_path)
    key_file = tmp_path / "bot.db.key"
    settings = settings_for(emulator, url, data_encryption_key=None)
    with caplog.at_level(logging.INFO):
        async with in_process_bot(settings):
            await open_menu(emulator.user(user_id=5_000_000_009, first_name="Ann"))
    generated = [r for r in caplog.records if "generated a data key" in r.getMessage()]
    assert len(generated) == 1
    assert str(key_file) in generated[0].getMessage()
    assert _mode(key_file) == 0o600
    assert _mode(tmp_path / "bot.db") == 0o600
    key = key_file.read_text(encoding="ascii").strip()
    Fernet(key)  # a real key
    assert key not in caplog.text

    caplog.clear()
    db = _open(url, key)
    try:
        with caplog.at_level(logging.INFO):
            async with in_process_bot(settings):
                sophie = await approved_model(emulator, db)
                await complete_profile(sophie)
                await go_live(sophie)
                await _member_sees(emulator, group, PHONE, "Central London")
        assert "generated a data key" not in caplog.text
        assert key_file.read_text(encoding="ascii").strip() == key
        assert all(DataCipher([key]).is_current(value) for value in await _stored(db))
    finally:
        await db.dispose()


@pytest.mark.usefixtures("permissive_umask")
async def test_a_lost_key_file_or_a_wrong_key_stops_the_start_and_changes_nothing(
    emulator: BotAPIEmulator, group: SimGroup, tmp_path: Path
) -> None:
    url = _sqlite(tmp_path)
    key_file = tmp_path / "bot.db.key"
    async with in_process_bot(settings_for(emulator, url, data_encryption_key=None)):
        key = key_file.read_text(encoding="ascii").strip()
        db = _open(url, key)
        try:
            sophie = await approved_model(emulator, db)
            await complete_profile(sophie)
        finally:
            await db.dispose()
    db = _open(url, key)
    try:
        before = await _stored(db)
        assert len(before) == 2  # her phone number and her location
        kept = key_file.with_name("kept.key")
        key_file.rename(kept)
        # An address where no Bot API answers: the start must stop before asking Telegram.
        unreachable = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": "http://127.0.0.1:9"}

        code, stdout, stderr = await run_cli(tmp_path, _cli_env(url, None, **unreachable), "run")
        assert code == 2
        assert stderr.strip().splitlines()[-1] == (
            f"error: a stored value cannot be decrypted: DATA_ENCRYPTION_KEY is not set and the "
            f"key file {key_file} was missing (put the database's key file back, or set "
            "DATA_ENCRYPTION_KEY to its key)"
        )
        assert "generated a data key" not in stderr
        assert "Traceback" not in stderr + stdout
        assert not key_file.exists()  # no new key to mistake for hers next time
        assert await _stored(db) == before

        env = _cli_env(url, generate_key(), **unreachable)
        code, stdout, stderr = await run_cli(tmp_path, env, "run")
        assert code == 2
        assert stderr.strip().splitlines()[-1] == (
            "error: a stored value cannot be decrypted with DATA_ENCRYPTION_KEY: "
            "a key it was encrypted with is missing"
        )
        assert not key_file.exists()
        assert await _stored(db) == before

        # A key file that holds another key is named, and left as it is: it is not the bot's.
        other = generate_key()
        key_file.write_text(other + "\n", encoding="ascii")
        code, _, stderr = await run_cli(tmp_path, _cli_env(url, None, **unreachable), "run")
        assert code == 2
        assert stderr.strip().splitlines()[-1] == (
            f"error: a stored value cannot be decrypted with the key file {key_file}: "
            "a key it was encrypted with is missing"
        )
        assert key_file.read_text(encoding="ascii").strip() == other
        assert await _stored(db) == before

        # The key file put back, the bot starts and reads her details as before.
        kept.replace(key_file)
        async with in_process_bot(settings_for(emulator, url, data_encryption_key=None)):
            await go_live(sophie)
            await _member_sees(emulator, group, PHONE, "Central London")
        assert await _stored(db) == before
    finally:
        await db.dispose()


async def test_plain_text_from_an_older_version_is_encrypted_at_start_up(
    emulator: BotAPIEmulator, group: SimGroup, database_url: URL
) -> None:
    db = _open(database_url)
    try:
        async with in_process_bot(settings_for(emulator, database_url)) as running:
            sophie = await approved_model(emulator, db)
            await complete_profile(sophie)
            await running.stop()
            # As an older version stored it: in clear.
            async with db.transaction() as session:
                await session.execute(text("UPDATE profiles SET phone = '+442079460958'"))
                await session.execute(
                    text("UPDATE offer_types SET in_person_location = 'Central London'")
                )
            await running.start()
            stored = await _stored(db)
            assert len(stored) == 2
            assert all(looks_encrypted(value) for value in stored)
            await go_live(sophie)
            await _member_sees(emulator, group, PHONE, "Central London")
        async with db.read() as session:
            entries = await AuditTrail(session).entries(
                action=AuditAction.ENCRYPT_PLAINTEXT_DETAILS
            )
        assert [entry.details for entry in entries] == [
            {"rows_checked": 2, "rows_reencrypted": 2, "key_count": 1, "completed": True}
        ]
    finally:
        await db.dispose()


async def test_rotation_moves_every_detail_to_the_new_key_and_the_bot_still_reads_them(
    emulator: BotAPIEmulator, group: SimGroup, database_url: URL, tmp_path: Path
) -> None:
    old_key, new_key = generate_key(), generate_key()
    db = _open(database_url, old_key)
    try:
        async with in_process_bot(
            settings_for(emulator, database_url, data_encryption_key=old_key)
        ):
            sophie = await approved_model(emulator, db)
            await complete_profile(sophie)
            mia = await approved_model(emulator, db, user_id=5_000_000_002, first_name="Mia")
            await _email_profile(mia)

        env = _cli_env(database_url, f"{new_key},{old_key}")
        code, stdout, stderr = await run_cli(tmp_path, env, "keys", "rotate")
        assert code == 0, stderr
        assert stdout.strip() == "re-encrypted 4 of 4 row(s) under the newest of 2 key(s)"
        assert "re-encrypting" in stderr  # the progress bar
        newest = DataCipher([new_key])
        assert all(newest.is_current(value) for value in await _stored(db))

        code, stdout, _ = await run_cli(tmp_path, env, "keys", "rotate")
        assert (code, stdout.strip()) == (
            0,
            "re-encrypted 0 of 4 row(s) under the newest of 2 key(s)",
        )

        async with in_process_bot(
            settings_for(emulator, database_url, data_encryption_key=new_key)
        ):
            await go_live(sophie)
            await _member_sees(emulator, group, PHONE, "Central London")
            await go_live(mia)
            await _member_sees(emulator, group, EMAIL, SOCIAL, LOCATION)

        async with db.read() as session:
            entries = await AuditTrail(session).entries(action=AuditAction.ROTATE_DATA_KEY)
        assert [(entry.user_id, entry.details) for entry in reversed(entries)] == [
            (None, {"rows_checked": 4, "rows_reencrypted": 4, "key_count": 2, "completed": True}),
            (None, {"rows_checked": 4, "rows_reencrypted": 0, "key_count": 2, "completed": True}),
        ]
    finally:
        await db.dispose()


async def test_rotating_with_a_key_that_opens_nothing_is_one_sentence_and_changes_nothing(
    emulator: BotAPIEmulator, group: SimGroup, database_url: URL, tmp_path: Path
) -> None:
    db = _open(database_url)
    try:
        async with in_process_bot(settings_for(emulator, database_url)):
            await complete_profile(await approved_model(emulator, db))
        before = await _stored(db)
        code, stdout, stderr = await run_cli(
            tmp_path, _cli_env(database_url, generate_key()), "keys", "rotate"
        )
        assert code == 2
        # The last line, after the migration check's log lines, is the one sentence.
        assert stderr.strip().splitlines()[-1] == (
            "error: a stored value cannot be decrypted with DATA_ENCRYPTION_KEY: "
            "a key it was encrypted with is missing"
        )
        assert "Traceback" not in stderr + stdout
        assert await _stored(db) == before
    finally:
        await db.dispose()


# --- the command line as an operator meets it -----------------------------------------------


def _cli_env(database_url: URL | None, keys: str | None, **values: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TELEGRAM_", "DATABASE_", "DATA_ENCRYPTION_", "WEBHOOK_"))
    }
    if database_url is not None:
        env["DATABASE_URL"] = database_url.render_as_string(hide_password=False)
    if keys is not None:
        env["DATA_ENCRYPTION_KEY"] = keys
    return env | values


async def test_keys_generate_prints_a_key_and_how_to_use_it(tmp_path: Path) -> None:
    code, stdout, stderr = await run_cli(tmp_path, _cli_env(None, None), "keys", "generate")
    assert code == 0
    Fernet(stdout.strip())
    assert stdout.strip().count("\n") == 0
    assert "DATA_ENCRYPTION_KEY" in stderr
    assert "keys rotate" in stderr


@pytest.mark.postgres
async def test_postgresql_without_a_key_does_not_start_and_says_why(
    postgres: PostgresDatabases, tmp_path: Path
) -> None:
    url = await postgres.create()
    env = _cli_env(url, None, TELEGRAM_BOT_TOKEN=TOKEN)
    code, stdout, stderr = await run_cli(tmp_path, env, "run")
    assert code == 2
    assert stderr.strip().count("\n") == 0, stderr
    assert stderr.startswith("error: DATA_ENCRYPTION_KEY is not set")
    assert "Traceback" not in stderr + stdout
    assert await migrate.current_revision(url) is None  # nothing was migrated


async def test_a_malformed_key_is_one_line_and_never_echoed(tmp_path: Path) -> None:
    url = _sqlite(tmp_path)
    env = _cli_env(url, f"{generate_key()},not-a-key", TELEGRAM_BOT_TOKEN=TOKEN)
    code, stdout, stderr = await run_cli(tmp_path, env, "run")
    assert code == 2
    assert stderr.strip() == (
        "error: DATA_ENCRYPTION_KEY: key 2 is not a Fernet key "
        "(make one with `available-now keys generate`)"
    )
    assert "not-a-key" not in stderr + stdout
    assert not (tmp_path / "bot.db").exists()  # nothing was created


async def test_keys_rotate_wants_the_database_at_the_newest_revision(tmp_path: Path) -> None:
    url = _sqlite(tmp_path)
    await migrate.upgrade(url, "0006")
    code, _, stderr = await run_cli(tmp_path, _cli_env(url, generate_key()), "keys", "rotate")
    assert code == 2
    assert stderr.strip().splitlines()[-1] == (
        "error: the database is not at the newest revision: run `available-now db upgrade` first"
    )
