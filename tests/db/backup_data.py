"""A database with realistic rows in every table, and a row-for-row picture of one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert, inspect, select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from available_now.db import migrate
from available_now.db.backup import backed_up_tables
from available_now.db.base import Base
from available_now.db.engine import create_engine
from tests.data_key import TEST_CIPHER

TABLES = Base.metadata.tables

PHONE = "+447700900123"
LOCATION = "Shoreditch, London E2"
GROUP_ID = -1001234567890
MODEL_ID = 5_000_000_001
AUDIT_ROWS = 1200
"""More than one fetch's worth (`STREAM_ROWS`), so tables stream in several batches."""

T0 = datetime(2025, 3, 30, 0, 59, 59, 123456, tzinfo=UTC)


async def populate(url: URL) -> None:
    """Migrate ``url`` and give every table rows that exercise every column type."""
    await migrate.upgrade(url)
    engine = create_engine(url, pool_size=1, cipher=TEST_CIPHER)
    try:
        async with engine.begin() as connection:
            await _insert(
                connection,
                TABLES["users"],
                [
                    {
                        "id": MODEL_ID,
                        "username": "zoe_available",
                        "first_name": "Zoë 💋",
                        "last_name": None,
                        "is_approved_admin": True,
                        "access_requested_at": T0,
                        "language_code": "es-ES",
                        "language": "es",
                        "last_seen_at": T0 + timedelta(days=1),
                        "created_at": T0,
                        "updated_at": T0 + timedelta(minutes=5),
                    },
                    {
                        "id": 8_000_000_000,
                        "username": None,
                        "first_name": "Member",
                        "is_approved_admin": False,
                        "access_rejected_at": T0 - timedelta(days=3),
                        "created_at": T0,
                        "updated_at": T0,
                    },
                ],
            )
            await _insert(
                connection,
                TABLES["profiles"],
                [
                    {
                        "id": 7,
                        "user_id": MODEL_ID,
                        "name": "Zoë",
                        "about": "Quiet, kind & <b>punctual</b>.\nSecond line.",
                        "contact_method": "phone",
                        "phone": PHONE,
                        "email": "zoe@example.org",
                        "telegram_username": "zoe_available",
                        "social_links": "https://example.org/zoe",
                        "rates": "200/h",
                        "disclaimer": None,
                        "completed_at": T0,
                        "link_token": "A" * 43,
                        "created_at": T0,
                        "updated_at": T0,
                    }
                ],
            )
            await _insert(
                connection,
                TABLES["offer_types"],
                [
                    {
                        "profile_id": 7,
                        "service_type": "in_person",
                        "in_person_type": "Incall/Outcall",
                        "in_person_location": LOCATION,
                        "created_at": T0,
                    },
                    {
                        "profile_id": 7,
                        "service_type": "facetime",
                        "facetime_platforms": "WhatsApp, FaceTime",
                        "facetime_payment": "PayPal",
                        "created_at": T0,
                    },
                ],
            )
            await _insert(
                connection,
                TABLES["media"],
                [
                    {
                        "profile_id": 7,
                        "file_id": f"AgACAgQAAxkBAAI{kind}",
                        "file_unique_id": f"AQAD{kind}",
                        "media_type": kind,
                        "position": 0,
                        "created_at": T0,
                    }
                    for kind in ("image", "video")
                ],
            )
            await _insert(
                connection,
                TABLES["listings"],
                [
                    {
                        "id": 40,
                        "user_id": MODEL_ID,
                        "profile_id": 7,
                        "message_id": 2_147_483_648,
                        "group_id": GROUP_ID,
                        "duration_hours": 4,
                        "posted_at": T0,
                        "expires_at": T0 + timedelta(hours=4),
                        "deleted_at": T0 + timedelta(hours=4),
                        "ended_reason": "expired",
                        "reminder_sent_at": T0 + timedelta(hours=3, minutes=45),
                        "created_at": T0,
                    },
                    {
                        "id": 41,
                        "user_id": MODEL_ID,
                        "profile_id": 7,
                        "message_id": None,
                        "group_id": GROUP_ID,
                        "duration_hours": 2,
                        "posted_at": T0 + timedelta(days=1),
                        "expires_at": T0 + timedelta(days=1, hours=2),
                        "created_at": T0 + timedelta(days=1),
                    },
                ],
            )
            await _insert(
                connection,
                TABLES["audit_log"],
                [
                    {
                        "user_id": MODEL_ID if number % 3 else None,
                        "action": "listing.published",
                        "details": {"listing_id": 40, "duration_hours": 4, "n": number},
                        "created_at": T0 + timedelta(seconds=number),
                    }
                    for number in range(AUDIT_ROWS)
                ],
            )
            await _insert(
                connection,
                TABLES["conversation_states"],
                [
                    {
                        "key": f"bot:{MODEL_ID}:{MODEL_ID}",
                        "state": "ProfileWizard:phone",
                        "data": {"draft": {"name": "Zoë", "services": ["in_person"]}, "x": None},
                        "updated_at": T0,
                    },
                    {"key": "bot:1:1", "state": None, "data": {}, "updated_at": T0},
                ],
            )
            await _insert(
                connection,
                TABLES["scheduled_deletions"],
                [
                    {
                        "chat_id": GROUP_ID,
                        "message_id": 2_147_483_648,
                        "purpose": "listing",
                        "listing_id": 40,
                        "delete_after": T0 + timedelta(hours=4),
                        "deleted_at": T0 + timedelta(hours=4, seconds=2),
                        "attempts": 2,
                        "last_error": "Too Many Requests: retry after 1",
                        "created_at": T0,
                    },
                    {
                        "chat_id": GROUP_ID,
                        "message_id": 99,
                        "purpose": "available_list",
                        "listing_id": None,
                        "delete_after": T0 + timedelta(days=2),
                        "attempts": 0,
                        "created_at": T0,
                    },
                ],
            )
            await _insert(
                connection,
                TABLES["pending_notices"],
                [
                    {
                        "user_id": MODEL_ID,
                        "kind": "listing_ended",
                        "listing_id": 40,
                        "send_after": T0 + timedelta(hours=4),
                        "attempts": 1,
                        "created_at": T0 + timedelta(hours=4),
                    }
                ],
            )
            await _insert(
                connection,
                TABLES["reports"],
                [
                    {
                        "listing_id": 40,
                        "reported_user_id": MODEL_ID,
                        "reporter_id": 1,
                        "reason": "other",
                        "note": "Zoë's photos are from a magazine",
                        "status": "removed",
                        "decided_by": 1,
                        "decided_at": T0 + timedelta(hours=1),
                        "created_at": T0,
                    }
                ],
            )
            await _insert(
                connection,
                TABLES["outbox_posts"],
                [
                    {
                        "chat_id": GROUP_ID,
                        "listing_id": 40,
                        "state": "posted",
                        "due_at": T0,
                        "attempts": 1,
                        "after_message_id": 2_147_483_600,
                        "message_id": 2_147_483_648,
                        "done_at": T0 + timedelta(seconds=1),
                        "created_at": T0,
                    }
                ],
            )
            await _insert(
                connection,
                TABLES["group_boards"],
                [
                    {
                        "chat_id": GROUP_ID,
                        "message_id": 2_147_483_649,
                        "sent_at": T0,
                        "rendered_at": T0,
                        "keep_until": T0 + timedelta(minutes=5),
                    }
                ],
            )
    finally:
        await engine.dispose()


async def _insert(connection: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows that leave some nullable columns out (an executemany needs them all)."""
    given = {name for row in rows for name in row}
    names = [column.name for column in table.columns if column.name in given or column.nullable]
    await connection.execute(
        insert(table), [{name: row.get(name) for name in names} for row in rows]
    )


async def snapshot(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in primary-key order, as the models read them."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    async with engine.connect() as connection:
        for table in backed_up_tables():
            query = select(table).order_by(*table.primary_key.columns)
            tables[table.name] = [tuple(row) for row in await connection.execute(query)]
    return tables


async def snapshot_of(url: URL) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(url, pool_size=1, cipher=TEST_CIPHER)
    try:
        return await snapshot(engine)
    finally:
        await engine.dispose()


async def table_names(url: URL) -> set[str]:
    engine = create_engine(url, pool_size=1, cipher=TEST_CIPHER)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    finally:
        await engine.dispose()
