"""aiogram imported with its types built on first use behaves as aiogram imported eagerly.

Each check runs in a fresh interpreter, since this one imported aiogram long ago.
"""

from __future__ import annotations

import json
import subprocess
import sys

from available_now.bot.lazy_types import TESTED_AIOGRAM, aiogram_is_tested

SCHEMAS = """
import json, re, sys
lazy = sys.argv[1] == "lazy"
if lazy:
    from available_now.bot import lazy_types
    assert lazy_types.applied, "aiogram was imported eagerly"
from pydantic import BaseModel
from aiogram import methods, types
from aiogram.methods.base import Response, TelegramMethod



def main():  # pydantic looks a few frames up when it builds a type on first use
    built = {}
    deferred = sum(
        not model.__pydantic_complete__
        for model in (getattr(types, name) for name in types.__all__)
        if isinstance(model, type) and issubclass(model, BaseModel)
    )
    # Calls and answers first, as the bot makes them before it has built the types they hold.
    for name in methods.__all__:
        method = getattr(methods, name)
        returning = getattr(method, "__returning__", None)
        if not (isinstance(method, type) and issubclass(method, TelegramMethod)):
            continue
        if method is not TelegramMethod:
            method.__pydantic_validator__.validate_python  # builds it as first use does
            assert method.__pydantic_complete__, name
            fields = sorted((key, repr(f.annotation)) for key, f in method.model_fields.items())
            built[name] = re.sub(" at 0x[0-9a-f]+", "", repr(fields))
        if returning is not None and not isinstance(returning, property):
            response = Response[returning]  # as aiogram asks for it, without `complete`
            response.__pydantic_validator__.validate_python  # builds it as first use does
            assert response.__pydantic_complete__, name
            built[f"Response[{name}]"] = repr(response.model_fields["result"].annotation)
    for name in types.__all__:
        model = getattr(types, name)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        model.__pydantic_validator__.validate_python  # builds it as first use does, or raises
        assert model.__pydantic_complete__, name
        fields = sorted((key, repr(f.annotation)) for key, f in model.model_fields.items())
        built[name] = re.sub(" at 0x[0-9a-f]+", "", repr(fields))
    print(json.dumps({"deferred": deferred, "built": built}))


main()
"""

UPDATES = [
    {
        "update_id": 1,
        "message": {
            "message_id": 7,
            "date": 1_700_000_000,
            "chat": {"id": 5, "type": "private", "first_name": "Sophie"},
            "from": {"id": 5, "is_bot": False, "first_name": "Sophie", "language_code": "en"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    },
    {
        "update_id": 2,
        "message": {
            "message_id": 8,
            "date": 1_700_000_000,
            "media_group_id": "1",
            "chat": {"id": 5, "type": "private"},
            "from": {"id": 5, "is_bot": False, "first_name": "Sophie"},
            "photo": [{"file_id": "a", "file_unique_id": "b", "width": 90, "height": 90}],
        },
    },
    {
        "update_id": 3,
        "callback_query": {
            "id": "9",
            "chat_instance": "1",
            "data": "w:next",
            "from": {"id": 5, "is_bot": False, "first_name": "Sophie"},
            "message": {
                "message_id": 7,
                "date": 1_700_000_000,
                "chat": {"id": 5, "type": "private"},
                "text": "Step 1 of 9",
                "reply_markup": {"inline_keyboard": [[{"text": "Skip", "callback_data": "s"}]]},
            },
        },
    },
    {
        "update_id": 4,
        "my_chat_member": {
            "chat": {"id": -100, "type": "supergroup", "title": "Models"},
            "from": {"id": 6, "is_bot": False, "first_name": "Owner"},
            "date": 1_700_000_000,
            "old_chat_member": {
                "status": "left",
                "user": {"id": 1, "is_bot": True, "first_name": "B"},
            },
            "new_chat_member": {
                "status": "member",
                "user": {"id": 1, "is_bot": True, "first_name": "B"},
            },
        },
    },
]

VALIDATE = """
import json, sys
from available_now.bot import lazy_types
assert lazy_types.applied
from aiogram.types import Update
for raw in json.loads(sys.argv[1]):
    update = Update.model_validate(raw)
    assert update.event_type in {"message", "callback_query", "my_chat_member"}, update
    assert update.model_dump(exclude_unset=True, mode="json")["update_id"] == raw["update_id"]
print("ok")
"""


def _run(script: str, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - this interpreter, running the test's own script
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_installed_aiogram_is_one_the_lazy_import_was_tested_with() -> None:
    assert aiogram_is_tested(), (
        f"aiogram is outside {TESTED_AIOGRAM}: check bot/lazy_types.py against it, then "
        "extend TESTED_AIOGRAM"
    )


def test_every_type_and_response_builds_with_the_same_fields_lazily_as_eagerly() -> None:
    lazy = json.loads(_run(SCHEMAS, "lazy"))
    eager = json.loads(_run(SCHEMAS, "eager"))
    assert lazy["deferred"] > 250, "the lazy import built the types up front"
    assert eager["deferred"] == 0
    assert lazy["built"].keys() == eager["built"].keys()
    different = [name for name in eager["built"] if lazy["built"][name] != eager["built"][name]]
    assert not different, different[:10]


def test_updates_validate_after_the_lazy_import() -> None:
    assert _run(VALIDATE, json.dumps(UPDATES)).strip() == "ok"
