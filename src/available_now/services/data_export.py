"""Her data, exported: one JSON document of everything the bot stores about her.

Built in memory on demand and handed to the caller as bytes; it is never written anywhere.
Values are read through the repositories, so encrypted columns arrive decrypted.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from available_now.db.database import Database
from available_now.db.repositories.audit import AuditEntry
from available_now.db.unit_of_work import UnitsOfWork
from available_now.domain.clock import SYSTEM_CLOCK, Clock
from available_now.domain.limits import DOCUMENT_LIMIT_BYTES
from available_now.domain.profiles import ProfileView

AUDIT_ENTRIES_READ = 100_000
"""Far more than a person's trail holds; the document's size limit is the real bound."""

OTHER_PEOPLE = frozenset({"by_user_id"})
"""Audit details naming someone else (who took over her old username): left out."""


class DataExportService:
    def __init__(
        self,
        db: Database,
        *,
        clock: Clock = SYSTEM_CLOCK,
        limit_bytes: int = DOCUMENT_LIMIT_BYTES,
    ) -> None:
        self._uow = UnitsOfWork(db, clock)
        self._clock = clock
        self._limit = limit_bytes

    async def export(self, user_id: int) -> bytes | None:
        """The JSON document (UTF-8), or None when the bot does not know her."""
        async with self._uow.read() as uow:
            account = await uow.personal_data.account(user_id)
            if account is None:
                return None
            profile = await uow.profiles.view(user_id)
            profile_id = await uow.profiles.profile_id(user_id)
            listings = await uow.personal_data.listings(user_id)
            conversations = await uow.personal_data.conversations(user_id)
            entries = await uow.personal_data.audit_about(
                user_id, [listing.id for listing in listings], profile_id, AUDIT_ENTRIES_READ
            )
        document: dict[str, Any] = {
            "generated_at": self._clock.now(),
            "account": asdict(account),
            "profile": _profile(profile),
            "services": [asdict(offer) for offer in profile.services] if profile else [],
            "media": [
                {
                    "type": item.media_type,
                    "position": item.position,
                    "file_id": item.file_id,
                    "file_unique_id": item.file_unique_id,
                }
                for item in (profile.media if profile else ())
            ],
            "listings": [asdict(listing) for listing in listings],
            "conversations": [asdict(conversation) for conversation in conversations],
            "audit_entries": [_entry(entry, user_id) for entry in entries],
            "audit_entries_left_out": 0,
        }
        return self._fitted(document)

    def _fitted(self, document: dict[str, Any]) -> bytes:
        """The encoded document, its oldest audit entries left out (and counted) if it would
        not fit in a Telegram document."""
        while True:
            encoded = json.dumps(document, ensure_ascii=False, indent=2, default=_plain).encode()
            entries: list[Any] = document["audit_entries"]
            if len(encoded) <= self._limit or not entries:
                return encoded
            dropped = max(1, len(entries) // 4)
            document["audit_entries"] = entries[dropped:]
            document["audit_entries_left_out"] += dropped


def _profile(profile: ProfileView | None) -> dict[str, Any] | None:
    if profile is None:
        return None
    fields = asdict(profile)
    del fields["services"], fields["media"]
    return fields


def _entry(entry: AuditEntry, user_id: int) -> dict[str, Any]:
    return {
        "action": entry.action,
        "at": entry.created_at,
        "by_you": entry.user_id == user_id,
        "details": {k: v for k, v in entry.details.items() if k not in OTHER_PEOPLE},
    }


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not part of an export")
