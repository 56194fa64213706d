"""Revision 0006 rewrites audit rows written the old way to the value-free shape."""

from __future__ import annotations

import json
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import BigInteger, String, column, table, text
from sqlalchemy.engine import URL

from available_now.db import migrate
from available_now.db.engine import create_engine
from available_now.db.types import JSONDocument

SCRUB = "0006"

OLD_AUDIT_LOG = table(
    "audit_log",
    column("user_id", BigInteger),
    column("action", String),
    column("details", JSONDocument),
)

OLD_ROWS: list[tuple[int | None, str, dict[str, Any]]] = [
    (1, "register_user", {"username": "sophie_x", "first_name": "Sophie", "last_name": None}),
    (1, "update_user", {"changes": {"username": "sophie_y", "last_name": "Privé"}}),
    (2, "update_user", {"changes": {"username": None}, "reason": "username taken over by 1"}),
    (1, "set_language", {"language": "es", "previous": None}),
    (None, "approve_user", {"target_user_id": 1, "source": "APPROVED_ADMINS"}),
    (1, "create_profile", {"name": "Sophie", "draft": True}),
    (1, "update_profile", {"profile_id": 3, "field": "phone", "value": "+442079460958"}),
    (1, "update_profile", {"profile_id": 3, "field": "about", "value": "Warm & discreet"}),
    (
        1,
        "add_service",
        {
            "profile_id": 3,
            "service": "in_person",
            "details": {"in_person_type": "Incall Only", "in_person_location": "Soho, London"},
        },
    ),
    (
        1,
        "add_media",
        {"profile_id": 3, "media_id": 9, "media_type": "image", "file_unique_id": "AQADsecret"},
    ),
    (
        1,
        "mark_available",
        {"listing_id": 4, "group_id": -100, "hours": 2, "expires_at": "2026-12-01T22:00:00+00:00"},
    ),
    (
        None,
        "end_listing",
        {
            "listing_id": 4,
            "user_id": 1,
            "reason": "post_failed",
            "error": "Bad Request: chat not found for Sophie",
        },
    ),
    (
        None,
        "message_delete_failed",
        {
            "listing_id": 4,
            "chat_id": -100,
            "message_id": 77,
            "purpose": "listing",
            "error": "Bad Request: message can't be deleted",
            "handled_by": "edited to ended",
        },
    ),
    (
        None,
        "delete_listing",
        {"listing_id": 4, "chat_id": -100, "message_id": 77, "note": "already deleted"},
    ),
    (1, "update_profile", {"profile_id": 3, "field": "rates"}),
]

SCRUBBED = [
    {"fields": ["username", "first_name"]},
    {"fields": ["username", "last_name"]},
    {"reason": "username_taken_over", "by_user_id": 1, "fields": ["username"]},
    {"field": "language"},
    {"target_user_id": 1, "source": "APPROVED_ADMINS"},
    {"draft": True},
    {"profile_id": 3, "field": "phone"},
    {"profile_id": 3, "field": "about"},
    {"profile_id": 3, "service": "in_person", "fields": ["in_person_type", "in_person_location"]},
    {"profile_id": 3, "media_id": 9, "media_type": "image"},
    {"listing_id": 4, "group_id": -100, "hours": 2, "expires_at": "2026-12-01T22:00:00+00:00"},
    {"listing_id": 4, "user_id": 1, "reason": "post_failed"},
    {
        "listing_id": 4,
        "chat_id": -100,
        "message_id": 77,
        "purpose": "listing",
        "handled_by": "edited to ended",
    },
    {"listing_id": 4, "chat_id": -100, "message_id": 77, "already_deleted": True},
    {"profile_id": 3, "field": "rates"},
]


def _before_scrub() -> str:
    revision = ScriptDirectory.from_config(migrate.alembic_config()).get_revision(SCRUB)
    assert revision is not None
    assert isinstance(revision.down_revision, str)
    return revision.down_revision


async def _insert_old_rows(url: URL) -> None:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.begin() as connection:
            for user_id, action, details in OLD_ROWS:
                await connection.execute(
                    OLD_AUDIT_LOG.insert().values(user_id=user_id, action=action, details=details)
                )
    finally:
        await engine.dispose()


async def _stored(url: URL) -> list[tuple[int | None, str, str]]:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT user_id, action, CAST(details AS TEXT) FROM audit_log ORDER BY id")
            )
            return [(row[0], row[1], row[2]) for row in rows]
    finally:
        await engine.dispose()


async def test_the_scrub_rewrites_old_rows_and_keeps_who_did_what(
    empty_database_url: URL,
) -> None:
    await migrate.upgrade(empty_database_url, _before_scrub())
    await _insert_old_rows(empty_database_url)
    await migrate.upgrade(empty_database_url, SCRUB)
    stored = await _stored(empty_database_url)
    assert [(user_id, action) for user_id, action, _ in stored] == [
        (user_id, action) for user_id, action, _ in OLD_ROWS
    ]
    assert [json.loads(details) for _, _, details in stored] == SCRUBBED
    everything = " ".join(details for _, _, details in stored)
    for value in ("sophie", "Privé", "Priv\\u00e9", "2079", "Warm", "Soho", "AQAD", "Bad Request"):
        assert value.lower() not in everything.lower()

    # Down and up again: nothing comes back, and a second scrub changes nothing.
    await migrate.downgrade(empty_database_url, _before_scrub())
    await migrate.upgrade(empty_database_url, SCRUB)
    assert [json.loads(details) for _, _, details in await _stored(empty_database_url)] == SCRUBBED
