"""Erasing a person finds her conversation states by the layout of the storage's keys."""

from __future__ import annotations

import pytest
from aiogram.fsm.storage.base import StorageKey

from available_now.bot.storage import KEYS
from available_now.db.repositories.personal_data import key_user_id

HER = 5_000_000_001


@pytest.mark.parametrize(
    "key",
    [
        StorageKey(bot_id=123, chat_id=HER, user_id=HER),
        StorageKey(bot_id=123, chat_id=-1_001_234_567_890, user_id=HER),
        StorageKey(bot_id=123, chat_id=-1_001_234_567_890, user_id=HER, thread_id=77),
        StorageKey(bot_id=123, chat_id=HER, user_id=HER, destiny="scene"),
    ],
)
def test_her_id_is_read_from_every_key_of_hers(key: StorageKey) -> None:
    assert key_user_id(KEYS.build(key)) == HER


def test_someone_elses_key_in_her_chat_is_not_hers() -> None:
    key = StorageKey(bot_id=HER, chat_id=HER, user_id=42)
    assert key_user_id(KEYS.build(key)) == 42
    assert key_user_id("not a key") is None
